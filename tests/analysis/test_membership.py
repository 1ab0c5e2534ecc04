"""Plan membership over versions, and a report at a date seeing only what was known then.

Three quarterly versions of one tracker (``tests/quarters.py``): q1 at June 2010 holds
actions 1-4; q2 at September drops 4 and adds 5; q3 at December rewords 2 and revises its
target. A committee reads the counts: actions in the plan, complete, overdue, the bars of
the status chart, the change list; none may count an action that was not in the plan at
that date, and no text of a later version may reach a report at an earlier one.
"""
from __future__ import annotations

import datetime as dt
import re
import tempfile

import pandas as pd
import pytest
from quarters import plan_folder, q1, q2, q3, quarter_row, write_quarter

import reportlib
from reportlib.analysis import compare, snapshot
from reportlib.analysis.summary import summarise
from reportlib.present import charts, report
from reportlib.present.packtables import report_frames

ONE, TWO, THREE, FOUR, FIVE = (f"TBC-2010-00{n}" for n in range(1, 6))


@pytest.fixture
def folder(tmp_path):
    return plan_folder(tmp_path)


@pytest.fixture
def quarters(folder):
    q1(folder), q2(folder), q3(folder)
    return folder


def _figures(progress) -> dict[str, str]:
    html = report.headline(progress).html
    return dict(re.findall(r"<td>([^<]+)</td><td[^>]*>([^<]+)</td>", html))


def _report_at(folder, as_of):
    plans = reportlib.plans_for_report([folder], as_of=as_of, strict=False)
    return plans, reportlib.progress(plans, as_of)


# (as_of, actions in the plan, complete, overdue): 4 leaves at September 2010, 5 joins then;
# by June 2011 the targets of 2, 3 and 4 (31 Mar 2011) have passed, but 4 is no longer in the plan
COUNTS = [
    ("2010-06-30", {ONE, TWO, THREE, FOUR}, 0, 0),
    ("2010-07-31", {ONE, TWO, THREE, FOUR}, 0, 0),
    ("2010-09-30", {ONE, TWO, THREE, FIVE}, 1, 0),
    ("2010-12-31", {ONE, TWO, THREE, FIVE}, 1, 0),
    ("2011-06-30", {ONE, TWO, THREE, FIVE}, 1, 2),
]


@pytest.mark.parametrize("as_of, in_plan, complete, overdue", COUNTS)
def test_the_headline_counts_the_plan_as_it_stood_at_the_date(quarters, as_of, in_plan, complete, overdue):
    for plans in (reportlib.load_plans(quarters), reportlib.plans_for_report([quarters], as_of=as_of)):
        p = reportlib.progress(plans, as_of)
        assert set(p.actions["action_id"]) == in_plan
        figures = _figures(p)
        assert figures["Actions in the plan"] == str(len(in_plan))
        assert figures["Complete"].split(" ")[0] == str(complete)
        assert figures["Overdue (not complete, target passed)"] == str(overdue)
        assert p.summary("kloe")["actions"].sum() == len(in_plan)
        assert set(p.overdue()["action_id"]) <= in_plan


def test_an_action_that_left_is_listed_with_its_status_when_it_left_and_counted_nowhere(quarters):
    plans, p = _report_at(quarters, "2011-06-30")
    [left] = p.left.to_dict("records")
    assert (left["action_id"], left["not_in_plan_since"], left["status"]) == (FOUR, "September 2010", "in_progress")
    assert pd.isna(left["timeliness"]) and pd.isna(left["rag"])  # not judged: it is not in the plan
    assert _figures(p)["Left the plan (not counted above)"] == "1"
    html = report.action_table(p).html
    main, gone = html.split("left the plan", 1)
    assert FOUR not in main and FOUR in gone
    assert "Not in the plan since" in gone and "September 2010" in gone and "In progress" in gone
    assert FOUR not in charts.overdue_by_owner(p.actions, as_of="2011-06-30").alt_text
    # the tables.xlsx Actions sheet lists it too, saying since when it is not in the plan
    sheet = report_frames(plans, "2011-06-30")["Actions"].set_index("ID")
    assert sheet.loc[FOUR, "Not in the plan since"] == "September 2010"
    assert pd.isna(sheet.loc[FOUR, "Timeliness"])
    # before it left, it is simply in the plan
    _, july = _report_at(quarters, "2010-07-31")
    assert july.left.empty and "Left the plan (not counted above)" not in _figures(july)
    assert "left the plan" not in report.action_table(july).html


def test_an_action_complete_when_it_left_says_so_but_is_not_in_the_complete_count(folder):
    write_quarter(folder, "q1.xlsx", ["Progress at 30 Jun 2010"], [
        quarter_row(1, target=dt.datetime(2010, 9, 30), progress=["Budget timetable agreed by CMT."], status="On track"),
        quarter_row(4, target=dt.datetime(2010, 6, 30), progress=["Closed: done."], status="Done")])
    write_quarter(folder, "q2.xlsx", ["Progress at 30 Sep 2010"], [
        quarter_row(1, target=dt.datetime(2010, 9, 30), progress=["Published."], status="Done")])
    june = reportlib.progress(reportlib.load_plans(folder), "2010-06-30")
    assert _figures(june)["Complete"] == "1 (50%)"
    p = reportlib.progress(reportlib.load_plans(folder), "2010-09-30")
    figures = _figures(p)
    assert (figures["Actions in the plan"], figures["Complete"]) == ("1", "1 (100%)")
    assert figures["Left the plan (not counted above)"] == "1 (1 complete when it left)"
    assert p.left.set_index("action_id").loc[FOUR, "status"] == "complete"


def _bars(chart) -> dict[str, dict[str, int]]:
    data = chart.data[chart.data["actions"] > 0]
    return {snap: dict(zip(rows["status"], rows["actions"])) for snap, rows in data.groupby("snapshot", sort=False)}


def test_each_bar_of_the_status_chart_counts_the_plan_at_that_snapshot(quarters):
    for plans in (reportlib.load_plans(quarters), reportlib.plans_for_report([quarters], as_of="2010-12-31")):
        p = reportlib.progress(plans, "2010-12-31")
        standing = p.standing
        members = {snap: set(rows["action_id"]) for snap, rows in standing.groupby("snapshot")}
        assert members == {"June 2010": {ONE, TWO, THREE, FOUR}, "September 2010": {ONE, TWO, THREE, FIVE},
                           "December 2010": {ONE, TWO, THREE, FIVE}}
        bars = _bars(charts.status_by_snapshot(standing))
        assert {snap: sum(counts.values()) for snap, counts in bars.items()} == {
            "June 2010": 4, "September 2010": 4, "December 2010": 4}
        assert bars["September 2010"].get("complete") == 1 and "complete" not in bars["June 2010"]
        assert bars["December 2010"] == {"complete": 1, "in_progress": 1, "needs_review": 1, "no_action": 1}


def test_an_added_action_written_into_an_older_column_is_in_no_earlier_snapshot(folder):
    """q2 adds 5 and fills in its June cell too: June's bar and history stay the plan of June."""
    q1(folder)
    write_quarter(folder, "q2.xlsx", ["Progress at 30 Jun 2010", "Progress at 30 Sep 2010"], [
        quarter_row(1, progress=["Budget timetable agreed by CMT.", "Published."], status="Done"),
        quarter_row(5, target=dt.datetime(2011, 3, 31), progress=["Preparatory work.", "Agreed at committee."],
                    status="On track")])
    p = reportlib.progress(reportlib.load_plans(folder), "2010-09-30")
    assert not ((p.history["action_id"] == FIVE) & (p.history["snapshot"] == "June 2010")).any()
    bars = _bars(charts.status_by_snapshot(p.standing))
    assert sum(bars["June 2010"].values()) == 4  # 1-4: five was not in the plan in June
    assert sum(bars["September 2010"].values()) == 2  # 1 and 5: 2, 3 and 4 are not in q2


def test_the_change_list_names_who_joined_and_left_and_nothing_else_of_a_departed_action(quarters):
    plans = reportlib.plans_for_report([quarters], as_of="2010-09-30")
    changes = compare.since_last(plans, "2010-09-30")
    assert set(zip(changes["change"], changes["action_id"])) >= {("new_in_plan", FIVE), ("left_plan", FOUR)}
    assert changes.loc[changes["action_id"] == FOUR, "change"].tolist() == ["left_plan"]
    html = report.changes_table(changes).html
    assert "Left the plan" in html and "New in the plan" in html
    # June 2011 against September 2010: 4's target passes, but it left: not "newly overdue"
    plans = reportlib.plans_for_report([quarters], as_of="2011-06-30")
    later = compare.since_last(plans, "2011-06-30")
    assert FOUR not in set(later["action_id"])
    assert set(later.loc[later["change"] == "newly_overdue", "action_id"]) == {TWO, THREE}


# text a report may show only once the version holding it is dated on or before its as-of date
LATER_TEXT = {
    "2010-07-31": ["q2.xlsx", "q3.xlsx", "jointly", "31 Dec 2010", "Left the plan",
                   "Wobbly", "is new in", "September 2010", "December 2010"],
    "2010-09-30": ["q3.xlsx", "jointly", "31 Mar 2011 in", "Wobbly", "December 2010", "Superseded by"],
}


def _everything_shown(plans, as_of) -> str:
    p = reportlib.progress(plans, as_of)
    pieces = [report.headline(p), report.action_table(p), report.overdue_table(p), report.extensions_table(p),
              report.changes_table(compare.since_last(plans, as_of)), report.findings_table(plans),
              report.sources_table(plans), report.review_table(plans)]
    sheets = report_frames(plans, as_of)
    return "\n".join([piece.html for piece in pieces] + [f.message for f in plans.findings]
                     + [frame.to_csv() for frame in sheets.values()])


@pytest.mark.parametrize("as_of", sorted(LATER_TEXT))
def test_a_report_at_a_date_shows_nothing_from_a_later_version(quarters, as_of):
    plans = reportlib.plans_for_report([quarters], as_of=as_of, strict=False)
    shown = _everything_shown(plans, as_of)
    for later in LATER_TEXT[as_of]:
        assert later.lower() not in shown.lower(), later
    # what was known then is still there
    assert "q1.xlsx" in shown and "year_assumed" in set(f.code for f in plans.findings)


def test_update_provenance_names_the_version_current_at_the_date(quarters):
    july = reportlib.plans_for_report([quarters], as_of="2010-07-31")
    june_of_1 = july.updates.set_index("action_id").loc[ONE]
    assert (june_of_1["source_file"], june_of_1["source_row"]) == ("q1.xlsx", 6)
    december = reportlib.plans_for_report([quarters], as_of="2010-12-31")
    row = december.updates.set_index(["action_id", "snapshot"]).loc[(ONE, "June 2010")]
    assert row["source_file"] == "q2.xlsx"  # the newest version's copy, once it is current


def test_an_update_first_written_in_a_later_version_is_not_in_an_earlier_report(folder):
    """q1 leaves 3's June cell blank; q2 fills it in: a July report has no June text for 3."""
    write_quarter(folder, "q1.xlsx", ["Progress at 30 Jun 2010"], [
        quarter_row(1, progress=["Budget timetable agreed by CMT."], status="On track"),
        quarter_row(3, progress=[None], status=None)])
    write_quarter(folder, "q2.xlsx", ["Progress at 30 Jun 2010", "Progress at 30 Sep 2010"], [
        quarter_row(1, progress=["Budget timetable agreed by CMT.", "Published."], status="Done"),
        quarter_row(3, progress=["Back-filled June text.", "Scoping."], status="On track")])
    july = reportlib.plans_for_report([folder], as_of="2010-07-31")
    assert "Back-filled June text." not in set(july.updates["text"].dropna())
    assert reportlib.progress(july, "2010-07-31").actions.set_index("action_id").loc[THREE, "status"] == "no_update"


def test_a_report_dated_before_the_first_version_shows_the_plan_as_first_written(quarters):
    may = reportlib.plans_for_report([quarters], as_of="2010-05-31")
    two = may.actions.set_index("action_id").loc[TWO]
    assert two["action"] == "Agreed action 2." and pd.isna(two["revised_target_date"])
    assert set(may.actions["action_id"]) == {ONE, TWO, THREE, FOUR}
    assert "q1.xlsx" in set(may.sources["file"]) and "q3.xlsx" not in set(may.sources["file"])


def test_a_report_judges_the_previous_report_by_the_targets_in_force_then(quarters):
    """q2 (September) revised 2's target to 31 Dec 2010, q3 (December) to 31 Mar 2011: the December
    report, looking back at September, judges September by September's target, as September's
    own report did, and so do the packs, whose data goes through the run's snapshot."""
    for plans in (reportlib.plans_for_report([quarters], as_of="2010-12-31"), _through_snapshot(quarters, "2010-12-31")):
        then = reportlib.progress(plans, "2010-09-30").actions.set_index("action_id")
        assert then.loc[TWO, "effective_target_date"] == pd.Timestamp("2010-12-31")
        now = reportlib.progress(plans, "2010-12-31").actions.set_index("action_id")
        assert now.loc[TWO, "effective_target_date"] == pd.Timestamp("2011-03-31")


def test_the_change_since_the_previous_report_is_against_what_that_report_said(folder):
    """Overdue in September against its target then; December's version moves the target on. The
    December summary says overdue went from 1 to 0, as the September report said 1."""
    write_quarter(folder, "q2.xlsx", ["Progress at 30 Sep 2010"], [
        quarter_row(1, target=dt.datetime(2010, 9, 15), progress=["Drafting the policy."], status="Behind schedule"),
        quarter_row(2, target=dt.datetime(2011, 6, 30), progress=["Scoping meeting held."], status="On track")])
    write_quarter(folder, "q3.xlsx", ["Progress at 30 Sep 2010", "Progress at 31 Dec 2010"], [
        quarter_row(1, target=dt.datetime(2010, 9, 15), revised=dt.datetime(2011, 3, 31),
                    progress=["Drafting the policy.", "Policy drafting continues; new date agreed."], status="Behind schedule"),
        quarter_row(2, target=dt.datetime(2011, 6, 30), progress=["Scoping meeting held.", "Survey under way."],
                    status="On track")])
    september = reportlib.progress(reportlib.plans_for_report([folder], as_of="2010-09-30"), "2010-09-30")
    assert (september.actions["timeliness"] == "overdue").sum() == 1
    for plans in (reportlib.plans_for_report([folder], as_of="2010-12-31"), _through_snapshot(folder, "2010-12-31")):
        overdue = {f.key: f for f in summarise(plans, reportlib.progress(plans, "2010-12-31")).figures}["overdue"]
        assert (overdue.now, overdue.before) == (0, 1)


def _through_snapshot(folder, as_of):
    """The plans a pack's notebooks read: cut for the report, written by the run and read back."""
    with tempfile.TemporaryDirectory() as prepared:
        snapshot.write(reportlib.plans_for_report([folder], as_of=as_of, strict=False), prepared)
        return snapshot.read(prepared)
