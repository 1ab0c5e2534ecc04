"""Committee papers built in code for the tests: the sample plans drawn as a council's
Word appendix (python-docx) and as the PDF it was published as (WeasyPrint, from HTML
tables drawn the way a council's Word template draws them)."""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from reportlib.ingest.files import open_source

ROOT = Path(__file__).resolve().parents[1]
SEEDS = {"wdc": ROOT / "data" / "wdc_use_of_resources_action_plan.xlsx",
         "sddc": ROOT / "data" / "sddc_use_of_resources_action_plan_2010.xlsx"}
_LIST = re.compile(r"^\s*<(ul|ol)>(.*)</\1>\s*$", re.S)
_ITEM = re.compile(r"<li>(.*?)</li>", re.S)
_LINK = re.compile(r'<a href="([^"]*)">(.*?)</a>', re.S)


@dataclass
class Plan:
    """A plan as a committee paper shows it: title lines, a header row and the table's rows."""

    title: list[str]
    header: list[str]
    rows: list[list[str]]


def seed_plan(name: str) -> Plan:
    """The shipped spreadsheet's own rows (title above the header, then every row)."""
    source = open_source(SEEDS[name])
    sheet = next(iter(source.sheets.values()))
    header_index = next(i for i, row in enumerate(sheet) if sum(1 for v in row if str(v).strip()) >= 4)
    title = [str(v) for row in sheet[:header_index] for v in row if str(v).strip()]
    header = [str(v) for v in sheet[header_index]]
    width = len(header)
    rows = [[str(v) if v != "" else "" for v in row] + [""] * (width - len(row))
            for row in sheet[header_index + 1:] if any(str(v).strip() for v in row)]
    return Plan(title, header, rows)


# -- Word -------------------------------------------------------------------------------------------

def _add_link(paragraph, url: str, text: str) -> None:
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rid = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rid)
    run = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = text
    t.set(qn("xml:space"), "preserve")
    run.append(t)
    link.append(run)
    paragraph._p.append(link)


def _write_inline(paragraph, text: str) -> None:
    at = 0
    for match in _LINK.finditer(text):
        if match.start() > at:
            paragraph.add_run(text[at:match.start()])
        _add_link(paragraph, match.group(1), match.group(2))
        at = match.end()
    if at < len(text):
        paragraph.add_run(text[at:])


def _fill_cell(cell, text: str, *, word_lists: bool) -> None:
    """Cell text as Word holds it: one paragraph per line, lists as list paragraphs, links as links."""
    lines = text.split("\n") if text else [""]
    first = True
    for line in lines:
        match = _LIST.match(line) if word_lists else None
        items = [i.strip() for i in _ITEM.findall(match.group(2))] if match else None
        for chunk in items if items else [line]:
            paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
            first = False
            if items:
                paragraph.style = "List Bullet" if match.group(1) == "ul" else "List Number"
            _write_inline(paragraph, chunk) if word_lists else paragraph.add_run(chunk)


def _header_row(row) -> None:
    from docx.oxml import OxmlElement

    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:tblHeader"))


def to_docx(path: Path, plans: list[Plan], *, split_every: int | None = None, word_lists: bool = True,
            before: list[str] = (), two_level_heading: int | None = None, other_table: bool = False,
            merged_down: dict[tuple[int, int], int] | None = None) -> Path:
    """The plans as a Word appendix: title paragraphs, then a table with a repeated header row,
    its Theme/KLOE heading rows merged across. ``split_every`` cuts a plan's table into several
    tables (each with the header row again) every so many rows. ``two_level_heading``: the
    header drawn on two rows, the first N columns merged down and the rest under one merged
    "Progress" cell. ``other_table``: a table of figures before the plan. ``merged_down``: cells merged
    down, ``{(row in plan.rows, column): rows spanned}`` (Word's vMerge), their text in the top one."""
    import docx

    document = docx.Document()
    for text in before:
        document.add_paragraph(text)
    if other_table:
        document.add_heading("Budget summary", level=2)
        figures = document.add_table(rows=2, cols=3)
        for c, value in enumerate(["Service", "Budget 2010/11", "Outturn"]):
            figures.cell(0, c).text = value
        for c, value in enumerate(["Leisure", "1,200", "1,150"]):
            figures.cell(1, c).text = value
    for plan in plans:
        for i, line in enumerate(plan.title):
            document.add_heading(line, level=1) if i == 0 else document.add_paragraph(line)
        chunks = [plan.rows]
        if split_every:
            chunks = [plan.rows[i:i + split_every] for i in range(0, len(plan.rows), split_every)]
        for n, chunk in enumerate(chunks):
            start = n * split_every if split_every else 0
            if n:
                document.add_paragraph().add_run().add_break(docx.enum.text.WD_BREAK.PAGE)
            heading_rows = 2 if two_level_heading else 1
            table = document.add_table(rows=heading_rows + len(chunk), cols=len(plan.header))
            table.style = "Table Grid"
            if two_level_heading:
                k = two_level_heading
                for c in range(k):
                    table.cell(0, c).merge(table.cell(1, c))
                    table.cell(0, c).text = plan.header[c]
                table.cell(0, k).merge(table.cell(0, len(plan.header) - 1))
                table.cell(0, k).text = "Progress"
                for c in range(k, len(plan.header)):
                    table.cell(1, c).text = plan.header[c]
            else:
                for c, value in enumerate(plan.header):
                    table.cell(0, c).text = value
            for r in range(heading_rows):
                _header_row(table.rows[r])
            for r, row in enumerate(chunk, start=heading_rows):
                filled = [v for v in row if v.strip()]
                if len(filled) == 1 and row[0].strip():  # a Theme / KLOE heading: merged across
                    cell = table.cell(r, 0).merge(table.cell(r, len(plan.header) - 1))
                    cell.text = row[0]
                    continue
                for c, value in enumerate(row):
                    _fill_cell(table.cell(r, c), value, word_lists=word_lists)
            for (at, c), span in (merged_down or {}).items():
                if start <= at < start + len(chunk):
                    top = heading_rows + at - start
                    text = table.cell(top, c).text
                    table.cell(top, c).merge(table.cell(top + span - 1, c)).text = text
        document.add_paragraph("")
    document.save(path)
    return path


# -- PDF ----------------------------------------------------------------------------------------------

_CSS = """
@page { size: A4 landscape; margin: 14mm 12mm; @top-center { content: "%(running)s"; font: 7pt sans-serif; } }
body { font: 8pt/1.25 'DejaVu Sans', sans-serif; }
h1 { font-size: 12pt; margin: 0 0 2pt; } p.sub { margin: 0 0 6pt; }
table { border-collapse: collapse; width: 100%%; table-layout: fixed; }
th, td { vertical-align: top; text-align: left; padding: 3pt 4pt; %(rules)s }
th { font-weight: bold; }
tr { break-inside: %(row_break)s; }
td.heading { font-weight: bold; }
td p, td ul, td ol { margin: 0 0 3pt; } ul, ol { padding-left: 12pt; }
"""


def _cell_html(text: str, rich: bool) -> str:
    """One paragraph per line, with the space after it a Word template gives a paragraph."""
    if not (rich and ("<ul>" in text or "<a " in text or "<ol>" in text)):
        text = html.escape(text)  # else the plan's own list and link markup, drawn as Word would
    return "".join(f"<p>{line}</p>" for line in text.split("\n"))


def plan_html(plans: list[Plan], *, ruled: bool = True, repeat_header: bool = True, rich: bool = True,
              running: str = "", rows_break: bool = False, cover: str = "",
              two_level_heading: int | None = None, merged_down: dict[tuple[int, int], int] | None = None) -> str:
    """``rows_break``: a row may run over a page break (Word's "allow row to break across pages").
    ``two_level_heading``: the header on two rows, the first N cells merged down, the rest under
    one "Progress" cell merged across. ``merged_down``: cells merged down (``rowspan``),
    ``{(row in plan.rows, column): rows spanned}``."""
    rules = "border: 0.6pt solid #000;" if ruled else "border: none;"
    css = _CSS % {"rules": rules, "running": running, "row_break": "auto" if rows_break else "avoid"}
    parts = [f"<html><head><meta charset='utf-8'><style>{css}</style>"
             "</head><body>"]
    if cover:
        parts.append(f"<h1>{html.escape(cover)}</h1><p>Report of the Chief Executive.</p>"
                     "<div style='break-after: page'></div>")
    for plan in plans:
        if plan.title:
            parts.append(f"<h1>{html.escape(plan.title[0])}</h1>")
            parts += [f"<p class='sub'>{html.escape(line)}</p>" for line in plan.title[1:]]
        head = "".join(f"<th>{html.escape(h)}</th>" for h in plan.header)
        if two_level_heading:
            k = two_level_heading
            head = ("".join(f"<th rowspan='2'>{html.escape(h)}</th>" for h in plan.header[:k])
                    + f"<th colspan='{len(plan.header) - k}'>Progress</th></tr><tr>"
                    + "".join(f"<th>{html.escape(h)}</th>" for h in plan.header[k:]))
        parts.append("<table>" + (f"<thead><tr>{head}</tr></thead>" if repeat_header else f"<tr>{head}</tr>"))
        parts.append("<tbody>" if repeat_header else "")
        covered = {(r + k, c) for (r, c), span in (merged_down or {}).items() for k in range(1, span)}
        for r, row in enumerate(plan.rows):
            filled = [v for v in row if v.strip()]
            if len(filled) == 1 and row[0].strip():
                parts.append(f"<tr><td class='heading' colspan='{len(plan.header)}'>{html.escape(row[0])}</td></tr>")
            else:
                spans = merged_down or {}
                parts.append("<tr>" + "".join(
                    (f"<td rowspan='{spans[(r, c)]}'>" if (r, c) in spans else "<td>") + f"{_cell_html(v, rich)}</td>"
                    for c, v in enumerate(row) if (r, c) not in covered) + "</tr>")
        parts.append("</tbody></table>" if repeat_header else "</table>")
        parts.append("<div style='break-after: page'></div>")
    parts.append("</body></html>")
    return "".join(parts)


def to_pdf(path: Path, plans: list[Plan], **options) -> Path:
    from weasyprint import HTML

    HTML(string=plan_html(plans, **options)).write_pdf(path)
    return path
