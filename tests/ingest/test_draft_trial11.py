"""`reportlib layout draft` on what stranger trial 11 found: a council whose name has "and" in it
("Harrowby and Fenmouth District Council") was drafted as "Fenmouth District Council", code FDC."""
from __future__ import annotations

import pytest
from workbooks import write_xlsx

from reportlib.core import safeyaml
from reportlib.ingest.draft import draft_layout

HEADER = ["Ref", "Recommendation", "Priority", "Agreed Action", "Responsible Officer", "Target Date", "Progress update"]


@pytest.mark.parametrize("council", ["Harrowby and Fenmouth District Council", "Kingston upon Thames Council",
                                     "Isles of Scilly Council", "Stratford-on-Avon District Council",
                                     "Warwick District Council"])
def test_the_councils_whole_name_is_drafted_with_its_small_words(tmp_path, council):
    rows = [[council], ["Internal Audit Recommendations Tracker - position at 30 September 2026"], [], HEADER,
            ["AP-01", "Duplicate payments check.", "High", "Run the duplicate check monthly.", "Head of Finance",
             "31/03/2027", "Check now run monthly."],
            ["AP-02", "Supplier bank changes.", "Medium", "Call back on every change.", "Finance Manager",
             "31/12/2026", "Procedure drafted."]]
    path = write_xlsx(tmp_path / "tracker.xlsx", {"Tracker": rows})
    draft = draft_layout([path])
    data = safeyaml.load(draft.text.encode(), source="draft.layout.yaml")
    assert data["council"] == council
