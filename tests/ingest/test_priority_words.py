"""A layout's ``priority_words``: a council's own priority grades (P1/P2/P3, "Priority 1",
Essential / Important / Merits attention) read as High, Medium or Low."""
from __future__ import annotations

import pytest
from workbooks import write_xlsx

import reportlib
from reportlib.errors import LayoutError
from reportlib.ingest.layouts import read_layout

LAYOUT = """
name: eastvale-tracker
council: Eastvale Borough Council
council_code: EBC
assessment: "2024/25"
reference_date: 2024-04-01
columns:
  ref: Ref
  recommendation: Recommendation
  priority: Priority
  action: Agreed action
  owner: Responsible officer
  target: Target date
required: [ref, recommendation, action]
snapshots:
  - {snapshot: September 2024, date: 2024-09-30, column: Progress}
"""
MAPPING = """
priority_words:
  P1: High
  p2: Medium
  P3: Low
"""
HEADER = ["Ref", "Recommendation", "Priority", "Agreed action", "Responsible officer", "Target date", "Progress"]


def _folder(tmp_path, layout, priorities=("P1", "P2", "P3.", " p1")):
    folder = tmp_path / "plan"
    rows = [[str(n), f"Recommendation {n}.", p, f"Action {n}.", "Head of Finance", "31/03/25", "Under way."]
            for n, p in enumerate(priorities, start=1)]
    write_xlsx(folder / "tracker.xlsx", {"Tracker": [HEADER, *rows]})
    (folder / "ebc.layout.yaml").write_text(layout, encoding="utf-8")
    return folder


def test_priority_words_map_a_councils_grades_to_high_medium_low(tmp_path):
    plans = reportlib.load_plans(_folder(tmp_path, LAYOUT + MAPPING))
    # matched as status words are: case, spaces and punctuation at the ends ignored ("P3." is P3)
    assert list(plans.actions["priority"]) == ["High", "Medium", "Low", "High"]
    assert not [f for f in plans.findings if f.code == "unknown_priority"]


def test_priority_words_leave_the_built_in_words_alone(tmp_path):
    plans = reportlib.load_plans(_folder(tmp_path, LAYOUT + MAPPING, ("P1", "h", "Low", "medium")))
    assert list(plans.actions["priority"]) == ["High", "High", "Low", "Medium"]
    assert not [f for f in plans.findings if f.code == "unknown_priority"]


def test_a_grade_the_mapping_lacks_still_warns_and_is_kept_as_written(tmp_path):
    plans = reportlib.load_plans(_folder(tmp_path, LAYOUT + MAPPING, ("P1", "P4")))
    assert list(plans.actions["priority"]) == ["High", "P4"]
    warned = [f for f in plans.findings if f.code == "unknown_priority"]
    assert len(warned) == 1 and "'P4'" in warned[0].message and warned[0].location.row == 3


def test_without_a_mapping_other_grades_warn_as_before(tmp_path):
    plans = reportlib.load_plans(_folder(tmp_path, LAYOUT))
    assert list(plans.actions["priority"]) == ["P1", "P2", "P3.", "p1"]
    warned = [f for f in plans.findings if f.code == "unknown_priority"]
    assert [f.location.row for f in warned] == [2, 3, 4, 5]
    assert all(f.severity == "warning" and f.location.column.startswith("C") for f in warned)


@pytest.mark.parametrize("mapping, words", [
    ("priority_words:\n  P1: Urgent\n", ["priority_words.P1", "'Urgent'", "High, Medium, Low"]),
    ("priority_words:\n  P1: high\n", ["priority_words.P1", "'high'", "High, Medium, Low"]),
    ("priority_words:\n  P1: {priority: High}\n", ["priority_words.P1", "High, Medium, Low"]),
    ("priority_words: [P1, P2]\n", ["'priority_words'", "P1: High"]),
    ("priority_words:\n  P1: High\n  p1: Low\n", ["priority_words.p1", "'P1'", "another"]),
    ("priority_words:\n  '--': High\n", ["priority_words.--", "letters or digits"]),
])
def test_a_bad_priority_mapping_is_a_layout_error_naming_file_key_and_value(tmp_path, mapping, words):
    folder = _folder(tmp_path, LAYOUT + mapping)
    with pytest.raises(LayoutError) as caught:
        read_layout(folder / "ebc.layout.yaml")
    assert caught.value.location.file == "ebc.layout.yaml"
    for word in words:
        assert word in str(caught.value), str(caught.value)
