"""The plan files named, found and opened, each by its kind.

``discover`` lists the files to read (every file named, and the plan files inside each
folder named); ``open_source`` reads one whole, within the budgets of ``sources``, and
hands it to the reader of its kind: committee papers (.docx, text .pdf) to ``papers``,
workbooks and csv files to ``sources``.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from reportlib.core.files import refuse_link_out
from reportlib.errors import InputError, Location
from reportlib.ingest import papers
from reportlib.ingest.sources import MAX_ROWS, Source, read_spreadsheet, shown_name
from reportlib.model.vocab import PLAN_SUFFIXES


def open_source(path, *, max_rows: int = MAX_ROWS) -> Source:
    """Read one plan file whole: the sheets of a workbook or csv file, or the tables of a committee paper."""
    path = Path(path)
    where = Location(file=path.name)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot open the file: {exc.strerror or exc}", where) from None
    digest = hashlib.sha256(data).hexdigest()
    if not data:
        raise InputError("the file is empty (0 bytes); expected an xlsx workbook or a csv file", where)
    source = Source(path, shown_name(path.name), digest, {}, max_rows=max_rows, size=len(data))
    if papers.is_paper(path, data):  # committee papers (.docx, .pdf): their tables read as sheets
        return papers.open_paper(path, data, source)
    return read_spreadsheet(path, data, source)


def discover(paths_or_dir) -> list[Path]:
    """The files to read: every file named, and the xlsx/csv/docx/pdf files inside each folder named.

    A file in a folder named that is a symbolic link leading out of that folder is refused
    (``InputError`` naming it, see ``core.files.refuse_link_out``); a link to another file in
    the same folder is read."""
    if isinstance(paths_or_dir, (str, Path)):
        paths_or_dir = [paths_or_dir]
    files: list[Path] = []
    for item in paths_or_dir:
        item = Path(item)
        if item.is_dir():
            found = sorted(p for p in item.iterdir()
                           if p.suffix.lower() in PLAN_SUFFIXES and not p.name.startswith(("~$", ".")))
            for path in found:
                refuse_link_out(path, item)
            files += found
        else:
            files.append(item)
    return files
