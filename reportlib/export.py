"""Write the canonical tables for people who open them in Excel.

Text that a spreadsheet program would run as a formula (it starts with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return) is written with a leading apostrophe in CSV,
and as a plain string cell (never a formula) in xlsx. Text that already starts with an
apostrophe gets one more, so stripping one leading apostrophe always gives the original
text back. Files are written to a temporary name and moved into place,
so a failed export never leaves a half-written table behind.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """ "=HYPERLINK(...)" -> "'=HYPERLINK(...)", "'=1" -> "''=1"; anything else unchanged."""
    if isinstance(value, str) and value.startswith(_TRIGGERS + ("'",)):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise)
    return out


def _atomic(path: Path, write) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(handle)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_xlsx(plans, path) -> Path:
    """``plans.xlsx``: sheets actions, updates and findings; text cells are strings, never formulas."""
    path = Path(path)
    sheets = {"actions": plans.actions, "updates": plans.updates, "findings": plans.findings_frame()}

    def write(tmp: Path):
        options = {"strings_to_formulas": False, "strings_to_urls": False, "remove_timezone": True}
        with pd.ExcelWriter(tmp, engine="xlsxwriter", engine_kwargs={"options": options},
                            date_format="dd mmm yyyy", datetime_format="dd mmm yyyy") as writer:
            for name, frame in sheets.items():
                frame.to_excel(writer, sheet_name=name, index=False)
                sheet = writer.sheets[name]
                sheet.freeze_panes(1, 0)
                sheet.autofilter(0, 0, max(len(frame), 1), max(len(frame.columns) - 1, 0))
                sheet.set_column(0, max(len(frame.columns) - 1, 0), 18)

    _atomic(path, write)
    return path


def write_csv(frame: pd.DataFrame, path) -> Path:
    path = Path(path)
    _atomic(path, lambda tmp: safe_frame(frame).to_csv(tmp, index=False, encoding="utf-8-sig",
                                                       date_format="%Y-%m-%d"))
    return path


def write_tables(plans, out_dir) -> list[Path]:
    """``actions.csv``, ``updates.csv`` and ``plans.xlsx`` in ``out_dir``."""
    out_dir = Path(out_dir)
    return [write_csv(plans.actions, out_dir / "actions.csv"),
            write_csv(plans.updates, out_dir / "updates.csv"),
            write_xlsx(plans, out_dir / "plans.xlsx")]
