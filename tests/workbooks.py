"""Build small action-plan workbooks in code for the tests (openpyxl writes, calamine reads)."""
from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

TRACKER_LAYOUT = """
name: test-tracker
council: Testshire District Council
council_code: TDC
assessment: "2010"
reference_date: 2010-01-01
columns:
  ref: Ref
  kloe: KLOE
  recommendation: Recommendation
  action: Agreed action
  owner: Responsible Officer
  priority: Priority
  target: Target date
  revised_target: Revised target date
required: [ref, recommendation, action]
snapshots:
  - {snapshot: March 2010, date: 2010-03-31, column: March 2010 update}
  - {snapshot: July 2010, date: 2010-07-31, column: July 2010 update, status: Status}
sections:
  theme: '^\\s*theme\\s*[1-3]\\b'
  kloe: '\\bkloe\\b'
continuation:
  blank: [ref]
owner_suffix: [action]
skip_sheets: ["Notes"]
"""
TRACKER_HEADER = ["Ref", "KLOE", "Recommendation", "Agreed action", "Responsible Officer", "Priority",
                  "Target date", "Revised target date", "March 2010 update", "July 2010 update", "Status"]


class Formula(str):
    """A cell value to be written as a formula; any other text starting with "=" is written as text."""


def write_xlsx(path: Path, sheets: dict[str, list[list]], merges: dict[str, list[str]] | None = None) -> Path:
    """Write ``sheets`` (name -> rows, None for an empty cell) as an xlsx workbook."""
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    cell = sheet.cell(row=r, column=c, value=value)
                    if isinstance(value, str) and value.startswith("=") and not isinstance(value, Formula):
                        cell.data_type = "s"
        for cell_range in (merges or {}).get(name, []):
            sheet.merge_cells(cell_range)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def tracker_folder(tmp_path: Path, rows: list[list], *, title_rows: int = 3, extra_sheets=None, merges=None) -> Path:
    """A folder holding the test layout and one tracker workbook whose header is on row title_rows+1."""
    folder = tmp_path / "plans"
    folder.mkdir(exist_ok=True)
    (folder / "tracker.layout.yaml").write_text(TRACKER_LAYOUT)
    title = [["Testshire District Council – audit recommendations tracker"]] + [[None]] * (title_rows - 1)
    sheets = {"Tracker": title + [TRACKER_HEADER] + rows}
    sheets.update(extra_sheets or {})
    write_xlsx(folder / "tracker.xlsx", sheets, merges)
    return folder


def item(ref, recommendation="Improve the thing.", action="Do the thing - HoF", **cells):
    """One tracker row; keyword names are the header texts with spaces as underscores."""
    row = dict.fromkeys(TRACKER_HEADER)
    row.update({"Ref": ref, "Recommendation": recommendation, "Agreed action": action})
    row.update({k.replace("_", " "): v for k, v in cells.items()})
    return [row[h] for h in TRACKER_HEADER]


AUDIT_HEADER = ["Rec No", "Audit", "Recommendation", "Priority", "Management Response", "Responsible Officer",
                "Original Target Date", "Revised Target Date", "Status at 30/09/24", "Progress at 30/09/24"]
PRIORITY_KEY = "Priority key: High – fundamental weakness; Medium – significant weakness; Low – good practice"


def audit_tracker(path: Path) -> Path:
    """A modern internal-audit recommendations tracker, as a new council keeps one: a title row,
    audit-report headings merged across the sheet, a priority key below the plan and a Summary sheet."""
    import datetime as dt

    def rec(no, audit, priority, owner, target, revised, status, progress):
        return [no, audit, f"Recommendation {no} of the {audit} audit.", priority, f"Agreed: response {no}.",
                owner, target, revised, status, progress]

    rows = [
        ["Testshire District Council – Internal Audit recommendations tracker"],
        [None],
        AUDIT_HEADER,
        ["Audit: Payroll 2023/24 (Reasonable assurance)"],
        rec(1, "Payroll", "High", "Head of HR", dt.datetime(2024, 3, 31), dt.datetime(2024, 12, 31),
            "Partially implemented", "Leavers checklist in use; starters next."),
        rec(2, "Payroll", "Medium", "Payroll Manager", "31/03/24", None, "Implemented", "Done in June."),
        ["Audit: Procurement cards 2023/24 (Limited assurance)"],
        rec(3, "Procurement cards", "Low", "Finance Manager", "Q3 2024/25", None, "Not yet due", None),
        rec(4, "Procurement cards", "High", "Head of Finance", "30/06/24", "31/12/24", "Overdue",
            "Delayed by the finance system upgrade."),
        rec(5, "Procurement cards", "Medium", "Head of Finance", "30/09/24", None, "Complete (verified)",
            "Card limits reviewed and lowered."),
        ["Audit: Car parking income 2024/25 (Substantial assurance)"],
        rec(6, "Car parking income", "Low", "Car Parks Manager", "March 2025", None, "Not started", None),
        rec(7, "Car parking income", "Medium", "Car Parks Manager", "31/12/24", None, "Superseded",
            "Replaced by the new cashless contract."),
        [None],
        [PRIORITY_KEY],
    ]
    summary = [["Summary of open recommendations"], [None],
               ["Audit", "High", "Medium", "Low", "Total"],
               ["Payroll", 1, 1, 0, 2], ["Procurement cards", 1, 1, 1, 3], ["Car parking income", 0, 1, 1, 2]]
    merges = {"Tracker": ["A4:J4", "A7:J7", "A11:J11", "A15:J15"]}
    return write_xlsx(path, {"Tracker": rows, "Summary": summary}, merges)
