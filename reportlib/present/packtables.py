"""``tables.xlsx``: the tables of a pack's reports, for readers who work in Excel.

It is built from the same cut plans as the reports (``reportlib.analysis.snapshot``): no update
after the as-of date, no text of a withheld column, and the figures the reports show
(status at the as-of date and what decided it, effective target, timeliness, days
overdue, RAG). Headers are words, bold and wrapped; columns are sized to their text;
the header row is frozen and filtered. Text is written as text, never as a formula.
A cell longer than Excel allows is cut there with a note saying so (the HTML report
keeps the whole text).
"""
from __future__ import annotations

import datetime as dt
import io
import math
import numbers
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter

from reportlib.analysis.compare import council_kloe_table, council_table
from reportlib.analysis.progress import progress
from reportlib.core.files import write_atomically
from reportlib.core.stamps import document_time
from reportlib.model.plans import group_noun, kloe_grouped
from reportlib.present.export import EXCEL_CELL_LIMIT, fitted
from reportlib.present.report import STATUS_WORDS, TIMELINESS_WORDS, shown

WHOLE_TEXT = "the full text is in the HTML report"

ACTION_SHEET = {
    "action_id": "ID", "council": "Council", "council_code": "Council code", "assessment": "Assessment",
    "theme": "Theme", "kloe": "KLOE", "kloe_name": "KLOE name", "priority": "Priority",
    "recommendation": "Recommendation", "action": "Action", "details": "Implementation details",
    "owner": "Responsible officer", "target_text": "Target as written", "target_date": "Target date",
    "target_recurring": "Recurring target", "revised_target_date": "Revised target date",
    "original_target_date": "Original target", "effective_target_date": "Target judged against",
    "days_extended": "Days extended", "days_overdue_original": "Days late against the original target",
    "status_word": "Status at the as-of date", "stated_status": "Council's word",
    "stated_flag": "Council's word flags", "status_source": "Status decided by", "status_snapshot": "Status from snapshot",
    "status_text": "Latest update", "timeliness_word": "Timeliness", "days_overdue": "Days overdue",
    "rag": "RAG", "linked_action_id": "Linked action", "not_in_plan_since": "Not in the plan since",
    "source_file": "Source file",
    "source_sheet": "Source sheet", "source_rows": "Source rows",
}
UPDATE_SHEET = {
    "action_id": "ID", "snapshot": "Snapshot", "snapshot_date": "Snapshot date", "text": "Update as written",
    "stated_status": "Status as stated", "status_word": "Status", "status_source": "Status decided by",
    "source_file": "Source file", "source_sheet": "Source sheet", "source_row": "Source row",
    "source_column": "Source column",
}
COUNCIL_SHEET = {
    "rank": "Rank by % complete", "council_code": "Council code", "council": "Council", "actions": "Actions",
    "complete": "Complete", "pct_complete": "% complete", "in_progress": "In progress", "no_update": "No update",
    "overdue": "Overdue", "pct_overdue": "% overdue", "median_days_overdue": "Median days overdue",
    "longest_overdue": "Longest overdue (days)", "quarter": "Quarter by % complete",
}
COUNCIL_KLOE_SHEET = {
    "council_code": "Council code", "kloe": "KLOE", "kloe_label": "KLOE name", "actions": "Actions",
    "complete": "Complete", "pct_complete": "% complete", "overdue": "Overdue", "pct_overdue": "% overdue",
}
#: Sheet names for a pack of several councils (the comparison report points readers to them).
COMPARISON_SHEETS = ("Councils compared", "Councils by KLOE")
FINDING_SHEET = {"severity": "Severity", "code": "Code", "message": "Finding", "file": "File", "sheet": "Sheet",
                 "row": "Row", "column": "Column"}


def report_frames(plans, as_of, *, due_soon_days: int = 30) -> dict[str, pd.DataFrame]:
    """The sheets of ``tables.xlsx`` as frames with word headers (plans already cut)."""
    p = progress(plans, as_of, due_soon_days=due_soon_days)
    # actions that left the plan (versions of a plan) are listed after those in it, with the date they left
    listed = pd.concat([p.actions, p.left], ignore_index=True) if len(p.left) else p.actions
    actions = listed.assign(status_word=listed["status"].map(STATUS_WORDS),
                            timeliness_word=listed["timeliness"].map(TIMELINESS_WORDS),
                            _left=listed["action_id"].isin(p.left.get("action_id", ())))
    actions = actions.sort_values(["_left", "council_code", "assessment", "action_id"], kind="stable")
    updates = plans.updates.assign(status_word=plans.updates["status"].map(STATUS_WORDS))
    updates = updates.sort_values(["action_id", "snapshot_date"], kind="stable")
    frames = {}
    no_kloes = actions["kloe"].isna().all()
    if p.actions["council_code"].nunique() > 1:  # several councils: the comparison, one row per council first
        frames[COMPARISON_SHEETS[0]] = _shown(council_table(p.actions), COUNCIL_SHEET, ())
        if not no_kloes:
            by_kloe = council_kloe_table(p.actions).replace({"kloe": {"(none)": None}})
            frames[COMPARISON_SHEETS[1]] = _shown(by_kloe, COUNCIL_KLOE_SHEET, ())
    frames.update({
        "Actions": _shown(actions, _action_sheet(actions, p.group_label, no_kloes), plans.withheld),
        "Updates": _shown(updates, UPDATE_SHEET, plans.withheld),
        "Findings": _shown(plans.findings_frame(), FINDING_SHEET, plans.withheld),
    })
    return frames


def _action_sheet(actions: pd.DataFrame, label: str, no_kloes: bool) -> dict[str, str]:
    """The Actions sheet's columns: a plan grouped its own way (audit reports...) has its group
    column, headed with its label, in place of the KLOE columns it does not have; a Use of
    Resources plan keeps its KLOE columns (its groups are its KLOEs)."""
    if kloe_grouped(actions) or (label == "KLOE" and not no_kloes):
        return ACTION_SHEET
    columns = {}
    for key, heading in ACTION_SHEET.items():
        if no_kloes and key in ("theme", "kloe", "kloe_name"):
            continue
        columns[key] = heading
        if key == "assessment":
            columns["group"] = group_noun(label, capital=True)
    return columns


def _shown(frame: pd.DataFrame, columns: dict[str, str], withheld) -> pd.DataFrame:
    keep = {k: v for k, v in shown(columns, withheld).items() if k in frame}
    return frame[list(keep)].rename(columns=keep).reset_index(drop=True)


def write_pack_tables(plans, path, *, as_of, due_soon_days: int = 30) -> Path:
    """Write ``tables.xlsx`` for a pack to ``path`` (through a temporary file, then moved into place)."""
    path = Path(path)
    frames = report_frames(plans, as_of, due_soon_days=due_soon_days)
    write_atomically(path, lambda tmp: write_frames(frames, tmp, created=document_time(as_of)))
    return path


def write_frames(frames: dict[str, pd.DataFrame], path, *, created) -> Path:
    """Write ``frames`` (sheet name: frame) to the workbook ``path``; ``created`` is its stamp.

    In two steps. XlsxWriter writes the workbook without its data: each sheet's header row,
    styles, column widths, frozen header and filter. Then the cells are streamed into each
    sheet's XML, a block of rows at a time, as the workbook is copied into ``path``: each
    value by its type, text always as inline text (never a formula, a link or markup: XML
    specials and Excel's own ``_xHHHH_`` escapes are escaped), numbers as numbers, dates as
    dates; an empty value leaves the cell empty. Text goes in the shared strings (each text
    once), which every reader decodes alike. Memory does not grow with the rows beyond the
    frames and their distinct texts, and it is several times as fast as XlsxWriter's cell by
    cell (400 councils, 1.4 million cells: see ``benchmarks/bench_packtables.py``).
    """
    path = Path(path)
    frames = {name: fitted(frame, WHOLE_TEXT) if _longest_text(frame) > EXCEL_CELL_LIMIT else frame
              for name, frame in frames.items()}
    skeleton = io.BytesIO()
    styles, kinds = _write_skeleton(frames, skeleton, created)
    with zipfile.ZipFile(skeleton) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        sheets = dict(zip(_sheet_parts(source), frames, strict=True))
        # every sheet has a header row, so XlsxWriter always writes the table
        strings = _SharedStrings(source.read(_SHARED_STRINGS).decode("utf-8") if _SHARED_STRINGS in
                                 source.namelist() else "")
        for info in source.infolist():  # XlsxWriter puts the shared strings after the sheets
            entry = zipfile.ZipInfo(info.filename, info.date_time)  # XlsxWriter's fixed date: the same bytes
            entry.compress_type = zipfile.ZIP_DEFLATED
            if info.filename in sheets:
                with out.open(entry, "w") as sink:
                    name = sheets[info.filename]
                    column_styles = [styles[kind] for kind in kinds[name]]
                    _fill_sheet(source.read(info).decode("utf-8"), frames[name], column_styles, styles["date"],
                                strings, sink)
            elif info.filename == _SHARED_STRINGS:
                with out.open(entry, "w") as sink:
                    strings.write(sink)
            else:
                out.writestr(entry, source.read(info))
    return path


def _write_skeleton(frames: dict[str, pd.DataFrame], target, created) -> tuple[dict[str, int], dict[str, list[str]]]:
    """The workbook without its data (header rows and layout) into ``target``; returns the style
    number of each kind of cell ("wrapped", "plain", "date") as XlsxWriter numbered them, and
    each sheet's kind of cell column by column."""
    options = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
               "remove_timezone": True, "in_memory": True}
    book = xlsxwriter.Workbook(target, options)
    book.set_properties({"created": created})  # not the time of writing: the same inputs, the same bytes
    try:
        header = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DCE6F0",
                                  "border": 1})
        formats = {"wrapped": book.add_format({"text_wrap": True, "valign": "top"}),
                   "plain": book.add_format({"valign": "top"}),
                   "date": book.add_format({"num_format": "dd mmm yyyy", "valign": "top"})}
        kinds: dict[str, list[str]] = {}
        for index, (name, frame) in enumerate(frames.items()):
            sheet, kinds[name] = book.add_worksheet(name), []
            for col, label in enumerate(frame.columns):
                sheet.write_string(0, col, label, header)
                width, wrap = _width(frame[label], label)
                kind = "date" if _is_dates(frame[label]) else "wrapped" if wrap else "plain"
                sheet.set_column(col, col, width, formats[kind])
                kinds[name].append(kind)
            if index == 0:  # gives every style its number (the rows below the header are replaced)
                for col, fmt in enumerate(formats.values()):
                    sheet.write_blank(1, col, None, fmt)
            sheet.set_row(0, 30)
            sheet.freeze_panes(1, 1)
            sheet.autofilter(0, 0, max(len(frame), 1), max(len(frame.columns) - 1, 0))
    finally:
        book.close()
    return {kind: fmt.xf_index for kind, fmt in formats.items()}, kinds


def _sheet_parts(book: zipfile.ZipFile) -> list[str]:
    """The part names of the sheets, in the workbook's order (XlsxWriter names them sheet1.xml, ...)."""
    parts = [n for n in book.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)]
    return sorted(parts, key=lambda n: int(re.search(r"(\d+)\.xml$", n).group(1)))


def _fill_sheet(xml: str, frame: pd.DataFrame, column_styles: list[int], date_style: int, strings, sink,
                block: int = 2000) -> None:
    """``xml`` (a skeleton sheet) with ``frame``'s rows below its header row, written to ``sink``;
    each column's cells in its own style (a date in a column of text in ``date_style``)."""
    if not len(frame.columns):
        sink.write(xml.encode("utf-8"))
        return
    last = f"{xlsxwriter.utility.xl_col_to_name(len(frame.columns) - 1)}{len(frame) + 1}"
    xml = re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="A1:{last}"/>', xml, count=1)
    header_end = xml.index("</row>") + len("</row>")
    sink.write(xml[:header_end].encode("utf-8"))
    letters = [xlsxwriter.utility.xl_col_to_name(col) for col in range(len(frame.columns))]
    for first in range(0, len(frame), block):
        part = frame.iloc[first:first + block]
        rows = [str(n) for n in range(first + 2, first + 2 + len(part))]
        columns = [_cells(part.iloc[:, col], letters[col], rows, column_styles[col], date_style, strings)
                   for col in range(len(frame.columns))]
        text = "".join(f'<row r="{row}">{"".join(cells)}</row>' for row, cells in zip(rows, zip(*columns)))
        sink.write(text.encode("utf-8"))
    sink.write(xml[xml.index("</sheetData>"):].encode("utf-8"))


def _longest_text(frame: pd.DataFrame) -> int:
    """The length of the longest text in ``frame`` (a quick look before ``fitted`` looks at every cell)."""
    longest = 0
    for _, column in frame.items():
        if column.dtype == object or pd.api.types.is_string_dtype(column):
            if column.dtype == object:
                lengths = column.map(lambda v: len(v) if isinstance(v, str) else 0)
            else:
                lengths = column.str.len()
            longest = max(longest, int(lengths.fillna(0).max()) if len(lengths) else 0)
    return longest


def _is_dates(column: pd.Series) -> bool:
    return pd.api.types.is_datetime64_any_dtype(column)


def _cells(column: pd.Series, letter: str, rows: list[str], style: int, date_style: int, strings) -> list[str]:
    """The ``<c>`` element of each value of ``column`` (an empty string where it has none)."""
    if _is_dates(column):
        return [f'<c r="{letter}{row}" s="{style}"><v>{serial:.16G}</v></c>' if serial == serial else ""
                for row, serial in zip(rows, _excel_days(column).tolist())]
    if pd.api.types.is_bool_dtype(column):
        return [_boolean(letter, row, style, value) for row, value in zip(rows, column.tolist())]
    if pd.api.types.is_numeric_dtype(column):
        values = column.astype("float64").tolist()
        return [_number(letter, row, style, value) for row, value in zip(rows, values)]
    text, cells = strings.index, []
    for row, value in zip(rows, column.astype(object).tolist()):
        if type(value) is str:  # the common case first, without a call
            cells.append(f'<c r="{letter}{row}" s="{style}" t="s"><v>{text(value)}</v></c>' if value else "")
        else:
            cells.append(_any(letter, row, style, date_style, text, value))
    return cells


#: Excel counts days from 30 December 1899 (1 January 1900 is day 1; day 60 is a 29 February 1900 that never was)
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")


def _excel_days(column: pd.Series) -> pd.Series:
    if getattr(column.dt, "tz", None) is not None:
        column = column.dt.tz_localize(None)  # the wall-clock time, as XlsxWriter's remove_timezone
    days = (column.astype("datetime64[ns]") - _EXCEL_EPOCH) / pd.Timedelta(days=1)
    return days.where(days >= 61, days - 1)


def _number(letter: str, row: str, style: int, value: float) -> str:
    if value != value or value in (math.inf, -math.inf):
        return ""
    return f'<c r="{letter}{row}" s="{style}"><v>{value:.16G}</v></c>'


def _boolean(letter: str, row: str, style: int, value) -> str:
    if value is None or value is pd.NA:
        return ""
    return f'<c r="{letter}{row}" s="{style}" t="b"><v>{int(bool(value))}</v></c>'


def _any(letter: str, row: str, style: int, date_style: int, text, value) -> str:
    if isinstance(value, str):
        if not value:
            return ""
        return f'<c r="{letter}{row}" s="{style}" t="s"><v>{text(value)}</v></c>'
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, (bool, np.bool_)):
        return _boolean(letter, row, style, value)
    if isinstance(value, numbers.Number):
        return _number(letter, row, style, float(value))
    if isinstance(value, (dt.date, dt.datetime)):
        serial = float(_excel_days(pd.Series([pd.Timestamp(value)])).iloc[0])
        return f'<c r="{letter}{row}" s="{date_style}"><v>{serial:.16G}</v></c>'
    return _any(letter, row, style, date_style, text, str(value))


_SHARED_STRINGS = "xl/sharedStrings.xml"


class _SharedStrings:
    """The workbook's shared strings: the skeleton's own (its headers), then each distinct text of the data."""

    _HEAD = re.compile(r'<sst [^>]*?count="(\d+)" uniqueCount="(\d+)">')

    def __init__(self, skeleton: str):
        self.skeleton = skeleton
        head = self._HEAD.search(skeleton)
        self.offset, self.uses = (int(head.group(2)), int(head.group(1))) if head else (0, 0)
        self.numbers: dict[str, int] = {}

    def index(self, value: str) -> int:
        """The number of ``value`` in the table (added when new)."""
        self.uses += 1
        number = self.numbers.get(value)
        if number is None:
            number = self.numbers[value] = self.offset + len(self.numbers)
        return number

    def write(self, sink) -> None:
        """The skeleton's table with the data's texts after its own, to ``sink``."""
        xml, head = self.skeleton, self._HEAD.search(self.skeleton)
        body_end = xml.rindex("</sst>")
        counts = f'count="{self.uses}" uniqueCount="{self.offset + len(self.numbers)}"'
        sink.write((xml[:head.start()] + re.sub(r'count="\d+" uniqueCount="\d+"', counts, head.group(0))
                    + xml[head.end():body_end]).encode("utf-8"))
        values = list(self.numbers)
        for first in range(0, len(values), 5000):
            sink.write("".join(f"<si>{_text(v)}</si>" for v in values[first:first + 5000]).encode("utf-8"))
        sink.write(xml[body_end:].encode("utf-8"))


#: what text needs before it goes in a cell: XML's specials, characters XML cannot hold (written as
#: Excel's ``_xHHHH_``), text that looks like such an escape, and blanks at either end
_NEEDS_CARE = re.compile(r"[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9A-Fa-f]{4}_|^\s|\s$")
_LOOKS_ESCAPED = re.compile(r"(_x[0-9A-Fa-f]{4}_)")
_NOT_XML = re.compile(r"[\x00-\x08\x0b-\x1f\ufffe\uffff]")


def _text(value: str) -> str:
    """The ``<t>`` element holding ``value`` exactly as Excel will read it back."""
    if not _NEEDS_CARE.search(value):
        return f"<t>{value}</t>"
    value = _LOOKS_ESCAPED.sub(r"_x005F\1", value)  # Excel reads "_x0041_" as "A" unless its "_" is escaped
    value = _NOT_XML.sub(lambda m: f"_x{ord(m.group()):04X}_", value)
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if value[:1].isspace() or value[-1:].isspace():
        return f'<t xml:space="preserve">{value}</t>'
    return f"<t>{value}</t>"


def _width(column: pd.Series, label: str) -> tuple[float, bool]:
    """A column's width in characters (between 8 and 60) and whether its text wraps."""
    lengths = column.dropna().astype(str).str.len()
    longest = int(lengths.quantile(0.9)) if len(lengths) else 0
    width = max(min(max(longest, len(label) // 2 + 2), 60), 8)
    return width + 2, longest > 60
