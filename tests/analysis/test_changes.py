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
    # WDC-2009-005 (243 days overdue) read as complete at 31 March 2010 and its July update does not.
    # WDC-2009-001's July update ("2011/12 Service Plan Template includes finncial implcations of all
    # service plan initiatives"), which no rule reads, is read complete by the second reader, as the
    # hand labels have it: it is no longer among them
    assert found.changes["no_longer_reads_complete"] == (1 if as_of == "2010-07-31" else 0)


def _two_quarters(tmp_path):
    """Eastmoor's Q2 and Q3 in small: one recommendation superseded in Q3, one whose Q3 update cell
    is blank (the council's word, "Not started", restated), one updated as usual."""
    import datetime as dt

    from quarters import plan_folder, quarter_row, write_quarter

    folder = plan_folder(tmp_path)
    later = dt.datetime(2011, 3, 31)
    write_quarter(folder, "q2.xlsx", ["Progress at 30 Sep 2010"], [
        quarter_row(1, target=later, progress=["Review postponed pending the new relief policy."], status="Not started"),
        quarter_row(2, target=None, progress=["Not started."], status="Not started"),
        quarter_row(3, target=later, progress=["Drafting the procedure."], status="On track")])
    write_quarter(folder, "q3.xlsx", ["Progress at 31 Dec 2010"], [
        quarter_row(1, target=later, progress=["Superseded by the new relief policy approved by Cabinet."],
                    status="Superseded"),
        quarter_row(2, target=None, progress=[None], status="Not started"),
        quarter_row(3, target=later, progress=["Procedure drafted; consultation under way."], status="On track")])
    return reportlib.inspect_plans(folder)


def test_a_recommendation_newly_closed_without_action_is_a_change(tmp_path):
    plans = _two_quarters(tmp_path)
    found = compare.changes(plans, "2010-09-30", "2010-12-31")
    assert found.loc[found["change"] == "newly_closed_without_action", "action_id"].tolist() == ["TBC-2010-001"]
    assert CHANGE_LABELS["newly_closed_without_action"] == "Newly closed without action"
    said = summary.summarise(plans, reportlib.progress(plans, "2010-12-31"))
    assert said.changes["newly_closed_without_action"] == 1
    from reportlib.present import report

    assert "1 was closed without action" in report.summary(plans, reportlib.progress(plans, "2010-12-31")).html


def test_a_blank_update_cell_this_time_is_no_update_this_time_even_with_the_word_restated(tmp_path):
    """Eastmoor's HS-04: text last quarter, a blank update cell this quarter beside the same stated word."""
    plans = _two_quarters(tmp_path)
    found = compare.changes(plans, "2010-09-30", "2010-12-31")
    assert found.loc[found["change"] == "no_update_this_time", "action_id"].tolist() == ["TBC-2010-002"]
    from reportlib.present import report

    assert "1 had no update this time" in report.summary(plans, reportlib.progress(plans, "2010-12-31")).html


def test_a_plan_of_status_words_only_is_updated_by_them(tmp_path):
    """No update text at all, ever: a restated word is the council's update, not 'no update this time'."""
    import datetime as dt

    from quarters import plan_folder, quarter_row, write_quarter

    folder = plan_folder(tmp_path)
    write_quarter(folder, "q2.xlsx", ["Progress at 30 Sep 2010"],
                  [quarter_row(1, target=dt.datetime(2011, 3, 31), progress=[None], status="On track")])
    write_quarter(folder, "q3.xlsx", ["Progress at 31 Dec 2010"],
                  [quarter_row(1, target=dt.datetime(2011, 3, 31), progress=[None], status="On track")])
    found = compare.changes(reportlib.inspect_plans(folder), "2010-09-30", "2010-12-31")
    assert "no_update_this_time" not in set(found["change"])
