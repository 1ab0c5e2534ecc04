"""`reportlib layout draft`: a layout drafted from a council's own files, checked by loading them with it.

The draft must read the shipped plans as their hand-written layouts do, read a modern
internal-audit tracker (audit headings, a priority key, a Summary sheet) without a word of
editing, and say cell by cell what it is unsure of rather than guess in silence."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from papers_fixtures import seed_plan, to_docx
from quarters import q1, q2, q3
from workbooks import PRIORITY_KEY, audit_tracker

from reportlib.analysis.plans import inspect_plans
from reportlib.core import safeyaml
from reportlib.ingest.draft import date_pattern, draft_layout, load_report

DATA = Path(__file__).resolve().parents[2] / "data"
WDC = DATA / "wdc_use_of_resources_action_plan.xlsx"
SDDC = DATA / "sddc_use_of_resources_action_plan_2010.xlsx"


def drafted(tmp_path, *files):
    draft = draft_layout(files)
    out = tmp_path / "draft.layout.yaml"
    out.write_text(draft.text, encoding="utf-8")
    return draft, safeyaml.load(draft.text.encode(), source=out.name), inspect_plans(list(files), layouts=str(out))


def same_tables(drafted_plans, shipped, *, leave_out=()):
    for name in ("actions", "updates"):
        ours, theirs = getattr(drafted_plans, name), getattr(shipped, name)
        columns = [c for c in theirs.columns if c not in leave_out]
        pd.testing.assert_frame_equal(ours[columns].reset_index(drop=True), theirs[columns].reset_index(drop=True))


# -- a modern internal-audit tracker -----------------------------------------------------------------

@pytest.fixture
def tracker(tmp_path):
    return audit_tracker(tmp_path / "audit_tracker.xlsx")


def test_tracker_draft_loads_every_recommendation_and_no_footnote(tmp_path, tracker):
    _, _, plans = drafted(tmp_path, tracker)
    assert plans.errors == []
    actions = plans.actions
    assert list(actions["action_id"]) == [f"TDC-2024-{n:03d}" for n in range(1, 8)]
    assert list(actions["recommendation"]) == [
        f"Recommendation {n} of the {audit} audit." for n, audit in
        [(1, "Payroll"), (2, "Payroll"), (3, "Procurement cards"), (4, "Procurement cards"),
         (5, "Procurement cards"), (6, "Car parking income"), (7, "Car parking income")]]
    everything = " ".join(actions[["recommendation", "action", "owner"]].fillna("").to_numpy().ravel())
    assert "Priority key" not in everything and "Audit:" not in everything
    first = actions.iloc[0]
    assert (first.council, first.action, first.owner, first.priority) == (
        "Testshire District Council", "Agreed: response 1.", "Head of HR", "High")
    assert first.target_date == pd.Timestamp("2024-03-31") and first.revised_target_date == pd.Timestamp("2024-12-31")
    updates = plans.updates
    assert set(updates["snapshot"]) == {"September 2024"}
    assert list(updates["stated_status"].fillna("")) == [
        "Partially implemented", "Implemented", "Not yet due", "Overdue", "Complete (verified)", "Not started",
        "Superseded"]
    assert list(updates["status"]) == ["in_progress", "complete", "planned", "in_progress", "complete", "planned",
                                       "no_action"]
    assert updates.iloc[3]["stated_flag"] == "behind"  # "Overdue": never rated Green


def test_tracker_draft_names_each_column_and_the_header_it_matched(tmp_path, tracker):
    draft, data, _ = drafted(tmp_path, tracker)
    assert data["columns"] == {"ref": "Rec No", "recommendation": "Recommendation", "priority": "Priority",
                               "action": "Management Response", "owner": "Responsible Officer",
                               "target": "Original Target Date", "revised_target": "Revised Target Date"}
    # the dated status column is found by pattern in every quarter, paired with progress by date
    assert data["snapshots"] == [{"column_pattern": r"^\s*Progress\s+at\s+(?P<date>.+?)\s*$",
                                  "status_pattern": r"^\s*Status\s+at\s+(?P<date>.+?)\s*$"}]
    assert data["skip_sheets"] == ["Summary"]
    assert str(data["reference_date"]) == "2024-09-01"
    lines = draft.text.splitlines()
    assert any(line.startswith("  target: ") and "column G" in line for line in lines)
    assert data["group_label"] == "Audit"  # the words each heading leads with ("Audit: Payroll 2023/24 ...")
    assert any(line.startswith("group_label:") and "# check" in line for line in lines)


def test_tracker_draft_lists_what_it_is_unsure_of_cell_by_cell(tmp_path, tracker):
    draft, data, plans = drafted(tmp_path, tracker)
    where = {(d.sheet, d.row, d.column): d.message for d in draft.doubts}
    assert "matches none" in where[("Tracker", 3, "B")]  # the Audit column: not read today
    assert "Complete (verified)" in where[("Tracker", 10, "I")]
    assert "Implemented" not in " ".join(m for (_, r, _), m in where.items() if r == 6)  # a shared word: sure
    assert data["status_words"]["Overdue"] == {"status": "in_progress", "flag": "behind"}  # the shared list's word
    verified = next(line for line in draft.text.splitlines() if line.lstrip().startswith('"Complete (verified)"'))
    assert "# check" in verified
    for doubt in draft.doubts:  # every doubt is in the file too, as a comment
        assert f"# {doubt.place()}" in draft.text
    # after loading: the audit headings are the plan's groups, never Use of Resources KLOEs by their words
    checked = load_report(draft, plans)
    assert plans.actions["kloe"].isna().all()
    assert plans.actions["group"].str.startswith("Payroll 2023/24").any()  # named without the lead "Audit: "
    assert not plans.actions["group"].str.startswith("Audit").any()
    assert any("row 15" in line and "not as an action" in line for line in checked.doubts)  # the priority key
    assert "7 actions" in checked.summary and "0 errors" in checked.summary


def test_tracker_sections_and_footnote_rows_are_read_as_such(tmp_path, tracker):
    _, data, _ = drafted(tmp_path, tracker)
    import re

    heading = data["sections"]["group"]
    assert set(data["sections"]) == {"group"}  # notes and keys need no pattern: they are never actions
    assert re.search(heading, "Audit: Payroll 2023/24 (Reasonable assurance)", re.I)
    assert not re.search(heading, PRIORITY_KEY, re.I)


# -- the shipped plans: the unedited draft reads them as their hand-written layouts do ---------------

def test_sddc_draft_reads_the_plan_as_the_shipped_layout(tmp_path):
    draft, data, plans = drafted(tmp_path, SDDC)
    assert plans.errors == []
    same_tables(plans, inspect_plans([SDDC]))
    assert data["kloe_in"] == "recommendation" and data["target_in_prose"] == "details"
    assert data["council"] == "South Derbyshire District Council" and data["skip_sheets"] == ["Notes"]


def test_wdc_draft_reads_the_plan_as_the_shipped_layout_but_for_the_council_it_cannot_name(tmp_path):
    draft, data, plans = drafted(tmp_path, WDC)
    assert plans.errors == []
    shipped = inspect_plans([WDC])
    same_tables(plans, shipped, leave_out=("council",))
    assert data["split"] == {"column": "Action Plan from 2010 Assessment", "assessment": "2010",
                             "snapshots": ["July 2010"], "owner_suffix": True}
    assert data["columns"]["target"] == "December 2009 Position"
    council_line = next(line for line in draft.text.splitlines() if line.startswith("council:"))
    assert "# fill in" in council_line
    assert any("council" in d.message and d.needs_person for d in draft.doubts)
    # with the one line filled in, the tables are the shipped ones exactly
    text = draft.text.replace(council_line, "council: Warwick District Council")
    out = tmp_path / "filled.layout.yaml"
    out.write_text(text, encoding="utf-8")
    same_tables(inspect_plans([WDC], layouts=str(out)), shipped)


def test_a_committee_paper_is_drafted_from_its_tables(tmp_path):
    paper = to_docx(tmp_path / "sddc.docx", [seed_plan("sddc")])
    draft, data, plans = drafted(tmp_path, paper)
    assert plans.errors == [] and len(plans.actions) == 16
    assert data["kloe_in"] == "recommendation"


def test_several_quarters_of_one_plan_give_one_layout(tmp_path):
    folder = tmp_path / "quarters"
    folder.mkdir()
    files = [q1(folder), q2(folder), q3(folder)]
    draft, data, plans = drafted(tmp_path, *files)
    assert plans.errors == []
    assert data["snapshots"] == [{"column_pattern": r"^\s*Progress\s+at\s+(?P<date>.+?)\s*$", "status": "Status"}]
    assert sorted(plans.updates["snapshot"].unique()) == ["December 2010", "June 2010", "September 2010"]
    assert set(data["status_words"]) >= {"On track", "Behind schedule", "Done"}


def test_a_file_with_no_plan_header_is_said_plainly(tmp_path):
    from workbooks import write_xlsx

    from reportlib.errors import InputError

    notes = write_xlsx(tmp_path / "notes.xlsx", {"Notes": [["Minutes of the meeting"], ["Apologies: none"]]})
    with pytest.raises(InputError, match="no header row"):
        draft_layout([notes])


def test_a_date_in_brackets_gives_a_pattern_that_matches_its_own_header():
    import re

    from reportlib.ingest.draft import classify_header

    for header in ("Status (31 Dec 2025)", "Progress at 30/09/24", "Latest update – 31 Dec 2025"):
        column = classify_header(header)
        assert column.date is not None, header
        assert re.match(date_pattern(column.template), header), header


@pytest.mark.parametrize("header, key", [("Auditor's recommendation", "recommendation"),
                                         ("Area for improvement (from Audit Commission report)", "recommendation"),
                                         ("Council response", "action"), ("What we will do", "action")])
def test_headings_with_a_qualifier_or_a_note_are_read_and_marked_to_check(header, key):
    from reportlib.ingest.draft import classify_header

    column = classify_header(header)
    assert column.key == key


def test_a_draft_sure_of_every_cell_still_counts_the_lines_it_marks_for_a_person(tmp_path):
    """A tracker written by someone who never saw the code (Thornbury, 10 recommendations under
    three audit headings): no cell left the draft unsure, yet it marks its reference date, the
    position's date and the group label '# check'. The file must not say it is unsure of nothing."""
    draft = draft_layout([DATA.parent / "tests" / "data" / "stranger_tdc_tracker.xlsx"])
    marked = [line for line in draft.text.splitlines()
              if not line.startswith("#") and ("# check" in line or "# fill in" in line)]
    assert not draft.doubts and len(marked) == draft.marked == 3
    assert "unsure of nothing" not in draft.text
    assert "confirm the 3 lines below marked '# check' or '# fill in'" in draft.text
