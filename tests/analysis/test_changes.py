"""What changed since the previous report, as a committee reads it: each action once, with every
way it changed, and an update that read as complete last time but can no longer be read is a
change too (it is neither "gone backwards" nor "newly overdue": its status is unknown now)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from test_progress import make_plans

import reportlib
from reportlib.analysis import compare, summary
from reportlib.model.vocab import CHANGE_LABELS

REPO = Path(__file__).resolve().parents[2]
WDC = str(REPO / "data/wdc_use_of_resources_action_plan.xlsx")


def _wdc(as_of):
    return reportlib.plans_for_report([WDC], "", as_of=as_of, audience="internal").council("WDC")


def test_an_update_read_as_complete_last_time_that_now_needs_review_is_a_change():
    plans = make_plans([
        {"action_id": "WAS_DONE", "target_date": "2009-11-30"},
        {"action_id": "WAS_GOING", "target_date": "2010-12-31"},
        {"action_id": "STILL_DONE", "target_date": "2009-11-30"},
    ], [("WAS_DONE", "March 2010", "2010-03-31", "complete"), ("WAS_DONE", "July 2010", "2010-07-31", "needs_review"),
        ("WAS_GOING", "March 2010", "2010-03-31", "in_progress"),
        ("WAS_GOING", "July 2010", "2010-07-31", "needs_review"),
        ("STILL_DONE", "March 2010", "2010-03-31", "complete"), ("STILL_DONE", "July 2010", "2010-07-31", "complete")])
    found = compare.changes(plans, "2010-03-31", "2010-07-31")
    assert found.loc[found["change"] == "no_longer_reads_complete", "action_id"].tolist() == ["WAS_DONE"]
    assert "WAS_DONE" not in set(found.loc[found["change"] != "no_longer_reads_complete", "action_id"])
    assert CHANGE_LABELS["no_longer_reads_complete"] == "Update no longer reads as complete"


def test_the_longest_overdue_wdc_action_is_in_the_change_list_and_put_to_the_committee():
    plans = _wdc("2010-07-31")
    found = compare.since_last(plans, "2010-07-31")
    listed = found[found["action_id"] == "WDC-2009-005"]
    assert listed["change"].tolist() == ["no_longer_reads_complete"]
    assert listed.iloc[0]["days_overdue"] == 243
    p = reportlib.progress(plans, "2010-07-31")
    first = summary.summarise(plans, p).attention.iloc[0]
    assert first["action_id"] == "WDC-2009-005"
    assert "overdue by 243 days" in first["reason"] and "no longer reads as complete" in first["reason"]


def test_each_action_changed_is_listed_once_with_every_way_it_changed():
    plans = _wdc("2010-03-31")
    found = compare.since_last(plans, "2010-03-31")
    twice = found.loc[found["action_id"].duplicated(), "action_id"]
    assert len(twice) >= 1  # the long form says each kind (the summary counts them)
    once = compare.by_action(found)
    assert once["action_id"].is_unique and set(once["action_id"]) == set(found["action_id"])
    both = once.set_index("action_id").loc["WDC-2009-002", "changes"]
    assert list(both) == ["rated_worse", "no_update_this_time"]  # in the order of compare.CHANGES
    assert once.attrs["previous"] == pd.Timestamp("2009-12-31")


@pytest.mark.parametrize("as_of", ["2010-03-31", "2010-07-31"])
def test_the_summary_counts_the_actions_the_table_lists(as_of):
    plans = _wdc(as_of)
    found = summary.summarise(plans, reportlib.progress(plans, as_of))
    assert found.changed == compare.by_action(compare.since_last(plans, as_of))["action_id"].nunique()
    # WDC-2009-005 (243 days overdue) and WDC-2009-001 (on time) read as complete at 31 March 2010
    assert found.changes["no_longer_reads_complete"] == (2 if as_of == "2010-07-31" else 0)
