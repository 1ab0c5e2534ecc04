"""A plan's own grouping: audit reports, themes or service areas, not the Use of Resources KLOEs.

A modern internal-audit tracker files its recommendations under the audit reports they come
from. Its headings are not KLOEs and are never read as KLOEs ("Procurement 2023/24" is not
KLOE 2.1); a Use of Resources plan keeps its KLOE as its group.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from workbooks import item, tracker_folder, write_xlsx

from reportlib import load_plans
from reportlib.analysis.plans import inspect_plans
from reportlib.analysis.progress import progress, summarise
from reportlib.errors import LayoutError
from reportlib.ingest import layouts
from reportlib.model import kloe as kloe_mod
from reportlib.model.plans import Plans

DATA = Path(__file__).resolve().parents[2] / "data"

HEADER = ["Ref", "Recommendation", "Management response", "Owner", "Priority", "Target date", "Progress March 2024"]
LAYOUT = """
name: ia-tracker
council: Testshire District Council
council_code: TDC
assessment: "2024"
reference_date: 2024-01-01
columns:
  ref: Ref
  recommendation: Recommendation
  action: Management response
  owner: Owner
  priority: Priority
  target: Target date
snapshots:
  - {snapshot: March 2024, date: 2024-03-31, column: Progress March 2024}
"""
#: Audit-report headings, several of which read like Use of Resources KLOEs by their words.
REPORTS = {
    "Payroll 2023/24": ["1", "2"],
    "Procurement and contract management 2023/24": ["3", "4", "5"],  # "procurement": KLOE 2.1 by its words
    "Cyber security": ["6"],
    "Risk management and internal control": ["7", "8"],  # KLOE 2.4 by its words
    "Data quality of performance indicators": ["9"],  # KLOE 2.2 by its words
}


def _row(ref, report=None):
    cells = [ref, f"Recommendation {ref}.", f"Response {ref}.", "Head of Finance", "High", "31/03/2024",
             "Complete" if ref in ("1", "3") else "In progress"]
    return cells + ([report] if report is not None else [])


def tracker(tmp_path: Path, layout_extra: str, *, heading=lambda name: name, by_column=False) -> Path:
    """A tracker whose recommendations are grouped by audit report: section rows (one filled
    cell naming the report) above each report's rows, or an "Audit report" column."""
    folder = tmp_path / "plans"
    folder.mkdir()
    (folder / "ia.layout.yaml").write_text(LAYOUT + layout_extra)
    rows = [["Testshire District Council – internal audit recommendations tracker"], [None],
            HEADER + (["Audit report"] if by_column else [])]
    for report, refs in REPORTS.items():
        if not by_column:
            rows.append([heading(report)])
        rows += [_row(ref, report if by_column else None) for ref in refs]
    write_xlsx(folder / "ia_tracker.xlsx", {"Tracker": rows})
    return folder


def expected_groups() -> dict[str, str]:
    return {f"TDC-2024-{int(ref):03d}": report for report, refs in REPORTS.items() for ref in refs}


def assert_no_kloes(plans):
    assert plans.actions["kloe"].isna().all() and plans.actions["kloe_name"].isna().all()
    assert plans.actions["theme"].isna().all()
    assert not [f for f in plans.findings if "kloe" in f.code], plans.findings


def test_section_rows_named_by_the_pattern_capture_are_the_groups(tmp_path):
    folder = tracker(tmp_path, "sections:\n  group: '^Audit report:\\s*(?P<group>.+)$'\ngroup_label: Audit report\n",
                     heading=lambda name: f"Audit report: {name}")
    plans = load_plans(folder)
    assert dict(zip(plans.actions["action_id"], plans.actions["group"])) == expected_groups()
    assert_no_kloes(plans)
    assert plans.group_label == "Audit report"
    assert list(plans.sources["group_label"]) == ["Audit report"]


def test_section_rows_are_the_groups_by_their_text(tmp_path):
    """Without a capture the heading's whole text (trimmed) is the group."""
    folder = tracker(tmp_path, "sections:\n  group: '\\S'\ngroup_label: Audit report\n",
                     heading=lambda name: f"  {name} ")
    plans = load_plans(folder)
    assert dict(zip(plans.actions["action_id"], plans.actions["group"])) == expected_groups()
    assert_no_kloes(plans)


def test_a_group_column_gives_each_action_its_group(tmp_path):
    folder = tracker(tmp_path, "group_label: Audit report\n", by_column=True)
    layout = folder / "ia.layout.yaml"
    layout.write_text(layout.read_text().replace("  target: Target date\n", "  target: Target date\n  group: Audit report\n"))
    plans = load_plans(folder)
    assert dict(zip(plans.actions["action_id"], plans.actions["group"])) == expected_groups()
    assert_no_kloes(plans)
    assert plans.group_label == "Audit report"


def test_a_plan_with_no_grouping_has_no_group_and_no_kloe(tmp_path):
    folder = tracker(tmp_path, "", by_column=True)  # the layout does not read the "Audit report" column
    plans = inspect_plans(folder)
    assert plans.actions["group"].isna().all()
    assert plans.group_label == "Group" and len(plans.actions) == 9
    assert plans.actions["kloe"].isna().all()
    assert not [f for f in plans.findings if "kloe" in f.code]


def test_grouped_plans_are_summarised_by_group(tmp_path):
    folder = tracker(tmp_path, "sections:\n  group: '\\S'\ngroup_label: Audit report\n")
    p = progress(load_plans(folder), "2024-04-30")
    table = summarise(p.actions, by="group").set_index("group")
    assert table.loc["Procurement and contract management 2023/24", "actions"] == 3
    assert table.loc["Procurement and contract management 2023/24", "complete"] == 1
    assert table["actions"].sum() == 9 and "(none)" not in table.index
    assert p.summary("group").equals(summarise(p.actions, by="group"))
    assert p.group_label == "Audit report"


def test_a_use_of_resources_plan_keeps_its_kloe_as_its_group(tmp_path):
    rows = [["KLOE 2.1 Commissioning and procurement"], item("1"), item("2", KLOE="KLOE 3.3 Workforce"),
            ["Theme 1 - Managing finances"], item("3", KLOE="1.2")]
    plans = load_plans(tracker_folder(tmp_path, rows))
    assert list(plans.actions["kloe"]) == ["2.1", "3.3", "1.2"]
    assert list(plans.actions["group"]) == ["2.1 Commissioning and procurement", "3.3 Workforce",
                                            "1.2 Understanding costs and achieving efficiencies"]
    assert plans.group_label == "KLOE"


def test_the_shipped_plans_are_grouped_by_kloe():
    plans = load_plans(DATA)
    assert list(plans.actions["group"]) == [kloe_mod.label(code) for code in plans.actions["kloe"]]
    assert set(plans.sources["group_label"]) == {"KLOE"} and plans.group_label == "KLOE"
    assert plans.council("SDDC").group_label == "KLOE"


def test_plans_whose_layouts_disagree_on_the_label_say_group(tmp_path):
    (tmp_path / "uor").mkdir()
    uor = load_plans(tracker_folder(tmp_path / "uor", [item("1", KLOE="2.1")]))
    grouped = load_plans(tracker(tmp_path, "sections:\n  group: '\\S'\ngroup_label: Audit report\n"))
    grouped.actions["council_code"] = "IAC"
    both = Plans(pd.concat([uor.actions, grouped.actions], ignore_index=True),
                 pd.concat([uor.updates, grouped.updates], ignore_index=True),
                 sources=pd.concat([uor.sources, grouped.sources], ignore_index=True))
    assert both.group_label == "Group"
    # each council's report speaks its own plan's words
    assert both.council("TDC").group_label == "KLOE" and both.council("IAC").group_label == "Audit report"


@pytest.mark.parametrize("extra, message", [
    ("sections:\n  heading: 'x'\n", "'sections' has unknown key 'heading'"),
    ("group_label: ''\n", "'group_label' must be"),
    ("group_label: [a, b]\n", "'group_label' must be"),
])
def test_bad_grouping_keys_are_errors_naming_the_key(tmp_path, extra, message):
    path = tmp_path / "bad.layout.yaml"
    path.write_text(LAYOUT.replace("name: ia-tracker", "name: bad") + extra)
    with pytest.raises(LayoutError) as caught:
        layouts.read_layout(path)
    assert message in str(caught.value) and "bad.layout.yaml" in str(caught.value)


def test_group_label_defaults_to_kloe_for_plans_that_declare_kloes():
    builtin = layouts.available()
    assert {name: lay.group_label for name, lay in builtin.items()} == {"sddc-uor-2010": "KLOE", "wdc-uor-2009": "KLOE"}
    plain = layouts.parse_layout({"name": "x", "columns": {"action": "Action"}}, "x.yaml")
    assert plain.group_label == "Group" and not plain.declares_kloes
