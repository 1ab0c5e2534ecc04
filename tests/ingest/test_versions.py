"""A plan's life over quarters: versions of one plan, dates from the sheet, the council's
own status words, analysts' decisions and extensions (built in code, three quarters)."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from quarters import BASE, LAYOUT, plan_folder, q1, q2, q3, quarter_row, write_quarter
from workbooks import write_xlsx

import reportlib
from reportlib.analysis import compare, decisions
from reportlib.cli import main
from reportlib.errors import ValidationFailed
from reportlib.present import report
from reportlib.present.packtables import report_frames


@pytest.fixture
def folder(tmp_path):
    return plan_folder(tmp_path)


def _messages(plans, code=None):
    return [f.message for f in plans.findings if code is None or f.code == code]


def test_one_layout_reads_each_quarter_and_dates_come_from_the_header(folder):
    q1(folder)
    plans = reportlib.load_plans(folder)
    assert list(plans.updates["snapshot"].unique()) == ["June 2010"]
    assert plans.updates["snapshot_date"].iloc[0] == pd.Timestamp("2010-06-30")
    assert plans.actions["action_id"].tolist() == ["TBC-2010-001", "TBC-2010-002", "TBC-2010-003", "TBC-2010-004"]
    q2(folder)
    q3(folder)
    plans = reportlib.load_plans(folder)
    assert sorted(plans.updates["snapshot"].unique()) == ["December 2010", "June 2010", "September 2010"]


def test_versions_give_one_history_one_update_per_snapshot(folder):
    q1(folder), q2(folder), q3(folder)
    plans = reportlib.load_plans(folder)
    assert not plans.actions["action_id"].duplicated().any()
    assert not plans.updates.duplicated(["action_id", "snapshot"]).any()
    one = plans.updates[plans.updates["action_id"] == "TBC-2010-001"].sort_values("snapshot_date")
    assert one["snapshot"].tolist() == ["June 2010", "September 2010", "December 2010"]
    assert one["status"].tolist() == ["in_progress", "complete", "complete"]
    # the June update is the same in q1 and q2: the newest file's copy is kept, its stated word from q1
    assert one["source_file"].tolist() == ["q2.xlsx", "q2.xlsx", "q3.xlsx"]
    assert one["stated_status"].tolist() == ["On track", "Done", "Done"]


def test_wording_and_targets_come_from_the_newest_version_and_each_change_is_a_finding(folder):
    q1(folder), q2(folder), q3(folder)
    plans = reportlib.load_plans(folder)
    two = plans.actions.set_index("action_id").loc["TBC-2010-002"]
    assert two["action"] == "Agreed action 2, now jointly with HR."
    assert two["revised_target_date"] == pd.Timestamp("2011-03-31")
    assert two["original_target_date"] == pd.Timestamp("2010-09-30")
    changes = _messages(plans, "version_change")
    assert ("TBC-2010-002: revised target revised from (none) to 31 Dec 2010 in q2.xlsx (position at "
            "September 2010)") in changes
    assert ("TBC-2010-002: revised target revised from 31 Dec 2010 to 31 Mar 2011 in q3.xlsx (position at "
            "December 2010)") in changes
    assert any(m.startswith("TBC-2010-002: action changed from 'Agreed action 2.'") for m in changes)


def test_added_and_dropped_actions_are_reported_and_a_dropped_one_is_kept(folder):
    q1(folder), q2(folder), q3(folder)
    plans = reportlib.load_plans(folder)
    actions = plans.actions.set_index("action_id")
    assert actions.loc["TBC-2010-004", "not_in_plan_since"] == "September 2010"
    assert any("TBC-2010-004 is not in q2.xlsx" in m for m in _messages(plans, "version_dropped"))
    assert any("TBC-2010-005 is new in q2.xlsx" in m for m in _messages(plans, "version_added"))
    june = reportlib.progress(plans, "2010-06-30").actions
    assert "TBC-2010-005" not in set(june["action_id"])  # not in the plan yet
    assert june.set_index("action_id").loc["TBC-2010-004", "not_in_plan_since"] is None
    december = reportlib.progress(plans, "2010-12-31")
    assert "TBC-2010-004" not in set(december.actions["action_id"])  # not counted: listed apart, as having left
    assert december.left.set_index("action_id").loc["TBC-2010-004", "not_in_plan_since"] == "September 2010"
    assert "Not in the plan since" in report.action_table(december).html


def test_changes_since_the_last_snapshot_work_across_versions(folder):
    q1(folder), q2(folder)
    plans = reportlib.load_plans(folder)
    changes = compare.since_last(plans, "2010-09-30")
    assert changes.attrs["previous"] == pd.Timestamp("2010-06-30")
    assert set(changes.loc[changes["change"] == "newly_complete", "action_id"]) == {"TBC-2010-001"}
    assert set(changes.loc[changes["change"] == "new_in_plan", "action_id"]) == {"TBC-2010-005"}
    assert set(changes.loc[changes["change"] == "left_plan", "action_id"]) == {"TBC-2010-004"}
    q3(folder)
    plans = reportlib.load_plans(folder)
    changes = compare.since_last(plans, "2010-12-31")
    assert changes.attrs["previous"] == pd.Timestamp("2010-09-30")


def test_the_same_snapshot_told_two_ways_is_an_error_naming_both_files(folder, tmp_path, capsys):
    q1(folder)
    q2(folder, june_of_1="Budget timetable NOT agreed.")
    sources = {p: p.read_bytes() for p in folder.iterdir()}
    with pytest.raises(ValidationFailed) as failed:
        reportlib.load_plans(folder)
    message = str(failed.value)
    assert "the June 2010 update of TBC-2010-001 differs between versions" in message
    assert "q1.xlsx sheet 'Plan' row 6" in message and "q2.xlsx sheet 'Plan' row 6" in message
    out = tmp_path / "out"
    assert main(["export", str(folder), "--out", str(out)]) == 1
    assert not out.exists()
    assert {p: p.read_bytes() for p in folder.iterdir()} == sources


def test_a_header_whose_date_cannot_be_read_is_an_error_naming_the_cell(folder):
    write_quarter(folder, "q.xlsx", ["Progress at end of quarter"], [quarter_row(1, progress=["Started."])])
    plans = reportlib.inspect_plans(folder)
    [error] = plans.errors
    assert error.code == "snapshot_date"
    assert (error.location.file, error.location.sheet, error.location.row, error.location.column) == (
        "q.xlsx", "Plan", 4, "G")
    assert "'end of quarter' does not read as a date" in error.message


def test_a_snapshot_may_take_its_date_from_the_title(folder):
    layout = LAYOUT.replace("  - {column_pattern: 'Progress at (?P<date>.+)', status: Status}",
                            "  - {snapshot: Quarter end, column: Progress, status: Status}")
    layout = layout.replace("reference_date:", "title_pattern: 'position at (?P<date>\\d+ \\w+ \\d{4})'\nreference_date:")
    (folder / "tbc.layout.yaml").write_text(layout)
    sheet = [["Testborough Council"], ["Action plan: position at 30 September 2010"], [None],
             BASE + ["Progress", "Status"], quarter_row(1, progress=["Started."], status="On track")]
    write_xlsx(folder / "q.xlsx", {"Plan": sheet})
    plans = reportlib.load_plans(folder)
    assert plans.updates["snapshot_date"].tolist() == [pd.Timestamp("2010-09-30")]
    sheet[1] = ["Action plan: position at the end of the quarter"]
    write_xlsx(folder / "q.xlsx", {"Plan": sheet})
    [error] = reportlib.inspect_plans(folder).errors
    assert error.code == "snapshot_date" and error.location.row == 1


def test_the_councils_own_words_map_flag_and_show_beside_the_status(folder):
    q1(folder), q2(folder), q3(folder)
    plans = reportlib.inspect_plans(folder)
    p = reportlib.progress(plans, "2010-12-31")
    acts = p.actions.set_index("action_id")
    # "Behind schedule": in progress, and never Green even though its revised target is months away
    assert acts.loc["TBC-2010-002", "status"] == "in_progress"
    assert acts.loc["TBC-2010-002", "stated_status"] == "Behind schedule"
    assert acts.loc["TBC-2010-002", "timeliness"] == "on_time"
    assert acts.loc["TBC-2010-002", "rag"] == "Amber"
    assert acts.loc["TBC-2010-005", "status"] == "no_action"
    html = report.action_table(p).html
    assert "Council&#x27;s word" in html or "Council's word" in html
    assert "Superseded" in html and "Behind schedule" in html
    sheet = report_frames(plans, "2010-12-31")["Actions"].set_index("ID")
    assert sheet.loc["TBC-2010-002", "Council's word"] == "Behind schedule"
    # a word nobody mapped: a warning naming the cell, and the update goes to review
    [unknown] = [f for f in plans.findings if f.code == "unknown_stated_status"]
    assert (unknown.location.file, unknown.location.row) == ("q3.xlsx", 8)
    assert "'Wobbly'" in unknown.message
    assert acts.loc["TBC-2010-003", "status"] == "needs_review"


def test_extensions_against_the_original_target(folder):
    q1(folder), q2(folder), q3(folder)
    p = reportlib.progress(reportlib.inspect_plans(folder), "2010-12-31")
    two = p.actions.set_index("action_id").loc["TBC-2010-002"]
    assert two["days_extended"] == (pd.Timestamp("2011-03-31") - pd.Timestamp("2010-09-30")).days
    assert two["days_overdue_original"] == (pd.Timestamp("2010-12-31") - pd.Timestamp("2010-09-30")).days
    assert two["timeliness"] == "on_time"
    html = report.extensions_table(p).html
    assert "TBC-2010-002" in html and "Days extended" in html and "TBC-2010-003" not in html
    headline = report.headline(p).html
    assert "Overdue against the original target" in headline and "Target extended since first set" in headline


def test_decisions_settle_a_status_and_stop_applying_when_the_text_changes(folder, capsys):
    q1(folder), q2(folder)
    q3(folder, text_of_3="Asset plan with Executive; see separate report.")
    plans = reportlib.inspect_plans(folder)
    queue = decisions.queue(plans)
    assert ("TBC-2010-003", "December 2010") in set(zip(queue["action_id"], queue["snapshot"]))
    code = main(["review", str(folder), "--action", "TBC-2010-003", "--snapshot", "December 2010",
                 "--status", "in_progress", "--reviewer", "A. Analyst", "--reason", "Confirmed with the owner"])
    assert code == 0, capsys.readouterr()
    plans = reportlib.inspect_plans(folder)
    row = plans.updates.set_index(["action_id", "snapshot"]).loc[("TBC-2010-003", "December 2010")]
    assert row["status"] == "in_progress"
    assert row["status_source"] == f"reviewed by A. Analyst on {dt.date.today():%d %b %Y}"
    assert "decisions.csv" in set(plans.inputs["file"])
    # the decision survives a re-load and a render reading the same folder; the file is the analysts'
    before = (folder / "decisions.csv").read_bytes()
    reportlib.load_plans(folder)
    assert (folder / "decisions.csv").read_bytes() == before
    # next quarter's file rewrites that update: the decision stops applying, with a finding
    q3(folder, text_of_3="Asset plan approved by Executive in January.")
    plans = reportlib.inspect_plans(folder)
    row = plans.updates.set_index(["action_id", "snapshot"]).loc[("TBC-2010-003", "December 2010")]
    assert (row["status"], row["status_source"]) == ("needs_review", "decision outdated")
    [outdated] = [f for f in plans.findings if f.code == "decision_outdated"]
    assert "by A. Analyst" in outdated.message and "decisions.csv row 2" in outdated.message
    main(["review", str(folder)])
    assert "the text changed since the last decision" in capsys.readouterr().out


@pytest.mark.parametrize("row, column, expected", [
    ("TBC-2010-099,June 2010,complete,A. Analyst,2010-07-01,x,abc", "action_id", "action TBC-2010-099 is not in"),
    ("TBC-2010-001,June 2010,finished,A. Analyst,2010-07-01,x,abc", "status", "'finished' is not a status"),
    ("TBC-2010-001,June 2010,complete,A. Analyst,1 July 2010,x,abc", "date", "'1 July 2010' is not a date"),
    ("TBC-2010-001,May 2010,complete,A. Analyst,2010-07-01,x,abc", "snapshot", "has no update for snapshot 'May 2010'"),
])
def test_a_bad_decision_is_one_error_naming_the_file_and_row_and_nothing_is_written(folder, tmp_path, capsys,
                                                                                     row, column, expected):
    q1(folder)
    (folder / "decisions.csv").write_text(",".join(decisions.COLUMNS) + "\n" + row + "\n")
    sources = {p: p.read_bytes() for p in folder.iterdir()}
    out = tmp_path / "out"
    assert main(["export", str(folder), "--out", str(out)]) == 1
    text = capsys.readouterr().err
    assert f"decisions.csv, row 2, column {column}: " in text and expected in text, text
    assert not out.exists()
    assert {p: p.read_bytes() for p in folder.iterdir()} == sources
    # and reportlib review will not add to a file it cannot read back
    assert main(["review", str(folder), "--action", "TBC-2010-001", "--snapshot", "June 2010", "--status",
                 "complete", "--reviewer", "B"]) == 1
    assert {p: p.read_bytes() for p in folder.iterdir()} == sources


def test_a_report_dated_between_versions_shows_the_plan_as_it_stood_then(folder):
    q1(folder), q2(folder), q3(folder)
    september = reportlib.plans_for_report([folder], as_of="2010-09-30")
    two = september.actions.set_index("action_id").loc["TBC-2010-002"]
    assert two["action"] == "Agreed action 2."  # December's rewording is not shown in September
    assert two["revised_target_date"] == pd.Timestamp("2010-12-31")
    assert "TBC-2010-005" in set(september.actions["action_id"])
    june = reportlib.plans_for_report([folder], as_of="2010-06-30")
    assert "TBC-2010-005" not in set(june.actions["action_id"])
    assert "TBC-2010-005" not in set(june.updates["action_id"])
    assert june.actions.set_index("action_id").loc["TBC-2010-004", "not_in_plan_since"] is None
    december = reportlib.plans_for_report([folder], as_of="2010-12-31")
    assert december.actions.set_index("action_id").loc["TBC-2010-002", "action"] == "Agreed action 2, now jointly with HR."


def test_a_version_adding_no_snapshot_is_an_error_not_a_silent_reordering(folder):
    """A new quarter's progress header the layout does not match ("Progress as at ...") leaves that
    file with no newer snapshot: said plainly, instead of reading the history backwards."""
    q1(folder), q2(folder)
    write_quarter(folder, "q3.xlsx", ["Progress at 30 Sep 2010", "Progress as at 31 Dec 2010"], [
        quarter_row(1, target=dt.datetime(2010, 9, 30), progress=["Budget timetable published and completed.", "Complete."])])
    plans = reportlib.inspect_plans(folder)
    [error] = [f for f in plans.errors if f.code == "versions_same_snapshot"]
    assert "q2.xlsx and q3.xlsx are versions of one plan" in error.message
    assert "neither holds a snapshot newer than September 2010" in error.message


def test_header_dates_that_do_not_exist_or_are_several_are_refused(folder):
    write_quarter(folder, "q.xlsx", ["Progress at 31 Feb 2011", "Progress at 31 Dec 2010 and 31 Mar 2011",
                                "Progress at 2010-06-30"], [quarter_row(1, progress=["a", "b", "c"])])
    plans = reportlib.inspect_plans(folder)
    assert sorted(e.location.column for e in plans.errors) == ["G", "H"]
    assert all(e.code == "snapshot_date" for e in plans.errors)


def test_decided_status_shows_who_decided_in_the_report_and_names_are_kept_as_text(folder):
    q1(folder)
    plans = reportlib.inspect_plans(folder)
    decisions.record(folder, plans, "TBC-2010-003", "June 2010", "planned", "=cmd|' /C calc'!A0", "@SUM(1)")
    line = (folder / "decisions.csv").read_text().splitlines()[1]
    assert ",'=cmd|' /C calc'!A0," in line and ",'@SUM(1)," in line
    plans = reportlib.inspect_plans(folder)
    html = report.action_table(reportlib.progress(plans, "2010-06-30")).html
    assert "Planned (reviewed by =cmd|&#x27; /C calc&#x27;!A0 on" in html


def test_a_council_word_turning_to_behind_schedule_is_a_change_since_last_time(folder):
    q1(folder)
    write_quarter(folder, "q2.xlsx", ["Progress at 30 Jun 2010", "Progress at 30 Sep 2010"], [
        quarter_row(1, target=dt.datetime(2011, 3, 31), progress=["Budget timetable agreed by CMT.", "Consultation slipped."],
             status="Behind schedule")])
    changes = compare.since_last(reportlib.inspect_plans(folder), "2010-09-30")
    worse = changes[changes["change"] == "rated_worse"].set_index("action_id")
    assert (worse.loc["TBC-2010-001", "rag_before"], worse.loc["TBC-2010-001", "rag_now"]) == ("Green", "Amber")
    assert "Rated worse (RAG)" in report.changes_table(changes).html
