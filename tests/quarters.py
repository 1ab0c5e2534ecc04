"""Three quarters of one plan, built in code: the Testborough tracker the versions tests and
the hostile-safety tests share (a title, a header with dated progress columns, a notes sheet)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from workbooks import write_xlsx

LAYOUT = r"""
name: tbc-quarterly
council: Testborough Council
council_code: TBC
assessment: "2010"
reference_date: 2010-04-01
columns:
  ref: "Ref"
  recommendation: Recommendation
  action: Agreed action
  owner: Lead officer
  target: Original target date
  revised_target: Revised target date
required: [ref, recommendation, action]
snapshots:
  - {column_pattern: 'Progress at (?P<date>.+)', status: Status}
status_words:
  Behind schedule: {status: in_progress, flag: behind}
  Superseded: no_action
  Done: complete
  On track: in_progress
sections:
  theme: '^\s*theme\s*[1-3]\b'
skip_sheets: [Notes]
"""
TITLE = [["Testborough Council"], ["Use of Resources action plan: position at the quarter end"], [None]]
BASE = ["Ref ", "Recommendation", "Agreed action", "Lead officer", "Original target date", "Revised target date"]
NOTES = {"Notes": [["Notes"], ["Status words are agreed with internal audit."]]}


def quarter_row(ref, *, action=None, owner="Head of Finance", target=None, revised=None, progress=(), status=None):
    return [ref, f"Recommendation {ref}.", action or f"Agreed action {ref}.", owner, target, revised,
            *progress, status]


def write_quarter(folder: Path, name: str, progress_headers: list, rows: list) -> Path:
    header = BASE + progress_headers + ["Status"]
    sheet = TITLE + [header, ["Theme 1 - Managing finances"]] + rows
    return write_xlsx(folder / name, {"Plan": sheet, **NOTES})


def q1(folder):
    return write_quarter(folder, "q1.xlsx", ["Progress at 30 Jun 2010"], [
        quarter_row(1, target=dt.datetime(2010, 9, 30), progress=["Budget timetable agreed by CMT."], status="On track"),
        quarter_row(2, target="Q2 2010/11", progress=["Procurement strategy drafted."], status="Behind schedule"),
        quarter_row(3, target="March 2011", progress=["Not started yet."], status=None),
        quarter_row(4, target="end of financial year", progress=["Under consideration."], status="On track"),
    ])


def q2(folder, *, june_of_1="Budget timetable agreed by CMT."):
    """A new column each quarter: June is carried, September added; 2 is extended, 4 dropped, 5 added."""
    return write_quarter(folder, "q2.xlsx", ["Progress at 30 Jun 2010", "Progress at 30 Sep 2010"], [
        quarter_row(1, target=dt.datetime(2010, 9, 30), progress=[june_of_1, "Budget timetable published and completed."],
             status="Done"),
        quarter_row(2, target="Q2 2010/11", revised=dt.datetime(2010, 12, 31),
             progress=["Procurement strategy drafted.", "Consultation slipped; strategy to Executive in December."],
             status="Behind schedule"),
        quarter_row(3, target="March 2011", progress=["Not started yet.", "Scoping meeting held with service heads."],
             status="On track"),
        quarter_row(5, target=dt.datetime(2011, 3, 31), progress=[None, "New action: agreed at Audit Committee."],
             status="On track"),
    ])


def q3(folder, *, text_of_3="Draft asset plan with Executive for approval."):
    """One column overwritten: the progress column now reads December."""
    return write_quarter(folder, "q3.xlsx", ["Progress at 31 Dec 2010"], [
        quarter_row(1, target=dt.datetime(2010, 9, 30), progress=["Complete."], status="Done"),
        quarter_row(2, target="Q2 2010/11", revised=dt.datetime(2011, 3, 31), action="Agreed action 2, now jointly with HR.",
             progress=["Consultation closed; report delayed to March."], status="Behind schedule"),
        quarter_row(3, target="March 2011", progress=[text_of_3], status="Wobbly"),
        quarter_row(5, target=dt.datetime(2011, 3, 31), progress=["Superseded by the shared service review."],
             status="Superseded"),
    ])


def plan_folder(tmp_path: Path) -> Path:
    """An empty data folder holding the Testborough layout, for quarters to be written into."""
    folder = tmp_path / "plans"
    folder.mkdir()
    (folder / "tbc.layout.yaml").write_text(LAYOUT)
    return folder
