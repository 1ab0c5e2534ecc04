"""An analyst's decision lands on the action it was made on, and only that one.

A decision is keyed by the action's identity (its id and a hash of its recommendation and
action text) and the council's own status word as it stood: either changing reopens it
with a finding. ``reportlib review`` writes under a lock and reads the file back before
saying a decision was recorded; two decisions files that settle one update differently
are a finding naming both rows.
"""
from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from quarters import LAYOUT, plan_folder, q1, q2, q3, quarter_row, write_quarter

import reportlib
from reportlib.analysis import decisions
from reportlib.cli import main


@pytest.fixture
def folder(tmp_path):
    return plan_folder(tmp_path)


def _update(plans, action_id, snapshot):
    return plans.updates.set_index(["action_id", "snapshot"]).loc[(action_id, snapshot)]


def _q1(folder, *, action_of_3="Agreed action 3.", recommendation_of_3="Recommendation 3.", status_of_3=None):
    return write_quarter(folder, "q1.xlsx", ["Progress at 30 Jun 2010"], [
        quarter_row(1, target=dt.datetime(2010, 9, 30), progress=["Budget timetable agreed by CMT."], status="On track"),
        [3, recommendation_of_3, action_of_3, "Head of Finance", "March 2011", None, "Not started", status_of_3],
    ])


def _decide(folder, action_id="TBC-2010-003", snapshot="June 2010", status="planned", reviewer="A. Analyst"):
    return main(["review", str(folder), "--action", action_id, "--snapshot", snapshot, "--status", status,
                 "--reviewer", reviewer, "--reason", "Read the update"])


def test_a_decision_does_not_follow_a_reused_id_to_a_different_action(folder, capsys):
    _q1(folder)
    assert _decide(folder, status="no_action") == 0, capsys.readouterr()
    assert _update(reportlib.inspect_plans(folder), "TBC-2010-003", "June 2010")["status"] == "no_action"
    # the file is sent again: item 3 is now a different action, its update still the generic "Not started"
    _q1(folder, action_of_3="Introduce a new asset register.", recommendation_of_3="Keep an asset register.")
    plans = reportlib.inspect_plans(folder)
    row = _update(plans, "TBC-2010-003", "June 2010")
    assert (row["status"], row["status_source"]) == ("needs_review", "decision outdated")
    [finding] = [f for f in plans.findings if f.code == "decision_outdated"]
    assert "TBC-2010-003" in finding.message and "decisions.csv row 2" in finding.message
    assert "recommendation or action" in finding.message
    assert finding.location.file == "q1.xlsx" and finding.location.row is not None


def test_a_decision_reopens_when_the_councils_own_status_word_changes(folder, capsys):
    q1(folder), q2(folder), q3(folder)
    assert _decide(folder, snapshot="December 2010", status="in_progress") == 0, capsys.readouterr()
    assert _update(reportlib.inspect_plans(folder), "TBC-2010-003", "December 2010")["status"] == "in_progress"
    # the same text, but the council now says "Superseded"
    write_quarter(folder, "q3.xlsx", ["Progress at 31 Dec 2010"], [
        quarter_row(1, target=dt.datetime(2010, 9, 30), progress=["Complete."], status="Done"),
        quarter_row(2, target="Q2 2010/11", revised=dt.datetime(2011, 3, 31),
                    action="Agreed action 2, now jointly with HR.",
                    progress=["Consultation closed; report delayed to March."], status="Behind schedule"),
        quarter_row(3, target="March 2011", progress=["Draft asset plan with Executive for approval."],
                    status="Superseded"),
        quarter_row(5, target=dt.datetime(2011, 3, 31), progress=["Superseded by the shared service review."],
                    status="Superseded"),
    ])
    plans = reportlib.inspect_plans(folder)
    row = _update(plans, "TBC-2010-003", "December 2010")
    assert row["status_source"] == "decision outdated"
    [finding] = [f for f in plans.findings if f.code == "decision_outdated"]
    assert "'Wobbly'" in finding.message and "'Superseded'" in finding.message


def test_an_old_decisions_file_without_the_identity_is_still_read_and_applied_with_a_warning(folder):
    _q1(folder)
    plans = reportlib.inspect_plans(folder)
    text = _update(plans, "TBC-2010-003", "June 2010")["text"]
    (folder / "decisions.csv").write_text("action_id,snapshot,status,reviewer,date,reason,text_hash\n"
                                          f"TBC-2010-003,June 2010,planned,A. Analyst,2010-07-01,ok,"
                                          f"{decisions.text_hash(text)}\n")
    plans = reportlib.inspect_plans(folder)
    assert _update(plans, "TBC-2010-003", "June 2010")["status"] == "planned"  # applied as before
    [warning] = [f for f in plans.findings if f.code == "decision_without_identity"]
    assert warning.severity == "warning" and warning.location.file == "decisions.csv" and warning.location.row == 2
    assert not plans.errors


def test_review_adds_the_identity_columns_to_an_old_file_and_keeps_its_rows(folder, capsys):
    _q1(folder)
    plans = reportlib.inspect_plans(folder)
    text = _update(plans, "TBC-2010-001", "June 2010")["text"]
    old_row = f"TBC-2010-001,June 2010,in_progress,A. Analyst,2010-07-01,ok,{decisions.text_hash(text)}\n"
    (folder / "decisions.csv").write_text("action_id,snapshot,status,reviewer,date,reason,text_hash\n" + old_row)
    assert _decide(folder) == 0, capsys.readouterr()
    kept = (folder / "decisions.csv").read_text()
    assert kept.splitlines()[0] == ",".join(decisions.COLUMNS) and old_row in kept
    plans = reportlib.inspect_plans(folder)
    assert _update(plans, "TBC-2010-001", "June 2010")["status"] == "in_progress"
    assert _update(plans, "TBC-2010-003", "June 2010")["status"] == "planned"


def test_two_reviews_at_once_both_keep_their_decision(folder, monkeypatch):
    """One writer is slowed between reading the file and writing it: the other waits for the lock,
    so neither decision is lost, and each is read back before it is reported."""
    _q1(folder)
    plans = reportlib.inspect_plans(folder)
    real_write = decisions.write_atomically

    def slowed(path, data, **kwargs):
        if threading.current_thread().name == "slow":
            time.sleep(0.6)
        return real_write(path, data, **kwargs)

    monkeypatch.setattr(decisions, "write_atomically", slowed)
    made, errors = {}, []

    def review(action_id):
        try:
            made[action_id] = decisions.record(folder, plans, action_id, "June 2010", "planned", "A. Analyst", "x")
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    slow = threading.Thread(target=review, args=("TBC-2010-001",), name="slow")
    slow.start()
    time.sleep(0.2)
    fast = threading.Thread(target=review, args=("TBC-2010-003",), name="fast")
    fast.start()
    slow.join(), fast.join()
    assert not errors and set(made) == {"TBC-2010-001", "TBC-2010-003"}
    kept, problems = decisions.read(folder / "decisions.csv")
    assert not problems and sorted(d.action_id for d in kept) == ["TBC-2010-001", "TBC-2010-003"]


def test_record_reports_a_decision_it_cannot_read_back(folder, monkeypatch):
    _q1(folder)
    plans = reportlib.inspect_plans(folder)
    monkeypatch.setattr(decisions, "write_atomically", lambda path, data, **kwargs: None)  # a write that is lost
    with pytest.raises(reportlib.errors.InputError, match="was not found in decisions.csv"):
        decisions.record(folder, plans, "TBC-2010-001", "June 2010", "planned", "A. Analyst", "x")


def test_two_decisions_files_that_disagree_are_a_finding_naming_both_rows(tmp_path, capsys):
    first, second = tmp_path / "north", tmp_path / "south"
    first.mkdir(), second.mkdir()
    (first / "tbc.layout.yaml").write_text(LAYOUT)  # layouts beside the data serve every folder read
    q1(first), q2(second)
    plans = reportlib.inspect_plans([first, second])
    decisions.record(first, plans, "TBC-2010-003", "June 2010", "planned", "A. Analyst", "x")
    decisions.record(second, plans, "TBC-2010-003", "June 2010", "in_progress", "B. Analyst", "y")
    plans = reportlib.inspect_plans([first, second])
    row = _update(plans, "TBC-2010-003", "June 2010")
    assert row["status"] == "needs_review"
    [finding] = [f for f in plans.findings if f.code == "decisions_disagree"]
    assert "decisions.csv row 2" in finding.message and "planned" in finding.message
    assert "in_progress" in finding.message
    assert "north/decisions.csv" in finding.message and "south/decisions.csv" in finding.message
    # the same decision in both files is no conflict
    (second / "decisions.csv").unlink()
    decisions.record(second, plans, "TBC-2010-003", "June 2010", "planned", "B. Analyst", "y")
    plans = reportlib.inspect_plans([first, second])
    assert not [f for f in plans.findings if f.code == "decisions_disagree"]
    assert _update(plans, "TBC-2010-003", "June 2010")["status"] == "planned"


def test_an_external_report_says_a_status_was_reviewed_without_naming_the_reviewer(folder, capsys):
    # stranger trial 10: "In progress (reviewed by ZQREVIEWER Smith on 07 Dec 2026)" in an external pack
    from reportlib.analysis.snapshot import cut
    from reportlib.present import report

    _q1(folder)
    _decide(folder, reviewer="Quennell Smyth")
    plans = reportlib.inspect_plans(folder)
    inside = report.action_table(reportlib.progress(cut(plans, "2010-06-30", "internal"), "2010-06-30")).html
    outside = report.action_table(reportlib.progress(cut(plans, "2010-06-30", "external"), "2010-06-30")).html
    assert "reviewed by Quennell Smyth on" in inside
    assert "Quennell" not in outside and "(reviewed on " in outside
