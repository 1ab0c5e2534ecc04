"""`reportlib layout draft` on what a stranger's trial found it got wrong in silence.

Each case is a small workbook built here, in a shape the shipped plans do not have: a status
key row under the title or among the headings, a G/A/R column, priorities written P1/P2/P3 or
in words. The draft must read each right or say so, in the file (`# check`) and in its doubts."""
from __future__ import annotations

import re

import pytest
from workbooks import write_xlsx

from reportlib.analysis.plans import inspect_plans
from reportlib.core import safeyaml
from reportlib.ingest.draft import draft_layout, load_report

TITLE = "Eastvale Borough Council – internal audit recommendations 2024/25"
HEADER = ["Ref", "Recommendation", "Priority", "Agreed action", "Responsible officer", "Target date",
          "RAG", "Progress at 30/09/24"]


def rec(ref, rag, priority="High", progress="Work under way."):
    return [ref, f"Recommendation {ref}.", priority, f"Action {ref}.", "Head of Finance", "31/03/25", rag, progress]


def drafted(tmp_path, book):
    draft = draft_layout([book])
    out = tmp_path / "draft.layout.yaml"
    out.write_text(draft.text, encoding="utf-8")
    return draft, safeyaml.load(draft.text.encode(), source=out.name), inspect_plans([book], layouts=str(out))


def line_of(draft, start):
    return next(line for line in draft.text.splitlines() if line.lstrip().startswith(start))


# -- a. a status key is never a heading; its meanings draft the status words ------------------------

@pytest.mark.parametrize("key", ["G = Implemented, A = In progress, R = Not started",
                                 "Colour key: G - implemented; A - in progress; R - not started",
                                 "Legend: G = implemented / A = in progress / R = not started"])
def test_a_key_row_among_the_headings_is_not_a_heading_and_gives_the_status_words(tmp_path, key):
    book = write_xlsx(tmp_path / "keyed.xlsx", {"Tracker": [
        [TITLE], HEADER,
        ["Audit: Payroll 2024/25"], rec(1, "G"), rec(2, "A"),
        ["Audit: Debtors 2024/25"], rec(3, "R"), rec(4, "G"),
        [key]]}, {"Tracker": ["A3:H3", "A6:H6", "A9:H9"]})
    draft, data, plans = drafted(tmp_path, book)
    heading = data["sections"]["group"]
    assert re.search(heading, "Audit: Payroll 2024/25") and re.search(heading, "Audit: Cyber 2025/26")
    assert not re.search(heading, key)  # the key is not the plan's grouping
    assert list(plans.actions["group"]) == ["Payroll 2024/25"] * 2 + ["Debtors 2024/25"] * 2  # without the lead
    # the key's meanings are the colours' status words, each to check
    assert data["status_words"] == {"G": "complete", "A": "in_progress", "R": "planned"}
    assert "# check" in line_of(draft, '"G":') and "row 9" in line_of(draft, '"G":')
    assert any(d.row == 9 and "key" in d.message for d in draft.doubts)
    # G means complete; beside "Work under way." the text contradicts it, so those go to review
    assert list(plans.updates["status"]) == ["needs_review", "in_progress", "planned", "needs_review"]
    assert list(plans.updates["status_source"]) == ["needs_review.contradicted", "stated", "stated",
                                                    "needs_review.contradicted"]


def test_a_key_under_the_title_gives_the_status_words_and_is_said(tmp_path):
    book = write_xlsx(tmp_path / "keyed.xlsx", {"Tracker": [
        [TITLE], ["Key: G = implemented, A = in progress, R = not started"], HEADER,
        rec(1, "G"), rec(2, "A"), rec(3, "R")]})
    draft, data, plans = drafted(tmp_path, book)
    assert data["status_words"] == {"G": "complete", "A": "in_progress", "R": "planned"}
    assert "sections" not in data
    assert any(d.row == 2 and "key" in d.message for d in draft.doubts)
    # G means complete; beside "Work under way." the text contradicts it, so it goes to review
    assert list(plans.updates["status"]) == ["needs_review", "in_progress", "planned"]
    assert list(plans.updates["status_source"]) == ["needs_review.contradicted", "stated", "stated"]


def test_a_key_written_one_cell_per_colour_is_said_and_gives_the_status_words(tmp_path):
    book = write_xlsx(tmp_path / "keyed.xlsx", {"Tracker": [
        [TITLE], HEADER, rec(1, "Green"), rec(2, "Amber"), rec(3, "Red"),
        [None],
        ["Key", "Green = Implemented", "Amber = In progress", "Red = Not started"]]})
    draft, data, _ = drafted(tmp_path, book)
    assert data["status_words"] == {"Green": "complete", "Amber": "in_progress", "Red": "planned"}
    # more than one cell: the loader reads it as a row of the plan, so the draft says so at that row
    assert any(d.row == 7 and "key" in d.message and "action" in d.message for d in draft.doubts)


# -- b. a G/A/R column is a RAG rating, never the stated status ---------------------------------------

@pytest.mark.parametrize("header, values", [("RAG", ["G", "A", "R", "B"]),
                                            ("Status", ["Green", "Amber", "Red", "G/A"]),
                                            ("RAG status", ["Amber/Red", "Green", "Blue", "Amber"])])
def test_a_column_of_colours_is_not_drafted_as_the_stated_status(tmp_path, header, values):
    book = write_xlsx(tmp_path / "rag.xlsx", {"Tracker": [
        [TITLE], HEADER[:6] + [header, "Progress at 30/09/24"],
        *(rec(n, v, progress="Complete." if n == 1 else "Work under way.") for n, v in enumerate(values, start=1))]})
    draft, data, plans = drafted(tmp_path, book)
    assert data["snapshots"] == [{"column_pattern": r"^\s*Progress\s+at\s+(?P<date>.+?)\s*$"}]  # no status
    assert "status_words" not in data
    note = line_of(draft, "# RAG rating")
    assert f"'{header}'" in note and "column G" in note and "# check" in note
    assert any(d.column == "G" and "RAG rating" in d.message for d in draft.doubts)
    # no update goes to review for a colour: the status is read from the progress text
    assert "needs_review" not in set(plans.updates["status"])
    assert plans.updates.iloc[0]["status"] == "complete"


def test_a_status_column_of_words_beside_a_rag_column_is_the_stated_status(tmp_path):
    book = write_xlsx(tmp_path / "both.xlsx", {"Tracker": [
        [TITLE], HEADER[:6] + ["RAG", "Status", "Progress at 30/09/24"],
        [1, "Rec 1.", "High", "Act 1.", "Head of HR", "31/03/25", "G", "Implemented", "Done."],
        [2, "Rec 2.", "Low", "Act 2.", "Head of HR", "31/03/25", "A", "Partially implemented", "Half."]]})
    draft, data, plans = drafted(tmp_path, book)
    assert data["snapshots"] == [{"column_pattern": r"^\s*Progress\s+at\s+(?P<date>.+?)\s*$", "status": "Status"}]
    assert list(plans.updates["status"]) == ["complete", "in_progress"]
    assert any(d.column == "G" and "RAG rating" in d.message for d in draft.doubts)


# -- c. priorities other than High / Medium / Low ------------------------------------------------------

@pytest.mark.parametrize("values, meant", [
    (["P1", "P2", "P3", "P1"], ["High", "Medium", "Low"]),
    (["Priority 1", "Priority 2", "Priority 3", "Priority 1"], ["High", "Medium", "Low"]),
    (["1 - High", "2 - Medium", "3 - Low", "1 - High"], ["High", "Medium", "Low"]),
    (["Essential", "Important", "Merits attention", "Essential"], ["High", "Medium", "Low"]),
    (["Fundamental", "Significant", "Merits Attention", "Fundamental"], ["High", "Medium", "Low"]),
])
def test_priorities_in_other_words_are_mapped_in_the_draft_and_marked(tmp_path, values, meant):
    book = write_xlsx(tmp_path / "prio.xlsx", {"Tracker": [
        [TITLE], HEADER, *(rec(n, "G", priority=v) for n, v in enumerate(values, start=1))]})
    draft, data, plans = drafted(tmp_path, book)
    distinct = list(dict.fromkeys(values))
    assert data["priority_words"] == dict(zip(distinct, meant))  # written as a mapping the layout reads
    for value, canonical in zip(distinct, meant):
        line = line_of(draft, f"{value!r}:".replace("'", '"'))
        assert f": {canonical}" in line and "# check" in line, line
        assert any(d.column == "C" and value in d.message and canonical in d.message for d in draft.doubts)
    # the unedited draft reads them as the canonical priorities, with nothing to warn of
    assert list(plans.actions["priority"]) == [dict(zip(distinct, meant))[v] for v in values]
    assert not [w for w in plans.warnings if w.code == "unknown_priority"]
    assert not [line for line in load_report(draft, plans).doubts if "priority" in line]


def test_a_priority_near_none_is_left_out_of_the_mapping_and_still_warned_of(tmp_path):
    values = ["P1", "P2", "TBC", "P1", "TBC"]
    book = write_xlsx(tmp_path / "prio.xlsx", {"Tracker": [
        [TITLE], HEADER, *(rec(n, "G", priority=v) for n, v in enumerate(values, start=1))]})
    draft, data, plans = drafted(tmp_path, book)
    assert data["priority_words"] == {"P1": "High", "P2": "Medium"}
    assert line_of(draft, '# "TBC":').split("#")[1].strip() == '"TBC": PRIORITY'  # for a person to fill in
    assert any(d.column == "C" and "'TBC'" in d.message and "kept as written" in d.message for d in draft.doubts)
    assert list(plans.actions["priority"]) == ["High", "Medium", "TBC", "High", "TBC"]
    # what loading gives is said once per value, not once per cell
    priority_lines = [line for line in load_report(draft, plans).doubts if "priority" in line]
    assert len(priority_lines) == 1 and "TBC" in priority_lines[0] and "2 cells" in priority_lines[0]


def test_high_medium_low_priorities_need_no_mapping(tmp_path):
    book = write_xlsx(tmp_path / "prio.xlsx", {"Tracker": [
        [TITLE], HEADER, rec(1, "G", priority="High"), rec(2, "G", priority="M"), rec(3, "G", priority="low")]})
    draft, _, plans = drafted(tmp_path, book)
    assert "priority_words" not in draft.text
    assert not [w for w in plans.warnings if w.code == "unknown_priority"]
