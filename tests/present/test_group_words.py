"""Reports speak the plan's words: a tracker grouped by audit report is shown by audit report,
never by KLOE; a Use of Resources plan is still shown by KLOE."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from reportlib.analysis import compare
from reportlib.analysis.progress import Progress, summarise
from reportlib.present import charts, report

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
AS_OF = pd.Timestamp("2024-04-30")


def tracker_actions(groups, label_kloe=False) -> pd.DataFrame:
    """One action per (group, status): the plan's own groups, no KLOE."""
    records = []
    for i, (group, status) in enumerate(groups):
        records.append({
            "council": "Testshire District Council", "council_code": "TDC", "assessment": "2024",
            "group": group, "action_id": f"TDC-2024-{i + 1:03d}", "theme": pd.NA, "kloe": None, "kloe_name": None,
            "recommendation": f"Recommendation {i}", "action": f"Action {i}", "owner": "Head of Finance",
            "priority": "High", "target_text": "March 2024", "target_date": pd.Timestamp("2024-03-31"),
            "revised_target_date": pd.NaT, "original_target_date": pd.Timestamp("2024-03-31"),
            "effective_target_date": pd.Timestamp("2024-03-31"), "details": None, "linked_action_id": None,
            "status": status, "status_text": "Done." if status == "complete" else "Working on it.",
            "timeliness": "on_time" if status == "complete" else "overdue",
            "days_overdue": pd.NA if status == "complete" else 30, "days_extended": pd.NA,
            "days_overdue_original": pd.NA if status == "complete" else 30, "rag": "Red",
            "latest_snapshot": "March 2024", "updated_latest": True, "status_source": "rule",
        })
    frame = pd.DataFrame(records)
    frame["theme"] = frame["theme"].astype("Int64")
    for column in ("days_overdue", "days_extended", "days_overdue_original"):
        frame[column] = frame[column].astype("Int64")
    frame.attrs["as_of"] = AS_OF
    return frame


GROUPS = [("Payroll 2023/24", "complete"), ("Payroll 2023/24", "in_progress"),
          ("Procurement 2023/24", "in_progress"), ("Cyber security", "complete"), (None, "planned")]


@pytest.fixture
def tracker() -> Progress:
    actions = tracker_actions(GROUPS)
    return Progress(AS_OF, actions, pd.DataFrame(), group_label="Audit report")


def words_in(chart) -> str:
    ax = chart.figure.axes[0]
    ticks = " ".join(t.get_text() for t in ax.get_yticklabels())
    return " ".join([chart.title, chart.alt_text, ax.get_ylabel(), ax.get_xlabel(), ticks,
                     " ".join(map(str, chart.data.columns))])


def test_progress_by_group_speaks_of_audit_reports(tracker):
    chart = charts.progress_by_group(tracker.actions, label="Audit report")
    assert chart.title == "Action status by audit report, as of 30 Apr 2024"
    assert chart.figure.axes[0].get_ylabel() == "Audit report"
    assert "KLOE" not in words_in(chart) and "Use of Resources" not in words_in(chart)
    assert chart.alt_text.startswith("Stacked bars of 5 actions by audit report as of 30 Apr 2024: ")
    assert "1 action has no audit report" in chart.alt_text


def test_progress_by_group_keeps_the_plans_order_with_no_group_last(tracker):
    chart = charts.progress_by_group(tracker.actions, label="Audit report")
    order = list(dict.fromkeys(chart.data["group"]))
    assert order == ["Payroll 2023/24", "Procurement 2023/24", "Cyber security", "No audit report"]
    counts = chart.data.groupby("group")["actions"].sum().to_dict()
    assert counts == {"Payroll 2023/24": 2, "Procurement 2023/24": 1, "Cyber security": 1, "No audit report": 1}
    # drawn top to bottom in that order
    ticks = [t.get_text() for t in chart.figure.axes[0].get_yticklabels()]
    assert [t.replace("\n", " ") for t in ticks] == order


def test_progress_by_group_of_a_use_of_resources_plan_says_kloe():
    actions = tracker_actions([("2.1 Commissioning and procurement", "complete"),
                               ("1.1 Planning for financial health", "planned")])
    chart = charts.progress_by_group(actions, label="KLOE")
    assert chart.title.startswith("Action status by KLOE") and chart.figure.axes[0].get_ylabel() == "KLOE"
    assert list(dict.fromkeys(chart.data["group"])) == ["1.1 Planning for financial health",
                                                      "2.1 Commissioning and procurement"]


def test_summary_and_action_tables_say_audit_report_not_kloe(tracker):
    html = str(report.group_summary(tracker))
    assert "<th>Audit report</th>" in html or ">Audit report<" in html
    assert "Actions by audit report" in html and "Payroll 2023/24" in html and "No audit report" in html
    summary = str(report.summary_table(summarise(tracker.actions, "group"), "group", "By report", label="Audit report"))
    assert ">Audit report<" in summary and "KLOE" not in summary
    for piece in (report.action_table(tracker), report.overdue_table(tracker), report.group_summary(tracker)):
        assert "KLOE" not in str(piece) and ">Audit report<" in str(piece)


def test_headings_name_the_plans_groups(tracker):
    heading = str(report.group_heading(tracker))
    assert re.search(r'<h2 id="Progress-by-audit-report">Progress by audit report</h2>', heading)
    assert "KLOE" not in heading and "Use of Resources" not in heading
    uor = Progress(AS_OF, tracker.actions, pd.DataFrame(), group_label="KLOE")
    assert "Progress by KLOE" in str(report.group_heading(uor))
    assert "Use of Resources" in str(report.group_heading(uor))
    assert str(report.heading(tracker, "{Groups} that recur")).count("Audit reports that recur") == 1


def test_assessment_years_compared_by_the_plans_groups(tracker):
    actions = tracker.actions.assign(assessment=["2023", "2024", "2023", "2024", "2024"])
    years = compare.compare_assessments(actions, "TDC", label="Audit report")
    assert list(years["per_group"].columns[:1]) == ["Audit report"]
    assert list(years["recurring"]["Audit report"]) == ["Payroll 2023/24"]
    assert "KLOE" not in " ".join(map(str, years["per_group"].columns))


def test_changes_name_the_group_with_the_plans_label(tracker):
    changes = pd.DataFrame({"action_id": ["TDC-2024-001"], "change": ["newly_complete"], "council_code": ["TDC"],
                            "group": ["Payroll 2023/24"], "kloe": [None], "owner": ["HoF"], "action": ["Pay"],
                            "status_before": ["in_progress"], "status_now": ["complete"], "days_overdue": [pd.NA],
                            "latest_text": ["Done"], "rag_before": ["Red"], "rag_now": ["Complete"]})
    changes.attrs.update(group_label="Audit report")
    html = str(report.changes_table(changes))
    assert ">Audit report<" in html and "Payroll 2023/24" in html and "KLOE" not in html


@pytest.mark.parametrize("name", ["council_progress", "compare_years", "compare_councils"])
def test_notebooks_say_kloe_and_use_of_resources_only_through_the_plan(name):
    notebook = json.loads((NOTEBOOKS / f"{name}.ipynb").read_text(encoding="utf-8"))
    written = "\n".join("".join(cell["source"]) for cell in notebook["cells"]
                        if cell["cell_type"] == "markdown" or "parameters" in cell["metadata"].get("tags", []))
    assert "KLOE" not in written and "Use of Resources" not in written
    code = "\n".join("".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == "code")
    assert "def " not in code and not any(cell.get("outputs") for cell in notebook["cells"] if cell["cell_type"] == "code")


def test_the_pack_workbook_heads_the_group_column_with_the_plans_label():
    from reportlib.model.plans import ACTION_COLUMNS, UPDATE_COLUMNS, Plans
    from reportlib.present.packtables import report_frames

    actions = tracker_actions(GROUPS).reindex(columns=ACTION_COLUMNS)
    for column in ("in_plan_from", "not_in_plan_since_date"):
        actions[column] = pd.to_datetime(actions[column])
    sources = pd.DataFrame({"file": [None], "sheet": [None], "group_label": ["Audit report"]})
    updates = pd.DataFrame(columns=UPDATE_COLUMNS).astype({"snapshot_date": "datetime64[ns]"})
    plans = Plans(actions, updates, sources=sources)
    sheet = report_frames(plans, AS_OF)["Actions"]
    assert "Audit report" in sheet.columns and not [c for c in sheet.columns if "KLOE" in c or c == "Theme"]
    assert list(sheet["Audit report"][:2]) == ["Payroll 2023/24", "Payroll 2023/24"]


@pytest.mark.parametrize("label, heading", [("VfM criterion", "Progress by VfM criterion"),
                                            ("Audit report", "Progress by audit report"),
                                            ("KLOE", "Progress by KLOE"),
                                            ("ICT audit", "Progress by ICT audit"),
                                            ("IT Service", "Progress by IT Service")])
def test_a_group_label_mid_sentence_keeps_its_capitals_unless_it_is_a_plain_word(label, heading):
    assert f">{heading}</h2>" in str(report.heading(label, "Progress by {group}"))
