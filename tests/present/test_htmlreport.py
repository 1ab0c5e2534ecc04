"""The house HTML export, without a kernel: outputs are built by hand with nbformat."""
from __future__ import annotations

import base64
import datetime as dt
import json
import re
import struct
import zlib

import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from reportlib.present.exporters import export_html
from reportlib.present.htmlreport import Provenance, external_loads, scrub_paths
from reportlib.run.index import write_index

PROVENANCE = Provenance(
    title="Use of Resources – progress report", council="Testshire District Council",
    committee="Audit & Governance Committee", as_of=dt.date(2010, 7, 31), pack="sample-pack",
    notebook="sample_report.ipynb", heading="Use of Resources – progress report", inputs=(("plan.xlsx", "a" * 64, 13541),),
    parameters={"council_code": "TDC", "data_paths": "plan.xlsx"}, version="0.1.0",
)


def png(width: int, height: int, dpi: int) -> str:
    """A tiny valid PNG with a pHYs chunk, base64 as Jupyter stores it."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    ppm = round(dpi / 0.0254)
    raw = b"".join(b"\x00" + b"\xff" * width * 3 for _ in range(height))
    body = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"pHYs", struct.pack(">IIB", ppm, ppm, 1)) + chunk(b"IDAT", zlib.compress(raw))
            + chunk(b"IEND", b""))
    return base64.b64encode(body).decode()


def tagged(cell, tag):
    cell.metadata["tags"] = [tag]
    return cell


@pytest.fixture(scope="module")
def html() -> str:
    nb = new_notebook()
    params = tagged(new_code_cell("council_code = 'XXX'"), "parameters")
    injected = tagged(new_code_cell("council_code = 'INJECTED-VALUE'"), "injected-parameters")
    shown = new_code_cell("SOURCE-CODE-SHOULD-NOT-SHOW = 1", execution_count=3, outputs=[
        new_output("stream", name="stdout", text="visible stdout\n"),
        new_output("stream", name="stderr", text="STDERR-NOISE\n"),
        new_output("display_data", data={"text/html": "<p>ok html</p><script>alert('XSS-OUTPUT')</script>",
                                         "text/plain": "ok"}),
        new_output("display_data", data={"application/javascript": "alert('JS-OUTPUT')"}),
        new_output("display_data", data={"image/png": png(40, 20, 200), "text/plain": "<Figure>"}),
        new_output("error", ename="ValueError", evalue="TRACEBACK-NOISE", traceback=["TRACEBACK-NOISE"]),
    ])
    hidden = tagged(new_code_cell("x", outputs=[new_output("stream", name="stdout", text="HIDDEN-CELL\n")]),
                    "hide")
    removed = tagged(new_code_cell("x", outputs=[new_output("stream", name="stdout", text="REMOVED-CELL\n")]),
                     "remove_cell")
    only_stderr = new_code_cell("import warnings", outputs=[new_output("stream", name="stderr", text="W\n")])
    nb.cells = [params, injected, new_markdown_cell("# Progress\n\nSee [the plan](https://example.org/plan)."),
                shown, hidden, removed, only_stderr]
    return export_html(nb, PROVENANCE, notebook_dir=".")


def test_no_code_prompts_or_hidden_cells(html):
    for absent in ("SOURCE-CODE-SHOULD-NOT-SHOW", "In&nbsp;[", "In [", "Out[", "INJECTED-VALUE",
                   "council_code = ", "HIDDEN-CELL", "REMOVED-CELL"):
        assert absent not in html, absent
    assert "visible stdout" in html and "<p>ok html</p>" in html


def test_no_stderr_tracebacks_or_scripts(html):
    for absent in ("STDERR-NOISE", "TRACEBACK-NOISE", "ValueError", "XSS-OUTPUT", "JS-OUTPUT", "<script"):
        assert absent not in html, absent
    assert html.count('class="jp-Cell ') == 2  # the markdown cell and the one code cell with output


def test_self_contained(html):
    assert external_loads(html) == []
    assert "require.js" not in html and "mathjax" not in html.lower() and "cdn" not in html.lower()
    assert '<a href="https://example.org/plan">' in html


def test_png_shown_at_its_physical_size(html):
    assert 'src="data:image/png;base64,' in html
    assert 'width="19"' in html or "width=19" in html  # 40 px at 200 dpi = 19.2 CSS px


def test_title_block_and_provenance_footer(html):
    assert "<title>Use of Resources – progress report – Testshire District Council</title>" in html
    assert "Testshire District Council · Audit &amp; Governance Committee" in html
    assert "Position as of 31 July 2010" in html
    assert "SHA-256" in html and "a" * 64 in html and "plan.xlsx" in html and "13,541" in html
    assert "reportlib 0.1.0" in html and "UTC" not in html  # no generation time: the manifest has it
    assert "<code>reportlib verify reports/sample-pack/2010-07-31</code>" in html
    assert "<td>council_code</td><td>TDC</td>" in html


def test_print_css_is_inlined(html):
    assert "@page" in html and "size: A4" in html and "table-header-group" in html
    assert "max-width: 100%" in html and "overflow-wrap: anywhere" in html


def test_running_header_text():
    assert PROVENANCE.running_header == ("Testshire District Council · Audit & Governance Committee · "
                                         "as of 31 July 2010")


@pytest.mark.parametrize("snippet", [
    '<script src="https://cdn.example/require.js"></script>',
    '<script src="//cdn.example/x.js"></script>',
    '<link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Roboto">',
    '<link rel="icon" href="favicon.ico">',
    '<img src="http://example.org/chart.png">',
    '<img src="chart.png">',
    '<img srcset="data:image/png;base64,AA 1x, https://x.example/a.png 2x">',
    '<div style="background: url(\'https://x.example/bg.png\')"></div>',
    '<style>@import "https://x.example/a.css";</style>',
    '<style>@font-face { src: url(https://fonts.example/f.woff2) }</style>',
    '<iframe src="https://x.example/"></iframe>',
    '<object data="https://x.example/a.svg"></object>',
    '<svg><image href="https://x.example/a.png"/></svg>',
    '<meta http-equiv="refresh" content="0; url=https://x.example/">',
])
def test_external_loads_are_found(snippet):
    assert external_loads(f"<html><head></head><body>{snippet}</body></html>")


def test_links_fragments_and_data_urls_are_not_loads():
    page = ('<a href="https://example.org">x</a><a href="#top">top</a><img src="data:image/png;base64,AA">'
            '<style>.x { background: url(data:image/png;base64,AA) }</style><svg><use href="#icon"/></svg>')
    assert external_loads(page) == []


def test_scrub_paths_makes_them_relative(tmp_path):
    root = tmp_path / "repo"
    text = (f"read {root}/data/plan.xlsx from {root} and /home/analyst/notes.txt; {root}x stays; "
            f"so does /srv/home/analyst/x; file://{root}/notebooks/a.ipynb")
    scrubbed = scrub_paths(text, [(root, ""), ("/home/analyst", "~")])
    assert scrubbed == (f"read data/plan.xlsx from . and ~/notes.txt; {root}x stays; "
                        "so does /srv/home/analyst/x; file://notebooks/a.ipynb")


def test_index_links_latest_output_of_each_pack(tmp_path):
    for as_of in ("2010-03-31", "2010-07-31"):
        folder = tmp_path / "wdc-pack" / as_of
        folder.mkdir(parents=True)
        (folder / "manifest.json").write_text(json.dumps({
            "pack": "wdc-pack", "title": "Progress <report>", "council": "Warwick District Council",
            "committee": "Finance & Audit Scrutiny Committee", "as_of": as_of, "generated_at": "now",
            "outputs": [{"file": "council_progress.html"}, {"file": "council_progress.pdf"}]}))
    (tmp_path / "_failed" / "x" / "2010-01-01").mkdir(parents=True)
    page = write_index(tmp_path).read_text()
    assert 'href="wdc-pack/2010-07-31/council_progress.html"' in page
    assert 'href="wdc-pack/2010-07-31/manifest.json"' in page
    assert "31 March 2010" not in page and "31 July 2010" in page and "_failed" not in page
    assert "Progress &lt;report&gt;" in page and "Finance &amp; Audit" in page
    assert external_loads(page) == [] and "<script" not in page


def test_wide_long_table_wraps_and_repeats_its_header_in_the_pdf():
    import io

    import pandas as pd
    from pypdf import PdfReader

    from reportlib.present import pdf, pdffit, tables

    frame = pd.DataFrame({f"column_heading_{i}": [f"QZXQZXQZXQZXQZXQZX{i}{r} and words" for r in range(14)]
                          for i in range(14)})  # words no hyphenation can split
    nb = new_notebook()
    nb.cells = [new_code_cell("t", outputs=[new_output("display_data", data={
        "text/html": tables.table(frame).html, "text/plain": "table"})])]
    html = export_html(nb, PROVENANCE, notebook_dir=".")
    assert pdffit.overflowing_tables(pdf.weasyprint.HTML(string=html).render()) == {0}  # too wide as it is
    document = pdf.layout(html, running_header="HEADER")
    assert len(document.pages) > 1 and pdffit.overflowing_tables(document) == set()

    def boxes(box):
        yield box
        for child in getattr(box, "children", []):
            yield from boxes(child)

    for page in document.pages:
        content = page._page_box.children[0]  # the page area
        right = content.content_box_x() + content.width
        tables_on_page = [b for b in boxes(page._page_box) if b.element_tag == "table"]
        assert all(t.position_x + t.margin_width() <= right + 0.5 for t in tables_on_page)
    text = io.BytesIO(document.write_pdf())
    pages = PdfReader(text).pages
    assert all("column_heading_13" in p.extract_text().replace("\n", "") for p in pages[:2])
    assert "Page 2 of" in pages[1].extract_text() and "HEADER" in pages[1].extract_text()


def test_ordinary_table_keeps_short_values_whole_in_the_pdf():
    import io

    import pandas as pd
    from pypdf import PdfReader

    from reportlib.present import pdf, pdffit, tables

    frame = pd.DataFrame({"Ref": ["SDDC-2010-001"], "Target": [dt.date(2010, 3, 31)],
                          "Management response": ["The Council agrees and will report progress. " * 40]})
    nb = new_notebook()
    nb.cells = [new_code_cell("t", outputs=[new_output("display_data", data={
        "text/html": tables.table(frame).html, "text/plain": "table"})])]
    document = pdf.layout(export_html(nb, PROVENANCE, notebook_dir="."), running_header="HEADER")
    assert pdffit.overflowing_tables(document) == set()
    text = PdfReader(io.BytesIO(document.write_pdf())).pages[0].extract_text()
    assert "SDDC-2010-001" in text and "31 Mar 2010" in text


def test_index_names_each_output_in_words_a_clerk_can_pick_from(tmp_path):
    folder = tmp_path / "nmb-pack" / "2024-12-31"
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text(json.dumps({
        "pack": "nmb-pack", "title": "Internal audit recommendations", "council": "Northmoor Borough Council",
        "committee": "Audit and Governance Committee", "as_of": "2024-12-31", "generated_at": "now",
        "outputs": [{"file": f} for f in ("council_progress.html", "council_progress.pdf", "data_quality.html",
                                           "data_quality.pdf", "tables.xlsx", "council_progress.ipynb")]}))
    page = write_index(tmp_path).read_text()
    links = dict((text, href) for href, text in re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', page))
    assert links["Council progress (web page)"] == "nmb-pack/2024-12-31/council_progress.html"
    assert links["Council progress (PDF)"] == "nmb-pack/2024-12-31/council_progress.pdf"
    assert links["Data quality (web page)"] == "nmb-pack/2024-12-31/data_quality.html"
    assert links["Tables (Excel)"] == "nmb-pack/2024-12-31/tables.xlsx"
    assert links["Council progress (notebook)"] == "nmb-pack/2024-12-31/council_progress.ipynb"
    assert links["Manifest (JSON)"] == "nmb-pack/2024-12-31/manifest.json"
    assert 'title="council_progress.pdf"' in page  # the file name is still there for whoever wants it
    # each report's web page and PDF side by side, reports in the pack's order (stranger trial 8 found
    # them ordered by format: both web pages, then both PDFs)
    order = [text for _, text in re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', page) if text in links]
    assert order[:5] == ["Council progress (web page)", "Council progress (PDF)", "Data quality (web page)",
                         "Data quality (PDF)", "Tables (Excel)"]


def test_a_title_that_names_the_position_date_is_not_followed_by_it_again():
    # stranger trial 8: "position at 31 December 2024" in the title, then "Position as of 31 December
    # 2024" under it, then "As of 31 December 2024" opening the summary: the date three times running
    from dataclasses import replace

    from nbformat.v4 import new_markdown_cell, new_notebook

    nb = new_notebook(cells=[new_markdown_cell("# Progress")])
    titled = replace(PROVENANCE, title="Internal audit recommendations – position at 31 July 2010",
                     heading="Internal audit recommendations – position at 31 July 2010")
    assert "Position as of 31 July 2010" not in export_html(nb, titled, notebook_dir=".")
    assert "Position as of 31 July 2010" in export_html(nb, PROVENANCE, notebook_dir=".")
