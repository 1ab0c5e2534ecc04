"""The PDF's long tables get column widths worked out from their text (reportlib.present.pdfcolumns)."""
from __future__ import annotations

import re

from reportlib.present.pdf import layout
from reportlib.present.pdfcolumns import MIN_ROWS, column_widths, fix_column_widths


def _table(rows: int, *, attributes: str = 'class="rl-table"', cells=None) -> str:
    cells = cells or ["SC000-2009-{n:03d}", "1.1", "A long piece of update text, as officers write it, about the action {n}",
                      "Complete"]
    head = "<tr><th>ID</th><th>KLOE</th><th>Latest update</th><th>Status</th></tr>"
    body = "".join("<tr>" + "".join(f"<td>{c.format(n=n)}</td>" for c in cells) + "</tr>" for n in range(rows))
    return f"<table {attributes}><caption>All actions</caption><thead>{head}</thead><tbody>{body}</tbody></table>"


def _percents(html: str) -> list[float]:
    return [float(p) for p in re.findall(r'<col style="width:([0-9.]+)%">', html)]


def test_a_long_table_gets_widths_that_share_the_page_by_its_text():
    fixed = fix_column_widths(_table(MIN_ROWS + 5))
    percents = _percents(fixed)
    assert len(percents) == 4 and abs(sum(percents) - 100) < 0.1
    ident, kloe, update, status = percents
    assert update > ident > kloe  # prose gets the room; a short code only what it needs
    assert 'data-rl-cols' in fixed
    # the colgroup follows the caption, as HTML wants it
    assert fixed.index("</caption>") < fixed.index("<colgroup>") < fixed.index("<thead>")


def test_short_tables_merged_cells_and_unfittable_words_are_left_to_the_automatic_layout():
    short = _table(MIN_ROWS - 2)  # with its header row, one row short
    assert fix_column_widths(short) == short
    merged = _table(MIN_ROWS + 1).replace("<th>KLOE</th>", '<th colspan="2">KLOE</th>', 1)
    assert fix_column_widths(merged) == merged
    long_words = _table(MIN_ROWS + 1, cells=["x" * 200, "y" * 200, "z", "w"])
    assert fix_column_widths(long_words) == long_words


def test_a_word_is_never_given_less_than_its_width():
    # an id, a date that must not wrap and a header word are each at least as wide as their text
    widths = column_widths(_table(MIN_ROWS + 1).split(">", 1)[1])
    narrowest_id = sum({"S": 0.7, "C": 0.7, "-": 0.35}.get(c, 0.56) for c in "SC000-2009-001")
    assert widths[0] >= narrowest_id


def test_laid_out_the_id_column_keeps_each_id_on_one_line():
    html = "<html><body>" + _table(MIN_ROWS + 20, attributes='class="rl-table rl-wide" data-rl-wrap="hyphens"') + "</body></html>"
    document = layout(html, running_header="test")
    lines = []
    for page in document.pages:
        stack = [page._page_box]
        while stack:
            box = stack.pop()
            text = getattr(box, "text", None)
            if text and text.startswith("SC000"):
                lines.append(text)
            stack.extend(getattr(box, "children", ()))
    assert len(lines) == MIN_ROWS + 20
    assert all(re.fullmatch(r"SC000-2009-\d{3}", line) for line in lines), lines[:3]
