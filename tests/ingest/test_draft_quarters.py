"""`reportlib layout draft` on two quarters of one tracker, each dated only by its title.

What a stranger's trial (an invented Eastmoor tracker, Q2 and Q3) found: the draft fixed one
snapshot date from the first file's title, so the second quarter could not be loaded; two
versions whose snapshot took one name ("Quarter end") were merged into one; "Revised target"
matched no column; a footnote became an audit heading; a status key in the title rows was
taken as part of the title; and a stated status that differs between versions was placed in
the progress column. Each case is a small workbook built here."""
from __future__ import annotations

import re

import pandas as pd
from workbooks import write_xlsx

import reportlib
from reportlib.analysis.plans import inspect_plans
from reportlib.core import safeyaml
from reportlib.ingest.draft import draft_layout

HEADER = ["Ref", "Audit", "Recommendation", "Priority", "Agreed action", "Owner", "Original target",
          "Revised target", "Status", "RAG", "Update"]
KEY = ("Status key: Implemented = action complete and evidenced; Partially implemented = work under way; "
       "Not started = no work begun")
FOOTNOTE = "Recommendations closed at the previous committee have been removed from this tracker."
HEADINGS = ["Accounts Payable 2025/26 – Limited assurance", "Cyber Security 2025/26 – Limited assurance"]
#: ref -> (Q2 status, Q2 update, Q3 status, Q3 update, Q3 revised target)
ROWS = {
    "AP-01": ("Partially implemented", "Report run for most payment runs.", "Implemented",
              "Report signed off before every run since October.", None),
    "AP-02": ("Not started", "Not started: closedown.", "Partially implemented", "412 of 610 old orders closed.",
              "31/03/2027"),
    "CS-01": ("Implemented", "MFA enforced since January.", "Implemented", "MFA enforced since January.", None),
    "CS-02": ("Not started", "Restore test booked.", "Partially implemented", "Revenues restore tested.", None),
}


def quarter(folder, name, position, q):
    rows = [["Eastmoor Borough Council"], [f"Internal Audit Recommendations Tracker – position as at {position}"],
            [KEY], [], HEADER]
    merges = ["A1:K1", "A2:K2", "A3:K3"]
    for code, heading in zip(("AP", "CS"), HEADINGS):
        rows.append([heading])
        merges.append(f"A{len(rows)}:K{len(rows)}")
        for ref, (s2, u2, s3, u3, revised) in ROWS.items():
            if ref.startswith(code):
                status, update, rev = (s2, u2, None) if q == 2 else (s3, u3, revised)
                rows.append([ref, heading.split(" 20")[0], f"Recommendation {ref}.", "P1", f"Action {ref}.", "HoF",
                             "31/03/2026", rev, status, "A", update])
    rows += [[], [FOOTNOTE]]
    return write_xlsx(folder / name, {"IA Tracker": rows}, {"IA Tracker": merges})


def both(tmp_path):
    return [quarter(tmp_path, "EBC Q2.xlsx", "30 September 2026", 2),
            quarter(tmp_path, "EBC Q3.xlsx", "31 December 2026", 3)]


def drafted(tmp_path, books):
    draft = draft_layout(books)
    out = tmp_path / "draft.layout.yaml"
    out.write_text(draft.text, encoding="utf-8")
    return draft, safeyaml.load(draft.text.encode(), source=out.name), inspect_plans(books, layouts=str(out))


# -- 1. quarters dated by their titles: one layout reads both -------------------------------------

def test_two_quarters_dated_by_their_titles_are_drafted_to_take_each_date_from_its_title(tmp_path):
    draft, data, plans = drafted(tmp_path, both(tmp_path))
    assert "date" in re.compile(data["title_pattern"]).groupindex
    [entry] = data["snapshots"]
    assert "date" not in entry and (entry["column"], entry["status"]) == ("Update", "Status")
    assert plans.errors == []
    updates = plans.updates.sort_values(["action_id", "snapshot_date"])
    assert sorted(set(updates["snapshot_date"])) == [pd.Timestamp("2026-09-30"), pd.Timestamp("2026-12-31")]
    one = updates[updates["action_id"] == "EBC-2026-AP-01"]
    assert list(one["text"]) == ["Report run for most payment runs.", "Report signed off before every run since October."]
    assert list(one["stated_status"]) == ["Partially implemented", "Implemented"]


def test_one_quarter_dated_by_its_title_keeps_its_fixed_dated_snapshot(tmp_path):
    _, data, plans = drafted(tmp_path, both(tmp_path)[:1])
    [entry] = data["snapshots"]
    assert str(entry["date"]) == "2026-09-30"
    assert plans.errors == [] and set(plans.updates["snapshot"]) == {"September 2026"}


# -- 2. one snapshot name, two versions: kept apart by their dates -----------------------------------

LAYOUT = r"""
name: ebc-hand
council: Eastmoor Borough Council
council_code: EBC
assessment: "2026"
reference_date: 2026-09-01
title_pattern: 'position as at (?P<date>\d+ \w+ \d{4})'
columns: {ref: Ref, recommendation: Recommendation, action: Agreed action, owner: Owner,
          target: Original target, revised_target: Revised target}
snapshots:
  - {snapshot: Quarter end, column: Update, status: Status}
sections:
  group: '^\s*(?:Accounts|Cyber)\b'
"""


def test_versions_whose_snapshot_shares_one_name_are_kept_apart_by_their_title_dates(tmp_path):
    books = both(tmp_path)
    (tmp_path / "ebc.layout.yaml").write_text(LAYOUT)
    plans = inspect_plans(books, layouts=str(tmp_path / "ebc.layout.yaml"))
    assert plans.errors == []
    names = plans.updates.drop_duplicates("snapshot_date").set_index("snapshot_date")["snapshot"]
    assert names.to_dict() == {pd.Timestamp("2026-09-30"): "September 2026",
                               pd.Timestamp("2026-12-31"): "December 2026"}
    # the status at each snapshot counts both quarters, not the first one twice
    standing = reportlib.progress(plans, "2026-12-31").standing
    one = standing[standing["action_id"] == "EBC-2026-AP-01"]
    assert list(one["snapshot"]) == ["September 2026", "December 2026"]
    assert list(one["status"]) == ["in_progress", "complete"]


def test_versions_whose_titles_give_no_date_are_an_error_naming_each_file(tmp_path):
    books = [quarter(tmp_path, "EBC Q2.xlsx", "the quarter end", 2), quarter(tmp_path, "EBC Q3.xlsx", "the quarter end", 3)]
    (tmp_path / "ebc.layout.yaml").write_text(LAYOUT.replace(r"(?P<date>\d+ \w+ \d{4})", r"(?P<date>.+)"))
    plans = inspect_plans(books, layouts=str(tmp_path / "ebc.layout.yaml"))
    dated = [e for e in plans.errors if e.code == "snapshot_date"]
    assert {e.location.file for e in dated} == {"EBC Q2.xlsx", "EBC Q3.xlsx"}
    assert all("Quarter end" in e.message and "title" in e.message for e in dated)
    assert plans.updates.empty



# -- 3. the draft's columns, headings, keys, and where a version conflict is ---------------------------

def test_revised_target_is_drafted_as_the_revised_target_column(tmp_path):
    draft, data, plans = drafted(tmp_path, both(tmp_path))
    assert data["columns"]["revised_target"] == "Revised target"
    assert not any("'Revised target' matches none" in d.message for d in draft.doubts)
    revised = plans.actions.set_index("action_id")["revised_target_date"]
    assert revised["EBC-2026-AP-02"] == pd.Timestamp("2027-03-31")


def test_a_footnote_sentence_is_not_drafted_as_a_heading_and_is_said(tmp_path):
    draft, data, plans = drafted(tmp_path, both(tmp_path))
    heading = data["sections"]["group"]
    assert all(re.search(heading, h, re.I) for h in HEADINGS)
    assert not re.search(heading, FOOTNOTE, re.I)
    assert set(plans.actions["group"]) == set(HEADINGS)
    assert any(d.row == 13 and "note" in d.message and "Recommendations closed" in d.message for d in draft.doubts)


def test_a_status_key_in_the_title_rows_is_said_and_is_not_read_as_the_title(tmp_path):
    draft, data, _ = drafted(tmp_path, both(tmp_path)[:1])
    [said] = [d for d in draft.doubts if d.row == 3]
    assert "key" in said.message and "Status key" in said.message and "title" in said.message


def test_a_stated_status_differing_between_versions_names_the_status_column(tmp_path):
    books = both(tmp_path)
    layout = LAYOUT.replace("  - {snapshot: Quarter end, column: Update, status: Status}",
                            "  - {snapshot: September 2026, date: 2026-09-30, column: Update, status: Status}")
    (tmp_path / "ebc.layout.yaml").write_text(layout.replace("title_pattern", "# title_pattern"))
    plans = inspect_plans(books, layouts=str(tmp_path / "ebc.layout.yaml"))
    stated = [e for e in plans.errors if e.code == "versions_disagree" and "stated status" in e.message]
    assert stated
    for error in stated:
        assert error.location.column == "I ('Status')"
        assert "column I ('Status') has the stated status" in error.message and "column K" not in error.message
    texts = [e for e in plans.errors if e.code == "versions_disagree" and "has the text" in e.message]
    assert texts and all(e.location.column == "K ('Update')" for e in texts)
