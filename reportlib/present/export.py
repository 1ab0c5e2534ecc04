"""Write the canonical tables for people who open them in Excel.

Text that a spreadsheet program would run as a formula (it starts with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return) is written with a leading apostrophe in CSV,
and as a plain string cell (never a formula) in xlsx. The start is judged as a
spreadsheet program might read it: after Unicode NFKC normalisation (so a fullwidth
``＝`` counts as ``=``) and with invisible characters (zero-width spaces, byte-order
marks, bidirectional marks: Unicode's "format" characters) and leading blanks set
aside. Text that already starts with an apostrophe gets one more, so stripping one
leading apostrophe always gives the original text back; nothing else is changed.

Excel holds at most 32,767 characters in a cell. Longer text is never cut silently:
in ``plans.xlsx`` the cell holds the first characters and ends with the marker
``[… N more characters: the full text is in actions.csv]`` (or ``updates.csv``; the
findings sheet has no CSV and says so), and the CSV files always hold the full text.

Files are written to a temporary name and moved into place, so a failed export never
leaves a half-written table behind, and get the modes the umask gives a new file (as
published reports do), whatever mode the file they replace had.
"""
from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from reportlib.core.files import current_umask, write_atomically
from reportlib.core.formula import neutralise

EXCEL_CELL_LIMIT = 32_767


def fit_cell(value, where: str):
    """Text longer than an Excel cell holds, cut with a marker saying how much is left out and
    ``where`` the whole text is ("the full text is in actions.csv")."""
    if not isinstance(value, str) or len(value) <= EXCEL_CELL_LIMIT:
        return value
    keep = EXCEL_CELL_LIMIT
    while True:  # the marker's length depends on the count it shows: settle both
        marker = f" [… {len(value) - keep:,} more characters: {where}]"
        if keep + len(marker) <= EXCEL_CELL_LIMIT:
            return value[:keep] + marker
        keep = EXCEL_CELL_LIMIT - len(marker)


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise)
    return out


def write_xlsx(plans, path) -> Path:
    """``plans.xlsx``: sheets actions, updates and findings; text cells are strings, never formulas."""
    path = Path(path)
    sheets = {"actions": plans.actions, "updates": plans.updates, "findings": plans.findings_frame()}
    csv_names = {"actions": "actions.csv", "updates": "updates.csv", "findings": None}
    sheets = {name: fitted(frame, f"the full text is in {csv_names[name]}" if csv_names[name]
                           else "see reportlib validate for the full text") for name, frame in sheets.items()}

    def write(tmp: Path):
        options = {"strings_to_formulas": False, "strings_to_urls": False, "remove_timezone": True}
        with pd.ExcelWriter(tmp, engine="xlsxwriter", engine_kwargs={"options": options},
                            date_format="dd mmm yyyy", datetime_format="dd mmm yyyy") as writer:
            for name, frame in sheets.items():
                lookalikes = frame.map(_looks_like_rich_text)
                frame.mask(lookalikes, None).to_excel(writer, sheet_name=name, index=False)
                sheet = writer.sheets[name]
                _write_markup_lookalikes(sheet, frame, lookalikes)
                sheet.freeze_panes(1, 0)
                sheet.autofilter(0, 0, max(len(frame), 1), max(len(frame.columns) - 1, 0))
                sheet.set_column(0, max(len(frame.columns) - 1, 0), 18)

    write_atomically(path, write)
    return path


def _looks_like_rich_text(value) -> bool:
    return isinstance(value, str) and len(value) > 1 and value.startswith("<r>") and value.endswith("</r>")


def _write_markup_lookalikes(sheet, frame: pd.DataFrame, lookalikes: pd.DataFrame) -> None:
    """XlsxWriter stores a string wrapped in ``<r>…</r>`` as ready-made rich-text XML, unescaped,
    which leaves a file no reader can open. Such cells are left out of the frame's own writing and
    written here as rich strings of three plain runs, which every reader joins back into the text."""
    for r, c in zip(*lookalikes.to_numpy().nonzero()):
        value = frame.iat[r, c]
        sheet.write_rich_string(int(r) + 1, int(c), value[:1], value[1:2], value[2:])


def fitted(frame: pd.DataFrame, where: str) -> pd.DataFrame:
    """``frame`` with every text over Excel's cell limit cut by ``fit_cell``."""
    text_columns = [c for c in frame.columns if frame[c].dtype == object or pd.api.types.is_string_dtype(frame[c])]
    long = [c for c in text_columns if frame[c].map(lambda v: isinstance(v, str) and len(v) > EXCEL_CELL_LIMIT).any()]
    if not long:
        return frame
    frame = frame.copy()
    for col in long:
        frame[col] = frame[col].map(lambda v: fit_cell(v, where))
    return frame


def write_csv(frame: pd.DataFrame, path) -> Path:
    path = Path(path)
    write_atomically(path, lambda tmp: safe_frame(frame).to_csv(tmp, index=False, encoding="utf-8-sig",
                                                       date_format="%Y-%m-%d"))
    return path


def write_tables(plans, out_dir) -> list[Path]:
    """``actions.csv``, ``updates.csv`` and ``plans.xlsx`` in ``out_dir``."""
    out_dir = Path(out_dir)
    written = [write_csv(plans.actions, out_dir / "actions.csv"),
               write_csv(plans.updates, out_dir / "updates.csv"),
               write_xlsx(plans, out_dir / "plans.xlsx")]
    for path in written:  # not the mode of a file replaced (an earlier export's 0600)
        os.chmod(path, 0o666 & ~current_umask())
    return written
