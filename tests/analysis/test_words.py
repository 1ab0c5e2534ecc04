"""A council's own status words: open words stay open (and go overdue), closed-without-action
words say so, and a word the update text contradicts sends the action to review (the word shown beside it).

Built in code: one quarter of the Testborough tracker (tests/quarters.py), read end to end."""
from __future__ import annotations

import datetime as dt

import pytest
from quarters import plan_folder, quarter_row, write_quarter

import reportlib
from reportlib.analysis import decisions
from reportlib.present import report

PAST = dt.datetime(2010, 3, 31)
CONTRADICTED = "needs_review.contradicted"  # every target below has passed by the June 2010 position


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
    assert set(acts["timeliness"]) == {"closed"}  # closed: not judged for timeliness, never overdue
    assert not [f for f in plans.findings if f.code == "unknown_stated_status"]


def test_a_closed_action_is_not_judged_for_timeliness_whether_done_or_superseded(folder):
    """Eastmoor's CT-05 (Superseded, target long passed) showed "On time": a closed action is neither on
    time nor overdue. Complete and closed without action alike read "Closed" and count in no timeliness figure."""
    soon = dt.datetime(2010, 7, 15)
    write_quarter(folder, "q1.xlsx", ["Progress at 30 Jun 2010"], [
        quarter_row(1, target=PAST, progress=["Superseded by the new relief policy."], status="Superseded"),
        quarter_row(2, target=PAST, progress=["Implemented and verified."], status="Implemented"),
        quarter_row(3, target=soon, progress=["Overtaken by the ERP project."], status="Superseded"),
        quarter_row(4, target=PAST, progress=["Not started."], status="Not started")])
    p = reportlib.progress(reportlib.inspect_plans(folder), "2010-06-30")
    acts = p.actions.set_index("action_id")
    assert acts["status"].tolist() == ["no_action", "complete", "no_action", "planned"]
    assert acts["timeliness"].tolist() == ["closed", "closed", "closed", "overdue"]
    from reportlib.model.vocab import TIMELINESS_LABELS
    assert TIMELINESS_LABELS["closed"] == "Closed"
    shown = report.action_table(p).frame
    assert shown["Timeliness"].tolist() == ["Closed", "Closed", "Closed", "Overdue"]
    figures = dict(report.headline(p).frame.values.tolist())
    assert figures["Overdue (not complete, target passed)"] == 1
    assert figures["Due soon (target within 30 days)"] == 0
    assert "Closed (complete or closed without action: not judged for timeliness)" in report.how_to_read(p).html


def test_no_action_taken_in_the_text_is_open_not_declined(folder):
    plans, acts = _quarter(folder, [(None, "No action taken to date."), (None, "No action has been taken as yet.")])
    assert acts["status"].tolist() == ["planned", "planned"]
    assert set(acts["timeliness"]) == {"overdue"}


def test_a_stated_word_the_text_contradicts_needs_review_and_is_never_counted_as_the_word_says(folder):
    """The lead's rule: where the council's own update text contradicts its stated word, the status is
    needs_review (the council's word still shown beside it), it waits in the review queue and in the
    headline's review figure, and it is never counted complete."""
    plans, acts = _quarter(folder, [
        ("Implemented", "Implemented, awaiting evidence from ICT for audit verification."),
        ("Not implemented", "Completed in November 2009 and reported to CMT."),
        ("On track", "Budget timetable agreed by CMT."),              # a step done: no contradiction
        ("Implemented", "Implemented. Monitoring continues as business as usual."),
    ])
    assert acts["status"].tolist() == ["needs_review", "needs_review", "in_progress", "complete"]
    assert acts["status_source"].tolist() == [CONTRADICTED, CONTRADICTED, "stated", "stated"]
    assert acts["stated_status"].tolist() == ["Implemented", "Not implemented", "On track", "Implemented"]
    found = [f for f in plans.findings if f.code == "stated_contradicted"]
    assert [(f.severity, f.location.file, f.location.sheet, f.location.row) for f in found] == [
        ("warning", "q1.xlsx", "Plan", 6), ("warning", "q1.xlsx", "Plan", 7)]
    assert found[0].location.column == "status for June 2010"
    assert "Implemented" in found[0].message and "awaiting evidence" in found[0].message
    assert "needs review" in found[0].message and "stays as stated" not in found[0].message
    queue = decisions.queue(plans)
    assert sorted(queue["action_id"]) == ["TBC-2010-001", "TBC-2010-002"]
    assert all("disagree" in why for why in queue["why"])
    p = reportlib.progress(plans, "2010-06-30")
    html = report.action_table(p).html
    assert html.count("the stated status and the update text disagree") == 2
    assert "Implemented" in html  # the council's word, beside the status
    # counted as needing review, not as the word says: one complete, two to review
    headline = report.headline(p).html
    assert "Complete" in headline
    assert p.summary("council_code")["complete"].tolist() == [1]
    assert p.summary("council_code")["needs_review"].tolist() == [2]
    assert p.summary("owner")["complete"].tolist() == [1]
    assert p.review_counts()["needs_review"] == 2 and p.review_counts()["contradicted"] == 2
    assert "counted above under that word" not in headline
    assert "2 (including 2 where the stated status and the update text disagree)" in headline


def test_a_contradicted_implemented_is_not_newly_complete(folder):
    """Eastmoor's CT-03: planned last quarter; now stated "Implemented" beside "not yet complete; awaiting
    sign-off". Not newly complete in the changes, not complete in the summary's figures."""
    from reportlib.analysis import compare
    from reportlib.analysis import summary as summary_mod

    write_quarter(folder, "q1.xlsx", ["Progress at 30 Jun 2010"], [
        quarter_row(1, target=dt.datetime(2010, 11, 30), progress=["To start in November."], status="Not started"),
        quarter_row(2, target=dt.datetime(2010, 11, 30), progress=["To start in November."], status="Not started")])
    write_quarter(folder, "q2.xlsx", ["Progress at 30 Jun 2010", "Progress at 30 Sep 2010"], [
        quarter_row(1, target=dt.datetime(2010, 11, 30), progress=[
            "To start in November.",
            "Reconciliation process drafted but not yet complete; awaiting sign-off by the Head of Finance."],
            status="Implemented"),
        quarter_row(2, target=dt.datetime(2010, 11, 30), progress=["To start in November.", "Done and signed off."],
                    status="Implemented")])
    plans = reportlib.inspect_plans(folder)
    p = reportlib.progress(plans, "2010-09-30")
    acts = p.actions.set_index("action_id")
    assert acts.loc["TBC-2010-001", "status"] == "needs_review"
    changed = compare.changes(plans, "2010-06-30", "2010-09-30")
    assert changed.loc[changed["change"] == "newly_complete", "action_id"].tolist() == ["TBC-2010-002"]
    found = summary_mod.summarise(plans, p)
    assert found.figure("complete").now == 1
    assert found.changes["newly_complete"] == 1


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
    "Not implemented" whose text says the control is now operating. Both go to review (the council's
    word kept beside the status), both are queued; ordinary agreement is left alone."""
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
    marked = acts.index[acts["status_source"] == CONTRADICTED].tolist()
    assert marked == ["TBC-2010-001", "TBC-2010-002", "TBC-2010-003", "TBC-2010-004"]
    # the words disagree with the text: to review, the council's word kept beside it
    assert acts["status"].tolist()[:4] == ["needs_review"] * 4
    assert acts["stated_status"].tolist()[:4] == ["Closed", "Not implemented", "Complete", "Not implemented"]
    assert acts["status"].tolist()[4:] == ["complete", "planned", "planned", "complete", "in_progress"]
    found = {f.location.row: f.message for f in plans.findings if f.code == "stated_contradicted"}
    assert sorted(found) == [6, 7, 8, 9]
    assert "Closed" in found[6] and "is not done yet" in found[6]
    assert "Not implemented" in found[7] and "is done" in found[7]
    assert sorted(decisions.queue(plans)["action_id"]) == marked
    headline = report.headline(reportlib.progress(plans, "2010-06-30")).html
    assert "4 (including 4 where the stated status and the update text disagree)" in headline


def test_a_word_saying_the_action_is_paused_or_late_is_never_green_before_its_target(folder):
    future = dt.datetime(2010, 12, 31)
    write_quarter(folder, "q1.xlsx", ["Progress at 30 Jun 2010"], [
        quarter_row(1, target=future, progress=["Paused while the restructure is agreed."], status="On hold"),
        quarter_row(2, target=future, progress=["Work continues with the service."], status="Slipped"),
        quarter_row(3, target=future, progress=["Work continues with the service."], status="On track"),
    ])
    acts = reportlib.progress(reportlib.inspect_plans(folder), "2010-06-30").actions.set_index("action_id")
    assert acts["status"].tolist() == ["in_progress"] * 3
    assert acts["rag"].tolist()[:2] == ["Amber", "Amber"]  # paused or slipped: never Green, though not yet due
    assert acts["rag"].tolist()[2] == "Green"
