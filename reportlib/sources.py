"""Open a source file (xlsx or csv) and give back its sheets as rows of plain values.

Files are recognised by their content, not their name: an xlsx is a zip, an encrypted
workbook or an old .xls is an OLE compound file, and anything else named .csv must be
text. Cells come back as str, int, float, bool or date/datetime; text is stripped of
control characters. The source file is only ever opened for reading.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from python_calamine import CalamineWorkbook

from .errors import InputError, Location

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_MARK = "EncryptionInfo".encode("utf-16-le")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
READABLE = (".xlsx", ".xlsm", ".csv")
CELL_LIMIT = 32_767  # Excel's own limit on the characters of one cell


@dataclass
class Source:
    path: Path
    name: str
    sha256: str
    sheets: dict[str, list[list]]
    size: int = 0  # bytes read (and hashed, and parsed: the file is read once)
    long_cells: list[tuple[str, int, int, int]] = field(default_factory=list)  # sheet, row, col, length


def clean_text(value: str) -> str:
    """Text as a reader should see it: no control characters, no trailing blanks per line."""
    if value.isprintable() and value == value.strip():
        return value  # the common case, 20x faster than the full clean below
    value = _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " "))
    return "\n".join(line.rstrip() for line in value.split("\n")).strip()


def _clean(value):
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    if isinstance(value, (dt.time, dt.timedelta)):
        return str(value)
    return value


def _describe(head: bytes) -> str:
    if head.startswith(b"%PDF"):
        return "a PDF document"
    if head.lstrip().lower().startswith((b"<!doctype html", b"<html")):
        return "an HTML page"
    if b"\x00" in head:
        return "a binary file of an unknown kind"
    return "a text file"


def _read_xlsx(data: bytes, where: Location) -> dict[str, list[list]]:
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = {}
        for name in book.sheet_names:
            rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            sheets[name] = [[_clean(v) for v in row] for row in rows]
        return sheets
    except Exception as exc:  # calamine raises several kinds for a damaged zip or xml
        raise InputError(
            f"this workbook cannot be read: it looks damaged or truncated ({type(exc).__name__}: {exc}). "
            "Open it in Excel and save it again as .xlsx, or take it again from its source.",
            where,
        ) from None


def _read_csv(data: bytes, where: Location) -> list[list]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    rows = list(csv.reader(io.StringIO(text)))
    return [[_clean(v) for v in row] for row in rows]


def open_source(path) -> Source:
    """Read every sheet of an xlsx workbook (or the one table of a csv file)."""
    path = Path(path)
    where = Location(file=path.name)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot open the file: {exc.strerror or exc}", where) from None
    digest = hashlib.sha256(data).hexdigest()
    if not data:
        raise InputError("the file is empty (0 bytes); expected an xlsx workbook or a csv file", where)
    if data.startswith(_ZIP):
        return _limited(Source(path, path.name, digest, _read_xlsx(data, where), len(data)))
    if data.startswith(_OLE):
        if _ENCRYPTED_MARK in data:
            raise InputError(
                "this workbook is password-protected, so it cannot be read. "
                "Remove the password in Excel (File > Info > Protect Workbook) and save a copy as .xlsx.",
                where,
            )
        raise InputError("this is an old-style Excel 97-2003 (.xls) workbook; save it as .xlsx and try again", where)
    if path.suffix.lower() == ".csv" and b"\x00" not in data[:4096]:
        return _limited(Source(path, path.name, digest, {path.stem: _read_csv(data, where)}, len(data)))
    raise InputError(
        f"this is not an xlsx workbook or a csv file: it is {_describe(data[:512])}"
        f"{' despite its name' if path.suffix.lower() in READABLE else ''}. "
        "Expected an Excel workbook saved as .xlsx, or a .csv file.",
        where,
    )


def _limited(source: Source) -> Source:
    """Cut cells longer than Excel allows, noting each one (the file itself is untouched)."""
    for name, rows in source.sheets.items():
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, str) and len(value) >= CELL_LIMIT:
                    source.long_cells.append((name, r + 1, c, len(value)))
                    if len(value) > CELL_LIMIT:
                        row[c] = value[:CELL_LIMIT] + f" [… {len(value) - CELL_LIMIT:,} more characters not shown]"
    return source


def discover(paths_or_dir) -> list[Path]:
    """The files to read: every file named, and the xlsx/csv files inside each folder named."""
    if isinstance(paths_or_dir, (str, Path)):
        paths_or_dir = [paths_or_dir]
    files: list[Path] = []
    for item in paths_or_dir:
        item = Path(item)
        if item.is_dir():
            files += sorted(p for p in item.iterdir()
                            if p.suffix.lower() in READABLE and not p.name.startswith(("~$", ".")))
        else:
            files.append(item)
    return files


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
