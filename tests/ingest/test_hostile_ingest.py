"""Hostile input at the reading stage: patterns, YAML, memory, formulas, markup, item numbers,
terminal output and exports. Each case is built in code; each ends in a located finding or a
refusal naming the file, never a traceback, a hang or gigabytes of memory."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest
import xlsxwriter
import yaml
from openpyxl import Workbook
from workbooks import TRACKER_HEADER, TRACKER_LAYOUT, Formula, item, tracker_folder

from reportlib.analysis.plans import inspect_plans
from reportlib.cli import main, one_line, terminal_safe
from reportlib.core import safeyaml
from reportlib.errors import LayoutError
from reportlib.ingest import files, layouts, sources
from reportlib.ingest.rows import SheetReader
from reportlib.model import markup
from reportlib.model.plans import Plans
from reportlib.present import tables
from reportlib.present.export import EXCEL_CELL_LIMIT, neutralise, write_tables

REPO = Path(__file__).resolve().parents[2]


def _codes(plans, code):
    return [f for f in plans.findings if f.code == code]


# -- 1. layout patterns run in linear time ------------------------------------------------------------

def test_catastrophic_pattern_is_matched_in_linear_time(tmp_path):
    layout = TRACKER_LAYOUT.replace("kloe: '\\bkloe\\b'", "kloe: '(a+)+$'")
    assert "(a+)+$" in layout
    folder = tracker_folder(tmp_path, [item(1, KLOE="2.1"), [None, None, "a" * 40 + "!"]])
    (folder / "tracker.layout.yaml").write_text(layout)
    compiled = layouts.read_layout(folder / "tracker.layout.yaml").sections["kloe"]
    assert compiled.search("a" * 40 + "!") is None and compiled.search("A" * 40) is not None  # case-insensitive
    plans = inspect_plans(folder)  # with Python's re this row would take hours
    assert plans.errors == []
    assert plans.actions.loc[0, "recommendation"] == "Improve the thing.\n" + "a" * 40 + "!"


def test_named_groups_still_read_the_title():
    layout = layouts.parse_layout(yaml.safe_load(TRACKER_LAYOUT) | {
        "council": None, "title_pattern": r"(?P<council>\w+ District Council)"}, "t.yaml")
    match = layout.title_pattern.search("the testshire district council tracker")
    assert match.groupdict() == {"council": "testshire district council"}


@pytest.mark.parametrize("pattern, what", [(r"(kloe)\s+\1", "backreference"), (r"(?<=theme)\s*1", "lookbehind"),
                                           (r"kloe(?!x)", "lookahead")])
def test_patterns_re2_cannot_run_are_refused_naming_file_and_key(tmp_path, pattern, what):
    path = tmp_path / "bad.layout.yaml"
    path.write_text(TRACKER_LAYOUT.replace("kloe: '\\bkloe\\b'", f"kloe: '{pattern}'"))
    with pytest.raises(LayoutError) as caught:
        layouts.read_layout(path)
    assert str(caught.value).startswith("bad.layout.yaml: 'sections.kloe' uses a feature"), what
    assert "linear time" in str(caught.value)


# -- 2. YAML: no anchors or aliases, a size cap ----------------------------------------------------------

BILLION_LAUGHS = textwrap.dedent("""\
    a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
    b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
    c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
    d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
    e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
    f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
    g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
    h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
    i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
    """)


def test_billion_laughs_layout_is_refused(tmp_path):
    text = BILLION_LAUGHS + "name: laughs\ncolumns: {action: Action}\nsections: {kloe: 'x'}\n" + "#" * 200 + "\n"
    text = text + "#" * (606 - len(text) - 1) + "\n"
    path = tmp_path / "laughs.layout.yaml"
    path.write_text(text)
    assert path.stat().st_size == 606
    start = time.perf_counter()
    with pytest.raises(LayoutError) as caught:
        layouts.read_layout(path)
    assert time.perf_counter() - start < 5  # generous: refused at the first anchor, not expanded
    assert "aliases and anchors (& and *) are not allowed in laughs.layout.yaml" in str(caught.value)


def test_safeyaml_refuses_aliases_size_and_depth_and_reads_plain_yaml():
    assert safeyaml.load("a: [1, 2]\nb: {c: d}\n", source="ok.yaml") == {"a": [1, 2], "b": {"c": "d"}}
    with pytest.raises(safeyaml.UnsafeYaml, match=r"aliases and anchors \(& and \*\) are not allowed in x.yaml"):
        safeyaml.load("a: &x 1\nb: *x\n", source="x.yaml")
    with pytest.raises(yaml.YAMLError, match="not allowed in y.yaml"):  # UnsafeYaml is a YAMLError
        safeyaml.load(b"a: &x 1\n", source="y.yaml")
    with pytest.raises(safeyaml.UnsafeYaml, match="big.yaml is 300,001 bytes"):
        safeyaml.load("#" * 300_000 + "\n", source="big.yaml")
    with pytest.raises(safeyaml.UnsafeYaml, match="deep.yaml is nested more than"):
        safeyaml.load("[" * 5000 + "]" * 5000, source="deep.yaml")


def test_shipped_layouts_still_read():
    assert set(layouts.available()) >= {"wdc-uor-2009", "sddc-uor-2010"}


# -- 3. memory budgets ----------------------------------------------------------------------------------

def _shared_string_bomb(folder: Path, rows: int, columns: int = 9) -> Path:
    """One 32,000-character string reused in every text cell: XlsxWriter stores it once."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "tracker.layout.yaml").write_text(TRACKER_LAYOUT)
    book = xlsxwriter.Workbook(str(folder / "plan.xlsx"))
    sheet = book.add_worksheet("Tracker")
    sheet.write_row(0, 0, TRACKER_HEADER)
    big = ("Lorem ipsum dolor sit amet, " * 1200)[:32_000]
    for r in range(1, rows + 1):
        sheet.write_row(r, 0, [r, "2.1"] + [big] * columns)
    book.close()
    return folder / "plan.xlsx"


def test_shared_string_bomb_stops_with_a_located_error_in_bounded_memory(tmp_path):
    path = _shared_string_bomb(tmp_path / "bomb", rows=3_000)  # 864 million characters if expanded
    assert path.stat().st_size < 200_000
    # the child's own high-water mark (VmHWM): ru_maxrss would count the pytest process it was forked from
    script = ("import json, re, sys\nfrom reportlib.analysis.plans import inspect_plans\n"
              "plans = inspect_plans(sys.argv[1])\n"
              "hwm = int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1))\n"
              "print(json.dumps({'findings': [str(f) for f in plans.findings], 'actions': len(plans.actions),"
              " 'peak_mib': hwm / 1024}))")
    done = subprocess.run([sys.executable, "-c", script, str(path.parent)], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["actions"] == 0
    [finding] = result["findings"]
    assert finding.startswith("error: plan.xlsx, sheet 'Tracker', row ")
    assert "reading stopped: the sheet holds more than 20,000,000 characters of text" in finding
    assert result["peak_mib"] < 500, result  # expanding it all takes over 1.7 GB


def test_rows_stop_at_the_limit_and_the_loader_says_where(tmp_path, monkeypatch):
    monkeypatch.setattr(sources, "HEADER_ROWS", 2)  # the title and header rows
    folder = tracker_folder(tmp_path, [item(i, KLOE="2.1") for i in range(1, 41)], title_rows=1)
    source = files.open_source(folder / "tracker.xlsx", max_rows=10)
    assert source.cut["Tracker"].reason == "rows" and len(source.sheets["Tracker"]) == 12  # not all 42 rows
    known = layouts.available([folder])
    reader = SheetReader(source, list(known.values()), forced=False, max_rows=10)
    _, _, findings, _ = reader.read()
    [finding] = [f for f in findings if f.code == "too_many_rows"]
    assert finding.severity == "error" and finding.location.sheet == "Tracker" and finding.location.row == 13
    assert "more than 10 filled rows" in finding.message


def test_text_and_cell_budgets_are_located_errors(tmp_path, monkeypatch):
    monkeypatch.setattr(sources, "TEXT_BUDGET", 5_000)
    folder = tracker_folder(_mkdir(tmp_path / "text"), [item(i, "x" * 1_000, KLOE="2.1") for i in range(1, 20)])
    plans = inspect_plans(folder)
    [finding] = _codes(plans, "too_much_data")
    assert (finding.severity, finding.location.file, finding.location.sheet) == ("error", "tracker.xlsx", "Tracker")
    assert finding.location.row == 9 and "more than 5,000 characters of text" in finding.message
    assert plans.actions.empty

    monkeypatch.setattr(sources, "TEXT_BUDGET", 20_000_000)
    monkeypatch.setattr(sources, "CELL_BUDGET", 100)
    folder = tracker_folder(_mkdir(tmp_path / "cells"), [item(i, KLOE="2.1") for i in range(1, 30)], title_rows=0)
    [finding] = _codes(inspect_plans(folder), "too_much_data")
    assert finding.location.row == 25 and "more than 100 cells" in finding.message  # 11 + 4 a row


def test_one_cell_far_to_the_right_does_not_make_a_huge_grid(tmp_path):
    (tmp_path / "tracker.layout.yaml").write_text(TRACKER_LAYOUT)
    book = Workbook()
    sheet = book.active
    sheet.title = "Tracker"
    sheet.append(TRACKER_HEADER)
    for i in range(1, 30):
        sheet.append(item(i, KLOE="2.1"))
    sheet["XFD1"] = "far right"  # calamine would hold every row 16,384 cells wide
    book.save(tmp_path / "plan.xlsx")
    source = files.open_source(tmp_path / "plan.xlsx")
    assert [len(r) for r in source.sheets["Tracker"][:3]] == [16_384, 4, 4]  # read by the streaming reader
    assert len(inspect_plans(tmp_path).actions) == 29


def test_an_ordinary_plan_reads_the_same_through_the_streaming_reader(tmp_path, monkeypatch):
    folder = tracker_folder(tmp_path, [item(1, KLOE="2.1", Target_date="March 2010"),
                                       item(2, "Second", KLOE="2.2", July_2010_update="Complete")], title_rows=2)
    fast = inspect_plans(folder)
    monkeypatch.setattr(sources, "CELL_BUDGET", 10)  # any grid now looks too big for calamine
    monkeypatch.setattr(sources, "collect_rows", _no_cell_budget(sources.collect_rows))
    slow = inspect_plans(folder)
    pd.testing.assert_frame_equal(fast.actions, slow.actions)
    pd.testing.assert_frame_equal(fast.updates, slow.updates)


def _no_cell_budget(collect):
    def wrapped(*args, **kwargs):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(sources, "CELL_BUDGET", 10_000_000)
            return collect(*args, **kwargs)
    return wrapped


# -- 4. formula cells ------------------------------------------------------------------------------------

def test_formula_without_a_cached_value_gives_its_text_and_a_warning(tmp_path):
    link = Formula('=HYPERLINK("https://example.org/plan","see website")')
    rows = [item(1, link, KLOE="2.1"), item(2, "Plain", Formula("=A3&\" more\""), KLOE="2.1")]
    folder = tracker_folder(tmp_path, rows)  # openpyxl saves formulas without cached values
    plans = inspect_plans(folder)
    assert plans.errors == []
    assert plans.actions.loc[0, "recommendation"] == "see website"
    assert plans.actions.loc[1, "action"] == '=A3&" more"'
    found = _codes(plans, "formula_without_value")
    assert [(f.severity, f.location.file, f.location.sheet, f.location.row, f.location.column) for f in found] == [
        ("warning", "tracker.xlsx", "Tracker", 5, "C"), ("warning", "tracker.xlsx", "Tracker", 6, "D")]
    assert 'HYPERLINK("https://example.org/plan","see website")' in found[0].message


def test_formula_with_a_cached_value_reads_the_value(tmp_path):
    (tmp_path / "tracker.layout.yaml").write_text(TRACKER_LAYOUT)
    book = xlsxwriter.Workbook(str(tmp_path / "plan.xlsx"))
    sheet = book.add_worksheet("Tracker")
    sheet.write_row(0, 0, TRACKER_HEADER)
    sheet.write_row(1, 0, item(1, KLOE="2.1"))
    sheet.write_formula(1, 2, '=HYPERLINK("https://example.org","x")', None, "Saved value")
    book.close()
    plans = inspect_plans(tmp_path)
    assert plans.actions.loc[0, "recommendation"] == "Saved value" and not _codes(plans, "formula_without_value")


# -- 5. markup outside the allow-list: shown literally, and listed -----------------------------------------

def test_script_in_an_action_is_kept_shown_literally_and_listed(tmp_path):
    action = "Monthly sample checks of new claims <script>alert(1)</script> - HoF"
    folder = tracker_folder(tmp_path, [item(1, action=action, KLOE="2.1")])
    plans = inspect_plans(folder)
    text = plans.actions.loc[0, "action"]
    assert text == "Monthly sample checks of new claims <script>alert(1)</script>"
    [finding] = _codes(plans, "markup")
    assert (finding.severity, finding.location.row, finding.location.column) == ("warning", 5, "D")
    assert "<script" in finding.message
    html = tables.table(plans.actions, columns=["action"], rich=["action"]).html
    assert "Monthly sample checks of new claims &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script" not in html


def test_allowed_markup_is_not_listed(tmp_path):
    folder = tracker_folder(tmp_path, [item(1, '<ul><li>one</li><li><a href="https://x.org">two</a></li></ul>',
                                            KLOE="2.1")])
    assert _codes(inspect_plans(folder), "markup") == []
    assert markup.markup_outside_allow_list("<UL><li>x</li></UL><br/> a < b") == []
    assert markup.markup_outside_allow_list("x <!-- y --> <img src=x>") == ["<!", "<img"]


# -- 6. item numbers that are not plain decimals -----------------------------------------------------------

def test_unusual_item_numbers_are_findings_not_tracebacks(tmp_path, capsys):
    rows = [item("²", KLOE="2.1"), item("①", "B", KLOE="2.1"), item("١٢", "C", KLOE="2.1"),
            item("★", "D", KLOE="2.1"), item("7", "E", KLOE="2.1")]
    folder = tracker_folder(tmp_path, rows)
    plans = inspect_plans(folder)
    assert plans.errors == []
    assert plans.actions["action_id"].tolist() == ["TDC-2010-002", "TDC-2010-001", "TDC-2010-012",
                                                   "TDC-2010-004", "TDC-2010-007"]
    notes = _codes(plans, "unusual_item_number")
    assert [(f.location.row, f.location.column) for f in notes] == [(5, "A ('Ref')"), (6, "A ('Ref')"),
                                                                     (7, "A ('Ref')"), (8, "A ('Ref')")]
    assert "read as 2" in notes[0].message and "position on the sheet (4)" in notes[3].message
    assert main(["validate", str(folder)]) == 0
    assert "Traceback" not in capsys.readouterr().err


def test_an_unusual_number_that_clashes_refuses_the_sheet(tmp_path, capsys):
    folder = tracker_folder(tmp_path, [item("1", KLOE="2.1"), item("¹", "B", KLOE="2.1")])
    assert main(["validate", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "action id TDC-2010-001 is used 2 times" in out


# -- 7. the terminal sees no control characters ------------------------------------------------------------

def test_terminal_output_escapes_control_characters(tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "tracker.layout.yaml").write_text(TRACKER_LAYOUT)
    name = "plan\x1b[2J\x1b]0;owned\x07\u202eexcel.xlsx"
    (folder / name).write_bytes(b"%PDF-1.4 not a workbook")
    assert main(["validate", str(folder)]) == 1
    out, err = capsys.readouterr()
    for stream in (out, err):
        assert "\x1b" not in stream and "\x07" not in stream and "\u202e" not in stream
    assert "plan\\x1b[2J\\x1b]0;owned\\x07\\u202eexcel.xlsx" in out
    assert terminal_safe("a\tb\x9bc\nd") == "a\\x09b\\x9bc\nd" and one_line("a\nb") == "a\\nb"


# -- 8. exports -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["＝HYPERLINK(\"http://x.example\",\"click\")", "\u200b=1+1", "\ufeff+cmd",
                                  "\u200e-2+3", "\u2066@SUM(1)", " =1", "﹦1", "\u00a0\u200b=2"])
def test_hidden_and_fullwidth_formula_triggers_are_neutralised(text):
    assert neutralise(text) == "'" + text


def test_plain_text_is_left_alone():
    assert neutralise("Plain text") == "Plain text" and neutralise("ÉCOLE") == "ÉCOLE" and neutralise("") == ""


def test_over_long_text_is_marked_in_xlsx_and_whole_in_csv(tmp_path):
    long = "z" * 40_000
    actions = pd.DataFrame({"action_id": ["TDC-2010-001"], "action": [long], "owner": ["＝1+1"]})
    updates = pd.DataFrame({"action_id": ["TDC-2010-001"], "text": ["ok"]})
    write_tables(Plans(actions, updates), tmp_path)
    cell = pd.read_excel(tmp_path / "plans.xlsx", sheet_name="actions", engine="calamine").loc[0, "action"]
    assert len(cell) == EXCEL_CELL_LIMIT
    assert cell.endswith("more characters: the full text is in actions.csv]")
    left_out = int(cell.rsplit("[… ", 1)[1].split(" ")[0].replace(",", ""))
    assert cell.startswith("z" * 32_000) and cell.index(" [… ") + left_out == len(long)
    written = pd.read_csv(tmp_path / "actions.csv", encoding="utf-8-sig")
    assert written.loc[0, "action"] == long and written.loc[0, "owner"] == "'＝1+1"


# -- 9. link targets for external readers ------------------------------------------------------------------

def test_links_can_show_their_address():
    frame = pd.DataFrame({"r": ['Details: <a href="https://example.org/x?a=1&b=2">see website</a>; '
                                '<a href="https://example.org/y">https://example.org/y</a>; '
                                '<a href="mailto:audit@example.org">write to us</a>']})
    plain = tables.table(frame, rich=["r"]).html
    shown = tables.table(frame, rich=["r"], show_link_targets=True).html
    assert "(https://example.org/x" not in plain
    assert ('<a href="https://example.org/x?a=1&amp;b=2" rel="noopener noreferrer">see website</a> '
            '<span class="rl-link-target">(https://example.org/x?a=1&amp;b=2)</span>') in shown
    assert "(https://example.org/y)" not in shown  # the text already is the address
    assert "(audit@example.org)" in shown


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def test_a_cell_that_looks_like_spreadsheet_markup_is_written_as_text(tmp_path):
    # XlsxWriter takes a string wrapped in <r>…</r> for ready-made rich-text XML: an update reading
    # "<r>bad & </r>" made plans.xlsx a file no reader could open
    import openpyxl

    text = "<r>bad & </r>"
    actions = pd.DataFrame({"action_id": ["TDC-2010-001"], "action": [text], "owner": ["HoF"]})
    updates = pd.DataFrame({"action_id": ["TDC-2010-001"], "text": ["<r><t>x</t></r>"]})
    write_tables(Plans(actions, updates), tmp_path)
    book = openpyxl.load_workbook(tmp_path / "plans.xlsx")
    assert book["actions"]["B2"].value == text and book["updates"]["B2"].value == "<r><t>x</t></r>"
    assert pd.read_excel(tmp_path / "plans.xlsx", sheet_name="actions", engine="calamine").loc[0, "action"] == text


def test_a_true_or_false_item_number_is_a_finding_and_not_an_id(tmp_path):
    # a trial: an item number cell holding TRUE (a tick box, or a formula's result) became the id TDC-2010-True
    folder = tracker_folder(tmp_path, [item(True, KLOE="2.1"), item(2, "B", KLOE="2.1")])
    plans = inspect_plans(folder)
    assert plans.errors == []
    assert plans.actions["action_id"].tolist() == ["TDC-2010-001", "TDC-2010-002"]
    [note] = _codes(plans, "unusual_item_number")
    assert note.location.row == 5 and "TRUE or FALSE" in note.message and "position on the sheet (1)" in note.message
