"""What a reader should know is uncertain, said where the figures are: the note that explains a
rating beside the rating, targets nobody can read and open actions with no target counted on the
first screen and in the headline, the changes since the last report listed once per action (an
update that no longer reads as complete among them), and every reason for review in words."""
from __future__ import annotations

import datetime as dt
import html as html_lib
import re
from pathlib import Path

import pytest
from quarters import plan_folder, quarter_row, write_quarter
from workbooks import item, tracker_folder

import reportlib
from reportlib.analysis import compare
from reportlib.present import report

REPO = Path(__file__).resolve().parents[2]
WDC = str(REPO / "data/wdc_use_of_resources_action_plan.xlsx")


def _plain(piece) -> str:
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", str(piece))).split())


def _row(table_html: str, action_id: str) -> str:
    """The cells of the body row of ``action_id`` (the row whose ID cell holds it)."""
    body = table_html.split("<tbody>", 1)[1]
    rows = [r for r in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.DOTALL) if f"<td>{action_id}</td>" in r]
    assert len(rows) == 1, (action_id, len(rows))
    return rows[0]


@pytest.fixture(scope="module")
def july():
    plans = reportlib.plans_for_report([WDC], "", as_of="2010-07-31", audience="internal").council("WDC")
    return plans, reportlib.progress(plans, "2010-07-31", due_soon_days=30)


@pytest.fixture
def mistyped(tmp_path):
    """TBC-1's target was 30 June 2010 in June; September's version says 30/09/2205."""
    folder = plan_folder(tmp_path)
    for name, when in (("q1.xlsx", "30 Jun 2010"), ("q2.xlsx", "30 Sep 2010")):
        target = dt.datetime(2010, 6, 30) if name == "q1.xlsx" else "30/09/2205"
        write_quarter(folder, name, [f"Progress at {when}"], [
            quarter_row(1, target=target, progress=["Procedure being drafted."], status="On track"),
            quarter_row(2, target="Ongoing", progress=["Monitoring continues."], status="On track")])
    plans = reportlib.inspect_plans(folder)
    return plans, reportlib.progress(plans, "2010-09-30")


# -- 1. the RAG note beside the rating ----------------------------------------------------------------

def test_the_action_and_overdue_tables_say_why_a_rating_needs_a_word(july):
    _, p = july
    for shown in (report.action_table(p).html, report.overdue_table(p).html):
        assert "<td>Red (update unclear)</td>" in _row(shown, "WDC-2009-005")  # 243 days late, update unclear
        assert "<td>Red</td>" in _row(shown, "WDC-2009-011")                   # late, update read: no note
    assert "<td>Not rated (update unclear)</td>" in _row(report.action_table(p).html, "WDC-2009-008")


def test_an_unreadable_target_is_said_beside_the_rating_with_the_target_judged_against(mistyped):
    _, p = mistyped
    note = ("Not rated (target date unreadable ('30/09/2205'); judged against the previous target, "
            "30 June 2010, 92 days overdue against it)")
    for shown in (report.action_table(p), report.overdue_table(p)):
        assert note in _plain(_row(shown.html, "TBC-2010-001"))
        assert note in shown.frame["RAG"].tolist()  # the analyst's frame says the same


# -- 2. unreadable targets and open actions without a target, counted ---------------------------------

def test_the_headline_counts_unreadable_targets_and_open_actions_with_no_target(july):
    _, p = july
    counts = p.review_counts()
    # 10 by the rules alone: the second reader reads four of their July updates as the hand labels do
    assert counts == {"needs_review": 6, "contradicted": 0, "target_unreadable": 2, "no_target": 24}
    text = _plain(report.headline(p))
    # each count on its own row: the two unreadable targets are not updates left for review (stranger trial 13)
    assert "Needs review (update text not understood, or at odds with the stated status) 6 " in text
    assert f"{report.TARGET_UNREAD_ROW} 2 (2 cannot be read)" in text
    assert "Open, with no target date (so none of them can be overdue) 24" in text


def test_the_summary_says_how_many_open_actions_have_no_target_and_its_change(july):
    plans, p = july
    text = _plain(report.summary(plans, p))
    # 26 at 31 March 2010 (27 by the rules alone, which leave WDC-2009-035's March update for review)
    assert "24 open actions have no target date, so none of them can be overdue (2 fewer than at 31 March 2010)." in text
    assert "2 actions have a target date that cannot be read" in text
    assert "the latest update of 6 actions needs a person to read it" in text.lower()


def test_a_summary_with_no_previous_report_says_the_figures_without_a_change(mistyped):
    plans, p = mistyped
    first = reportlib.progress(plans, "2010-06-30")
    text = _plain(report.summary(plans, first))
    assert "1 open action has no target date, so it cannot be overdue." in text
    text = _plain(report.summary(plans, p))
    assert "1 action has a target date that cannot be read" in text
    assert "1 open action has no target date, so it cannot be overdue (no change since 30 June 2010)." in text


# -- 3. changes: each action once, and an update no longer read as complete -----------------------------

def test_the_changes_table_lists_each_action_once_with_every_way_it_changed():
    plans = reportlib.plans_for_report([WDC], "", as_of="2010-03-31", audience="internal").council("WDC")
    found = compare.since_last(plans, "2010-03-31")
    shown = report.changes_table(found)
    ids = shown.frame["ID"].tolist()
    assert len(ids) == len(set(ids)) == found["action_id"].nunique()
    assert "Rated worse (RAG); No update this time" in _plain(_row(shown.html, "WDC-2009-002"))
    p = reportlib.progress(plans, "2010-03-31")
    said = re.search(r"Since the previous report \(31 December 2009\), (\d+) actions? changed", _plain(report.summary(plans, p)))
    assert said and int(said.group(1)) == len(ids)  # the summary's count is the table's


def test_an_update_that_no_longer_reads_as_complete_is_in_the_changes_table(july):
    plans, p = july
    shown = report.changes_table(compare.since_last(plans, "2010-07-31", due_soon_days=30))
    row = _plain(_row(shown.html, "WDC-2009-005"))
    assert "Update no longer reads as complete" in row and "243" in row
    text = _plain(report.summary(plans, p))
    said = re.search(r"Since the previous report \(31 March 2010\), (\d+) actions changed", text)
    assert said and int(said.group(1)) == len(shown.frame)
    # WDC-2009-005; WDC-2009-001's July update is read complete by the second reader, as the hand labels have it
    assert "the update of 1 no longer reads as complete" in text


# -- 4. every reason for review in words ---------------------------------------------------------------

def test_text_read_as_done_that_says_something_is_open_is_queued_with_a_reason_in_words(tmp_path):
    folder = tracker_folder(tmp_path, [item(1, KLOE="2.1", July_2010_update=(
        "The register has been set up and is updated monthly, though not yet for the depot."))])
    for audience in ("internal", "external"):
        plans = reportlib.plans_for_report([str(folder)], "", as_of="2010-07-31", audience=audience, strict=False)
        assert plans.updates["status_source"].eq("needs_review.mixed_signals").any()
        text = _plain(report.review_table(plans))
        assert "mixed_signals" not in text and "a rule marked the update" not in text
        assert "reads as done but also says something is still open" in text
        if audience == "internal":
            assert "1 update that needs a person to read it" in text  # not "1 updates"


def test_the_targets_chart_says_why_an_action_is_not_on_it_as_the_headline_does(tmp_path):
    """Stranger trial 9: the chart said "2 of 19 actions have no target date" where the headline
    said one target could not be read and one was not yet set ('TBC')."""
    from reportlib.present.charts import targets_timeline

    folder = plan_folder(tmp_path)
    write_quarter(folder, "q1.xlsx", ["Progress at 30 Jun 2010"], [
        quarter_row(1, target=dt.datetime(2010, 9, 30), progress=["Procedure being drafted."], status="On track"),
        quarter_row(2, target="TBC", progress=["Procedure being drafted."], status="On track"),
        quarter_row(3, target="31/13/2010", progress=["Procedure being drafted."], status="On track"),
        quarter_row(4, target=None, progress=["Procedure being drafted."], status="On track")])
    plans = reportlib.inspect_plans(folder)
    p = reportlib.progress(plans, "2010-06-30")
    assert p.review_counts()["no_target"] == 1 and p.review_counts()["target_unreadable"] == 2
    chart = targets_timeline(p.actions, p.as_of)
    said = ("3 of 4 actions are not shown: 1 with no target date, 1 whose target date cannot be read and 1 "
            "whose target is not yet set ('TBC')")
    assert said in chart.finding and said in chart.alt_text.replace("3 actions are not shown", "3 of 4 actions are not shown")
    assert "no target date" in chart.finding and "have no target date" not in chart.finding


def test_a_latest_update_from_an_earlier_snapshot_says_so(july):
    """Stranger trial 11: "Latest update" showed the June text of an action whose September update said
    nothing new ("No update received"), with nothing to say it was June's."""
    _, p = july
    row = _plain(_row(report.action_table(p).html, "WDC-2009-033"))  # July's cell says nothing new
    assert "(March 2010 update; July 2010's was blank) Agency staff are now managed centrally" in row
    row = _plain(_row(report.action_table(p).html, "WDC-2009-011"))   # updated in July: as written
    assert "update; July 2010's" not in row


def test_the_words_of_a_later_update_read_as_no_update_are_shown_beside_the_earlier_one(tmp_path):
    """Hostile trial 12: a December update read as no update was hidden behind September's text, the
    report saying nothing new where the December words said more."""
    folder = plan_folder(tmp_path)
    for name, when, text in (("q1.xlsx", "30 Sep 2010", "Rota being drafted with the union."),
                             ("q2.xlsx", "31 Dec 2010", "No update received from the service.")):
        write_quarter(folder, name, [f"Progress at {when}"], [
            quarter_row(1, target=dt.datetime(2011, 3, 31), progress=[text], status=None)])
    plans = reportlib.inspect_plans(folder)
    p = reportlib.progress(plans, "2010-12-31")
    assert p.actions.at[0, "status_snapshot"] != p.actions.at[0, "latest_snapshot"]  # December said nothing new
    row = _plain(_row(report.action_table(p).html, "TBC-2010-001"))
    assert "read as no update: 'No update received from the service.') Rota being drafted with the union." in row


def test_the_data_quality_report_never_says_all_text_was_placed_beside_a_cell_not_read():
    """Stranger trial 13: "Every piece of text in the plans' tables was placed in a cell" stood beside two
    warnings that a continuation row's cell was not read. Such a cell is listed with what was not placed."""
    from types import SimpleNamespace

    import pandas as pd

    from reportlib.errors import Finding, Location

    sources = pd.DataFrame([{"file": "q3.pdf", "sheet": "page 1", "note": "rows of the plan in pages 1-2",
                             "layout": "tracker", "header_row": 4, "actions": 12}])
    cell = Finding("warning", "continuation_cell_not_joined", "'High' is on a continuation row of item R-10 "
                   "(page 1, row 10), where only its text columns are joined: this cell was not read",
                   Location("q3.pdf", "page 2", 2, "C"))
    shown = report.parts_table(SimpleNamespace(sources=sources, findings=[cell])).html
    assert "Every piece of text" not in shown
    assert "could not be placed" in shown
    assert "this cell was not read" in shown
    assert "Every piece of text" in report.parts_table(SimpleNamespace(sources=sources, findings=[])).html


def test_the_councils_word_from_an_earlier_update_says_which_update_it_is_from(tmp_path):
    """Stranger trial 13: an action whose September update was "Update requested - not received", with no
    status word that quarter, showed June's word "Not yet due" as the council's word, undated, beside a
    target 92 days past."""
    folder = plan_folder(tmp_path)
    write_quarter(folder, "q1.xlsx", ["Progress at 30 Jun 2010"], [
        quarter_row(1, target=dt.datetime(2010, 6, 30), progress=["Rota being drafted with the union."],
                    status="Behind schedule")])
    write_quarter(folder, "q2.xlsx", ["Progress at 30 Jun 2010", "Progress at 30 Sep 2010"], [
        quarter_row(1, target=dt.datetime(2010, 6, 30), progress=["Rota being drafted with the union.",
                                                                  "Update requested - not received."],
                    status=None)])
    p = reportlib.progress(reportlib.inspect_plans(folder), "2010-09-30")
    one = p.actions.iloc[0]
    assert one["stated_status"] == "Behind schedule" and one["status_snapshot"] != one["latest_snapshot"]
    row = _plain(_row(report.action_table(p).html, one["action_id"]))
    assert f"Behind schedule ({one['status_snapshot']} update)" in row
