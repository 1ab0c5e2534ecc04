"""The PDF a council can publish: tagged PDF/UA with its language, title and the alt text
of every chart; status words never hyphenated; short tables kept whole on one page; and
landscape pages in one run rather than flipping back and forth with portrait ones.

Reports are built by hand with nbformat and laid out by WeasyPrint (no kernel).
"""
from __future__ import annotations

import base64
import datetime as dt
import io
import re
import struct
import zlib

import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject

from reportlib.present import htmlnav, pdf, tables
from reportlib.present.exporters import export_html
from reportlib.present.htmlreport import Provenance

PROVENANCE = Provenance(
    title="Progress report", council="Testshire District Council", committee="Audit Committee",
    as_of=dt.date(2010, 7, 31), pack="sample-pack", notebook="council_progress.ipynb",
    heading="Action plan: progress report", inputs=(("plan.xlsx", "a" * 64, 100),), parameters={}, version="0")
#: A 1x1 white PNG.
PNG = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4//8/AAX+Av4N70a4AAAAAElFTkSuQmCC")
ALT = "Stacked bars of 12 actions by KLOE: 1.1 Planning has the most (5)."


def chart_html(alt: str, caption: str) -> str:
    return (f'<figure class="chart"><img alt="{alt}" src="data:image/png;base64,{PNG}" '
            f'style="width: 120mm"><figcaption>{caption}</figcaption></figure>')


def html_output(html: str):
    return new_output("display_data", data={"text/html": html, "text/plain": "x"})


def report_html(*cells) -> str:
    nb = new_notebook()
    nb.cells = list(cells)
    return export_html(nb, PROVENANCE, notebook_dir=".")


def structure(reader: PdfReader) -> list[DictionaryObject]:
    """Every element of the PDF's structure tree, depth first."""
    found = []

    def walk(node):
        node = node.get_object()
        if isinstance(node, DictionaryObject):
            if "/S" in node:
                found.append(node)
            kids = node.get("/K")
            if kids is not None:
                for kid in kids if isinstance(kids, ArrayObject) else [kids]:
                    walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found


def test_pdf_is_tagged_pdf_ua_with_language_title_and_the_alt_text_of_every_chart():
    html = report_html(
        new_markdown_cell("## Progress by KLOE\n\nEach bar is one key line of enquiry."),
        new_code_cell("c", outputs=[html_output(chart_html(ALT, "Progress by KLOE"))]),
        new_code_cell("c", outputs=[html_output(chart_html("Timeline of 3 target dates.", "Targets"))]),
        new_code_cell("t", outputs=[html_output(tables.table(pd.DataFrame({"Ref": ["A1"], "Status": ["Complete"]}),
                                                             caption="Actions").html)]),
    )
    reader = PdfReader(io.BytesIO(pdf.pdf_bytes(html, running_header="H", dated=PROVENANCE.as_of)))
    root = reader.trailer["/Root"]
    assert "/MarkInfo" in root and bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root and root["/Lang"] == "en"
    assert reader.metadata.title == "Action plan: progress report – Testshire District Council"
    assert root["/ViewerPreferences"]["/DisplayDocTitle"]
    assert b'pdfuaid:part="1"' in root["/Metadata"].get_object().get_data()  # identified as PDF/UA-1
    elements = structure(reader)
    figures = [e for e in elements if e["/S"] == "/Figure"]
    assert [str(f.get("/Alt")) for f in figures] == [ALT, "Timeline of 3 target dates."]
    kinds = {str(e["/S"]) for e in elements}
    assert {"/H1", "/H2", "/Table", "/TH", "/TD", "/P"} <= kinds, kinds


@pytest.mark.parametrize("page", ["<p>12 actions, 3 overdue</p>", "<html><body><p>12 actions</p></body></html>",
                                  '<html lang="cy"><body><p>12 cam gweithredu</p></body></html>'])
def test_a_page_without_a_language_is_given_one_and_a_declared_language_is_kept(page):
    reader = PdfReader(io.BytesIO(pdf.pdf_bytes(page, running_header="H")))
    assert reader.trailer["/Root"]["/Lang"] == ("cy" if "cy" in page else "en")


def test_the_tagged_pdf_is_the_same_bytes_twice():
    html = report_html(new_code_cell("c", outputs=[html_output(chart_html(ALT, "Progress"))]))
    first = pdf.pdf_bytes(html, running_header="H", dated=PROVENANCE.as_of)
    assert first == pdf.pdf_bytes(html, running_header="H", dated=PROVENANCE.as_of)


STATUS_WORDS = ["Complete", "Amber", "Needs review", "Superseded", "In progress", "Not started"]


def test_status_words_are_never_hyphenated_even_in_a_table_squeezed_onto_the_page():
    rows = 12
    frame = pd.DataFrame({"Ref": [f"R{i}" for i in range(rows)],
                          **{f"Words {c}": ["Commissioning arrangements reviewed quarterly"] * rows for c in range(14)},
                          "Status": (STATUS_WORDS * 2)[:rows], "RAG": (["Amber", "Green", "Not rated (update unclear)"] * 4)[:rows]})
    html = report_html(new_code_cell("t", outputs=[html_output(tables.table(frame, wide=True).html)]))
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.pdf_bytes(html, running_header="H"))).pages)
    # WeasyPrint hyphenates with U+2010; the long words of the table still may be
    assert re.search(r"Commis[-\u2010]\s", text), "the long words of the table should still hyphenate"
    for word in ("Complete", "Amber", "review", "Superseded", "progress", "started", "Green", "update unclear"):
        assert word in text.replace("\n", " "), word
    broken = re.findall(r"\b(?:Com|Am|Gre|Super|Superse|pro|star|up|un)[-\u2010]\s|\bre[-\u2010]\s*view\b", text)
    assert broken == [], broken


def page_of_each(document, marker: str) -> list[int]:
    """The page numbers (from 1) of every text box holding ``marker``."""
    found = []

    def walk(box, number):
        if type(box).__name__ == "TextBox" and marker in box.text:
            found.append(number)
        for child in getattr(box, "children", ()):
            walk(child, number)

    for number, page in enumerate(document.pages, 1):
        walk(page._page_box, number)
    return found


def test_a_short_table_near_the_foot_of_a_page_moves_whole_to_the_next():
    frame = pd.DataFrame({"Ref": [f"KEEP{i}" for i in range(6)], "Status": ["Complete"] * 6,
                          "Action": ["Review the register and report to the committee"] * 6})
    html = report_html(
        new_code_cell("t", outputs=[html_output('<div style="height: 190mm"></div>')]),  # 2 rows fit below
        new_code_cell("t", outputs=[html_output(tables.table(frame, caption="Six actions").html)]),
    )
    document = pdf.layout(html, running_header="H")
    pages = page_of_each(document, "KEEP")
    assert len(pages) == 6 and len(set(pages)) == 1, pages


def test_a_long_table_still_runs_over_pages():
    frame = pd.DataFrame({"Ref": [f"LONG{i}" for i in range(60)], "Action": ["Review the register"] * 60})
    html = report_html(new_code_cell("t", outputs=[html_output(tables.table(frame).html)]))
    assert len(set(page_of_each(pdf.layout(html, running_header="H"), "LONG"))) > 1


def orientations(document) -> str:
    """One letter a page: P for portrait, L for landscape."""
    return "".join("L" if page.width > page.height else "P" for page in document.pages)


def wide_table(marker: str) -> str:
    frame = pd.DataFrame({f"Column {c}": [f"{marker} text of the cell"] * 4 for c in range(12)})
    return tables.table(frame, wide=True).html


@pytest.fixture(scope="module")
def mixed_report() -> str:
    return report_html(
        new_markdown_cell("## Headline figures\n\nFIRSTPORTRAIT"),
        new_markdown_cell("## Overdue actions\n\nLongest overdue first."),
        new_code_cell("t", outputs=[html_output(wide_table("WIDEONE"))]),
        new_markdown_cell("## Targets\n\nMIDPORTRAIT"),
        new_markdown_cell("## All actions"),
        new_code_cell("t", outputs=[html_output(wide_table("WIDETWO"))]),
        new_markdown_cell("## How to read this report\n\nLASTPORTRAIT"),
    )


def test_landscape_pages_come_in_one_run_after_the_portrait_ones(mixed_report):
    document = pdf.layout(mixed_report, running_header="H")
    shape = orientations(document)
    assert re.fullmatch(r"P+L+", shape), shape  # one turn, never back and forth
    landscape = {n for n, letter in enumerate(shape, 1) if letter == "L"}
    assert set(page_of_each(document, "WIDEONE")) | set(page_of_each(document, "WIDETWO")) <= landscape
    portrait_text = page_of_each(document, "FIRSTPORTRAIT") + page_of_each(document, "MIDPORTRAIT") \
        + page_of_each(document, "LASTPORTRAIT")
    assert portrait_text and not set(portrait_text) & landscape
    # the two wide sections share their pages rather than each starting a part-empty one
    assert len(landscape) <= 2, shape


def test_a_moved_section_leaves_a_pointer_to_where_it_went(mixed_report):
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(
        pdf.pdf_bytes(mixed_report, running_header="H"))).pages).replace("\n", " ")
    assert re.search(r"Overdue actions.{0,20}landscape pages at the end", text), text[:600]
    # the sections keep their order among themselves
    assert text.index("WIDEONE") < text.index("WIDETWO")


def test_the_html_report_keeps_its_sections_in_their_order(mixed_report):
    order = [mixed_report.index(m) for m in ("FIRSTPORTRAIT", "WIDEONE", "MIDPORTRAIT", "WIDETWO", "LASTPORTRAIT")]
    assert order == sorted(order)
    assert "landscape pages at the end" not in mixed_report


def png(width: int, height: int) -> str:
    """A white PNG of this many pixels, base64."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\x00" + b"\xff" * width * 3 for _ in range(height))
    body = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    return base64.b64encode(body).decode()


def test_a_tall_chart_is_drawn_smaller_to_share_the_first_page_with_the_headline():
    # as reportlib's charts are written: a 200 dpi PNG shown at its physical size (672 px = 178 mm)
    square = (f'<figure class="chart"><img alt="A tall chart" height="672" width="672" '
              f'src="data:image/png;base64,{png(672, 672)}" style="max-width:100%;height:auto">'
              f'<figcaption>Tall</figcaption></figure>')
    html = report_html(
        new_markdown_cell("## Headline\n\n" + "\n\n".join(["Some text on the first page."] * 6)),
        new_markdown_cell("## Progress by KLOE\n\nEach bar is one key line of enquiry."),
        new_code_cell("c", outputs=[html_output(square)]),
    )
    document = pdf.layout(html, running_header="H")
    # drawn at most about half a page tall, the chart follows its heading on page 1 (at full size it cannot)
    assert page_of_each(document, "Progress by KLOE") == [1] and page_of_each(document, "Tall") == [1]


def test_a_hash_or_file_name_in_a_squeezed_table_breaks_without_a_hyphen():
    """A reader copies a SHA-256 from the PDF to check a file: where a table is too wide and laid out
    again hyphenated, the hash and file name may break across lines but never gain a hyphen."""
    digest = "a045640d72f592d7cccbae2d9df8f4ad99898d023bc08edf43d10f63e191d7a4"
    name = "wdc_use_of_resources_action_plan.xlsx"
    rows = 3
    frame = pd.DataFrame({"File": [name] * rows, "SHA-256": [digest] * rows,
                          **{f"Words {c}": ["Commissioning arrangements reviewed quarterly"] * rows for c in range(12)}})
    shown, _ = htmlnav.label_cells(tables.table(frame, wide=True).html.replace(digest, f'<code class="rl-hash">{digest}</code>'))
    html = report_html(new_code_cell("t", outputs=[html_output(shown)]))
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.pdf_bytes(html, running_header="H"))).pages)
    assert re.search(r"Commis[-\u2010]\s", text), "the table should be squeezed enough to hyphenate its words"
    joined = re.sub(r"\s+", "", text)
    assert digest in joined and name in joined
    # WeasyPrint hyphenates with U+2010; the hash and file name hold none of their own
    for broken in re.findall(r"\S*\u2010\s*\S*", text):  # every hyphenated break is one of the words'
        assert not re.search(r"[0-9_]", broken), broken
