"""A council's own status words: open words stay open (and go overdue), closed-without-action
words say so, and a word the update text contradicts is kept but marked for review.

Built in code: one quarter of the Testborough tracker (tests/quarters.py), read end to end."""
from __future__ import annotations

import datetime as dt

import pytest
from quarters import plan_folder, quarter_row, write_quarter

import reportlib
from reportlib.analysis import decisions
from reportlib.present import report

PAST = dt.datetime(2010, 3, 31)  # every target below has passed by the June 2010 position


@pytest.fixture
def folder(tmp_path):
    return plan_folder(tmp_path)


def _quarter(folder, rows):
    write_quarter(folder, "q1.xlsx", ["Progress at 30 Jun 2010"],
                  [quarter_row(i + 1, target=PAST, progress=[text], status=word) for i, (word, text) in enumerate(rows)])
    plans = reportlib.inspect_plans(folder)
    return plans, reportlib.progress(plans, "2010-06-30").actions.set_index("action_id")


def test_open_words_are_open_and_overdue_once_the_target_has_passed(folder):
    plans, acts = _quarter(folder, [
        ("Not implemented", "Service has not had capacity to start this."),
        ("No action taken to date", "Resources to be identified."),
        ("Overdue", "Testing delayed by staff absence."),
        ("Not yet due", "To be picked up in the autumn."),
        ("Not started", "Planned for the autumn."),
    ])
    assert acts["status"].tolist() == ["planned", "planned", "in_progress", "planned", "planned"]
    assert set(acts["timeliness"]) == {"overdue"}  # whatever the word, a passed target is overdue
    assert set(acts["rag"]) == {"Red"}
    assert not [f for f in plans.findings if f.code == "unknown_stated_status"]


def test_closed_without_action_is_only_declined_superseded_or_no_longer_required(folder):
    plans, acts = _quarter(folder, [
        ("Risk accepted", "Management accept the risk: the cost outweighs the benefit."),
        ("Declined", "CMT agreed not to proceed."),
        ("No longer required", "The service was brought back in-house."),
        ("Closed without action", "Overtaken by the ERP project."),
    ])
    assert set(acts["status"]) == {"no_action"}
    assert set(acts["timeliness"]) == {"on_time"}  # closed: never overdue
    assert not [f for f in plans.findings if f.code == "unknown_stated_status"]


def test_no_action_taken_in_the_text_is_open_not_declined(folder):
    plans, acts = _quarter(folder, [(None, "No action taken to date."), (None, "No action has been taken as yet.")])
    assert acts["status"].tolist() == ["planned", "planned"]
    assert set(acts["timeliness"]) == {"overdue"}


def test_a_stated_word_the_text_contradicts_is_kept_but_marked_for_review(folder):
    plans, acts = _quarter(folder, [
        ("Implemented", "Implemented, awaiting evidence from ICT for audit verification."),
        ("Not implemented", "Completed in November 2009 and reported to CMT."),
        ("On track", "Budget timetable agreed by CMT."),              # a step done: no contradiction
        ("Implemented", "Implemented. Monitoring continues as business as usual."),
    ])
    assert acts["status"].tolist() == ["complete", "planned", "in_progress", "complete"]
    assert acts["status_source"].tolist() == ["stated_contradicted", "stated_contradicted", "stated", "stated"]
    found = [f for f in plans.findings if f.code == "stated_contradicted"]
    assert [(f.severity, f.location.file, f.location.sheet, f.location.row) for f in found] == [
        ("warning", "q1.xlsx", "Plan", 6), ("warning", "q1.xlsx", "Plan", 7)]
    assert found[0].location.column == "status for June 2010"
    assert "Implemented" in found[0].message and "awaiting evidence" in found[0].message
    queue = decisions.queue(plans)
    assert sorted(queue["action_id"]) == ["TBC-2010-001", "TBC-2010-002"]
    assert all("contradict" in why for why in queue["why"])
    html = report.action_table(reportlib.progress(plans, "2010-06-30")).html
    assert html.count("the update text disagrees") == 2
    # the headline's review figure says so too: a committee is not told nothing waits for review
    headline = report.headline(reportlib.progress(plans, "2010-06-30")).html
    assert "0 (and 2 whose update text contradicts the council" in headline


def test_every_label_says_what_no_action_means(folder):
    from reportlib.present.chartkit import STATUS_STYLE

    wanted = "closed without action"
    from reportlib.model.vocab import STATUS_EXPLAINED, STATUS_LABELS

    # one word for it everywhere (tables, charts), said in full where a figure stands alone
    assert report.STATUS_WORDS["no_action"] == STATUS_STYLE["no_action"]["label"] == STATUS_LABELS["no_action"]
    assert wanted in STATUS_LABELS["no_action"].lower()
    assert "no longer required" in STATUS_EXPLAINED["no_action"]
    _quarter(folder, [("Declined", "CMT agreed not to proceed.")])
    p = reportlib.progress(reportlib.inspect_plans(folder), "2010-06-30")
    for piece in (report.headline(p), report.how_to_read(p), report.summary_table(p.summary("kloe"), "kloe", "By KLOE"),
                  report.action_table(p)):
        html = str(piece.html).lower()
        assert wanted in html and "no action (" not in html, piece


def test_contradictions_are_caught_in_both_directions_and_agreement_is_not_flagged(folder):
    """A stranger's tracker: a stated "Closed" whose text says it is not yet complete, and a stated
    "Not implemented" whose text says the control is now operating. Both keep the council's word
    (the stated status wins), both are marked and queued; ordinary agreement is left alone."""
    plans, acts = _quarter(folder, [
        ("Closed", "Not yet complete - awaiting sign-off of the revised procedure by the Head of Finance."),
        ("Not implemented", "The new quarterly review has been operating since October and evidence was "
                            "provided to Internal Audit."),
        ("Complete", "Work remains in progress; the final report is outstanding."),
        ("Not implemented", "The revised procedure is now in place."),
        ("Implemented", "New checklist in place and operating since April; evidence provided to Internal Audit."),
        ("Not implemented", "The review will be operating from April once the post is filled."),
        ("Not implemented", "Awaiting the new system; the control cannot operate until it is in place."),
        ("Closed", "Procedure signed off by the Head of Finance in October."),
        ("In progress", "Draft procedure awaiting sign-off by the Head of Finance."),
    ])
    marked = acts.index[acts["status_source"] == "stated_contradicted"].tolist()
    assert marked == ["TBC-2010-001", "TBC-2010-002", "TBC-2010-003", "TBC-2010-004"]
    # the council's word is kept: the text does not change the status
    assert acts["status"].tolist()[:4] == ["complete", "planned", "complete", "planned"]
    found = {f.location.row: f.message for f in plans.findings if f.code == "stated_contradicted"}
    assert sorted(found) == [6, 7, 8, 9]
    assert "Closed" in found[6] and "is not done yet" in found[6]
    assert "Not implemented" in found[7] and "is done" in found[7]
    assert sorted(decisions.queue(plans)["action_id"]) == marked
    headline = report.headline(reportlib.progress(plans, "2010-06-30")).html
    assert "(and 4 whose update text contradicts the council" in headline
