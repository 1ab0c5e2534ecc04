"""A target date read from an internal column (``target_in_prose`` naming one of the layout's
``internal_columns``): the committee's figures depend on the date, so an external pack publishes
it, as a date; the words it was read from never. The pack's data-quality report says so."""
from __future__ import annotations

import html
import re

import pandas as pd
from openpyxl import load_workbook
from workbooks import write_xlsx

from reportlib.analysis.plans import inspect_plans
from reportlib.analysis.snapshot import cut
from reportlib.present import report
from reportlib.present.packtables import write_pack_tables

AS_OF = "2026-12-31"
LAYOUT = """
name: prose-tracker
council: Leakham Borough Council
council_code: LKB
assessment: "2026"
reference_date: 2026-09-01
columns:
  ref: Rec No
  recommendation: Recommendation
  action: Management Response
  owner: Responsible Officer
  details: Implementation details
required: [ref, recommendation, action]
target_in_prose: details
snapshots:
  - {snapshot: December 2026, date: 2026-12-31, column: Progress}
internal_columns: [owner, details, updates]
"""
HEADER = ["Rec No", "Recommendation", "Management Response", "Responsible Officer", "Implementation details",
          "Progress"]
ROWS = [["1", "Reconcile payroll", "Finance will reconcile", "Ann Quill", "Quillwork reconcile by 31 March 2027",
         "Work started."],
        ["2", "Review starters", "HR will review", "Bob Smythe", "Smythework checks due 30 June 2027", "Done."],
        ["3", "Archive records", "Records team", "Cy Jones", "no date agreed yet", "Not started."]]
PHRASES = ["Quillwork", "31 March 2027", "30 June 2027", "no date agreed yet", "Smythework"]
FINDING = ("target dates of 2 actions were read from the internal column 'details': "
           "the dates are published, the words are not")


def plans(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "lkb.layout.yaml").write_text(LAYOUT)
    write_xlsx(folder / "tracker.xlsx", {"Tracker": [["Leakham Borough Council tracker"], HEADER] + ROWS})
    return inspect_plans(folder)


def published_text(cut_plans, tmp_path) -> str:
    """The data-quality findings and tables.xlsx of a pack built from ``cut_plans``, as plain text."""
    findings = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", report.findings_table(cut_plans).html)).split())
    book = load_workbook(write_pack_tables(cut_plans, tmp_path / "tables.xlsx", as_of=AS_OF), read_only=True)
    cells = " ".join(" ".join(str(v).split()) for sheet in book for row in sheet.iter_rows(values_only=True)
                     for v in row if v is not None)
    book.close()
    return findings + " | " + cells


def test_an_external_pack_publishes_dates_read_from_an_internal_column_and_says_so(tmp_path):
    outside = cut(plans(tmp_path), AS_OF, "external")
    targets = outside.actions.set_index("action_id")["target_date"]
    assert targets["LKB-2026-001"] == pd.Timestamp("2027-03-31")  # the committee's figures need the date
    assert targets["LKB-2026-002"] == pd.Timestamp("2027-06-30")
    said = [f for f in outside.findings if f.code == "dates_from_internal_column"]
    assert [(f.severity, f.message) for f in said] == [("info", FINDING)]
    text = published_text(outside, tmp_path)
    assert FINDING in text
    for phrase in PHRASES:  # the words, and the target phrase as written, never
        assert phrase not in text, phrase


def test_an_internal_pack_shows_the_words_and_has_no_such_finding(tmp_path):
    inside = cut(plans(tmp_path), AS_OF, "internal")
    assert not [f for f in inside.findings if f.code == "dates_from_internal_column"]
    assert "Quillwork" in " ".join(inside.actions["details"].dropna())  # the check above can fail
