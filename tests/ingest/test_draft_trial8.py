"""`reportlib layout draft` on what stranger trial 8 found (a Thornbury District Council tracker,
one quarter, written by someone who never saw the code; kept as tests/data/stranger_tdc_tracker.xlsx):

* the audit headings ("Audit report: Accounts Payable 2024/25") were drafted as a pattern with no
  capture, so every group was named "Audit report: ..." under the label "Audit report";
* a single quarter's status header "Status at 31/12/25" was drafted as written, so the next
  quarter's file ("Status at 31/03/26") could not be read with the same layout, and the README
  did not say so;
* a sheet with no title, whose status header gives the date, was drafted with `date: FILL-IN`."""
from __future__ import annotations

import re

import pandas as pd
from workbooks import write_xlsx

from reportlib.analysis.plans import inspect_plans
from reportlib.core import safeyaml
from reportlib.ingest.draft import draft_layout


def drafted(tmp_path, files):
    draft = draft_layout(files)
    out = tmp_path / "draft.layout.yaml"
    out.write_text(draft.text, encoding="utf-8")
    return draft, safeyaml.load(draft.text.encode(), source=out.name), out


HEADER = ["Ref", "Recommendation", "Priority", "Agreed Action", "Responsible Officer", "Target Date", None,
          "Progress Comment"]


def quarter(folder, name, position: str | None, stamp: str, statuses: tuple[str, str, str]):
    header = list(HEADER)
    header[6] = f"Status at {stamp}"
    title = [["Thornbury District Council"], [f"Internal Audit Recommendations Tracker - position at {position}"],
             []] if position else []
    rows = [*title, header, ["Audit report: Accounts Payable 2024/25"],
            ["AP-01", "Duplicate payments check.", "High", "Run the duplicate check monthly.", "Head of Finance",
             "31/03/2026", statuses[0], "Check now run monthly."],
            ["AP-02", "Supplier bank changes.", "Medium", "Call back on every change.", "Head of Finance",
             "30/06/2026", statuses[1], "Procedure drafted."],
            ["Audit report: Payroll 2024/25"],
            ["PY-01", "Starters and leavers.", "High", "Reconcile monthly.", "HR Manager", "31/12/2025",
             statuses[2], "Reconciliation designed; first run due in January."]]
    return write_xlsx(folder / name, {"Tracker": rows})


def test_audit_headings_with_a_shared_lead_are_drafted_with_a_capture_and_their_own_label(tmp_path):
    files = [quarter(tmp_path, "q3.xlsx", "31 December 2025", "31/12/25", ("Implemented", "In progress",
                                                                            "In progress"))]
    _, data, out = drafted(tmp_path, files)
    assert "group" in re.compile(data["sections"]["group"]).groupindex
    assert data["group_label"] == "Audit report"
    plans = inspect_plans(files, layouts=str(out))
    assert sorted(set(plans.actions["group"])) == ["Accounts Payable 2024/25", "Payroll 2024/25"]


def test_the_stranger_trackers_groups_are_named_without_the_lead_words(tmp_path):
    from pathlib import Path

    tracker = Path(__file__).resolve().parents[1] / "data" / "stranger_tdc_tracker.xlsx"
    _, _, out = drafted(tmp_path, [tracker])
    groups = set(inspect_plans([tracker], layouts=str(out)).actions["group"])
    assert groups and not any(g.lower().startswith("audit report") for g in groups)


def test_one_quarters_draft_reads_the_next_quarter_whose_headers_carry_its_own_date(tmp_path):
    q3 = quarter(tmp_path, "q3.xlsx", "31 December 2025", "31/12/25", ("Implemented", "In progress", "In progress"))
    draft, data, out = drafted(tmp_path, [q3])
    [entry] = data["snapshots"]
    assert "status" not in entry and "status_pattern" in entry and "date" not in entry  # dated by each file
    q4 = quarter(tmp_path, "q4.xlsx", "31 March 2026", "31/03/26", ("Implemented", "Implemented", "In progress"))
    plans = inspect_plans([q3, q4], layouts=str(out))
    assert plans.errors == []
    updates = plans.updates.sort_values(["action_id", "snapshot_date"])
    assert sorted(set(updates["snapshot_date"])) == [pd.Timestamp("2025-12-31"), pd.Timestamp("2026-03-31")]
    two = updates[updates["action_id"].str.endswith("AP-02")]
    assert list(two["stated_status"]) == ["In progress", "Implemented"]


def test_a_sheet_with_no_title_is_dated_by_its_status_header_not_left_to_fill_in(tmp_path):
    files = [quarter(tmp_path, "q3.xlsx", None, "31/12/25", ("Implemented", "In progress", "In progress"))]
    draft, data, out = drafted(tmp_path, files)
    assert "FILL-IN" not in draft.text
    plans = inspect_plans(files, layouts=str(out))
    assert plans.errors == []
    assert set(plans.updates["snapshot_date"]) == {pd.Timestamp("2025-12-31")}
    assert set(plans.updates["stated_status"]) == {"Implemented", "In progress"}


def test_a_legend_of_codes_that_are_not_colours_is_a_note_not_a_heading(tmp_path):
    # stranger trial 9: "Type: Key = key recommendation ...; Improvement = ..." under the plan was
    # drafted into the heading pattern, so it would have named a group had rows followed it
    from reportlib.ingest.draft_keys import is_key

    legend = "Type: Key = key recommendation (significant weakness); Improvement = improvement recommendation"
    assert is_key(legend)
    assert not is_key("Audit report: Accounts Payable 2024/25") and not is_key("Governance")
    book = quarter(tmp_path, "q3.xlsx", "31 December 2025", "31/12/25", ("Implemented", "In progress",
                                                                         "In progress"))
    from openpyxl import load_workbook

    wb = load_workbook(book)
    wb.active.append([legend])
    wb.save(book)
    _, data, _ = drafted(tmp_path, [book])
    assert not re.search(data["sections"]["group"], legend)
