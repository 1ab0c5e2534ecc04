"""Progress at a date, timeliness, RAG, summaries, changes and comparisons, on frames built in code."""
from __future__ import annotations

import pandas as pd
import pytest

from reportlib.analysis.compare import changes, compare_assessments, compare_councils
from reportlib.analysis.progress import DEFAULT_RAG_RULE, progress
from reportlib.model.plans import ACTION_COLUMNS, UPDATE_COLUMNS, Plans


def make_plans(actions: list[dict], updates: list[tuple]) -> Plans:
    """actions: dicts of the columns that matter; updates: (action_id, snapshot, date, status)."""
    base = dict.fromkeys(ACTION_COLUMNS)
    rows = []
    for a in actions:
        row = {**base, "council": "Test Council", "council_code": "TC", "assessment": "2009", **a}
        rows.append(row)
    frame = pd.DataFrame(rows, columns=ACTION_COLUMNS)
    for col in ("target_date", "revised_target_date"):
        frame[col] = pd.to_datetime(frame[col])
    ups = pd.DataFrame([{"action_id": a, "snapshot": s, "snapshot_date": pd.Timestamp(d), "text": st,
                         "status": st, "status_source": "test"} for a, s, d, st in updates],
                       columns=UPDATE_COLUMNS)
    ups["snapshot_date"] = pd.to_datetime(ups["snapshot_date"])
    return Plans(frame, ups)


def test_snapshots_after_as_of_are_ignored():
    plans = make_plans([{"action_id": "A"}], [("A", "March 2010", "2010-03-31", "in_progress"),
                                              ("A", "July 2010", "2010-07-31", "complete")])
    assert progress(plans, "2010-04-30").actions.iloc[0]["status"] == "in_progress"
    assert progress(plans, "2010-07-31").actions.iloc[0]["status"] == "complete"
    assert progress(plans, "2009-01-01").actions.iloc[0]["status"] == "no_update"


def test_blank_later_update_does_not_undo_an_earlier_status():
    plans = make_plans([{"action_id": "A"}], [("A", "March 2010", "2010-03-31", "complete"),
                                              ("A", "July 2010", "2010-07-31", "no_update")])
    row = progress(plans, "2010-07-31").actions.iloc[0]
    assert row["status"] == "complete" and row["status_snapshot"] == "March 2010"
    assert row["latest_snapshot"] == "July 2010" and not row["updated_latest"]


def test_overdue_is_judged_against_the_revised_target_and_the_original_is_kept():
    plans = make_plans([
        {"action_id": "A", "target_date": "2010-03-31", "revised_target_date": "2010-09-30"},
        {"action_id": "B", "target_date": "2010-03-31"},
        {"action_id": "C", "target_date": "2010-08-15"},
        {"action_id": "D"},
        {"action_id": "E", "target_date": "2010-01-31"},
    ], [(a, "July 2010", "2010-07-31", s) for a, s in
        [("A", "in_progress"), ("B", "in_progress"), ("C", "planned"), ("D", "in_progress"), ("E", "complete")]])
    out = progress(plans, "2010-07-31", due_soon_days=30).actions.set_index("action_id")
    assert out["timeliness"].to_dict() == {"A": "on_time", "B": "overdue", "C": "due_soon", "D": "no_target",
                                           "E": "closed"}
    assert out.loc["B", "days_overdue"] == 122 and pd.isna(out.loc["A", "days_overdue"])
    assert out.loc["A", "target_date"] == pd.Timestamp("2010-03-31")
    assert out.loc["A", "effective_target_date"] == pd.Timestamp("2010-09-30")
    assert out["rag"].to_dict() == {"A": "Green", "B": "Red", "C": "Amber", "D": "Green", "E": "Complete"}


def test_rag_rule_is_a_parameter():
    plans = make_plans([{"action_id": "B", "target_date": "2010-07-01"}], [("B", "July 2010", "2010-07-31", "in_progress")])
    assert progress(plans, "2010-07-31").actions.iloc[0]["rag"] == "Red"
    lenient = [("Amber", {"timeliness": ["overdue"]})] + [r for r in DEFAULT_RAG_RULE if r[0] != "Red"]
    assert progress(plans, "2010-07-31", rag_rule=lenient).actions.iloc[0]["rag"] == "Amber"
    with pytest.raises(ValueError, match="unknown condition 'colour'"):
        progress(plans, "2010-07-31", rag_rule=[("Red", {"colour": "red"})])


def test_summary_by_kloe_and_owner():
    plans = make_plans([
        {"action_id": "A", "kloe": "2.1", "owner": "HoF", "priority": "High", "target_date": "2010-01-31"},
        {"action_id": "B", "kloe": "2.1", "owner": "HoF"},
        {"action_id": "C", "kloe": "3.3", "owner": None},
    ], [("A", "M", "2010-03-31", "in_progress"), ("B", "M", "2010-03-31", "complete"), ("C", "M", "2010-03-31", "planned")])
    p = progress(plans, "2010-03-31")
    by_kloe = p.summary("kloe").set_index("kloe")
    assert by_kloe.loc["2.1", ["actions", "complete", "in_progress", "overdue", "high_priority"]].tolist() == [2, 1, 1, 1, 1]
    assert by_kloe.loc["2.1", "pct_complete"] == 50.0
    by_owner = p.summary("owner").set_index("owner")
    assert set(by_owner.index) == {"HoF", "(none)"}
    assert p.overdue()["action_id"].tolist() == ["A"]


def test_empty_plans_give_empty_results():
    plans = make_plans([], [])
    p = progress(plans, "2010-07-31")
    assert p.actions.empty and p.summary("kloe").empty
    assert compare_councils(p.actions).empty


def test_changes_since_last_snapshot():
    plans = make_plans([
        {"action_id": "done"}, {"action_id": "late", "target_date": "2010-05-31"},
        {"action_id": "back"}, {"action_id": "quiet"},
    ], [("done", "M", "2010-03-31", "in_progress"), ("done", "J", "2010-07-31", "complete"),
        ("late", "M", "2010-03-31", "in_progress"), ("late", "J", "2010-07-31", "in_progress"),
        ("back", "M", "2010-03-31", "complete"), ("back", "J", "2010-07-31", "in_progress"),
        ("quiet", "M", "2010-03-31", "in_progress"), ("quiet", "J", "2010-07-31", "no_update")])
    out = changes(plans, "2010-03-31", "2010-07-31")
    assert set(zip(out["action_id"], out["change"])) == {
        ("done", "newly_complete"), ("late", "newly_overdue"), ("back", "gone_backwards"), ("quiet", "no_update_this_time")}


def test_councils_side_by_side_cope_with_a_council_without_updates():
    plans = make_plans([
        {"action_id": "W1", "kloe": "2.1", "priority": "High"},
        {"action_id": "S1", "kloe": "2.1", "council_code": "S", "priority": "High"},
        {"action_id": "S2", "kloe": "2.1", "council_code": "S", "priority": "Medium"},
    ], [("W1", "J", "2010-07-31", "complete")])
    table = compare_councils(progress(plans, "2010-07-31").actions).set_index("council_code")
    assert table.loc["TC", "complete_text"] == "100% (1/1)"
    assert table.loc["S", "complete_text"] == "no updates" and pd.isna(table.loc["S", "pct_complete"])
    assert table.loc["S", "pct_high"] == 50.0


def test_assessment_years_recurring_kloes_and_carried_forward():
    plans = make_plans([
        {"action_id": "A09", "kloe": "2.1", "assessment": "2009", "linked_action_id": "A10"},
        {"action_id": "A10", "kloe": "2.1", "assessment": "2010", "linked_action_id": "A09"},
        {"action_id": "B09", "kloe": "3.3", "assessment": "2009"},
    ], [])
    out = compare_assessments(progress(plans, "2010-07-31").actions, "TC")
    assert out["recurring"]["KLOE"].tolist() == ["2.1 Commissioning and procurement"]
    assert out["carried_forward"][["action_id", "later_action_id"]].values.tolist() == [["A09", "A10"]]
    assert out["per_kloe"].set_index("KLOE").loc["3.3 Workforce", "2009"] == 1


def test_table_captions_count_one_action_in_the_singular():
    # found by a new user: "1 overdue actions"
    from reportlib.present import report

    plans = make_plans([{"action_id": "B", "target_date": "2010-03-31"}],
                       [("B", "July 2010", "2010-07-31", "in_progress")])
    p = progress(plans, "2010-07-31")
    assert "<caption>1 overdue action as of 31 Jul 2010</caption>" in report.overdue_table(p).html
    assert "<caption>All 1 action as of 31 Jul 2010</caption>" in report.action_table(p).html
