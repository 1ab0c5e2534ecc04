"""The shipped modern tracker (data/trackers/, two quarters of an internal-audit tracker) read
through its layout gives the figures counted by hand in data/README.md."""
from __future__ import annotations

from pathlib import Path

import reportlib
from reportlib.present import report

TRACKERS = Path(__file__).resolve().parents[2] / "data" / "trackers"
AS_OF = "2024-12-31"


def test_the_committee_figures_at_quarter_three_are_the_hand_counts():
    plans = reportlib.plans_for_report([TRACKERS], as_of=AS_OF)
    p = reportlib.progress(plans, AS_OF, due_soon_days=30)
    a = p.actions
    assert len(a) == 18 and "NMB-2024-PAY-04" not in set(a["action_id"]) and "NMB-2024-RM-03" in set(a["action_id"])
    assert sorted(a.loc[a["status"] == "complete", "action_id"].str[9:]) == sorted(
        ["PAY-01", "PAY-03", "CYB-01", "CYB-04", "PCD-01", "PCD-03", "HR-02", "HR-04", "RM-01"])
    assert list(a.loc[a["timeliness"] == "overdue", "action_id"]) == ["NMB-2024-HR-01"]
    assert sorted(a.loc[a["days_overdue_original"] > 0, "action_id"].str[9:]) == ["CYB-05", "HR-01", "PAY-02"]
    assert list(a.loc[a["timeliness"] == "due_soon", "action_id"]) == ["NMB-2024-CYB-02"]
    assert list(p.left["action_id"]) == ["NMB-2024-PAY-04"]


def test_the_tracker_is_grouped_by_its_audit_reports_and_names_no_kloe():
    plans = reportlib.plans_for_report([TRACKERS], as_of=AS_OF)
    assert plans.group_label == "Audit report"
    assert list(dict.fromkeys(plans.actions["group"])) == [
        "Payroll 2023/24", "Cyber Security 2023/24", "Procurement Cards 2024/25", "Housing Rents 2023/24",
        "Risk Management 2024/25"]
    assert plans.actions["kloe"].isna().all()
    p = reportlib.progress(plans, AS_OF)
    for piece in (report.headline(p), report.action_table(p), report.left_table(p)):
        assert "KLOE" not in piece.html and "Use of Resources" not in piece.html
    assert "Audit report" in report.left_table(p).html
    assert "<td>Due soon (target within 30 days)</td><td class=\"rl-num\">1</td>" in report.headline(p).html


def test_september_counts_the_plan_as_it_stood_then():
    plans = reportlib.plans_for_report([TRACKERS], as_of="2024-09-30")
    ids = set(reportlib.progress(plans, "2024-09-30").actions["action_id"])
    assert len(ids) == 18 and "NMB-2024-PAY-04" in ids and "NMB-2024-RM-03" not in ids


def test_the_key_rows_below_the_table_are_notes_not_actions():
    plans = reportlib.inspect_plans([TRACKERS])
    notes = [f for f in plans.warnings if f.code == "not_an_action"]
    assert len(notes) == 4 and all(f.location.row in (29, 30) for f in notes)
    assert not plans.errors
