"""An action is never numbered in silence: one with no item number gets an id by its position,
and a finding says so (the id would change if rows were added above it)."""
from __future__ import annotations

from workbooks import write_xlsx

import reportlib

LAYOUT = """
name: numbered
council: Testshire District Council
council_code: TDC
assessment: "2024"
reference_date: 2024-09-01
columns: {ref: Rec No, recommendation: Recommendation, action: Response}
required: [recommendation, action]
snapshots: []
"""


def test_an_action_without_an_item_number_is_a_finding_naming_its_cell(tmp_path):
    folder = tmp_path / "plans"
    folder.mkdir()
    (folder / "numbered.layout.yaml").write_text(LAYOUT)
    write_xlsx(folder / "plan.xlsx", {"Plan": [["Rec No", "Recommendation", "Response"],
                                              ["R-1", "First.", "Agreed."], [None, "Second.", "Agreed."],
                                              ["R-3", "Third.", "Agreed."]]})
    plans = reportlib.inspect_plans(folder)
    assert list(plans.actions["action_id"]) == ["TDC-2024-R-1", "TDC-2024-002", "TDC-2024-R-3"]
    [found] = [f for f in plans.warnings if f.code == "no_item_number"]
    assert found.location.row == 3 and str(found.location.column).startswith("A")
    assert "TDC-2024-002" in found.message and "position" in found.message
