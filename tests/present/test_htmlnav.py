"""The contents list, table and chart regions, pack links and the Content-Security-Policy of the HTML report."""
from __future__ import annotations

import re
from datetime import date

from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from reportlib.present import htmlnav
from reportlib.present.exporters import export_html
from reportlib.present.htmlreport import CSP, Provenance, pack_links


def provenance(**changes) -> Provenance:
    values = dict(title="Pack title", council="Testshire DC", committee="Audit", as_of=date(2010, 7, 31),
                  pack="test-pack", notebook="council_progress.ipynb", heading="Progress", inputs=(),
                  parameters={}, version="0")
    values.update(changes)
    return Provenance(**values)


def test_contents_list_one_link_per_section_then_the_footer():
    html = ('<main><h2 id="Headline-figures">Headline figures<a class="anchor-link" href="#Headline-figures">¶</a>'
            '</h2><p>x</p><h3 id="sub">Sub</h3><h2 id="A-&amp;-B">A &amp; B</h2></main>'
            '<footer><h2 id="rl-about">About this report</h2></footer>')
    assert htmlnav.sections(html) == [("Headline-figures", "Headline figures"), ("A-&-B", "A & B")]
    toc = htmlnav.toc_html(htmlnav.sections(html))
    assert re.findall(r'href="([^"]+)"', toc) == ["#Headline-figures", "#A-&amp;-B", "#rl-about"]
    assert "¶" not in toc


def test_each_top_level_table_is_a_focusable_region_named_by_its_caption():
    html = ('<table><caption>\n<b>Actions</b> by KLOE</caption><tr><td><table><tr><td>inner</td></tr></table>'
            '</td></tr></table><p>between</p><table><tr><td>2</td></tr></table>'
            '<style>/* <table> in CSS is not a table */</style>')
    wrapped = htmlnav.wrap_tables(html)
    assert wrapped.count('<div class="rl-table-region" role="region" tabindex="0"') == 2
    assert 'aria-label="Table: Actions by KLOE"' in wrapped and 'aria-label="Table 2"' in wrapped
    assert wrapped.count("</table></div>") == 2  # the nested table stays inside its cell
    assert "<style>/* <table> in CSS is not a table */</style>" in wrapped


def test_exported_report_has_policy_contents_and_pack_links():
    nb = new_notebook(cells=[
        new_markdown_cell("## Headline figures\n\nText."),
        new_code_cell("x", outputs=[new_output("display_data", data={
            "text/html": '<table class="rl-table"><caption>Figures</caption><tr><td>1</td></tr></table>'})]),
        new_markdown_cell("## All actions"),
    ])
    links = pack_links(["council_progress", "compare_years"], "council_progress", ("html", "pdf"))
    html = export_html(nb, provenance(links=links), notebook_dir=".")
    assert f'content="{CSP}"' in html.replace("&#x27;", "'").replace("&#39;", "'")
    assert "default-src 'none'" in CSP and "img-src data:" in CSP and "script-src 'none'" in CSP
    nav = re.search(r"<nav [^>]*>(.*?)</nav>", html, re.DOTALL).group(1)
    assert re.findall(r'href="(#[^"]+)"', nav) == ["#Headline-figures", "#All-actions", "#rl-about"]
    assert re.findall(r'<li><a href="([^"#]+)"', nav) == [
        "compare_years.html", "compare_years.pdf", "council_progress.pdf", "tables.xlsx", "manifest.json",
        "../../index.html"]
    assert 'aria-label="Table: Figures"' in html
    assert "<script" not in html


def test_pack_links_follow_the_formats():
    links = dict((href, label) for label, href in pack_links(["a"], "a", ("html",)))
    assert "a.pdf" not in links and "a.html" not in links and "tables.xlsx" in links


ACTIONS = ('<table class="rl-table"><caption>Actions</caption><thead><tr><th scope="col">Ref</th>'
           '<th scope="col">Status &amp; RAG</th><th scope="col">Target<br>date</th></tr></thead><tbody>'
           '<tr><td>A1</td><td>Complete</td><td class="rl-date">31 Mar 2010</td></tr>'
           '<tr><td>A2</td><td><ul><li>In progress</li></ul></td><td>–</td></tr></tbody></table>')


def test_every_cell_of_a_table_is_labelled_with_its_column_heading_for_a_phone():
    wrapped = htmlnav.wrap_tables(ACTIONS)
    # a phone shows each row as "label: value" lines, the labels written here (no script in the page)
    assert re.findall(r"<td[^>]*>", wrapped) == [
        '<td data-label="Ref">', '<td data-label="Status &amp; RAG">', '<td class="rl-date" data-label="Target date">',
        '<td data-label="Ref">', '<td data-label="Status &amp; RAG">', '<td data-label="Target date">']
    assert '<div class="rl-table-region rl-stack rl-keep" role="region"' in wrapped
    assert "<li>In progress</li>" in wrapped and "<caption>Actions</caption>" in wrapped  # text unchanged


def test_a_two_column_table_stays_a_table_and_a_long_one_may_run_over_pages():
    two = ('<table><thead><tr><th>Measure</th><th>Figure</th></tr></thead><tbody>'
           + "<tr><td>Complete</td><td>3</td></tr>" * 12 + "</tbody></table>")
    wrapped = htmlnav.wrap_tables(two)
    assert '<div class="rl-table-region" role="region"' in wrapped and "data-label" not in wrapped
    long_table = ACTIONS.replace("</tbody>", "<tr><td>A3</td><td>x</td><td>y</td></tr>" * 7 + "</tbody>")
    assert '<div class="rl-table-region rl-stack" role="region"' in htmlnav.wrap_tables(long_table)


def test_a_table_with_merged_cells_or_no_header_row_is_not_stacked():
    merged = ACTIONS.replace("<td>A1</td><td>Complete</td>", '<td colspan="2">A1</td>')
    bare = "<table><tr><td>1</td><td>2</td><td>3</td></tr></table>"
    for html in (merged, bare):
        wrapped = htmlnav.wrap_tables(html)
        assert "rl-stack" not in wrapped and "data-label" not in wrapped, html


def test_a_cell_with_a_long_run_and_no_space_may_break_anywhere_and_words_elsewhere_never():
    sha = "a045640d72f592d7cccbae2d9df8f4ad99898d023bc08edf43d10f63e191d7a4"
    html = ('<table><thead><tr><th>File</th><th>SHA-256</th></tr></thead><tbody>'
            f'<tr><td>wdc_use_of_resources_action_plan.xlsx</td><td class="rl-hash">{sha}</td></tr>'
            '<tr><td>Understanding costs</td><td>plan.xlsx</td></tr></tbody></table>')
    cells = re.findall(r"<td[^>]*>", htmlnav.wrap_tables(html))
    assert cells == ["<td data-rl-long>", '<td class="rl-hash" data-rl-long>', "<td>", "<td>"]


def test_a_table_whose_corner_heading_cell_is_empty_labels_each_figure_with_its_own_column():
    # the committee summary's figures table: an empty <td> top-left, then a heading per measure; on a
    # phone each figure must carry its own measure's name, not the next column's (a trial saw
    # "Complete: 56" for the 56 actions)
    table = ('<table><caption>Position</caption><thead><tr><td></td><th scope="col">Actions</th>'
             '<th scope="col">Complete</th><th scope="col">Overdue</th></tr></thead><tbody>'
             '<tr><th scope="row">At 31 July 2010</th><td>56</td><td>12</td><td>16</td></tr></tbody></table>')
    wrapped = htmlnav.wrap_tables(table)
    assert re.findall(r'data-label="([^"]*)">(\d+)<', wrapped) == [("Actions", "56"), ("Complete", "12"),
                                                                   ("Overdue", "16")]
