"""Long text in the PDF (``reportlib.present.pdf``): laid out in linear time, nothing lost, nothing junk.

- ``bound_long_text`` gives runs of more than 40 characters with no space a ``<wbr>``
  every 40 characters and cuts a table cell past 5,000 characters with a note; it
  changes text only (tags, attributes, data: URLs, style, script, title, comments
  byte for byte) and never splits or decodes a character reference;
- the PDF shows the text (read back with pypdf), the note, and no break characters;
  a table with a long unbroken cell fits without the "break anywhere" re-layout;
- the running header cannot inject CSS, whatever characters the pack's names hold.

Timings are in ``benchmarks/bench_pdf_long_text.py``, not here.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from pypdf import PdfReader

from reportlib.present import pdf, pdffit
from reportlib.present.pdf import MAX_CELL_CHARS, MAX_UNBROKEN, TRUNCATION_NOTE, bound_long_text

NOTE_TEXT = "(full text in the HTML report and tables.xlsx)"
ALPHABET = "abcdef0123456789ABCDEFghijklmnopqrstuvwxyz"


def unbroken(n: int) -> str:
    return (ALPHABET * (n // len(ALPHABET) + 1))[:n]


def words(n: int) -> str:
    text = " ".join(f"word{i}" for i in range(n // 5 + 1))  # no phrase repeats
    return text[:n]


def page(body: str) -> str:
    return f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>t</title></head><body>{body}</body></html>"


def action_table(long_cell: str, rows: int = 6) -> str:
    out = ["<table class='rl-table'><thead><tr><th>Ref</th><th>Owner</th><th>Target</th><th>Update</th></tr></thead><tbody>"]
    for r in range(rows):
        update = long_cell if r == 2 else "Work under way."
        out.append(f"<tr><td>WDC-{r:03d}</td><td>Head of Finance</td><td>31 Mar 2011</td><td>{update}</td></tr>")
    out.append("</tbody></table>")
    return "".join(out)


class Events(HTMLParser):
    """Start tags (with attributes) and text, as a browser's tokenizer sees them."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=False)
        self.tags, self.text, self.raw = [], [], []
        self._tag, self._svg = None, 0
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self._tag = tag
        self._svg += tag == "svg"
        if tag != "wbr":
            self.tags.append((tag, attrs))

    def handle_endtag(self, tag):
        self._tag = None
        self._svg -= tag == "svg"

    def handle_data(self, data):
        raw = self._svg or self._tag in ("style", "script", "title", "textarea")
        (self.raw if raw else self.text).append(data)


def pdf_text(path) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(path).pages)


# --- the pre-pass over the HTML --------------------------------------------------------------------

TRICKY = page(
    "<style>.x{background:url(data:image/png;base64," + "A" * 300 + ")}</style>"
    "<script>var s='" + "s" * 200 + "';</script>"
    "<!-- " + "c" * 200 + " -->"
    "<p title='" + "t" * 120 + " > not a tag end'>" + "p" * 130 + "</p>"
    "<img alt=\"" + "a" * 80 + "\" src=\"data:image/png;base64," + "B" * 500 + "\">"
    "<p>&lt;script&gt;alert(1)&lt;/script&gt;" + "&amp;x" * 40 + "&#x3C;" * 45 + "&#60;y" * 30 + "</p>"
    "<textarea>" + "r" * 90 + "</textarea>"
    "<svg viewBox='0 0 10 10'><text>" + "v" * 90 + "</text></svg>"
    "<p>caf\u00e9" + "e\u0301" * 60 + " <b>" + "b" * 30 + "</b>" + "q" * 30 + "</p>"
)


def test_only_text_changes_markup_passes_through_byte_for_byte():
    out = bound_long_text(TRICKY)
    assert "<wbr>" in out
    assert out.replace("<wbr>", "") == TRICKY  # nothing added but break points, nothing removed or decoded
    before, after = Events(TRICKY), Events(out)
    assert after.tags == before.tags  # every tag and attribute value as it was (no <wbr> in an attribute)
    assert after.raw == before.raw  # style, script, title, textarea untouched
    assert "v" * 90 in out and "c" * 200 in out and "r" * 90 in out  # svg text, comment, textarea


def test_no_text_box_holds_a_run_longer_than_the_limit():
    out = bound_long_text(TRICKY)
    for text in Events(out).text:
        shown = re.sub(r"&#?[A-Za-z0-9]+;", "&", text)  # a reference is one character
        assert max(map(len, shown.split()), default=0) <= MAX_UNBROKEN, text
    # a run spread over inline elements counts as one: "bbb…" (30) + "qqq…" (30) gets a break
    assert re.search(r"b{30}</b>q{10}<wbr>q{20}</p>", out)


def test_character_references_are_never_split_or_decoded():
    out = bound_long_text(TRICKY)
    assert not re.search(r"&[#A-Za-z0-9]*<wbr>", out)
    assert out.count("&amp;") == TRICKY.count("&amp;") and out.count("&#x3C;") == 45
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out and "<script>alert" not in out


def test_combining_marks_stay_with_their_letter():
    out = bound_long_text("<p>" + "e\u0301" * 60 + "</p>")
    assert "<wbr>\u0301" not in out and "<wbr>" in out


def test_short_text_and_ordinary_words_are_left_alone():
    html = page("<p>" + "An ordinary sentence of words. " * 3 + "</p>" + action_table("Work under way."))
    assert bound_long_text(html) == html
    spaced = "<table>" + "\n " * 300 + "<tr><td>x</td></tr></table>"  # a <wbr> here would land before the table
    assert bound_long_text(spaced) == spaced


def test_a_huge_cell_is_cut_with_a_note_and_the_rest_of_the_table_is_kept():
    rich = ("<p>" + words(3000) + "</p><p><a href='https://example.org/x'>" + words(3000) + "</a> tail</p>"
            "<ul><li>" + words(500) + "</li><li>last item</li></ul><table><tr><td>inner</td></tr></table>")
    html = page(action_table(rich))
    out = bound_long_text(html)
    assert out.count(TRUNCATION_NOTE) == 1
    assert "last item" not in out and "inner" not in out and " tail" not in out
    for r in range(6):  # every other row and cell survives
        assert f"WDC-{r:03d}" in out
    assert out.count("Work under way.") == 5

    class Cells(HTMLParser):  # each cell's text, with the elements open at each point
        def __init__(self):
            super().__init__()
            self.cells, self.stack = [], []

        def handle_starttag(self, tag, attrs):
            if tag == "td":
                self.cells.append("")
            if tag not in ("wbr", "br", "meta"):
                self.stack.append(tag)

        def handle_endtag(self, tag):
            assert self.stack and self.stack[-1] == tag, (tag, self.stack)  # tags still balanced
            self.stack.pop()

        def handle_data(self, data):
            if "td" in self.stack:
                self.cells[-1] += data

    cells = Cells()
    cells.feed(out)
    long_cell = max(cells.cells, key=len)
    assert long_cell.endswith(TRUNCATION_NOTE)
    assert len(long_cell) == MAX_CELL_CHARS + len(TRUNCATION_NOTE)
    assert long_cell.startswith(words(3000))


def test_cells_under_the_limit_and_text_outside_tables_are_not_cut():
    html = page(action_table(words(MAX_CELL_CHARS - 10)) + "<p>" + words(3 * MAX_CELL_CHARS) + "</p>")
    out = bound_long_text(html)
    assert TRUNCATION_NOTE not in out
    assert out.replace("<wbr>", "") == html


# --- the PDF ---------------------------------------------------------------------------------------

def test_pdf_of_a_cell_too_long_shows_its_start_and_the_note(tmp_path):
    text = words(MAX_CELL_CHARS + 3000)
    path = pdf.html_to_pdf(page(action_table(text)), tmp_path / "long.pdf", running_header="Test")
    shown = pdf_text(path)
    flat = " ".join(shown.split())
    assert NOTE_TEXT in flat and TRUNCATION_NOTE.split()[0] in flat
    assert words(200) in flat  # the start of the cell, as written
    assert text[MAX_CELL_CHARS + 100:MAX_CELL_CHARS + 300] not in flat  # past the limit: in the HTML and xlsx


def test_pdf_shows_a_long_unbroken_run_wrapped_with_no_junk_and_no_anywhere_relayout(tmp_path, monkeypatch):
    text = unbroken(2000)
    marked = []
    real_mark = pdffit.mark_tables
    monkeypatch.setattr(pdffit, "mark_tables", lambda html, marks: marked.append(dict(marks)) or real_mark(html, marks))
    document = pdf.layout(page(action_table(text)), running_header="Test")
    assert marked == []  # fitted at the first layout: no "hyphens" or "anywhere" re-layout
    assert pdffit.overflowing_tables(document) == set()
    path = tmp_path / "run.pdf"
    document.write_pdf(path)
    shown = pdf_text(path)
    assert "\u200b" not in shown and "\ufffd" not in shown and "wbr" not in shown
    flat = re.sub(r"\s+", "", shown)
    assert all(text[i:i + MAX_UNBROKEN] in flat for i in range(0, len(text), MAX_UNBROKEN))
    lines = [line for line in shown.splitlines() if set(line) <= set(ALPHABET) and len(line) > 10]
    assert lines and max(map(len, lines)) <= MAX_UNBROKEN * 2  # wrapped, in pieces of the run


@pytest.mark.parametrize("header", [
    '"}\x0c@page{background:url(http://x/)}',
    "Council\x0c}}@page{background:url(http://x/)}",
    "Council\r}}@page{background:url(http://x/)} @page wide{size:A4 portrait!important}",
    "Council\n;}}@import url(http://x/y.css);<\\\u2028'",
])
def test_running_header_cannot_inject_css(header, monkeypatch, tmp_path):
    fetched = []
    real = pdf._data_only_fetcher

    def recording_fetcher():  # the real data:-only fetcher, noting each URL it is asked for
        inner = real()
        if not hasattr(inner, "fetch"):  # WeasyPrint < 66: a function
            return lambda url, *args: fetched.append(url) or inner(url, *args)
        fetch = inner.fetch
        inner.fetch = lambda url, *args, **kw: fetched.append(url) or fetch(url, *args, **kw)
        return inner

    monkeypatch.setattr(pdf, "_data_only_fetcher", recording_fetcher)
    html = page("<p>portrait page</p><table class='rl-table rl-wide'><tr><td>wide table</td></tr></table>")
    document = pdf.layout(html, running_header=header)
    assert fetched == []
    sizes = [(round(p.width), round(p.height)) for p in document.pages]
    assert len(sizes) == 2 and sizes[0][0] < sizes[0][1] and sizes[1][0] > sizes[1][1]  # portrait, then landscape
    path = tmp_path / "header.pdf"
    document.write_pdf(path)
    first = PdfReader(path).pages[0].extract_text()
    assert "Page 1 of 2" in first
    assert "@page{background:url(http://x/)}" in first or "@import url(http://x/y.css)" in first  # shown as text


def test_css_string_escapes_everything_outside_a_safe_set():
    escaped = pdf._css_string('a "b" \'c\' \\ < > & ; { } @ \r \n \x0c \x00 \u2028 · é')
    assert not set(escaped) & set("\"'\\<>&;{}@\r\n\x0c\x00\u2028") - {"\\"}
    assert escaped.startswith("a \\22 b\\22  \\27 c\\27  \\5c  \\3c  \\3e  \\26 ")
    assert "\\d \\a \\c \\fffd \\2028 " in escaped.replace("  ", " ") and escaped.endswith("· é")
