"""Strangers' input, round three, at the reading stage: rows that hold no action, targets read
from prose that give no date, and a cell over Excel's limit. Each sheet is built here."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from workbooks import write_xlsx

import reportlib
from reportlib.analysis.plans import inspect_plans
from reportlib.ingest import dates

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
GOOD = [["1", "Reconcile payroll monthly", "Finance will reconcile", "Ann Quill", "reconcile by 31 March 2027",
         "Work started."],
        ["2", "Review starters", "HR will review", "Bob Smythe", "checks due 30 June 2027", "Done."]]


def folder_with(tmp_path: Path, rows: list[list], layout: str = LAYOUT) -> Path:
    folder = tmp_path / "data"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "lkb.layout.yaml").write_text(layout)
    write_xlsx(folder / "tracker.xlsx", {"Tracker": [["Leakham Borough Council tracker"], HEADER] + rows})
    return folder


def found(plans, code):
    return [f for f in plans.findings if f.code == code]


# -- 2. a row holding only an owner, a details cell or a progress cell is not an action ----------------

@pytest.mark.parametrize("stray, column, words", [
    ([None, None, None, "Zed Orphan", None, None], "D", "Zed Orphan"),
    ([None, None, None, None, "only the details cell", None], "E", "only the details cell"),
    ([None, None, None, None, None, "only the progress cell"], "F", "only the progress cell"),
])
def test_a_row_with_no_item_number_recommendation_or_action_is_a_finding_not_an_action(
        tmp_path, stray, column, words):
    plans = inspect_plans(folder_with(tmp_path, GOOD + [stray]))
    assert list(plans.actions["action_id"]) == ["LKB-2026-001", "LKB-2026-002"]  # never counted
    assert len(plans.updates) == 2
    assert not found(plans, "no_item_number")  # no id was made up for it
    notes = found(plans, "not_an_action")
    assert len(notes) == 1
    where = notes[0].location
    assert (where.file, where.sheet, where.row, where.column[:1]) == ("tracker.xlsx", "Tracker", 5, column)
    assert words in notes[0].message  # its cells are quoted, so the analyst can find it
    assert notes[0].unquoted and words not in notes[0].unquoted  # internal cells: told without their text


def test_a_row_with_no_item_number_but_an_action_is_still_an_action(tmp_path):
    plans = inspect_plans(folder_with(tmp_path, GOOD + [[None, None, "Records team will archive", "Cy Jones",
                                                         None, None]]))
    assert len(plans.actions) == 3 and not found(plans, "not_an_action")
    assert len(found(plans, "no_item_number")) == 1


def test_with_a_continuation_rule_such_a_row_joins_the_action_above_as_documented(tmp_path):
    layout = LAYOUT + "continuation:\n  blank: [ref]\n"
    plans = inspect_plans(folder_with(tmp_path, GOOD + [[None, None, None, None, "and again by 31 July 2027",
                                                         None]], layout))
    assert len(plans.actions) == 2 and not found(plans, "not_an_action")
    last = plans.actions.set_index("action_id").loc["LKB-2026-002"]
    assert last["details"].endswith("and again by 31 July 2027")
    assert last["target_date"] == pd.Timestamp("2027-07-31")


# -- 3. a target read from prose warns as a target column does --------------------------------------

def test_end_of_a_month_and_year_in_prose_is_that_months_last_day():
    assert dates.target_in_prose("revised, by end of December 2026").date == dt.date(2026, 12, 31)
    assert dates.parse_target("by end of December 2026").date == dt.date(2026, 12, 31)


@pytest.mark.parametrize("details, column_says, code", [
    ("target Blorgsday", "target Blorgsday", "unreadable_target"),  # the column's word; prose's below
    ("finish by March 2101", "March 2101", "implausible_year"),
    ("finish by 31 July 20101", "31 July 20101", "implausible_year"),
])
def test_a_prose_target_gives_the_warning_a_target_column_gives_located_at_its_cell(
        tmp_path, details, column_says, code):
    prose = inspect_plans(folder_with(tmp_path / "prose", GOOD + [["3", "Archive old records", "Records team",
                                                                    "Cy Jones", details, "x"]]))
    column_layout = LAYOUT.replace("target_in_prose: details", "").replace(
        "details: Implementation details", "target: Implementation details")
    column = inspect_plans(folder_with(tmp_path / "column", GOOD + [["3", "Archive old records", "Records team",
                                                                      "Cy Jones", column_says, "x"]],
                                       column_layout))
    for plans in (prose, column):
        # prose with no date at all is said as such (no target, as an empty cell), not as a mistyped date
        warned = found(plans, "no_date_in_prose" if plans is prose and code == "unreadable_target" else code)
        assert len(warned) == 1, [str(f) for f in plans.findings]
        where = warned[0].location
        assert (where.sheet, where.row, where.column[:1]) == ("Tracker", 5, "E")
        assert pd.isna(plans.actions.set_index("action_id").loc["LKB-2026-003", "target_date"])


def test_prose_that_gains_its_date_on_a_continued_row_is_not_warned_about(tmp_path):
    layout = LAYOUT + "continuation:\n  blank: [ref]\n"
    plans = inspect_plans(folder_with(tmp_path, GOOD + [["3", "Archive", "Records team", "Cy", "to be agreed", "x"],
                                                        [None, None, None, None, "by 30 April 2027", None]], layout))
    assert not found(plans, "unreadable_target")
    assert plans.actions.set_index("action_id").loc["LKB-2026-003", "target_date"] == pd.Timestamp("2027-04-30")


def test_three_digits_after_a_month_in_prose_are_still_no_year():
    # "March 100 staff" is a count, not a mistyped year: the prose's real date is read
    got = dates.target_in_prose("train March 100 staff by 30 June 2027")
    assert got.kind == "date" and got.date == dt.date(2027, 6, 30)


# -- 7. a cell over Excel's limit is not said to hold the limit --------------------------------------

def test_a_cell_over_excels_limit_is_not_reported_as_holding_exactly_the_limit(tmp_path):
    huge = "Huge cell " + "X" * 40_000
    plans = inspect_plans(folder_with(tmp_path, GOOD + [["3", huge, "Records team", "Cy", "by 31 May 2027", "x"]]))
    long = found(plans, "long_cell")
    assert len(long) == 1
    message = long[0].message
    assert "holds 32,767 characters," not in message  # the reader keeps at most that many: the cell had more
    assert "holds 32,767 characters or more" in message


def test_prose_that_says_its_target_is_still_to_be_set_is_never_rated_green(tmp_path):
    # stranger trial 10: notes read for targets said "... timescale TBC"; the open action was rated Green
    plans = inspect_plans(folder_with(tmp_path, GOOD + [["3", "Archive old records", "Records team", "Cy Jones",
                                                         "Records review begun; timescale TBC", "x"]]))
    told = found(plans, "target_not_set")
    assert len(told) == 1 and (told[0].location.row, told[0].location.column[:1]) == (5, "E")
    assert not found(plans, "no_date_in_prose")
    one = reportlib.progress(plans, "2026-12-31").actions.set_index("action_id").loc["LKB-2026-003"]
    assert one["rag"] == "Not rated" and "not yet set" in one["rag_note"]
