"""Committee papers (.docx and text PDF) read through the layouts: the same canonical tables
as the spreadsheets, provenance on the page or table, and bad input refused by name.

Every paper is built in code from the shipped plans (``papers_fixtures``)."""
from __future__ import annotations

import re
import shutil

import pandas as pd
import pytest
from papers_fixtures import SEEDS, Plan, seed_plan, to_docx, to_pdf

import reportlib
from reportlib.cli import main
from reportlib.present import report

ACTION_COLUMNS = ["action_id", "council_code", "assessment", "theme", "kloe", "kloe_name", "recommendation",
                  "action", "owner", "priority", "target_text", "target_date", "target_recurring",
                  "revised_target_date", "details", "linked_action_id"]
UPDATE_COLUMNS = ["action_id", "snapshot", "snapshot_date", "text", "status", "status_source"]


def _tags(value):
    """Whitespace between tags means nothing in HTML: the transcription wrote "<ul> <li>"."""
    return re.sub(r">\s+<", "><", value) if isinstance(value, str) else value


def _wrapped(value):
    """A line ending in a hyphen or slash cannot tell "joined- up" (as the seed was typed) from
    "joined-up": a PDF gives the same glyphs for both, and is read as the word joined."""
    return re.sub(r"(?<=\w)([-/]) (?=\w)", r"\1", _tags(value)) if isinstance(value, str) else value


def _plain(value):
    """For a PDF: a list or a paragraph cut by a page break comes back as paragraphs around
    the cut (joined where the layout has continuation rows), so compare the words in order."""
    if not isinstance(value, str):
        return value
    return re.sub(r"\s+", " ", re.sub(r"<[^>]*>", " ", _wrapped(value))).strip()


def assert_same_tables(expected, got, normalise=_tags):
    a = expected.actions[ACTION_COLUMNS].map(normalise).reset_index(drop=True)
    b = got.actions[ACTION_COLUMNS].map(normalise).reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b, check_dtype=False)
    u = expected.updates[UPDATE_COLUMNS].map(normalise).reset_index(drop=True)
    v = got.updates[UPDATE_COLUMNS].map(normalise).reset_index(drop=True)
    pd.testing.assert_frame_equal(u, v, check_dtype=False)


_loaded: dict = {}


def _load(path):
    """A shared paper read once for the tests that only look at it."""
    if path not in _loaded:
        _loaded[path] = reportlib.load_plans(path)
    return _loaded[path]


@pytest.fixture(scope="module")
def seeds():
    return {name: reportlib.load_plans(path) for name, path in SEEDS.items()}


@pytest.fixture(scope="module")
def papers(tmp_path_factory):
    folder = tmp_path_factory.mktemp("papers")
    made = {}
    for name in SEEDS:
        plan = seed_plan(name)
        made[f"{name}.docx"] = to_docx(folder / f"{name}.docx", [plan])
        made[f"{name}.pdf"] = to_pdf(folder / f"{name}.pdf", [plan], running="Appendix – Use of Resources")
    return made


# -- the same canonical tables ------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["wdc", "sddc"])
def test_word_appendix_gives_the_same_tables_as_the_spreadsheet(seeds, papers, name):
    got = _load(papers[f"{name}.docx"])
    assert_same_tables(seeds[name], got)
    # the seeds' own defects come through as from the spreadsheet: the same warnings, in the same cells' columns
    assert [(f.code, f.location.column) for f in got.findings] == \
        [(f.code, f.location.column) for f in seeds[name].findings]


@pytest.mark.parametrize("name", ["wdc", "sddc"])
def test_published_pdf_gives_the_same_tables_as_the_spreadsheet(seeds, papers, name):
    got = _load(papers[f"{name}.pdf"])
    assert_same_tables(seeds[name], got, normalise=_plain)
    assert [(f.code, f.location.column) for f in got.findings] == \
        [(f.code, f.location.column) for f in seeds[name].findings]


def test_defects_of_the_source_come_through_and_are_not_guessed(papers):
    got = _load(papers["wdc.pdf"]).actions.set_index("action_id")
    # Theme 1's heading lost its words in the source: the Theme still carries, its KLOE heading too
    assert got.at["WDC-2009-001", "theme"] == 1 and got.at["WDC-2009-001", "kloe"] == "1.1"
    # text lost in the source stays marked where it was cut, never filled in
    assert got.at["WDC-2009-035", "target_text"] == "WFP meetings by [text missing in source]"
    assert pd.isna(got.at["WDC-2009-035", "target_date"])
    assert sum(str(v).count("[text missing in source]") for v in got.to_numpy().ravel()) >= 10


def test_provenance_names_the_word_table_and_its_row(papers, seeds):
    got = _load(papers["wdc.docx"])
    xlsx = seeds["wdc"].actions.set_index("action_id")
    docx = got.actions.set_index("action_id")
    assert set(docx["source_sheet"]) == {"table 1"}
    # the spreadsheet has three title rows above its header; the Word table starts at its header
    assert int(docx.at["WDC-2009-017", "source_rows"]) == int(xlsx.at["WDC-2009-017", "source_rows"]) - 3
    update = got.updates[(got.updates.action_id == "WDC-2009-017") & (got.updates.snapshot == "March 2010")].iloc[0]
    assert (update.source_file, update.source_sheet, update.source_row) == ("wdc.docx", "table 1", 29)
    assert update.source_column.startswith("E ('March 2010 update')")


def test_provenance_names_the_pdf_page_and_the_row_on_it(papers):
    import pdfplumber

    got = _load(papers["wdc.pdf"]).actions
    with pdfplumber.open(papers["wdc.pdf"]) as pdf:
        pages = {n: set(re.findall(r"\w+", page.extract_text())) for n, page in enumerate(pdf.pages, start=1)}
    assert got["source_sheet"].nunique() > 5  # the plan runs over many pages
    for action in got.itertuples():
        page = int(action.source_sheet.split()[1])
        words = set(re.findall(r"\w+", re.sub(r"<[^>]*>", " ", action.action or action.recommendation))[:8])
        assert words <= pages[page], (action.action_id, action.source_sheet, words - pages[page])
    # rows are counted on the page: after the repeated header, the first item of a page is row 2
    firsts = got.groupby("source_sheet")["source_rows"].first().map(lambda r: int(str(r).split("-")[0]))
    assert firsts.drop("page 1").min() == 2


# -- Word: split tables, merged heading rows, lists and links, the heading above ------------------------

def test_plan_split_over_several_word_tables_with_the_header_repeated(tmp_path, seeds):
    path = to_docx(tmp_path / "split.docx", [seed_plan("wdc")], split_every=12)
    got = reportlib.load_plans(path)
    assert_same_tables(seeds["wdc"], got)
    assert got.actions["source_sheet"].nunique() == 5
    assert list(got.sources["sheet"]) == ["table 1", "table 2", "table 3", "table 4", "table 5"]
    assert got.sources["header_row"].tolist() == [1, 1, 1, 1, 1]


def test_word_table_with_merged_heading_rows(tmp_path, seeds):
    # "Issue", "Action", "Responsible Officer" merged down over two rows; the four progress columns under "Progress"
    path = to_docx(tmp_path / "merged.docx", [seed_plan("wdc")], two_level_heading=3)
    got = reportlib.load_plans(path)
    assert_same_tables(seeds["wdc"], got)
    assert got.sources["header_row"].tolist() == [2]


def test_word_lists_links_paragraphs_and_merged_cells(tmp_path):
    import docx
    from papers_fixtures import _add_link

    document = docx.Document()
    document.add_heading("Testshire District Council – audit recommendations tracker", 1)
    header = ["Ref", "Recommendation", "Agreed action", "Responsible Officer", "Target date", "March 2010 update",
              "July 2010 update", "Status"]
    table = document.add_table(rows=4, cols=len(header))
    for c, h in enumerate(header):
        table.cell(0, c).text = h
    cells = table.rows[1].cells
    cells[0].text, cells[1].text, cells[3].text, cells[4].text = "1", "Improve budget setting.", "HoF", "March 2010"
    cells[2].text = "Three steps:"
    cells[2].add_paragraph("Set the timetable", style="List Bullet")
    cells[2].add_paragraph("Consult members", style="List Bullet")
    cells[2].add_paragraph("Then report back.")
    cells[5].text = "Done in two stages."
    cells[5].add_paragraph("First", style="List Number")
    cells[5].add_paragraph("Second", style="List Number")
    _add_link(cells[6].paragraphs[0], "https://example.org/budget", "budget page")
    cells[7].text = "Complete"
    merged = table.cell(2, 1).merge(table.cell(3, 1))  # one recommendation for two actions
    merged.text = "Train members."
    for r, ref in ((2, "2"), (3, "3")):
        table.cell(r, 0).text, table.cell(r, 2).text, table.cell(r, 4).text = ref, f"Session {ref}", "June 2010"
    path = tmp_path / "tracker.docx"
    document.save(path)
    from workbooks import TRACKER_LAYOUT

    (tmp_path / "tracker.layout.yaml").write_text(TRACKER_LAYOUT)
    got = reportlib.load_plans(tmp_path, "test-tracker")
    first = got.actions.iloc[0]
    assert first.action == ("Three steps:\n<ul><li>Set the timetable</li><li>Consult members</li></ul>\n"
                            "Then report back.")
    updates = got.updates.set_index(["action_id", "snapshot"])
    assert updates.at[("TDC-2010-001", "March 2010"), "text"] == "Done in two stages.\n<ol><li>First</li><li>Second</li></ol>"
    assert updates.at[("TDC-2010-001", "July 2010"), "text"] == '<a href="https://example.org/budget">budget page</a>'
    # a cell merged down stands for every row it spans: one recommendation for two actions
    assert got.actions["recommendation"].iloc[1] == "Train members." == got.actions["recommendation"].iloc[2]
    assert got.actions["source_rows"].tolist() == ["2", "3", "4"]


def test_a_layout_chooses_the_table_by_the_heading_above_it(tmp_path):
    plan = seed_plan("sddc")
    draft = Plan(["Appendix B – Draft plan (superseded)"], plan.header, plan.rows[:3])
    final = Plan(["Appendix A – Use of Resources Action Plan 2010"], plan.header, plan.rows)
    path = to_docx(tmp_path / "paper.docx", [draft, final])
    # both tables fit the built-in layout by their header: read together their ids clash
    assert any(f.code == "duplicate_id" for f in reportlib.inspect_plans(path).errors)
    layout = (reportlib.ingest.layouts.BUILTIN_DIR / "sddc-uor-2010.yaml").read_text()
    layout = layout.replace("name: sddc-uor-2010", "name: sddc-appendix-a\ntable_heading: '^Appendix A'")
    (tmp_path / "sddc.layout.yaml").write_text(layout)
    got = reportlib.load_plans(path, "sddc-appendix-a")
    assert len(got.actions) == 16 and set(got.actions["source_sheet"]) == {"table 2"}
    skipped = [f for f in got.findings if f.code == "table_skipped"]
    assert [f.location.sheet for f in skipped] == ["table 1"]


def test_a_table_is_chosen_by_its_header_among_others(tmp_path, seeds):
    path = to_docx(tmp_path / "paper.docx", [seed_plan("sddc")], other_table=True,
                   before=["Finance and Management Committee, 24 June 2010", "Report of the Chief Executive"])
    got = reportlib.load_plans(path)
    assert_same_tables(seeds["sddc"], got)
    assert set(got.actions["source_sheet"]) == {"table 2"}
    notes = dict(zip(got.sources["sheet"], got.sources["note"]))
    assert notes["table 1"].endswith("not read: the table matches no layout")
    assert notes["table 2"].startswith("17 rows of the plan")


# -- PDF: unruled, header only on the first page, rows over a page break ------------------------------

def test_unruled_pdf_with_theme_and_kloe_heading_rows(tmp_path, seeds):
    path = to_pdf(tmp_path / "unruled.pdf", [seed_plan("wdc")], ruled=False)
    got = reportlib.load_plans(path)
    assert_same_tables(seeds["wdc"], got, normalise=_plain)


def test_pdf_table_with_merged_heading_rows(tmp_path, seeds):
    path = to_pdf(tmp_path / "merged.pdf", [seed_plan("wdc")], two_level_heading=3)
    got = reportlib.load_plans(path)
    assert_same_tables(seeds["wdc"], got, normalise=_plain)
    assert set(got.sources["header_row"]) == {2}  # the heading repeated on every page, on two rows


def test_pdf_header_only_on_the_first_page(tmp_path, seeds):
    path = to_pdf(tmp_path / "once.pdf", [seed_plan("wdc")], repeat_header=False)
    got = reportlib.load_plans(path)
    assert_same_tables(seeds["wdc"], got, normalise=_plain)
    assert got.actions["source_sheet"].nunique() > 5
    header_rows = got.sources.set_index("sheet")["header_row"]
    assert header_rows["page 1"] == 1 and header_rows.drop("page 1").isna().all()


@pytest.fixture(scope="module")
def wdc_breaks(tmp_path_factory):
    """The Warwick plan with rows allowed to run over page breaks (Word's "allow row to break across pages")."""
    return to_pdf(tmp_path_factory.mktemp("breaks") / "breaks.pdf", [seed_plan("wdc")], rows_break=True)


def test_rows_running_over_a_page_break_are_flagged_and_no_text_is_lost(wdc_breaks, seeds):
    got = reportlib.inspect_plans(wdc_breaks)
    flagged = [f for f in got.findings if f.code == "row_split_at_break"]
    assert flagged and all(f.location.row == 2 for f in flagged)
    words = lambda frame: {w for col in ("recommendation", "action", "owner") for v in frame[col].dropna()  # noqa: E731
                           for w in re.findall(r"\w+", v)}
    assert words(seeds["wdc"].actions) <= words(got.actions)


def test_rows_running_over_a_page_break_joined_where_the_layout_has_continuation_rows(tmp_path, seeds):
    path = to_pdf(tmp_path / "breaks.pdf", [seed_plan("sddc")], rows_break=True)
    got = reportlib.load_plans(path)
    assert not [f for f in got.findings if f.code == "row_split_at_break"]
    # The target South Derbyshire writes in its prose is read from an item's first row before
    # its continuation rows are joined (rows.SheetReader), so a date in the part on the next
    # page is not seen: compare everything else.
    expected, got_ = seeds["sddc"], got
    keep = [c for c in ACTION_COLUMNS if not c.startswith("target_")]
    words = lambda v: re.sub(r"\s+", "", _plain(v)) if isinstance(v, str) else v  # noqa: E731  (a link cut too)
    pd.testing.assert_frame_equal(expected.actions[keep].map(words).reset_index(drop=True),
                                  got_.actions[keep].map(words).reset_index(drop=True), check_dtype=False)
    assert any("-" in str(r) for r in got.actions["source_rows"])


# -- what was read, and what could not be placed ----------------------------------------------------------

def test_validate_reports_each_page_and_table(tmp_path, papers, capsys):
    path = to_pdf(tmp_path / "paper.pdf", [seed_plan("sddc")], cover="Finance and Management Committee")
    assert main(["validate", str(path), str(papers["wdc.docx"])]) == 0
    out = capsys.readouterr().out
    assert "paper.pdf, page 1: no table on this page, 0 actions start here" in out
    assert re.search(r"paper\.pdf, page 2: \d+ rows of the plan in pages 2-\d+, read with layout 'sddc-uor-2010'", out)
    assert "wdc.docx, table 1: 61 rows of the plan, read with layout 'wdc-uor-2009'" in out
    assert "56 actions start here" in out


def test_parts_table_lists_pages_and_what_could_not_be_placed(wdc_breaks):
    html = report.parts_table(reportlib.inspect_plans(wdc_breaks)).html
    assert "Pages and tables read from committee papers" in html and "page 10" in html
    assert "could not be placed" in html and "runs on over the page break" in html
    assert "No committee paper was read" in report.parts_table(reportlib.load_plans(SEEDS["wdc"])).html


# -- bad input: one paragraph naming the file, nothing written -----------------------------------------------

def _scanned_pdf(path):
    from weasyprint import HTML

    png = ("iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAAEklEQVR4nGNgGAWjYBSMAggAAAQQAAF/TXiOAAAAAElFTkSuQmCC")
    HTML(string=f"<img src='data:image/png;base64,{png}' style='width:180mm'>").write_pdf(path)


def _encrypted_pdf(path, source):
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(source))
    writer.encrypt(user_password="committee", owner_password="clerk")
    with open(path, "wb") as out:
        writer.write(out)


def _docx_without_tables(path):
    import docx

    document = docx.Document()
    document.add_heading("Use of Resources Action Plan", 1)
    document.add_paragraph("The action plan will be circulated at the meeting.")
    document.save(path)


def _unmatched_table(path):
    to_docx(path, [Plan(["Budget monitoring"], ["Service", "Budget", "Outturn", "Variance"],
                        [["Leisure", "1,200", "1,150", "-50"]])])


def _odt(path):
    import zipfile

    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.text", compress_type=zipfile.ZIP_STORED)
        zf.writestr("content.xml", "<office:document-content/>")


def _doc(path):
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512 + "WordDocument".encode("utf-16-le")
                     + b"\x00" * 512)


BAD = {
    "scanned.pdf": (_scanned_pdf, "no text to read: this PDF is an image", None),
    "locked.pdf": (_encrypted_pdf, "this PDF is encrypted and needs a password", "sddc.pdf"),
    "notes.docx": (_docx_without_tables, "the Word document has no tables", None),
    "budget.docx": (_unmatched_table, "no table in the document matches a layout (table 1 begins 'Service | Budget", None),
    "plan.odt": (_odt, "this is an OpenDocument text (.odt) file", None),
    "plan.doc": (_doc, "this is an old-style Word 97-2003 (.doc) document", None),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_papers_get_one_paragraph_naming_the_file_and_nothing_is_written(tmp_path, papers, capsys, name):
    make, expected, base = BAD[name]
    path = tmp_path / name
    make(path, papers[base]) if base else make(path)
    before = path.read_bytes()
    out = tmp_path / "out"
    assert main(["export", str(path), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    errors = [line for line in err.splitlines() if line.startswith("error")]
    assert len(errors) == 1 and errors[0].startswith(f"error: {name}") and expected in errors[0], err
    assert not out.exists()
    assert path.read_bytes() == before


# -- bounded reading ----------------------------------------------------------------------------------------

def test_pages_past_the_limit_are_not_read(tmp_path, papers, monkeypatch):
    from reportlib.ingest import pdf_source

    monkeypatch.setattr(pdf_source, "MAX_PAGES", 2)
    got = reportlib.inspect_plans(papers["wdc.pdf"])
    assert [f.code for f in got.errors] == ["too_many_pages"]
    assert "reading stopped after page 2" in got.errors[0].message


def test_text_past_the_budget_stops_reading(tmp_path, papers, monkeypatch):
    from reportlib.ingest import parts

    monkeypatch.setattr(parts, "TEXT_BUDGET", 5_000)
    got = reportlib.inspect_plans(papers["wdc.docx"])
    assert "too_much_data" in [f.code for f in got.errors]
    found = next(f for f in got.errors if f.code == "too_much_data")
    assert found.location.sheet == "table 1" and found.location.row > 1


def test_paper_in_a_folder_is_found_and_the_folder_copy_is_untouched(tmp_path, papers, seeds):
    folder = tmp_path / "plans"
    folder.mkdir()
    shutil.copy(papers["sddc.docx"], folder / "sddc.docx")
    before = (folder / "sddc.docx").read_bytes()
    got = reportlib.load_plans(folder)
    assert_same_tables(seeds["sddc"], got)
    assert got.inputs["file"].tolist() == ["sddc.docx"]
    assert (folder / "sddc.docx").read_bytes() == before


def test_word_text_is_cleaned_and_markup_noted_as_in_a_spreadsheet(tmp_path):
    import docx
    from workbooks import TRACKER_HEADER, TRACKER_LAYOUT

    document = docx.Document()
    table = document.add_table(rows=2, cols=len(TRACKER_HEADER))
    for c, h in enumerate(TRACKER_HEADER):
        table.cell(0, c).text = h
    values = {"Ref": "1", "Recommendation": "Improve the thing.\t ", "Agreed action": "<script>alert(1)</script> - HoF"}
    for c, h in enumerate(TRACKER_HEADER):
        table.cell(1, c).text = values.get(h, "")
    document.save(tmp_path / "tracker.docx")
    (tmp_path / "tracker.layout.yaml").write_text(TRACKER_LAYOUT)
    got = reportlib.inspect_plans(tmp_path, "test-tracker")
    assert got.actions.iloc[0].recommendation == "Improve the thing."
    markup = [f for f in got.findings if f.code == "markup"]
    assert [(f.location.sheet, f.location.row) for f in markup] == [("table 1", 2)]


# -- a modern audit tracker: the same tables from its workbook, its Word appendix and its PDF ----------------

TRACKER_KEYS = ["action_id", "recommendation", "action", "owner", "priority", "target_text", "target_date"]
TRACKER_UPDATE_KEYS = ["action_id", "snapshot", "snapshot_date", "text", "stated_status", "status"]


def _tracker_tables(plans):
    actions = plans.actions[TRACKER_KEYS].map(_plain).reset_index(drop=True)
    updates = plans.updates[TRACKER_UPDATE_KEYS].map(_plain).reset_index(drop=True)
    return actions, updates


@pytest.fixture(scope="module")
def modern_tracker(tmp_path_factory):
    """The Q3 tracker as a workbook, a Word appendix and a PDF whose rows may run over a page break."""
    import trackers

    folder = tmp_path_factory.mktemp("tracker")
    plan, merged = trackers.plan("Q3")
    made = {}
    for kind in ("xlsx", "docx", "pdf", "unruled.pdf"):
        trackers.write_layout(folder / kind)
        if kind == "xlsx":
            trackers.write_workbook(folder / kind / "q3.xlsx")
        elif kind == "docx":
            to_docx(folder / kind / "q3.docx", [plan], merged_down=merged)
        elif kind == "pdf":
            to_pdf(folder / kind / "q3.pdf", [plan], merged_down=merged, rows_break=True,
                   running="Appendix A – Internal Audit tracker")
        else:  # an unruled table cannot show a cell merged down: the owner is written in each row
            to_pdf(folder / kind / "q3.pdf", [trackers.plan("Q3", merged=False)[0]], rows_break=True, ruled=False,
                   running="Appendix A – Internal Audit tracker")
        made[kind] = reportlib.load_plans(folder / kind)
    return made


@pytest.mark.parametrize("kind", ["docx", "pdf", "unruled.pdf"])
def test_a_tracker_gives_the_same_tables_from_word_pdf_and_workbook(modern_tracker, kind):
    expected, got = _tracker_tables(modern_tracker["xlsx"]), _tracker_tables(modern_tracker[kind])
    assert len(got[0]) == 26
    pd.testing.assert_frame_equal(expected[0], got[0], check_dtype=False)
    pd.testing.assert_frame_equal(expected[1], got[1], check_dtype=False)
    # the owner merged down over recommendations 2 and 3 is each one's owner, with nothing left unplaced
    owners = got[0].set_index("action_id")["owner"]
    assert owners["TBC-2024/25-003"] == "Head of Finance"
    assert not [f for f in modern_tracker[kind].findings if f.code == "not_placed"]
    # headings and footnotes are named as rows that are not actions, as from the workbook
    notes = [f for f in modern_tracker[kind].findings if f.code == "not_an_action"]
    assert len(notes) == 7
    # a row number quoted in a note's message is the row its location names (it was one off in Word)
    assert [f.location.row for f in notes] == [int(n) for f in notes for n in re.findall(r"\brow (\d+)", f.message)] \
        or not any(re.search(r"\brow \d", f.message) for f in notes)


def test_a_note_row_is_quoted_with_the_row_its_location_gives_in_the_workbook(modern_tracker):
    notes = [f for f in modern_tracker["xlsx"].findings if f.code == "not_an_action"]
    assert notes and all(not re.search(r"\brow \d", f.message) or f"row {f.location.row} " in f.message
                         for f in notes)


def test_a_row_run_over_a_page_break_joins_its_own_recommendation_without_continuation_rows(tmp_path):
    """A layout that says nothing of continuation rows: the rest of a row cut by a PDF page break
    still belongs to the recommendation whose row it is, never to the one above it."""
    import trackers

    layout = trackers.LAYOUT.replace("continuation:\n  blank: [ref]\n", "")
    plan, merged = trackers.plan("Q3")
    word, pdf = tmp_path / "word", tmp_path / "pdf"
    trackers.write_layout(word).write_text(layout)
    trackers.write_layout(pdf).write_text(layout)
    to_docx(word / "q3.docx", [plan], merged_down=merged)
    to_pdf(pdf / "q3.pdf", [plan], merged_down=merged, rows_break=True)
    expected, got = reportlib.load_plans(word), reportlib.inspect_plans(pdf)
    assert len(got.actions) == 26 and not got.errors
    assert any("-page" in str(r) for r in got.actions["source_rows"])  # some rows did run over a break
    pd.testing.assert_frame_equal(_tracker_tables(expected)[0], _tracker_tables(got)[0], check_dtype=False)
    assert not [f for f in got.findings if f.code == "row_split_at_break"]


def test_a_ruled_pdf_with_its_header_on_page_1_only_joins_rows_cut_by_the_page_break(tmp_path, seeds):
    """No header on later pages, rows allowed to break: the rest of a cut row sits above the first
    rule of the next page. It was taken for text above the table and lost, and the warning said the
    two parts were read as two rows."""
    path = to_pdf(tmp_path / "once.pdf", [seed_plan("wdc")], repeat_header=False, rows_break=True)
    got = reportlib.inspect_plans(path)
    words = lambda frame: {w for col in ("recommendation", "action", "owner") for v in frame[col].dropna()  # noqa: E731
                           for w in re.findall(r"\w+", v)}
    assert words(seeds["wdc"].actions) <= words(got.actions)  # no text lost
    assert len(got.actions) == len(seeds["wdc"].actions)
    joined = [f for f in got.findings if f.code == "row_split_at_break"]
    assert joined and all("was joined to it" in f.message and "two rows" not in f.message for f in joined)
    first = joined[0]
    assert (first.location.sheet, first.location.row) == ("page 1", 8)
    assert "row 8 of page 1" in first.message and "top of page 2" in first.message
    # the joined row's cells are whole: the cut issue reads on into its rest on the next page
    actions = got.actions["action"].dropna().map(lambda v: " ".join(v.split()))
    assert actions.str.contains("clear explanation of the impact of Support Service costs", regex=False).any()
