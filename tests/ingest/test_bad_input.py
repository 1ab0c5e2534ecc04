"""The bad-input corpus: every case built in code, run through the command line as a scheduler would.

Refused cases: exit 1, a message naming file (sheet, row, column where there is one), no
traceback, nothing written, the source untouched. Handled cases: the plan loads, the
oddity is dealt with as documented (and reported where a person should know), the
source untouched. The README reports the counts.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
import xlsxwriter
import yaml
from workbooks import TRACKER_HEADER, TRACKER_LAYOUT, item, write_xlsx

from reportlib.cli import main

REPO = Path(__file__).resolve().parents[2]
H = TRACKER_HEADER


def _sheet(rows, title_rows=0, merges=None):
    return lambda f: write_xlsx(f / "plan.xlsx", {"Tracker": [[None]] * title_rows + rows}, {"Tracker": merges or []})


def _bytes(data: bytes, name="plan.xlsx"):
    def make(f):
        (f / name).write_bytes(data)
        return f / name
    return make


def _truncated(f):
    whole = write_xlsx(f / "whole.bin", {"Tracker": [H, item(1)]}).read_bytes()
    (f / "whole.bin").unlink()
    return _bytes(whole[: len(whole) // 2])(f)


def _encrypted(f):
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = write_xlsx(f / "plain.bin", {"Tracker": [H, item(1)]})
    with plain.open("rb") as src, (f / "plan.xlsx").open("wb") as dst:
        OOXMLFile(src).encrypt("secret", dst)
    plain.unlink()
    return f / "plan.xlsx"


def _rows(n):
    def make(f):
        book = xlsxwriter.Workbook(str(f / "plan.xlsx"), {"constant_memory": True})
        sheet = book.add_worksheet("Tracker")
        sheet.write_row(0, 0, H)
        for r in range(1, n + 1):
            sheet.write_row(r, 0, [r, "2.1", f"Finding {r}", "Action - PM"])
        book.close()
        return f / "plan.xlsx"
    return make


def _formula(f):
    book = xlsxwriter.Workbook(str(f / "plan.xlsx"))
    sheet = book.add_worksheet("Tracker")
    sheet.write_row(0, 0, H)
    sheet.write_row(1, 0, item(1, KLOE="2.1"))
    sheet.write_formula(1, 2, '="Strengthen "&"procurement"', None, "Strengthen procurement")  # cached value kept
    book.close()
    return f / "plan.xlsx"


def _layout(text):
    def make(f):
        (f / "tracker.layout.yaml").write_text(text)
        return write_xlsx(f / "plan.xlsx", {"Tracker": [H, item(1)]})
    return make


def _two_files_same_ids(f):
    # two files of one plan are its versions: they may not tell one snapshot two ways
    write_xlsx(f / "copy.xlsx", {"Tracker": [H, item(1, KLOE="2.1", **{"March 2010 update": "Work started."})]})
    return write_xlsx(f / "plan.xlsx", {"Tracker": [H, item(1, KLOE="2.1", **{"March 2010 update": "Not started."})]})


def _control(f):
    book = xlsxwriter.Workbook(str(f / "plan.xlsx"))  # openpyxl refuses control characters; Excel files can hold them
    sheet = book.add_worksheet("Tracker")
    sheet.write_row(0, 0, H)
    sheet.write_row(1, 0, item(1, CONTROL, KLOE="2.2"))
    book.close()
    return f / "plan.xlsx"


RTL = "تحسين إدارة المخاطر – שיפור ניהול סיכונים 🎯✅"
CONTROL = "Improve\x00 data\x07 quality\x1b[31m"
# name: (build, exit code, [texts the message must hold], check on the loaded actions for handled cases)
REFUSED = {
    "pdf_renamed_xlsx": (_bytes(b"%PDF-1.7\n1 0 obj\n"), ["plan.xlsx: this is not an xlsx workbook or a csv file: it is a PDF document despite its name"]),
    "html_renamed_xlsx": (_bytes(b"<!DOCTYPE html><html><body>plan</body></html>"), ["it is an HTML page despite its name"]),
    "text_renamed_xlsx": (_bytes(b"Ref,Recommendation\n1,Do it\n"), ["it is a text file despite its name"]),
    "old_xls": (_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600), ["old-style Excel 97-2003 (.xls) workbook"]),
    "truncated_zip": (_truncated, ["plan.xlsx: this workbook cannot be read: it looks damaged or truncated"]),
    "encrypted": (_encrypted, ["plan.xlsx: this workbook is password-protected"]),
    "zero_bytes": (_bytes(b""), ["plan.xlsx: the file is empty (0 bytes)"]),
    "empty_workbook": (_sheet([]), ["plan.xlsx: the workbook has no data: every sheet is empty"]),
    "all_blank_rows_below_header": (_sheet([H, [None] * 11, [None] * 11]), ["sheet 'Tracker', row 1: no data rows below the header"]),
    "no_header": (_sheet([["Minutes of the meeting"], ["Item 1", "Apologies"]]), ["sheet 'Tracker', row 1: no header row found"]),
    "header_too_far_down": (_sheet([H, item(1)], title_rows=40), ["no header row found in the first rows"]),
    "missing_column": (_sheet([[h for h in H if h != "Recommendation"], [1, "2.1", "Act"]]),
                       ["sheet 'Tracker', row 1: required column 'Recommendation' (recommendation) is missing"]),
    "duplicate_headers": (_sheet([H[:3] + ["Recommendation"] + H[3:], item(1)]),
                          ["sheet 'Tracker', row 1, column D: header 'Recommendation' appears in columns C and D"]),
    "repeated_ids": (_sheet([H, item(5), item(6), item(5)]), ["action id TDC-2010-005 is used 2 times",
                                                                "sheet 'Tracker' row 2", "sheet 'Tracker' row 4"]),
    "same_plan_twice": (_two_files_same_ids, ["the March 2010 update of TDC-2010-001 differs between versions", "copy.xlsx sheet 'Tracker' row 2",
                                             "plan.xlsx sheet 'Tracker' row 2"]),
    "200000_rows": (_rows(200_000), ["sheet 'Tracker', row 50002: the sheet has more than 50,000 filled rows"]),
    "layout_unknown_key": (_layout(TRACKER_LAYOUT + "colour: red\n"), ["tracker.layout.yaml: unknown key 'colour'"]),
    "layout_bad_regex": (_layout(TRACKER_LAYOUT.replace("'\\bkloe\\b'", "'(kloe'")),
                         ["tracker.layout.yaml: 'sections.kloe' is not a valid regular expression"]),
    "wrong_layout_forced": (lambda f: write_xlsx(f / "plan.xlsx", {"Tracker": [H, item(1)]}),
                            ["plan.xlsx, sheet 'Tracker', row 1: required column 'No.' (ref) is missing from the "
                             "header row (layout 'sddc-uor-2010')"]),
}
HANDLED = {
    "control_and_nul_characters": (_control,
                                   lambda a: a.loc[0, "recommendation"] == "Improve data quality[31m"),
    "right_to_left_and_emoji": (_sheet([H, item(1, RTL, KLOE="2.4")]), lambda a: a.loc[0, "recommendation"] == RTL),
    "formula_cell_reads_its_value": (_formula, lambda a: a.loc[0, "recommendation"] == "Strengthen procurement"),
    "dates_as_text_and_serials": (_sheet([H, item(1, KLOE="2.1", Target_date="31/03/2010"),
                                          item(2, KLOE="2.1", Target_date=40451),
                                          item(3, KLOE="2.1", Target_date=dt.datetime(2010, 6, 30))]),
                                  lambda a: a["target_date"].dt.strftime("%Y-%m-%d").tolist()
                                  == ["2010-03-31", "2010-09-30", "2010-06-30"]),
    "text_where_a_date_should_be": (_sheet([H, item(1, KLOE="2.1", Target_date="when budget allows")]),
                                    lambda a: pd.isna(a.loc[0, "target_date"])),
    "one_megabyte_cell": (_sheet([H, item(1, "x" * 1_000_000, KLOE="2.1")]),
                          lambda a: len(a.loc[0, "recommendation"]) < 33_000),
    "merged_header_cells": (_sheet([H, item(1, KLOE="3.3")], merges=["G1:H1"]),
                            lambda a: a.loc[0, "kloe"] == "3.3"),
    "blank_rows_and_trailing_spaces": (_sheet([H, [None] * 11, item(1, "Spaced out.   ", KLOE=" 2.3 "), [None] * 11]),
                                       lambda a: a.loc[0, "recommendation"] == "Spaced out." and a.loc[0, "kloe"] == "2.3"),
}
WARNED = {"text_where_a_date_should_be": "row 2, column G ('Target date'): target 'when budget allows' does not read",
          "one_megabyte_cell": "row 2, column C: the cell holds 32,767 characters or more, at or over Excel's limit"}


@pytest.fixture
def folder(tmp_path):
    f = tmp_path / "in"
    f.mkdir()
    (f / "tracker.layout.yaml").write_text(TRACKER_LAYOUT)
    return f


def _run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out + err


@pytest.mark.parametrize("case", list(REFUSED))
def test_refused_with_a_clear_message_and_nothing_written(folder, tmp_path, capsys, case):
    build, expected = REFUSED[case]
    path = build(folder)
    sources = {p: p.read_bytes() for p in folder.iterdir()}
    out = tmp_path / "out"
    forced = ["--layout", "sddc-uor-2010"] if case == "wrong_layout_forced" else []
    code, text = _run(capsys, "export", path if case != "same_plan_twice" else folder, "--out", out, *forced)
    assert code == 1
    for fragment in expected:
        assert fragment in text, text
    assert "Traceback" not in text
    assert not out.exists()
    assert {p: p.read_bytes() for p in folder.iterdir()} == sources


@pytest.mark.parametrize("case", list(HANDLED))
def test_handled_and_the_source_untouched(folder, tmp_path, capsys, case):
    build, check = HANDLED[case]
    path = build(folder)
    before = path.read_bytes()
    code, text = _run(capsys, "export", folder, "--out", tmp_path / "out")
    assert code == 0, text
    actions = pd.read_csv(tmp_path / "out" / "actions.csv", parse_dates=["target_date"], dtype={"kloe": str})
    assert check(actions)
    if case in WARNED:
        assert WARNED[case] in text
    assert path.read_bytes() == before


PACK = {"pack": "bad-pack", "title": "T", "council": "Warwick District Council", "committee": "C",
        "as_of": "2010-07-31", "data": ["data/wdc_use_of_resources_action_plan.xlsx"],
        "notebooks": [{"notebook": "notebooks/council_progress.ipynb", "parameters": {"council_code": "WDC"}}]}
BAD_PACKS = {
    "unknown_key": ({"colour": "red"}, "colour"),
    "wrong_type": ({"timeout": "ten minutes"}, "timeout"),
    "missing_notebook": ({"notebooks": [{"notebook": "notebooks/nope.ipynb"}]}, "notebooks[0].notebook"),
    "output_outside_reports": ({"pack": "../../etc"}, "pack"),
    "as_of_wrong_form": ({"as_of": "31/07/2010"}, "as_of"),
}


@pytest.mark.parametrize("case", list(BAD_PACKS))
def test_bad_pack_files_are_refused_naming_the_key(tmp_path, capsys, case):
    overrides, key = BAD_PACKS[case]
    params = REPO / "params"
    pack = params / f".test-{case}.yaml"  # beside the real packs so relative paths resolve; removed after
    pack.write_text(yaml.safe_dump({**PACK, **overrides}))
    try:
        code, text = _run(capsys, "render", pack, "--reports", tmp_path / "reports")
    finally:
        pack.unlink()
    assert code == 1 and key in text and "Traceback" not in text
    assert not any((tmp_path / "reports").glob("*/*")) if (tmp_path / "reports").exists() else True
