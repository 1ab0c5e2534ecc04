"""`reportlib layout draft` on what a new user's trial (trial 5) found, each a small plan built here.

* Two quarterly trackers whose progress column "Update" is undated but whose status column
  carries the date ("Status at 30/09/26", "Status at 31/12/26"): the draft fixed the first
  file's status header, so the second file could not be loaded.
* A Word committee paper: an "Officer" and a "Progress / RAG" column were not read; the
  council named in the paper's first heading was "Unnamed council"; the position date stated
  in the paper's opening text was not used, so a placeholder year 2000 threw every target away;
  the draft counted rows from the paragraphs above the table, the loader within the table.
* A title_pattern that does not match: the error quotes the title it was matched against."""
from __future__ import annotations

import re

import pandas as pd
import pytest
from workbooks import write_xlsx

from reportlib.analysis.plans import inspect_plans
from reportlib.core import safeyaml
from reportlib.errors import LayoutError
from reportlib.ingest.draft import classify_header, draft_layout
from reportlib.ingest.layouts import read_layout


def drafted(tmp_path, files):
    draft = draft_layout(files)
    out = tmp_path / "draft.layout.yaml"
    out.write_text(draft.text, encoding="utf-8")
    return draft, safeyaml.load(draft.text.encode(), source=out.name), inspect_plans(files, layouts=str(out))


def line_of(draft, start: str) -> str:
    return next(line for line in draft.text.splitlines() if line.startswith(start))


# -- 1. a status column dated in its header, quarter by quarter ---------------------------------------

TRACKER_HEADER = ["Ref", "Recommendation", "Priority", "Owner", "Original target", "Revised target", None, "Update"]
#: ref -> (Q2 status, Q2 update, Q3 status, Q3 update)
TRACKER_ROWS = {
    "CTR-01": ("In progress", "Reminder letters being redrafted.", "Implemented", "Reminders now issued."),
    "CTR-02": ("Not started", "Not yet due.", "In progress", "Write-off policy drafted."),
    "ICT-01": ("Implemented", "Generic accounts removed.", "Implemented", "Generic accounts removed."),
}


def tracker_quarter(folder, name: str, stamp: str, position: str, q: int):
    header = list(TRACKER_HEADER)
    header[6] = f"Status at {stamp}"
    rows = [["Kestrel Vale Borough Council"],
            [f"Internal Audit Recommendations Tracker - position at {position}"],
            ["Priority key: P1 = fundamental, P2 = significant, P3 = merits attention"], [], header]
    for heading, prefix in (("Council Tax Recovery 2025/26", "CTR"), ("ICT Access Controls 2025/26", "ICT")):
        rows.append([heading])
        for ref, (s2, u2, s3, u3) in TRACKER_ROWS.items():
            if ref.startswith(prefix):
                status, update = (s2, u2) if q == 2 else (s3, u3)
                rows.append([ref, f"Recommendation {ref}.", "P1", "HoF", "31/03/2027", None, status, update])
    return write_xlsx(folder / name, {"Recommendations": rows})


def two_quarters(tmp_path):
    return [tracker_quarter(tmp_path, "kvbc_q2.xlsx", "30/09/26", "30 September 2026", 2),
            tracker_quarter(tmp_path, "kvbc_q3.xlsx", "31/12/26", "31 December 2026", 3)]


def test_a_status_header_dated_differently_in_each_quarter_is_drafted_as_a_status_pattern(tmp_path):
    draft, data, plans = drafted(tmp_path, two_quarters(tmp_path))
    [entry] = data["snapshots"]
    assert "status" not in entry and entry["column"] == "Update"
    assert "date" in re.compile(entry["status_pattern"]).groupindex
    assert plans.errors == []
    updates = plans.updates.sort_values(["action_id", "snapshot_date"])
    assert sorted(set(updates["snapshot_date"])) == [pd.Timestamp("2026-09-30"), pd.Timestamp("2026-12-31")]
    one = updates[updates["action_id"] == "KVBC-2026-CTR-01"]
    assert list(one["stated_status"]) == ["In progress", "Implemented"]
    assert list(one["text"]) == ["Reminder letters being redrafted.", "Reminders now issued."]


# -- 2a. owner and progress headings ------------------------------------------------------------------

@pytest.mark.parametrize("header", ["Officer", "Responsible officer", "Lead officer", "Lead Officer(s)"])
def test_officer_headings_are_the_owner_column(header):
    assert classify_header(header).key == "owner"


@pytest.mark.parametrize("header", ["Progress / RAG", "Progress/RAG", "Progress and RAG", "Update / RAG",
                                    "Progress & RAG status"])
def test_progress_headings_that_also_give_a_rag_are_the_progress_column(header):
    assert classify_header(header).key == "progress"


# -- 2b-d. a Word committee paper ----------------------------------------------------------------------

PAPER_HEADER = ["Rec no.", "Recommendation", "Management response", "Officer", "Due", "Progress / RAG"]
PAPER_ROWS = [
    ["Financial sustainability", "", "", "", "", ""],
    ["R1", "Set out a savings programme.", "Agreed.", "Director of Finance", "28 February 2027",
     "Amber - in progress. Savings identified."],
    ["R2", "Replenish the general reserve.", "Agreed.", "", "31 March 2026", "Green - complete."],
    ["R3", "Report capital slippage quarterly.", "Agreed.", "Capital Accountant", "September 2026",
     "Red - not yet implemented."],
    ["Governance", "", "", "", "", ""],
    ["R4", "Review the constitution.", "Agreed.", "Monitoring Officer", "31 March 2027",
     "Amber - draft out to consultation."],
    ["Summary: 4 recommendations - 1 complete (Green), 2 in progress (Amber), 1 behind (Red), 0 not started",
     "", "", "", "", ""],
]
#: The paper's opening: (heading level or 0 for a paragraph, text). The council and the position's
#: date are further up than the six paragraphs kept as the table's title, and the heading nearest
#: the table is the appendix's
OPENING = [(1, "Bramwell City Council"), (0, "Audit Committee - 20 January 2027"),
           (2, "External audit value for money recommendations: progress report"),
           (0, "Report of the Director of Finance"), (3, "1. Purpose of the report"),
           (0, "This report sets out the position as at 31 December 2026 against the auditor's recommendations."),
           (3, "2. Recommendation"), (0, "That the Committee notes the progress made."), (3, "3. Background"),
           (0, "The auditor's value for money work looks at three areas."),
           (0, "Officers have updated the table below."),
           (3, "Appendix A: Progress against the value for money recommendations")]


def paper(tmp_path, opening=OPENING, rows=PAPER_ROWS, name="bramwell.docx"):
    """A Word committee paper as the trial's: headings and paragraphs, then the plan's table, its
    heading rows merged across and the first two Officer cells merged down."""
    import docx

    document = docx.Document()
    for level, text in opening:
        document.add_heading(text, level=level) if level else document.add_paragraph(text)
    table = document.add_table(rows=1 + len(rows), cols=len(PAPER_HEADER))
    for c, value in enumerate(PAPER_HEADER):
        table.cell(0, c).text = value
    for r, row in enumerate(rows, start=1):
        if not any(row[1:]):
            table.cell(r, 0).merge(table.cell(r, len(PAPER_HEADER) - 1)).text = row[0]
            continue
        for c, value in enumerate(row):
            if value:
                table.cell(r, c).text = value
    table.cell(2, 3).merge(table.cell(3, 3))  # R1 and R2 share one Officer cell
    document.add_paragraph("Contact officer: Director of Finance.")
    document.save(tmp_path / name)
    return tmp_path / name


def test_a_papers_officer_and_progress_rag_columns_are_read(tmp_path):
    draft, data, plans = drafted(tmp_path, [paper(tmp_path)])
    assert data["columns"]["owner"] == "Officer"
    [entry] = data["snapshots"]
    assert entry["column"] == "Progress / RAG"
    owners = plans.actions.set_index("action_id")["owner"]
    assert owners["BCC-2026-R1"] == owners["BCC-2026-R2"] == "Director of Finance"
    assert len(plans.updates) == 4 and plans.updates["text"].str.len().gt(0).all()


def test_the_council_named_in_a_papers_opening_is_drafted_with_its_initials_to_check(tmp_path):
    draft, data, _ = drafted(tmp_path, [paper(tmp_path)])
    assert data["council"] == "Bramwell City Council"
    assert data["council_code"] == "BCC"
    assert "check" in line_of(draft, "council_code:")
    assert not any("Unnamed council" in str(d) for d in draft.doubts)


def test_the_position_date_stated_in_a_papers_opening_dates_the_snapshot_and_the_reference(tmp_path):
    draft, data, plans = drafted(tmp_path, [paper(tmp_path)])
    assert str(data["reference_date"]) == "2026-12-01"
    [entry] = data["snapshots"]
    assert str(entry["date"]) == "2026-12-31"
    assert "31 December 2026" in line_of(draft, "  - {snapshot:")
    assert plans.errors == []
    assert not [w for w in plans.warnings if w.code == "implausible_year"]
    targets = plans.actions.set_index("action_id")["target_date"]
    assert targets["BCC-2026-R1"] == pd.Timestamp("2027-02-28")
    assert targets.notna().all()


def test_with_no_stated_date_the_reference_comes_from_the_plans_own_dates_and_the_snapshot_date_is_refused(tmp_path):
    undated = [(level, text) for level, text in OPENING if "31 December 2026" not in text]
    draft, data, plans = drafted(tmp_path, [paper(tmp_path, undated)])
    assert str(data["reference_date"])[:4] in ("2026", "2027")  # the plan's targets run March 2026 to February 2027
    assert "check" in line_of(draft, "reference_date:")
    assert "2000" not in draft.text.split("\nname:")[1]
    # the position's date is a fill-in the loader refuses, naming it, never a date made up
    snapshot = line_of(draft, "  - {snapshot:")
    assert "fill in" in snapshot
    with pytest.raises(LayoutError, match=r"snapshots\[0\]\.date"):
        read_layout(tmp_path / "draft.layout.yaml")
    assert any("date" in d.message and d.needs_person for d in draft.doubts)


def test_with_no_date_at_all_the_reference_date_is_a_fill_in_the_loader_refuses(tmp_path):
    undated = [(level, text) for level, text in OPENING if "31 December 2026" not in text and "2027" not in text]
    rows = [[c if i != 4 else "" for i, c in enumerate(r)] for r in PAPER_ROWS]  # no targets either
    draft, _, _ = drafted(tmp_path, [paper(tmp_path, undated, rows)])
    assert "fill in" in line_of(draft, "reference_date:")
    written = tmp_path / "dated.layout.yaml"  # the position's date written, the reference date not yet
    written.write_text(draft.text.replace("date: FILL-IN,", "date: 2026-12-31,"), encoding="utf-8")
    with pytest.raises(LayoutError, match="reference_date"):
        read_layout(written)


def test_the_drafts_row_numbers_in_a_paper_are_the_loaders(tmp_path):
    draft, _, plans = drafted(tmp_path, [paper(tmp_path)])
    [note] = [f for f in plans.warnings if f.code == "not_an_action" and "Summary" in f.message]
    [said] = [d for d in draft.doubts if "Summary" in d.message]
    assert (said.sheet, said.row) == (note.location.sheet, note.location.row) == ("table 1", 8)
    headings = line_of(draft, "  group:")
    assert "rows 2, 6" in headings


# -- 2e. a title_pattern that does not match ---------------------------------------------------------

@pytest.mark.parametrize("snapshot, code", [("{snapshot: Quarter end, column: Update}", "snapshot_date"),
                                            ("{snapshot: Q2, date: 2026-09-30, column: Update}", "no_identity")])
def test_a_title_pattern_that_does_not_match_is_said_quoting_the_title(tmp_path, snapshot, code):
    book = tracker_quarter(tmp_path, "kvbc_q2.xlsx", "30/09/26", "30 September 2026", 2)
    (tmp_path / "kvbc.layout.yaml").write_text(
        "name: kvbc\nassessment: '2026'\nreference_date: 2026-09-01\n"
        "title_pattern: '(?P<council>\\w+ District Council).*as at (?P<date>\\d+ \\w+ \\d{4})'\n"
        "columns: {ref: Ref, recommendation: Recommendation, owner: Owner, target: Original target}\n"
        f"snapshots:\n  - {snapshot}\n")
    plans = inspect_plans([book], layouts=str(tmp_path / "kvbc.layout.yaml"))
    [error] = [e for e in plans.errors if e.code == code]
    assert "Internal Audit Recommendations Tracker - position at 30 September 2026" in error.message
    assert "Kestrel Vale Borough Council" in error.message
