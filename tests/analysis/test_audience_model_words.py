"""The second reader quotes the words its reading rests on in ``status_source`` ("text model, 98%
sure ('awaiting update', ...)"). Where a layout keeps the update text internal, an external pack
must not carry those words either: it says the model decided, not from which words."""
from __future__ import annotations

import html
import re

from openpyxl import load_workbook
from workbooks import write_xlsx

from reportlib.analysis.plans import inspect_plans
from reportlib.analysis.snapshot import cut
from reportlib.present import report
from reportlib.present.packtables import write_pack_tables

AS_OF = "2026-12-31"
LAYOUT = """
name: quiet-tracker
council: Leakham Borough Council
council_code: LKB
assessment: "2026"
reference_date: 2026-09-01
columns:
  ref: Rec No
  recommendation: Recommendation
  action: Management Response
  target: Target
snapshots:
  - {snapshot: December 2026, date: 2026-12-31, column: Progress}
internal_columns: [updates]
"""
HEADER = ["Rec No", "Recommendation", "Management Response", "Target", "Progress"]
# the rules read the first as in progress ("awaiting"), the model as no update: its words are the text's
ROWS = [["1", "Reconcile payroll", "Finance will reconcile", "31/03/2027", "Awaiting update from Quillworth Housing."],
        ["2", "Review starters", "HR will review", "30/06/2027", "Awaiting update from Quillworth Housing."]]


def _published(tmp_path, audience: str) -> tuple[str, object]:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "lkb.layout.yaml").write_text(LAYOUT)
    write_xlsx(folder / "tracker.xlsx", {"Tracker": [["Leakham Borough Council tracker"], HEADER] + ROWS})
    plans = cut(inspect_plans(folder), AS_OF, audience)
    book = load_workbook(write_pack_tables(plans, tmp_path / "tables.xlsx", as_of=AS_OF), read_only=True)
    cells = " ".join(" ".join(str(v).split()) for sheet in book for row in sheet.iter_rows(values_only=True)
                     for v in row if v is not None)
    book.close()
    review = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", report.review_table(plans).html)).split())
    return cells + " | " + review, plans


def test_an_external_pack_says_the_model_decided_without_quoting_internal_update_text(tmp_path):
    text, plans = _published(tmp_path, "external")
    sources = plans.updates["status_source"].astype(str).tolist()
    assert all(s.startswith("text model, ") for s in sources), sources  # the model decided, and it says so
    for word in ("awaiting update", "update from", "quillworth", "housing"):
        assert word not in text.lower(), word


def test_an_internal_pack_keeps_the_words(tmp_path):
    text, _ = _published(tmp_path, "internal")
    assert "'awaiting update'" in text
