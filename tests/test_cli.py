"""`reportlib validate` and `reportlib export`: findings, exit codes, and bad input handled cleanly."""
from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import xlsxwriter
from workbooks import TRACKER_HEADER, TRACKER_LAYOUT, item, tracker_folder, write_xlsx

from reportlib.cli import main

DATA = Path(__file__).resolve().parents[1] / "data"


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_validate_shipped_data_passes(capsys):
    code, out, _ = run(capsys, "validate", DATA)
    assert code == 0
    assert "72 actions" in out and "0 errors" in out


def test_validate_says_how_many_updates_wait_for_a_person_and_the_command_that_lists_them(capsys):
    # a trial: "0 errors, 2 warnings" and nothing about the updates its report then left for review
    import reportlib

    waiting = int((reportlib.inspect_plans([DATA]).updates["status"] == "needs_review").sum())
    assert waiting > 0
    code, out, _ = run(capsys, "validate", DATA)
    assert code == 0
    assert f"{waiting} updates need a person to read them" in out and f"`reportlib review {DATA}`" in out


def test_export_writes_the_canonical_tables(tmp_path, capsys):
    code, out, _ = run(capsys, "export", DATA, "--out", tmp_path / "out")
    assert code == 0
    actions = pd.read_csv(tmp_path / "out" / "actions.csv")
    assert len(actions) == 72 and "action_id" in actions.columns
    assert len(pd.read_csv(tmp_path / "out" / "updates.csv")) > 100
    book = pd.read_excel(tmp_path / "out" / "plans.xlsx", sheet_name=None, engine="calamine")
    assert set(book) == {"actions", "updates", "findings"} and len(book["actions"]) == 72


def test_export_neutralises_formulas_and_keeps_the_text(tmp_path, capsys):
    folder = tracker_folder(tmp_path, [item(1, '=HYPERLINK("http://x.example","click")', "@SUM(A1) - PM", KLOE="2.1")])
    assert run(capsys, "export", folder, "--out", tmp_path / "out")[0] == 0
    csv_text = (tmp_path / "out" / "actions.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in csv_text and "'@SUM(A1)" in csv_text
    with zipfile.ZipFile(tmp_path / "out" / "plans.xlsx") as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet  # stored as text, never as a formula
    assert pd.read_excel(tmp_path / "out" / "plans.xlsx", engine="calamine")["recommendation"][0].startswith("=HYPERLINK")


# --- bad input: one clear paragraph, exit 1, nothing written -------------------------------------

def _encrypted(path: Path) -> Path:
    pytest.importorskip("msoffcrypto")
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = write_xlsx(path.with_suffix(".plain.xlsx"), {"S": [TRACKER_HEADER, item(1)]})
    with plain.open("rb") as src, path.open("wb") as dst:
        OOXMLFile(src).encrypt("secret", dst)
    plain.unlink()
    return path


def _huge(path: Path, rows: int) -> Path:
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("Tracker")
    sheet.write_row(0, 0, TRACKER_HEADER)
    for r in range(1, rows + 1):
        sheet.write_row(r, 0, [r, "2.1", f"Finding {r}", "Action - PM", None, "Low", "March 2010"])
    book.close()
    return path


BAD = {
    "renamed_pdf": (lambda f: (f / "plan.xlsx").write_bytes(b"%PDF-1.4\n%binary\n") and f / "plan.xlsx",
                    "not an xlsx workbook or a csv file: it is a PDF document despite its name"),
    "text_named_xlsx": (lambda f: (f / "plan.xlsx").write_text("Ref,Recommendation\n1,x\n") and f / "plan.xlsx",
                        "not an xlsx workbook or a csv file: it is a text file despite its name"),
    "truncated": (lambda f: (f / "plan.xlsx").write_bytes(
        write_xlsx(f / "ok.tmp.xlsx", {"S": [TRACKER_HEADER, item(1)]}).read_bytes()[:900]) and f / "plan.xlsx",
                  "cannot be read: it looks damaged or truncated"),
    "encrypted": (lambda f: _encrypted(f / "plan.xlsx"), "password-protected"),
    "empty_file": (lambda f: (f / "plan.xlsx").write_bytes(b"") or f / "plan.xlsx", "the file is empty"),
    "empty_sheet": (lambda f: write_xlsx(f / "plan.xlsx", {"Sheet1": []}), "every sheet is empty"),
    "no_header": (lambda f: write_xlsx(f / "plan.xlsx", {"Sheet1": [["a", "b"], ["c", "d"]]}), "no header row found"),
    "missing_column": (lambda f: write_xlsx(f / "plan.xlsx", {"Tracker": [TRACKER_HEADER[:3], [1, "2.1", "x"]]}),
                       "required column 'Agreed action' (action) is missing"),
    "repeated_ids": (lambda f: write_xlsx(f / "plan.xlsx", {"Tracker": [TRACKER_HEADER, item(4), item(4)]}),
                     "action id TDC-2010-004 is used 2 times"),
    "too_many_rows": (lambda f: _huge(f / "plan.xlsx", 100_000), "the sheet has more than 50,000 filled rows"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_gets_one_clear_paragraph_and_nothing_is_written(tmp_path, capsys, case):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "tracker.layout.yaml").write_text(TRACKER_LAYOUT)
    make, expected = BAD[case]
    path = make(folder)
    for leftover in folder.glob("*.tmp.xlsx"):
        leftover.unlink()
    before = path.read_bytes()
    out_dir = tmp_path / "out"
    code, out, err = run(capsys, "export", path, "--out", out_dir)
    assert code == 1
    assert expected in err, err
    assert "plan.xlsx" in err and "Traceback" not in err + out
    assert not out_dir.exists()  # nothing written
    assert path.read_bytes() == before  # the source is untouched
    code, out, _ = run(capsys, "validate", path)
    assert code == 1 and expected in out


def test_text_where_a_date_should_be_is_reported_with_its_cell(tmp_path, capsys):
    folder = tracker_folder(tmp_path, [item(1, KLOE="2.1", Target_date="soon-ish")])
    code, out, _ = run(capsys, "validate", folder)
    assert code == 0  # a warning, not an error: the plan still loads
    assert "tracker.xlsx, sheet 'Tracker', row 5, column G ('Target date'): target 'soon-ish' does not read" in out


def test_command_line_entry_point_exits_non_zero_without_traceback(tmp_path):
    bad = tmp_path / "plan.xlsx"
    bad.write_text("not a workbook")
    done = subprocess.run([sys.executable, "-m", "reportlib.cli", "validate", str(bad)], capture_output=True, text=True)
    assert done.returncode == 1 and "Traceback" not in done.stderr + done.stdout
    assert "plan.xlsx: this is not an xlsx workbook" in done.stdout


# --- reportlib layout draft ------------------------------------------------------------------------

def test_layout_draft_writes_a_layout_that_reads_the_plan_and_says_what_it_is_unsure_of(tmp_path, capsys):
    from workbooks import audit_tracker

    tracker = audit_tracker(tmp_path / "audit_tracker.xlsx")
    out = tmp_path / "tdc.layout.yaml"
    code, printed, _ = run(capsys, "layout", "draft", tracker, "-o", out)
    assert code == 0
    assert "header on row 3" in printed and "'Summary'" in printed
    assert "row 10, column I" in printed and "Complete (verified)" in printed  # a doubt, cell by cell
    assert "7 actions, 7 updates from 1 file(s); 0 errors" in printed
    text = out.read_text(encoding="utf-8")
    assert "# Checked by loading audit_tracker.xlsx with this draft: 7 actions" in text
    # the written file is a layout `validate` reads the plan with
    code, printed, _ = run(capsys, "validate", tracker, "--layout", out)
    assert code == 0 and "7 actions" in printed


def test_layout_draft_never_overwrites_without_force(tmp_path, capsys):
    from workbooks import audit_tracker

    tracker = audit_tracker(tmp_path / "audit_tracker.xlsx")
    out = tmp_path / "mine.layout.yaml"
    out.write_text("name: edited by hand\n")
    code, printed, err = run(capsys, "layout", "draft", tracker, "-o", out)
    assert code == 2 and "--force" in err and printed == ""
    assert out.read_text() == "name: edited by hand\n"
    assert run(capsys, "layout", "draft", tracker, "-o", out, "--force")[0] == 0
    assert out.read_text(encoding="utf-8").startswith("# Layout drafted by `reportlib layout draft`")


def test_layout_draft_of_a_file_with_no_plan_says_so(tmp_path, capsys):
    notes = write_xlsx(tmp_path / "notes.xlsx", {"Notes": [["Minutes"], ["Apologies: none"]]})
    code, _, err = run(capsys, "layout", "draft", notes, "-o", tmp_path / "x.yaml")
    assert code == 1 and "no header row of an action plan" in err and not (tmp_path / "x.yaml").exists()
