"""Hostile Word papers: content Word writes but a plain table walk misses. Each paper is
built in code (python-docx, then raw OOXML); each case ends with the text read into the
right row and column, or a finding naming the table, row and what was not read. Hidden
text is never published."""
from __future__ import annotations

import html
import re

import docx
import pytest
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from workbooks import TRACKER_HEADER, TRACKER_LAYOUT

import reportlib

NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "v": "urn:schemas-microsoft-com:vml",
    "m": "http://schemas.openxmlformats.org/officeDocument/2006/math",
    "w14": "http://schemas.microsoft.com/office/word/2010/wordml",
    "w15": "http://schemas.microsoft.com/office/word/2012/wordml",
    "fut": "urn:example:a-future-word",
}
DECL = " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in NS.items())
SECRET = "SACK-THE-AUDITOR"


# -- OOXML pieces ---------------------------------------------------------------------------------------

def run(text: str, props: str = "", tag: str = "w:t") -> str:
    rpr = f"<w:rPr>{props}</w:rPr>" if props else ""
    return f'<w:r>{rpr}<{tag} xml:space="preserve">{html.escape(text)}</{tag}></w:r>'


def par(*inline: str) -> str:
    return f"<w:p>{''.join(inline)}</w:p>"


def tc(*blocks: str) -> str:
    """A cell: plain text is one paragraph; anything starting with '<' is block XML."""
    body = "".join(b if b.startswith("<") else par(run(b)) for b in blocks) or "<w:p/>"
    return f"<w:tc><w:tcPr/>{body}</w:tc>"


def sdt(content: str, props: str = "") -> str:
    return f"<w:sdt><w:sdtPr>{props}</w:sdtPr><w:sdtContent>{content}</w:sdtContent></w:sdt>"


def tbl(*rows: str, cols: int = 1) -> str:
    return f"<w:tbl><w:tblPr/><w:tblGrid>{'<w:gridCol/>' * cols}</w:tblGrid>{''.join(rows)}</w:tbl>"


def tr(*cells: str, props: str = "") -> str:
    return f"<w:tr>{f'<w:trPr>{props}</w:trPr>' if props else ''}{''.join(cells)}</w:tr>"


def values(ref, **cells) -> list[str]:
    """A tracker row's cell values (header text with spaces as underscores), as plain text or XML."""
    row = dict.fromkeys(TRACKER_HEADER, "")
    row.update({"Ref": str(ref), "Recommendation": "Improve the thing.", "Agreed action": "Do the thing",
                "Responsible Officer": "HoF", "Priority": "High", "Target date": "March 2011",
                "March 2010 update": "Started", "July 2010 update": "In progress", "Status": "On track"})
    row.update({k.replace("_", " "): v for k, v in cells.items()})
    return [row[h] for h in TRACKER_HEADER]


def row(ref, *, wrap: dict[str, str] | None = None, props: str = "", **cells) -> str:
    """One table row; ``wrap`` names cells given whole (a ``w:tc`` or what wraps one)."""
    wrap = wrap or {}
    out = []
    for header, value in zip(TRACKER_HEADER, values(ref, **cells)):
        out.append(wrap[header] if header in wrap else tc(value))
    return tr(*out, props=props)


def paper(folder, rows, *, before: str = "", after: str = "", prepare=None, header: str | None = None):
    """A Word paper: a heading, ``before`` (body XML), the tracker table holding ``rows``,
    then ``after``. ``prepare(document)`` runs first and returns a dict that ``rows``,
    ``before`` and ``after`` may use as ``str.format`` fields. ``header``: the header row's XML."""
    document = docx.Document()
    document.add_heading("Testshire District Council – audit recommendations tracker", 1)
    fields = prepare(document) if prepare else {}
    header = header or tr(*(tc(h) for h in TRACKER_HEADER))
    table = tbl(header, *rows, cols=len(TRACKER_HEADER))
    body = document.element.body
    for xml in (before, table, after):
        if not xml:
            continue
        wrapper = parse_xml(f"<w:body {DECL}>{xml.format(**fields) if fields else xml}</w:body>")
        for element in list(wrapper):
            body.insert(len(body) - 1, element)  # before the section properties
    path = folder / "paper.docx"
    document.save(path)
    (folder / "tracker.layout.yaml").write_text(TRACKER_LAYOUT)
    return path


def read(folder):
    return reportlib.inspect_plans(folder, "test-tracker")


def found(plans, code):
    return [f for f in plans.findings if f.code == code]


def where(finding):
    return finding.location.sheet, finding.location.row, finding.location.column


def updates(plans):
    return plans.updates.set_index(["action_id", "snapshot"])


# -- content controls ------------------------------------------------------------------------------------

def test_rows_in_a_repeating_section_are_all_read(tmp_path):
    section = sdt(sdt(row(2), "<w15:repeatingSectionItem/>") + sdt(row(3), "<w15:repeatingSectionItem/>"),
                  "<w15:repeatingSection/>")
    paper(tmp_path, [row(1), section, f"<w:customXml w:element='item'>{row(4)}</w:customXml>"])
    plans = read(tmp_path)
    assert plans.actions["action_id"].tolist() == [f"TDC-2010-00{n}" for n in (1, 2, 3, 4)]
    assert plans.actions["source_rows"].tolist() == ["2", "3", "4", "5"]
    assert plans.errors == []


def test_a_cell_in_a_content_control_stays_in_its_column(tmp_path):
    owner = sdt(tc("Head of Finance"), '<w:alias w:val="Owner"/>')
    paper(tmp_path, [row(1, wrap={"Responsible Officer": owner}), row(2)])
    plans = read(tmp_path)
    first = plans.actions.iloc[0]
    assert (first.owner, first.priority, first.target_text) == ("Head of Finance", "High", "March 2011")
    got = updates(plans)
    assert got.at[("TDC-2010-001", "March 2010"), "text"] == "Started"
    assert got.at[("TDC-2010-001", "July 2010"), "text"] == "In progress"
    assert got.at[("TDC-2010-001", "July 2010"), "stated_status"] == "On track"
    assert plans.actions["owner"].tolist() == ["Head of Finance", "HoF"]


def test_run_and_paragraph_content_controls_are_read(tmp_path):
    target = tc(par(run("March "), sdt(run("2011"), '<w:date w:fullDate="2011-03-31T00:00:00Z"/>')))
    action = tc(sdt(par(run("Set the budget timetable")) + par(run("Consult members"))))
    paper(tmp_path, [row(1, wrap={"Target date": target, "Agreed action": action})])
    first = read(tmp_path).actions.iloc[0]
    assert first.target_text == "March 2011" and str(first.target_date.date()) == "2011-03-31"
    assert first.action == "Set the budget timetable\nConsult members"


# -- text boxes and AlternateContent --------------------------------------------------------------------

def _drawing(text: str) -> str:
    return ('<w:drawing><wp:anchor><wp:extent cx="914400" cy="914400"/><wp:docPr id="1" name="Text Box 1"/>'
            '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
            f'<wps:wsp><wps:txbx><w:txbxContent>{par(run(text))}</w:txbxContent></wps:txbx><wps:bodyPr/>'
            '</wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing>')


def _vml(text: str) -> str:
    return f'<w:pict><v:shape><v:textbox><w:txbxContent>{par(run(text))}</w:txbxContent></v:textbox></v:shape></w:pict>'


def _alternate(choice: str, fallback: str, requires: str = "wps") -> str:
    return (f'<mc:AlternateContent><mc:Choice Requires="{requires}">{choice}</mc:Choice>'
            f"<mc:Fallback>{fallback}</mc:Fallback></mc:AlternateContent>")


def test_a_text_box_is_read_once_from_choice_or_fallback(tmp_path):
    box = _alternate(_drawing("Agree the budget by May"), _vml("Agree the budget by May"))
    boxed = tc(par(run("See note:"), f"<w:r>{box}</w:r>"))
    unknown = _alternate("<w:t>Choice Word cannot show</w:t>", "<w:t>Fallback text shown</w:t>", "fut")
    future = tc(par(f"<w:r>{unknown}</w:r>"))
    known = tc(par(_alternate(run("Choice text shown"), run("Fallback Word skips"), "w14")))
    vml = tc(par(run("Old box:"), f"<w:r>{_vml('Boxed in VML')}</w:r>"))
    paper(tmp_path, [row(1, wrap={"Agreed action": boxed}), row(2, wrap={"Agreed action": future}),
                     row(3, wrap={"Agreed action": known}), row(4, wrap={"Agreed action": vml})])
    plans = read(tmp_path)
    assert plans.actions["action"].tolist() == ["See note:\nAgree the budget by May", "Fallback text shown",
                                                "Choice text shown", "Old box:\nBoxed in VML"]


def test_alternate_content_holding_cells_and_rows(tmp_path):
    owner = _alternate(tc("Head of Finance"), tc("HoF (fallback)"), "w14")
    rows = [row(1, wrap={"Responsible Officer": owner}), _alternate(row(2, Agreed_action="new"),
                                                                   row(2, Agreed_action="old"), "fut")]
    paper(tmp_path, rows)
    plans = read(tmp_path)
    assert plans.actions["owner"].tolist() == ["Head of Finance", "HoF"]
    assert plans.actions["action"].tolist() == ["Do the thing", "old"]
    assert plans.actions["priority"].tolist() == ["High", "High"]


# -- tracked changes --------------------------------------------------------------------------------------

def _change(tag: str, content: str) -> str:
    return f'<w:{tag} w:id="1" w:author="Clerk" w:date="2010-06-01T00:00:00Z">{content}</w:{tag}>'


def test_tracked_changes_are_read_as_accepted(tmp_path):
    action = tc(par(run("Review the "), _change("ins", run("revised ")), _change("del", run("old ", tag="w:delText")),
                    _change("del", run("draft ")), run("budget")))
    march = tc(par(_change("moveTo", run("Moved here")), _change("moveFrom", run("Moved away"))))
    deleted_row = '<w:del w:id="2" w:author="Clerk" w:date="2010-06-01T00:00:00Z"/>'
    inserted_row = '<w:ins w:id="3" w:author="Clerk" w:date="2010-06-01T00:00:00Z"/>'
    paper(tmp_path, [row(1, wrap={"Agreed action": action, "March 2010 update": march}),
                     row(2, props=deleted_row), row(3, props=inserted_row)])
    plans = read(tmp_path)
    assert plans.actions["action_id"].tolist() == ["TDC-2010-001", "TDC-2010-003"]
    assert plans.actions["action"].iloc[0] == "Review the revised budget"
    assert updates(plans).at[("TDC-2010-001", "March 2010"), "text"] == "Moved here"
    notes = found(plans, "tracked_changes")
    assert [(f.severity, f.location.sheet, f.location.row, f.location.column) for f in notes] == [
        ("warning", "table 1", 2, "D"), ("warning", "table 1", 2, None)]
    # rows are counted as Word shows them with the changes accepted; each cell changed is named
    assert "accepted" in notes[0].message
    assert "row 2 (columns D, I) and row 3 of table 1" in notes[0].message
    # the deleted row has no number of its own: it is named by the row it followed and its first cells
    assert "a row deleted with changes tracked, after row 2 of table 1," in notes[1].message
    assert "'2 | Improve the thing. | Do the thing" in notes[1].message


def test_a_deleted_row_alone_is_named_by_its_place(tmp_path):
    """The trial's paper: one row deleted with changes tracked, nothing else changed; the warning
    named no row."""
    deleted_row = '<w:del w:id="2" w:author="Clerk" w:date="2010-06-01T00:00:00Z"/>'
    paper(tmp_path, [row(1), row(2), row(3, props=deleted_row), row(4)])
    plans = read(tmp_path)
    assert plans.actions["action_id"].tolist() == ["TDC-2010-001", "TDC-2010-002", "TDC-2010-004"]
    notes = found(plans, "tracked_changes")
    assert [where(f) for f in notes] == [("table 1", 3, None)]
    assert "after row 3 of table 1" in notes[0].message and "'3 | Improve the thing." in notes[0].message


def test_a_note_row_is_named_by_the_row_its_location_gives(tmp_path):
    """A heading stands above the table (read as a title row): the note's message once quoted
    row 4 while its location said row 3."""
    note = tr(tc("Key: H = high risk"), *(tc("") for _ in TRACKER_HEADER[1:]))
    paper(tmp_path, [row(1), note, row(2)])
    plans = read(tmp_path)
    notes = found(plans, "not_an_action")
    assert [where(f) for f in notes] == [("table 1", 3, "A")]
    assert "Key: H = high risk" in notes[0].message
    assert all(int(n) == 3 for n in re.findall(r"\brow (\d+)", notes[0].message))


# -- nested tables ----------------------------------------------------------------------------------------

def _nest(levels: list[str]) -> str:
    """A table in a table in ...: ``levels[0]`` is the text of the outermost nested table."""
    inner = ""
    for text in reversed(levels):
        inner = tbl(tr(tc(text, inner) if inner else tc(text)))
    return inner


def test_nested_tables_are_read_and_too_deep_a_nest_is_named(tmp_path):
    two = tbl(tr(tc("Step 1"), tc("May")), tr(tc("Step 2"), tc("June")), cols=2)
    paper(tmp_path, [row(1, wrap={"Agreed action": tc("Do the thing", two)}),
                     row(2, wrap={"Agreed action": tc("Do the thing", _nest(["one", "two", "three", "four"]))})])
    plans = read(tmp_path)
    assert plans.actions["action"].tolist() == ["Do the thing\nStep 1 | May\nStep 2 | June",
                                                "Do the thing\none\ntwo\nthree"]
    skipped = found(plans, "not_read")
    assert [(f.severity,) + where(f) for f in skipped] == [("warning", "table 1", 3, "D")]
    assert "nested" in skipped[0].message


# -- symbols and ruby -------------------------------------------------------------------------------------

def _sym(font: str, char: str) -> str:
    return f'<w:r><w:sym w:font="{font}" w:char="{char}"/></w:r>'


def test_tick_and_cross_symbols_are_read_and_others_named(tmp_path):
    cases = [("Wingdings", "F0FC"), ("Wingdings", "F0FB"), ("Wingdings 2", "F050"), ("Symbol", "F0D6"),
             ("Wingdings", "FE"), ("Segoe UI Symbol", "2713"), ("Wingdings", "F04A")]
    rows = [row(n, wrap={"Status": tc(par(_sym(font, char)))}) for n, (font, char) in enumerate(cases, start=1)]
    paper(tmp_path, rows)
    plans = read(tmp_path)
    stated = updates(plans).xs("July 2010", level="snapshot")["stated_status"]
    assert stated.fillna("").tolist() == ["✓", "✗", "✓", "✓", "☑", "✓", ""]
    skipped = found(plans, "not_read")
    assert [(f.severity,) + where(f) for f in skipped] == [("warning", "table 1", 8, "K")]
    assert "Wingdings" in skipped[0].message and "F04A" in skipped[0].message


def test_ruby_reads_its_base_text(tmp_path):
    ruby = ("<w:r><w:ruby><w:rubyPr/><w:rt>" + run("とうきょう") + "</w:rt><w:rubyBase>" + run("東京")
            + "</w:rubyBase></w:ruby></w:r>")
    paper(tmp_path, [row(1, wrap={"Responsible Officer": tc(par(ruby, run(" office")))})])
    assert read(tmp_path).actions.iloc[0].owner == "東京 office"


# -- hidden text ------------------------------------------------------------------------------------------

def _hidden_style(document):
    document.styles.element.append(parse_xml(
        f'<w:style {DECL} w:type="character" w:styleId="Secret"><w:name w:val="Secret"/>'
        '<w:rPr><w:vanish/></w:rPr></w:style>'))
    return {}


def test_hidden_text_is_never_published(tmp_path):
    action = tc(par(run("Do the thing"), run(f" ({SECRET})", "<w:vanish/>")))
    by_style = tc(par(run("HoF"), run(f" {SECRET}", '<w:rStyle w:val="Secret"/>')))
    shown = tc(par(run("Shown despite the style", '<w:rStyle w:val="Secret"/><w:vanish w:val="0"/>')))
    hidden_cell = tc(par(run(SECRET, "<w:vanish/>")))
    paper(tmp_path, [row(1, wrap={"Agreed action": action, "Responsible Officer": by_style}),
                     row(2, wrap={"March 2010 update": shown}),
                     row(3, wrap={"July 2010 update": hidden_cell})],
          prepare=_hidden_style, before=par(run(f"Draft {SECRET}", "<w:vanish/>")))
    plans = read(tmp_path)
    assert plans.actions["action"].iloc[0] == "Do the thing" and plans.actions["owner"].iloc[0] == "HoF"
    got = updates(plans)
    assert got.at[("TDC-2010-002", "March 2010"), "text"] == "Shown despite the style"
    assert got.at[("TDC-2010-003", "July 2010"), "text"] == ""  # a cell holding only hidden text reads as blank
    published = [plans.actions.to_csv(), plans.updates.to_csv(), plans.sources.to_csv()]
    published += [f.message for f in plans.findings]
    assert not any(SECRET in text for text in published)
    notes = found(plans, "hidden_text")
    assert [(f.severity, f.location.sheet, f.location.row) for f in notes] == [("warning", None, None),
                                                                               ("warning", "table 1", 2)]
    assert "outside the tables" in notes[0].message and "rows 2, 4 of table 1" in notes[1].message


# -- embedded documents and other content not read --------------------------------------------------------

def _chunk(document):
    package = document.part.package
    ids = {}
    for n in (1, 2):
        part = Part(PackURI(f"/word/afchunk{n}.htm"), "text/html",
                    b"<html><body><table><tr><td>5</td><td>Hidden plan row</td></tr></table></body></html>", package)
        ids[f"chunk{n}"] = document.part.relate_to(part, RT.A_F_CHUNK)
    return ids


def test_an_embedded_document_is_named_as_not_read(tmp_path):
    paper(tmp_path, [row(1, wrap={"Agreed action": tc("Do the thing", '<w:altChunk r:id="{chunk1}"/>')}), row(2)],
          prepare=_chunk, after='<w:altChunk r:id="{chunk2}"/>')
    plans = read(tmp_path)
    assert plans.actions["action"].tolist() == ["Do the thing", "Do the thing"]
    skipped = found(plans, "not_read")
    assert [(f.severity,) + where(f) for f in skipped] == [("warning", "table 1", 2, "D"),
                                                           ("warning", None, None, None)]
    assert all("embedded document" in f.message and "not read" in f.message for f in skipped)
    assert "after table 1" in skipped[1].message
    assert "afchunk1.htm" in skipped[0].message
    shown = reportlib.present.report.parts_table(plans).html  # the data-quality report lists what was not read
    assert shown.count("embedded document") == 2


def test_findings_of_content_not_read_are_bounded(tmp_path):
    rows = [row(n, wrap={"Status": tc(par(_sym("Webdings", "F0" + f"{0x21 + n:02X}")))}) for n in range(1, 81)]
    paper(tmp_path, rows)
    plans = read(tmp_path)
    assert len(plans.actions) == 80
    skipped = found(plans, "not_read")
    assert len(skipped) == 51 and where(skipped[0]) == ("table 1", 2, "K")
    assert skipped[-1].message.startswith("30 more pieces of content were not read")


def test_an_equation_in_a_cell_is_named_as_not_read(tmp_path):
    maths = tc(par(run("Cut costs by "), "<m:oMath><m:r><m:t>x+1</m:t></m:r></m:oMath>"))
    paper(tmp_path, [row(1, wrap={"Agreed action": maths})])
    plans = read(tmp_path)
    assert plans.actions["action"].iloc[0] == "Cut costs by"
    skipped = found(plans, "not_read")
    assert [where(f) for f in skipped] == [("table 1", 2, "D")] and "equation" in skipped[0].message


@pytest.mark.parametrize("wrapper", ["w:dir", "w:bdo"])
def test_text_in_direction_wrappers_is_read(tmp_path, wrapper):
    owner = tc(par(f'<{wrapper} w:val="ltr">{run("Head of Finance")}</{wrapper}>'))
    paper(tmp_path, [row(1, wrap={"Responsible Officer": owner})])
    assert read(tmp_path).actions.iloc[0].owner == "Head of Finance"


def test_a_style_name_with_quotes_is_read_not_a_crash(tmp_path):
    owner = tc('<w:p><w:pPr><w:pStyle w:val="a&quot;]b"/></w:pPr>' + run("HoF", '<w:rStyle w:val="x&quot;y"/>')
               + "</w:p>")
    paper(tmp_path, [row(1, wrap={"Responsible Officer": owner}), row(2)])
    plans = read(tmp_path)
    assert plans.actions["owner"].tolist() == ["HoF", "HoF"] and plans.errors == []


# -- rows that do not line up with the header ---------------------------------------------------------------

def test_a_row_starting_with_skipped_grid_columns_is_read_as_word_shows_it_and_named(tmp_path):
    """``w:gridBefore``: Word draws the row's cells one grid column to the right, so the Ref cell sits
    under 'KLOE' and the last cell under no header. It is read as Word shows it, and a warning names
    the row, so nothing is placed under another header in silence."""
    shifted = row(2, props='<w:gridBefore w:val="1"/>', Recommendation="Shifted recommendation")
    paper(tmp_path, [row(1), shifted, row(3)])
    plans = read(tmp_path)
    notes = found(plans, "row_misaligned")
    assert [(f.severity, *where(f)) for f in notes] == [("warning", "table 1", 3, "B")]
    message = notes[0].message
    assert "1 grid column" in message and "'KLOE'" in message and "'Ref'" in message
    assert "under no header" in message and "'On track'" in message  # the last cell, past the header
    # as Word shows it: no Ref, so the layout reads the row as the rest of the row above it
    assert plans.actions["action_id"].tolist() == ["TDC-2010-001", "TDC-2010-003"]


def _spanned(text: str, span: int = 2) -> str:
    return f'<w:tc><w:tcPr><w:gridSpan w:val="{span}"/></w:tcPr>{par(run(text))}</w:tc>'


def test_a_cell_starting_inside_a_header_cell_is_named(tmp_path):
    """The header's 'Recommendation' spans two grid columns; a row with two cells there has its
    second cell under the right half of 'Recommendation', where no header begins: its text was
    dropped in silence."""
    header = [tc(h) for h in TRACKER_HEADER]
    header[2] = _spanned("Recommendation")
    aligned = [tc(v) for v in values(1)]
    aligned[2] = _spanned("Improve the thing.")
    split = [tc(v) for v in values(2)]
    split[2:3] = [tc("Improve the thing."), tc("Part two of it")]
    paper(tmp_path, [tr(*aligned), tr(*split)], header=tr(*header))
    plans = read(tmp_path)
    notes = found(plans, "row_misaligned")
    assert [where(f) for f in notes] == [("table 1", 3, "D")]
    assert "'Part two of it'" in notes[0].message and "'Recommendation'" in notes[0].message
    assert plans.actions["recommendation"].tolist() == ["Improve the thing.", "Improve the thing."]
