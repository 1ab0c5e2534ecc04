"""Ratings a committee would accept: a target nobody can read is never rated Green, an unclear
update does not hide an overdue action, and "newly overdue" means the target passed since the
last report. Built in code (the Testborough tracker, tests/quarters.py, and small frames), and
checked once on the shipped WDC/SDDC plans where the issue was seen."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from conftest import REPO
from quarters import plan_folder, quarter_row, write_quarter
from test_progress import make_plans

import reportlib
from reportlib.analysis.compare import changes, since_last
from reportlib.analysis.progress import progress


@pytest.fixture
def folder(tmp_path):
    return plan_folder(tmp_path)


def _two_quarters(folder, *, later_target):
    """TBC-1 had a readable target in June; September's version holds ``later_target`` instead.
    TBC-2 is "Ongoing" and TBC-3 has no target at all: genuinely no target date."""
    write_quarter(folder, "q1.xlsx", ["Progress at 30 Jun 2010"], [
        quarter_row(1, target=dt.datetime(2010, 6, 30), progress=["Procedure being drafted."], status="On track"),
        quarter_row(2, target="Ongoing", progress=["Monitoring continues."], status="On track"),
        quarter_row(3, target=None, progress=["Monitoring continues."], status="On track"),
    ])
    write_quarter(folder, "q2.xlsx", ["Progress at 30 Sep 2010"], [
        quarter_row(1, target=later_target, progress=["Procedure being drafted."], status="On track"),
        quarter_row(2, target="Ongoing", progress=["Monitoring continues."], status="On track"),
        quarter_row(3, target=None, progress=["Monitoring continues."], status="On track"),
    ])
    plans = reportlib.inspect_plans(folder)
    return plans, reportlib.progress(plans, "2010-09-30")


def test_a_mistyped_target_year_is_not_rated_green_and_the_earlier_target_judges_timeliness(folder):
    plans, p = _two_quarters(folder, later_target="30/09/2205")
    assert [f.code for f in plans.findings if f.code == "implausible_year"]  # the cell is named, as before
    acts = p.actions.set_index("action_id")
    one = acts.loc["TBC-2010-001"]
    assert one["rag"] == "Not rated"
    assert one["timeliness"] == "overdue" and one["days_overdue"] == 92       # against June's target
    assert one["effective_target_date"] == pd.Timestamp("2010-06-30")
    assert "target date unreadable" in one["rag_note"] and "30/09/2205" in one["rag_note"]
    assert "30 June 2010" in one["rag_note"]                                   # says which target it used
    assert one["target_unreadable"]
    # a genuinely empty target keeps today's rule (a committee decision), and is counted
    assert acts.loc[["TBC-2010-002", "TBC-2010-003"], "rag"].tolist() == ["Green", "Green"]
    assert acts.loc[["TBC-2010-002", "TBC-2010-003"], "rag_note"].isna().all()
    summary = p.summary("council_code").set_index("council_code").loc["TBC"]
    assert summary["no_target"] == 2 and summary["target_unreadable"] == 1
    assert p.overdue()["action_id"].tolist() == ["TBC-2010-001"]


def test_a_target_unreadable_in_every_version_is_not_rated_and_says_why(folder):
    _, p = _two_quarters(folder, later_target="some time next year")
    one = p.actions.set_index("action_id").loc["TBC-2010-001"]
    assert one["rag"] == "Not rated" and "target date unreadable" in one["rag_note"]
    write_quarter(folder, "q1.xlsx", ["Progress at 30 Jun 2010"], [
        quarter_row(1, target="31 July 20101", progress=["Procedure being drafted."], status="On track")])
    (folder / "q2.xlsx").unlink()
    p = reportlib.progress(reportlib.inspect_plans(folder), "2010-06-30")
    one = p.actions.iloc[0]
    assert one["rag"] == "Not rated" and one["timeliness"] == "no_target"
    assert "target date unreadable" in one["rag_note"] and "no earlier target" in one["rag_note"]
    assert p.summary("council_code").iloc[0][["no_target", "target_unreadable"]].tolist() == [0, 1]


def test_an_overdue_action_whose_update_needs_review_is_rated_by_its_timeliness():
    plans = make_plans([
        {"action_id": "LATE", "target_date": "2010-01-31"},
        {"action_id": "NOT_YET", "target_date": "2010-12-31"},
        {"action_id": "CLEAR", "target_date": "2010-01-31"},
    ], [("LATE", "July 2010", "2010-07-31", "needs_review"), ("NOT_YET", "July 2010", "2010-07-31", "needs_review"),
        ("CLEAR", "July 2010", "2010-07-31", "in_progress")])
    acts = progress(plans, "2010-07-31").actions.set_index("action_id")
    assert acts.loc["LATE", ["rag", "timeliness"]].tolist() == ["Red", "overdue"]
    assert acts.loc["LATE", "rag_note"] == "update unclear"
    assert acts.loc["NOT_YET", "rag"] == "Not rated" and acts.loc["NOT_YET", "rag_note"] == "update unclear"
    assert acts.loc["CLEAR", "rag"] == "Red" and pd.isna(acts.loc["CLEAR", "rag_note"])


def test_newly_overdue_means_the_target_passed_since_the_previous_report():
    plans = make_plans([
        {"action_id": "LONG_LATE", "target_date": "2009-11-30"},   # was read as complete, now unclear
        {"action_id": "JUST_LATE", "target_date": "2010-05-31"},
        {"action_id": "STILL_LATE", "target_date": "2010-01-31"},
    ], [("LONG_LATE", "March 2010", "2010-03-31", "complete"), ("LONG_LATE", "July 2010", "2010-07-31", "needs_review"),
        ("JUST_LATE", "March 2010", "2010-03-31", "in_progress"), ("JUST_LATE", "July 2010", "2010-07-31", "in_progress"),
        ("STILL_LATE", "March 2010", "2010-03-31", "in_progress"),
        ("STILL_LATE", "July 2010", "2010-07-31", "in_progress")])
    found = changes(plans, "2010-03-31", "2010-07-31")
    assert found.loc[found["change"] == "newly_overdue", "action_id"].tolist() == ["JUST_LATE"]


def test_the_shipped_plans_most_overdue_action_is_rated_red_and_not_listed_as_newly_overdue():
    data = [REPO / "data" / "wdc_use_of_resources_action_plan.xlsx",
            REPO / "data" / "sddc_use_of_resources_action_plan_2010.xlsx"]
    plans = reportlib.inspect_plans(data)
    p = reportlib.progress(plans, "2010-07-31")
    worst = p.overdue().iloc[0]
    assert (worst["action_id"], worst["days_overdue"]) == ("WDC-2009-005", 243)
    assert worst["rag"] == "Red" and worst["rag_note"] == "update unclear"
    newly = since_last(plans, "2010-07-31")
    newly = newly[newly["change"] == "newly_overdue"]
    assert "WDC-2009-005" not in set(newly["action_id"])
    previous = pd.Timestamp("2010-03-31")
    targets = p.actions.set_index("action_id").loc[newly["action_id"], "effective_target_date"]
    assert (targets >= previous).all()  # due on the day of the last report: passed since


def test_the_committee_is_told_an_overdue_figure_rests_on_an_earlier_target(folder):
    # a trial's mistyped revised target (2062 for 2027) put an action on the attention list as
    # "overdue by 184 days" with no word that its latest target could not be read
    from reportlib.analysis.summary import attention

    plans, p = _two_quarters(folder, later_target="30/09/2205")
    listed = attention(p, None).set_index("action_id")
    assert listed.at["TBC-2010-001", "reason"] == (
        "overdue by 92 days against an earlier target (its latest target date cannot be read)")


def test_a_mistyped_revised_target_is_unreadable_even_where_the_original_target_reads(folder):
    # a trial's tracker: original target 30 June 2010, then a revised target typed "31/03/2062";
    # the action was rated Red, 92 days overdue against the stale original, with no word
    write_quarter(folder, "q1.xlsx", ["Progress at 30 Jun 2010"], [
        quarter_row(1, target=dt.datetime(2010, 6, 30), progress=["Procedure being drafted."], status="On track")])
    write_quarter(folder, "q2.xlsx", ["Progress at 30 Sep 2010"], [
        quarter_row(1, target=dt.datetime(2010, 6, 30), revised="31/03/2062",
                    progress=["Extension to March 2011 agreed; procedure being drafted."], status="On track")])
    plans = reportlib.inspect_plans(folder)
    one = reportlib.progress(plans, "2010-09-30").actions.set_index("action_id").loc["TBC-2010-001"]
    assert one["target_unreadable"] and one["rag"] == "Not rated"
    assert "31/03/2062" in one["rag_note"]


def test_a_target_still_to_be_confirmed_is_warned_and_never_rated_green(folder):
    # stranger trial 8: an open action whose target cell said "TBC" was rated Green with no
    # word anywhere; a target not yet agreed gives the committee nothing to hold the action to
    plans, p = _two_quarters(folder, later_target="TBC")
    told = [f for f in plans.findings if f.code == "target_not_set"]
    assert len(told) == 1 and told[0].location.row is not None and told[0].location.column
    assert "'TBC'" in told[0].message and "q2.xlsx" in str(told[0].location.file)
    one = p.actions.set_index("action_id").loc["TBC-2010-001"]
    assert one["rag"] == "Not rated" and one["target_unreadable"]
    assert "target date not yet set ('TBC')" in one["rag_note"]
    # the target the council had agreed before still judges it: resetting to "TBC" hides no overdue action
    assert one["timeliness"] == "overdue" and one["days_overdue"] == 92
    assert "30 June 2010" in one["rag_note"]


@pytest.mark.parametrize("written", ["To be confirmed", "tba", "Date TBC", "To be agreed with the Head of Service"])
def test_other_ways_of_saying_a_target_is_not_yet_set_are_read_the_same(folder, written):
    plans, p = _two_quarters(folder, later_target=written)
    assert [f.code for f in plans.findings if f.code == "target_not_set"] == ["target_not_set"]
    one = p.actions.set_index("action_id").loc["TBC-2010-001"]
    assert one["rag"] == "Not rated" and "not yet set" in one["rag_note"]


def test_a_spreadsheet_error_in_a_target_cell_is_named_and_never_rated_green(folder):
    # stranger trial 8: a lookup formula's #N/A in the target column was read as an empty cell
    # (calamine gives an error cell as ""), so the open action was rated Green with no warning
    plans, p = _two_quarters(folder, later_target="#N/A")  # openpyxl writes it as an error cell (t="e")
    told = [f for f in plans.findings if f.location.row is not None and "#N/A" in f.message]
    assert len(told) == 1  # one warning a cell (stranger trial 9 saw two), naming it and what it holds
    assert told[0].code == "unreadable_target" and "spreadsheet error" in told[0].message
    assert told[0].location.column.startswith("E") and "q2.xlsx" in str(told[0].location.file)
    one = p.actions.set_index("action_id").loc["TBC-2010-001"]
    assert one["rag"] == "Not rated" and one["target_unreadable"] and "#N/A" in one["rag_note"]
    assert one["timeliness"] == "overdue"  # judged against June's target, as any unreadable target


def test_the_attention_list_says_an_overdue_figure_rests_on_a_target_now_to_be_confirmed(folder):
    from reportlib.analysis.summary import attention

    _, p = _two_quarters(folder, later_target="TBC")
    listed = attention(p, None).set_index("action_id")
    assert listed.at["TBC-2010-001", "reason"] == (
        "overdue by 92 days against an earlier target (its latest target date is not yet set)")


def test_a_revised_target_mistyped_in_a_later_version_is_judged_by_the_revised_target_before_it(folder):
    # stranger trial 9: June's revised target 31/03/2027, September's typed 31/03/2207; the action
    # was judged against the original target (31/03/2026) of September's own row and listed as
    # "overdue by 183 days", where the last readable target an earlier version gave is March 2027
    write_quarter(folder, "q1.xlsx", ["Progress at 30 Jun 2010"], [
        quarter_row(1, target=dt.datetime(2010, 3, 31), revised=dt.datetime(2011, 3, 31),
                    progress=["Procedure being drafted."], status="On track")])
    write_quarter(folder, "q2.xlsx", ["Progress at 30 Sep 2010"], [
        quarter_row(1, target=dt.datetime(2010, 3, 31), revised="31/03/2111",
                    progress=["Procedure being drafted."], status="On track")])
    p = reportlib.progress(reportlib.inspect_plans(folder), "2010-09-30")
    one = p.actions.set_index("action_id").loc["TBC-2010-001"]
    assert one["target_unreadable"] and one["rag"] == "Not rated"
    assert one["effective_target_date"] == pd.Timestamp("2011-03-31")
    assert one["timeliness"] == "on_time" and pd.isna(one["days_overdue"])
    assert "31 March 2011" in one["rag_note"]
    assert p.overdue().empty


def test_the_headline_says_which_targets_cannot_be_read_and_which_are_not_yet_set(folder):
    from reportlib.present.report import headline

    write_quarter(folder, "q1.xlsx", ["Progress at 30 Jun 2010"], [
        quarter_row(1, target="TBC", progress=["Procedure being drafted."], status="On track"),
        quarter_row(2, target="#N/A", progress=["Procedure being drafted."], status="On track"),
        quarter_row(3, target="some time next year", progress=["Procedure being drafted."], status="On track")])
    p = reportlib.progress(reportlib.inspect_plans(folder), "2010-06-30")
    figures = dict(headline(p).frame.values.tolist())
    from reportlib.present.report import TARGET_UNREAD_ROW

    review = next(v for k, v in figures.items() if k.startswith("Needs review"))
    assert str(review) == "0"  # the targets are not updates left for review: they have a row of their own
    assert figures[TARGET_UNREAD_ROW] == "3 (2 cannot be read, 1 not yet set: 'TBC')"


def test_actions_newly_overdue_are_put_to_the_committee_before_targets_merely_moved(folder):
    # stranger trial 9: the list of five held two targets moved (one of them still on time) and left
    # out an action newly 92 days overdue
    from reportlib.analysis.summary import ATTENTION_LIMIT, summarise

    june, sept = dt.datetime(2010, 6, 30), dt.datetime(2010, 9, 30)
    rows_q1 = [quarter_row(1, target=dt.datetime(2009, 6, 30), progress=["Started."], status="On track"),
               quarter_row(2, target=dt.datetime(2009, 12, 31), progress=["Started."], status="On track"),
               quarter_row(3, target=dt.datetime(2010, 7, 31), progress=["Started."], status="On track"),
               quarter_row(4, target=dt.datetime(2010, 7, 31), progress=["Started."], status="On track"),
               quarter_row(5, target=dt.datetime(2010, 9, 30), progress=["Started."], status="On track"),
               quarter_row(6, target=dt.datetime(2010, 9, 30), progress=["Started."], status="On track")]
    write_quarter(folder, "q1.xlsx", ["Progress at 30 Jun 2010"], rows_q1)
    rows_q2 = [quarter_row(1, target=dt.datetime(2009, 6, 30), progress=["Started."], status="On track"),
               quarter_row(2, target=dt.datetime(2009, 12, 31), progress=["Started."], status="On track"),
               quarter_row(3, target=dt.datetime(2010, 7, 31), progress=["Started."], status="On track"),
               quarter_row(4, target=dt.datetime(2010, 7, 31), progress=["Started."], status="On track"),
               quarter_row(5, target=dt.datetime(2010, 9, 30), revised=dt.datetime(2010, 12, 31),
                           progress=["Started."], status="On track"),
               quarter_row(6, target=dt.datetime(2010, 9, 30), revised=dt.datetime(2011, 3, 31),
                           progress=["Started."], status="On track")]
    write_quarter(folder, "q2.xlsx", ["Progress at 30 Jun 2010", "Progress at 30 Sep 2010"],
                  [r[:6] + ["Started.", "Started."] + r[7:] for r in rows_q2])
    plans = reportlib.inspect_plans(folder)
    p = reportlib.progress(plans, sept)
    listed = summarise(plans, p).attention.set_index("action_id")
    assert len(listed) == ATTENTION_LIMIT and june < sept
    for newly in ("TBC-2010-003", "TBC-2010-004"):  # their targets passed since June: 61 days overdue
        assert listed.at[newly, "reason"] == "overdue by 61 days; newly overdue since 30 Jun 2010"
    assert "TBC-2010-005" in listed.index and "TBC-2010-006" not in listed.index  # one moved target is cut


def test_a_summary_works_out_each_dates_progress_once(folder, monkeypatch):
    # issue 25: a pack's summary worked out the progress at the previous report three times over
    # (itself, then both dates again for the list of changes); the figures must not change
    from reportlib.analysis import compare, summary

    _, p = _two_quarters(folder, later_target="TBC")
    plans = reportlib.inspect_plans(folder)
    p = reportlib.progress(plans, "2010-09-30")
    expected = summary.summarise(plans, p)
    calls = []
    real = compare.progress
    monkeypatch.setattr(compare, "progress", lambda *a, **k: calls.append(a[1]) or real(*a, **k))
    monkeypatch.setattr(summary, "progress", lambda *a, **k: calls.append(a[1]) or real(*a, **k))
    found = summary.summarise(plans, p)
    assert len(calls) == 1  # the previous report's, once
    assert found.figures == expected.figures and found.attention.equals(expected.attention)
    assert found.changes == expected.changes
