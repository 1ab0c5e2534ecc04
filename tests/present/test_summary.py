"""The summary a committee reads first (issue #23): its figures are those of the progress tables,
each with its change since the previous report, and the actions it puts to the committee link
to their rows of the action table."""
from __future__ import annotations

import html as html_lib
import re
from pathlib import Path

import pytest

import reportlib
from reportlib.analysis import compare, summary
from reportlib.present import report

REPO = Path(__file__).resolve().parents[2]
WDC = str(REPO / "data/wdc_use_of_resources_action_plan.xlsx")
SDDC = str(REPO / "data/sddc_use_of_resources_action_plan_2010.xlsx")


@pytest.fixture(scope="module")
def wdc():
    plans = reportlib.plans_for_report([WDC], "", as_of="2010-07-31", audience="internal").council("WDC")
    return plans, reportlib.progress(plans, "2010-07-31", due_soon_days=30)


def _count(p, column, value) -> int:
    return int((p.actions[column] == value).sum())


def _plain(fragment: str) -> str:
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def test_the_figures_are_those_of_the_progress_tables_now_and_at_the_previous_report(wdc):
    plans, p = wdc
    before = reportlib.progress(plans, "2010-03-31", due_soon_days=30)  # the previous progress update
    found = summary.summarise(plans, p)
    assert found.previous == compare.previous_snapshot_date(plans, "2010-07-31") == before.as_of
    expected = {"actions": (len(p.actions), len(before.actions)),
                "complete": (_count(p, "status", "complete"), _count(before, "status", "complete")),
                "overdue": (_count(p, "timeliness", "overdue"), _count(before, "timeliness", "overdue")),
                "due_soon": (_count(p, "timeliness", "due_soon"), _count(before, "timeliness", "due_soon"))}
    for rating in ("Red", "Amber", "Green", "Not rated"):
        expected[f"rag:{rating}"] = (_count(p, "rag", rating), _count(before, "rag", rating))
    assert {f.key: (f.now, f.before) for f in found.figures} == expected
    # the figure of the headline table and the overdue table: 16 by the rules alone, whose July updates of
    # WDC-2009-002 and WDC-2009-021 the second reader reads as complete, as the hand labels have them
    assert found.figure("overdue").now == 14
    changes = compare.since_last(plans, "2010-07-31", due_soon_days=30)
    assert found.changes["newly_complete"] == int((changes["change"] == "newly_complete").sum())
    assert found.changes["gone_backwards"] == int((changes["change"] == "gone_backwards").sum())


def test_the_summary_says_each_figure_with_its_change_since_the_previous_report(wdc):
    plans, p = wdc
    before = reportlib.progress(plans, "2010-03-31", due_soon_days=30)
    page = report.summary(plans, p).html
    text = _plain(page)
    overdue, was = _count(p, "timeliness", "overdue"), _count(before, "timeliness", "overdue")
    assert f"{overdue} overdue, {overdue - was} more than at 31 March 2010" in text
    done = _count(p, "status", "complete")
    assert f"{done} of the {len(p.actions)} actions are complete" in text
    longest = int(p.actions["days_overdue"].max())
    assert f"the longest by {longest} days" in text
    assert "Red" in text and "Amber" in text and "Green" in text  # the RAG counts are on the first screen


def test_the_actions_needing_attention_are_few_and_link_to_their_rows_in_the_action_table(wdc):
    plans, p = wdc
    found = summary.summarise(plans, p)
    listed = found.attention
    assert 1 <= len(listed) <= summary.ATTENTION_LIMIT
    longest = p.overdue().iloc[0]
    assert listed.iloc[0]["action_id"] == longest["action_id"]  # the longest overdue comes first
    assert f"overdue by {int(longest['days_overdue'])} days" in listed.iloc[0]["reason"]
    backwards = set(compare.since_last(plans, "2010-07-31")
                    .query("change == 'gone_backwards'")["action_id"])
    assert backwards & set(listed["action_id"])  # actions that went backwards are put to the committee
    assert listed["action_id"].is_unique

    page, table = report.summary(plans, p).html, report.action_table(p).html
    links = re.findall(r'<a href="#([^"]+)">', page)
    assert len(links) == len(listed)
    row_ids = re.findall(r'<tr id="([^"]+)">', table)
    assert len(row_ids) == len(p.actions) and len(set(row_ids)) == len(row_ids)
    for anchor, action_id in zip(links, listed["action_id"]):
        row = re.search(rf'<tr id="{re.escape(anchor)}">(.*?)</tr>', table).group(1)
        assert f"<td>{action_id}</td>" in row  # the link lands on that action's row


def test_a_plan_with_one_progress_update_says_there_is_nothing_to_compare_with():
    plans = reportlib.plans_for_report([SDDC], "", as_of="2010-07-31", audience="internal").council("SDDC")
    p = reportlib.progress(plans, "2010-07-31")
    found = summary.summarise(plans, p)
    assert found.previous is None and all(f.before is None for f in found.figures)
    text = _plain(report.summary(plans, p).html)
    assert "no previous report to compare with" in text
    assert "more than" not in text and "fewer than" not in text


def test_the_progress_report_opens_with_the_summary_under_one_title():
    import nbformat

    from reportlib.present.htmlreport import notebook_title

    nb = nbformat.read(REPO / "notebooks" / "council_progress.ipynb", as_version=4)
    shown = [c for c in nb.cells if not {"parameters", "remove_cell"} & set(c.metadata.get("tags", []))
             and not c.source.startswith(("import", "plans ="))]
    assert shown[0].source.startswith("## Summary") and shown[1].source == "report.summary(plans, p)"
    # no title of its own: a pack heads it with the pack's title alone, not with two near-identical ones
    assert notebook_title(nb) is None
    assert notebook_title(nbformat.read(REPO / "notebooks" / "compare_councils.ipynb", as_version=4)) is None


def test_the_rise_in_overdue_and_complete_adds_up_in_words(wdc):
    """WDC July against March: overdue 4 -> 16, but only 9 passed their target since March; the
    others were overdue by date already and now count (an update no longer read as done, or gone
    backwards), and one is overdue no longer. The summary says how the 12 adds up, from the tables."""
    plans, p = wdc
    before = reportlib.progress(plans, "2010-03-31", due_soon_days=30)
    late = lambda q: set(q.actions.loc[q.actions["timeliness"] == "overdue", "action_id"])  # noqa: E731
    changed = compare.changes(plans, "2010-03-31", "2010-07-31", due_soon_days=30)
    passed = int((changed["change"] == "newly_overdue").sum())
    other = len(late(p) - late(before)) - passed
    cleared = len(late(before) - late(p))
    assert (passed, other, cleared) != (len(late(p)) - len(late(before)), 0, 0)  # the case this test is about
    words = _plain(report.summary(plans, p).html)
    rise = len(late(p)) - len(late(before))
    assert f"Overdue rose by {rise}: {passed} passed their target since 31 March 2010, {other} whose target had " \
           f"already passed are overdue now" in words
    assert f"and {cleared} is no longer overdue." in words or f"and {cleared} are no longer overdue." in words
    assert passed + other - cleared == rise


def test_a_complete_action_that_left_the_plan_is_said_where_complete_rose_by_less():
    """NMB's December tracker: 4 became complete, 1 complete in September left the plan: the
    complete figure rose by 3, and the summary says why it is not 4."""
    plans = reportlib.plans_for_report([str(REPO / "data/trackers")], "", as_of="2024-12-31").council("NMB")
    words = _plain(report.summary(plans, reportlib.progress(plans, "2024-12-31")).html)
    assert "4 became complete" in words and "Complete rose by 3: 4 became complete and 1 complete then left the plan." in words
    assert "Overdue rose" not in words and "Overdue fell" not in words  # overdue moved only as the change list says


def test_the_words_about_links_are_for_the_screen_only(wdc):
    # a trial: "each links to its row" stayed in the printed PDF, where nothing links
    plans, p = wdc
    page = report.summary(plans, p).html
    assert re.search(r'<span class="rl-screen-only">; each links to its row[^<]*</span>', page)
    css = (REPO / "reportlib/present/templates/reportlib/static/report.css").read_text()
    print_rules = css[css.index("@media print"):]
    assert ".rl-screen-only { display: none; }" in print_rules
