"""HTML report -> PDF with WeasyPrint: A4, running header, "Page N of M", tagged PDF/UA-1.

The page furniture is CSS ``@page`` margin boxes added here; the rest of the print
look (tables that wrap, headers that repeat, images that fit) is the house
template's print CSS. Nothing is fetched: only ``data:`` URLs are allowed, so the
PDF shows exactly what the self-contained HTML shows. No LaTeX, no browser.

The PDF is tagged and identified as PDF/UA-1 (``PDF_VARIANT``): a structure tree of
headings, paragraphs, lists and tables, each chart a Figure with its alt text, the
document's language (``<html lang>``) and title (``<title>``), shown as the window title.
Sections holding a wide table are set on landscape pages, all of them together after the
portrait ones (``wide_sections_last``), each leaving a line saying where it went.
"""
from __future__ import annotations

import html as html_module
import logging
import os
import re
import unicodedata
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from reportlib.core.stamps import document_time
from reportlib.errors import RenderError
from reportlib.present.pdfcolumns import fix_column_widths
from reportlib.present.pdffit import MAIN_OPEN, fitted, top_level_divs
from reportlib.present.pdfimages import palette_images

# WeasyPrint logs every layout step (even the stylesheets it parses on import) at INFO;
# a batch log wants none of that.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
import weasyprint  # noqa: E402  (after the line above)

_PAGE_CSS = """
@page {
  size: A4;
  margin: 20mm 15mm 20mm 15mm;
  @top-left {
    content: "%(header)s";
    font-family: "Liberation Sans", "DejaVu Sans", Arial, sans-serif;
    font-size: 8pt;
    color: #555555;
    vertical-align: bottom;
    padding-bottom: 3mm;
    border-bottom: 0.5pt solid #c8d0d8;
    width: 100%%;
  }
  @bottom-right {
    content: "Page " counter(page) " of " counter(pages);
    font-family: "Liberation Sans", "DejaVu Sans", Arial, sans-serif;
    font-size: 8pt;
    color: #555555;
    vertical-align: top;
    padding-top: 3mm;
  }
}
/* Tables with many columns (marked wide) get pages of their own, turned to landscape. */
@page wide { size: A4 landscape !important; }
.rl-wide, .celltag_rl-wide-section { page: wide; }
/* Tables found wider than the page are laid out again: first smaller and hyphenated,
   then, if still too wide, with breaks anywhere in a word. (These are user stylesheets
   to WeasyPrint: only !important beats the template's author CSS.) */
table[data-rl-wrap] { font-size: 0.85em !important; }
table[data-rl-wrap] th, table[data-rl-wrap] td { hyphens: auto !important; padding: 1.5pt 3pt !important; }
table[data-rl-wrap="anywhere"] th, table[data-rl-wrap="anywhere"] td { overflow-wrap: anywhere !important; }
/* Long tables whose column widths reportlib.present.pdfcolumns worked out from their text. */
table[data-rl-cols] { table-layout: fixed !important; }
/* Status words and other short cells ("Amber", "Needs review") are never hyphenated. */
table td[data-rl-whole], table th[data-rl-whole] { hyphens: manual !important; }
table[data-rl-wrap="anywhere"] td[data-rl-whole] { overflow-wrap: normal !important; }
/* A hash or file name breaks where it must, but never with a hyphen a reader would copy. */
table[data-rl-wrap] td[data-rl-long], table[data-rl-wrap] td[data-rl-long] * {
  hyphens: manual !important; overflow-wrap: anywhere !important; }
/* A row of long text (let_tall_rows_break) runs over a page break rather than leave the page empty. */
tr[data-rl-tall] { break-inside: auto !important; page-break-inside: auto !important; }
/* Once the wide sections are set last, the footer follows them on a landscape page. */
.rl-provenance.rl-after-wide { page: wide; }
.rl-moved { font-style: italic; }
"""
#: Tagged PDF for accessibility, identified as PDF/UA-1 (structure tree, language, title, alt text).
PDF_VARIANT = "pdf/ua-1"

#: A run of more characters than this with no space gets a ``<wbr>`` after every this many.
MAX_UNBROKEN = 40
#: A table cell's text is shown in the PDF up to this many characters, then ``TRUNCATION_NOTE``.
MAX_CELL_CHARS = 5000
#: Text longer than this gets a ``<wbr>`` after a space, so WeasyPrint lays it out in boxes this long.
MAX_TEXT_BOX = 200
TRUNCATION_NOTE = "\u2026 (full text in the HTML report and tables.xlsx)"


def html_to_pdf(html: str, pdf_path: str | Path, *, running_header: str, dated: date | None = None) -> Path:
    """Write ``html`` (a self-contained report) as an A4 PDF at ``pdf_path``.

    ``dated``: the date the document carries (the report's as-of date). The fonts embedded in
    the PDF are stamped with it rather than the clock, so the same inputs give the same bytes.

    A table cell longer than ``MAX_CELL_CHARS`` characters is shown up to there, then
    ``TRUNCATION_NOTE`` (the HTML report and tables.xlsx keep the full text); see
    ``bound_long_text``. ``running_header`` may hold any characters: it is one line of
    text in the page header, never CSS.
    """
    pdf_path = Path(pdf_path)
    with _quiet_weasyprint(), _stamped(dated):
        try:
            layout(html, running_header=running_header).write_pdf(pdf_path, pdf_variant=PDF_VARIANT)
        except Exception as exc:  # WeasyPrint raises many kinds; say which file
            raise RenderError(f"PDF could not be written: {exc}", output=str(pdf_path)) from exc
    return pdf_path


def pdf_bytes(html: str, *, running_header: str, dated: date | None = None) -> bytes:
    """``html`` as A4 PDF bytes, laid out and dated as ``html_to_pdf`` does (for nbconvert's exporter)."""
    with _quiet_weasyprint(), _stamped(dated):
        try:
            return layout(html, running_header=running_header).write_pdf(pdf_variant=PDF_VARIANT)
        except Exception as exc:  # WeasyPrint raises many kinds
            raise RenderError(f"PDF could not be written: {exc}") from exc


_HTML_TAG = re.compile(r"<html\b([^>]*)>", re.IGNORECASE)
_HAS_LANG = re.compile(r"\blang\s*=", re.IGNORECASE)


def with_language(html: str, lang: str = "en") -> str:
    """``html`` with a document language, which PDF/UA requires: the reports declare one;
    a fragment (or a page without ``lang``) is given ``lang``, not left for WeasyPrint to warn."""
    tag = _HTML_TAG.search(html)
    if tag is None:
        return f'<html lang="{lang}">{html}'
    if _HAS_LANG.search(tag.group(1)):
        return html
    return f'{html[:tag.start()]}<html lang="{lang}"{tag.group(1)}>{html[tag.end():]}'


def layout(html: str, *, running_header: str) -> weasyprint.document.Document:
    """Lay ``html`` out on A4 pages (a WeasyPrint document, before writing).

    Table cells break between words, so short columns (refs, dates) stay whole. A
    table wider than the page is laid out again smaller and hyphenated, and if still
    too wide, with breaks anywhere in a word: it wraps, and nothing is clipped.
    First ``bound_long_text`` gives long unbroken runs break points and shortens
    huge table cells, so that no text costs WeasyPrint more than linear time.
    """
    html = with_language(html)
    # landscape sections together at the end; short cells (status words) kept whole; the
    # phone's cell labels (reportlib.present.htmlnav) are of no use on paper
    html = let_tall_rows_break(keep_short_cells_whole(wide_sections_last(_PHONE_LABEL.sub(r"\1", html))))
    # long unbroken runs and huge cells: layout time linear, not quadratic, in the text
    html = bound_long_text(html, max_unbroken=MAX_UNBROKEN, max_cell_chars=MAX_CELL_CHARS)
    # long tables: column widths from their text, not from laying every cell out twice
    html = fix_column_widths(html)
    # the charts' palette PNGs go into the PDF as they are, not decoded and encoded twice over
    images = palette_images(html)
    with _quiet_weasyprint():
        page_css = weasyprint.CSS(string=_PAGE_CSS % {"header": _css_string(_one_line(running_header))})

        def render(source: str):
            document = weasyprint.HTML(string=source, base_url=".", url_fetcher=_data_only_fetcher())
            return document.render(stylesheets=[page_css], presentational_hints=True, cache=dict(images))

        return fitted(html, render)


# --- the order and words of the printed page ------------------------------------------

#: A cell of at most this many characters and ``SHORT_CELL_WORDS`` words of at most
#: ``SHORT_WORD_CHARS`` (a status, a RAG rating, a date) is never hyphenated or broken.
SHORT_CELL_CHARS = 32
SHORT_CELL_WORDS = 4  # "Not rated (update unclear)"
SHORT_WORD_CHARS = 12
_PLAIN_CELL = re.compile(rf"<(td|th)((?:\s[^<>]*)?)>([^<>]{{1,{SHORT_CELL_CHARS}}})</\1\s*>", re.IGNORECASE)


#: A table row holding more characters of text than this may run over a page break: kept whole, a row
#: of long implementation notes left most of the page before it empty (SDDC's action table).
TALL_ROW_CHARS = 700
_ROW_ELEMENT = re.compile(r"<tr\b([^>]*)>(.*?)</tr\s*>", re.DOTALL | re.IGNORECASE)


def let_tall_rows_break(html: str) -> str:
    """Mark table rows of more than ``TALL_ROW_CHARS`` characters of text ``data-rl-tall``: the PDF's
    CSS lets them break over pages (the header row repeats above the rest), other rows stay whole."""
    def mark(match: re.Match) -> str:
        attributes, inner = match.groups()
        if "data-rl-tall" in attributes or len(_ANY_TAG.sub("", inner)) <= TALL_ROW_CHARS:
            return match.group(0)
        return f"<tr{attributes} data-rl-tall>{inner}</tr>"

    return _ROW_ELEMENT.sub(mark, html)


def keep_short_cells_whole(html: str) -> str:
    """Mark table cells of a few plain words ``data-rl-whole``: the PDF's CSS never hyphenates them."""
    def mark(match: re.Match) -> str:
        tag, attributes, text = match.groups()
        words = text.split()
        if len(words) > SHORT_CELL_WORDS or max(map(len, words), default=0) > SHORT_WORD_CHARS \
                or "data-rl-whole" in attributes:
            return match.group(0)
        return f"<{tag}{attributes} data-rl-whole>{text}</{tag}>"

    return _PLAIN_CELL.sub(mark, html)


_PHONE_LABEL = re.compile(r'(<t[dh]\b[^<>]*?) data-label="[^"<>]*"', re.IGNORECASE)
WIDE_SECTION_CLASS = "celltag_rl-wide-section"
MOVED_NOTE = "see the landscape pages at the end of this report."
_SECTION_HEADING = re.compile(r"<h([12])\b[^>]*\bid=\"([^\"]+)\"[^>]*>(.*?)</h\1>", re.DOTALL | re.IGNORECASE)
_ANCHOR_LINK = re.compile(r"<a class=\"anchor-link\"[^>]*>.*?</a>", re.DOTALL)
_ANY_TAG = re.compile(r"<[^>]*>")
_FOOTER = re.compile(r'<footer class="rl-provenance"')


def wide_sections_last(html: str) -> str:
    """The report with its wide sections (every cell tagged ``rl-wide-section``, set on landscape
    pages) moved, in their order, to the end of ``<main>``, so the PDF turns to landscape once
    rather than back and forth; each moved heading leaves a line behind ("Overdue actions: see the
    landscape pages at the end of this report.", linked to it) and the footer follows on a
    landscape page. A report with no wide section, or nothing but, is returned unchanged."""
    opened = MAIN_OPEN.search(html)
    closed = html.rfind("</main>")
    if opened is None or closed < opened.end() or WIDE_SECTION_CLASS not in html[opened.end():closed]:
        return html
    body = html[opened.end():closed]
    cells = top_level_divs(body)
    wide = [WIDE_SECTION_CLASS in body[start:end] for start, end in cells]
    if not any(wide) or all(wide):
        return html
    kept, moved, pos = [], [], 0
    for (start, end), is_wide in zip(cells, wide):
        kept.append(body[pos:start])
        if is_wide:
            cell = body[start:end]
            moved.append(cell)
            kept.extend(_moved_note(m.group(2), m.group(3)) for m in _SECTION_HEADING.finditer(cell))
        else:
            kept.append(body[start:end])
        pos = end
    kept.append(body[pos:])
    after = _FOOTER.sub('<footer class="rl-provenance rl-after-wide"', html[closed:], count=1)
    return html[:opened.end()] + "".join(kept) + "".join(moved) + after


def _moved_note(anchor: str, heading: str) -> str:
    text = html_module.escape(" ".join(html_module.unescape(_ANY_TAG.sub(" ", _ANCHOR_LINK.sub("", heading))).split()))
    return f'<p class="rl-moved"><a href="#{anchor}">{text}</a>: {MOVED_NOTE}</p>'


# --- long text: layout time linear in the text ------------------------------------
#
# WeasyPrint finds a table column's narrowest width by splitting each text box at every
# break opportunity, laying the rest of the box out again each time: a box of n
# characters with no space costs O(n^2) (8,000 characters: ~100 s), and worse with
# ``overflow-wrap: anywhere``. ``<wbr>`` splits a run into separate boxes of at most
# MAX_UNBROKEN characters (its ``::before`` is a zero-width space: nothing visible), so
# that cost is bounded per box and linear overall; the narrow chunks also keep the table
# within the page, so the "anywhere" re-layout is rarely needed.

_MARKUP = re.compile(
    r"<!--.*?(?:-->|\Z)"                                   # comment (unterminated: to the end)
    r"|<[!?][^>]*>?"                                        # doctype, bogus comment, processing instruction
    r"|</[^>]*>?"                                           # end tag
    r"|<[A-Za-z][^\s/>]*(?:[^>\"']|\"[^\"]*\"|'[^']*')*>?",   # start tag, quoted values taken whole
    re.DOTALL)
_TAG_NAME = re.compile(r"</?([A-Za-z][^\s/>]*)")
#: Text in these is not HTML text (or is not shown as such): passed through untouched.
_RAW_TEXT = frozenset({"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes",
                       "noscript", "plaintext"})
_FOREIGN = frozenset({"svg", "math"})
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
                   "source", "track", "wbr"})
#: A run of characters ends at these tags (line breaks, break points, block boundaries).
_RUN_BREAKS = frozenset({"br", "wbr", "td", "th", "tr", "table", "caption", "p", "div", "li", "ul", "ol",
                         "dl", "dt", "dd", "pre", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6",
                         "section", "main", "header", "footer", "article", "figure", "figcaption",
                         "body", "hr"})
_ROW_PARTS = frozenset({"tr", "tbody", "thead", "tfoot"})
_SPACE_CHARACTERS = " \t\n\r\f\u200b"
_SPACES = re.compile(f"([{_SPACE_CHARACTERS}]+)")
#: One character as written: an entity or character reference counts as one and is never split.
_UNIT = re.compile(r"&(?:#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[A-Za-z][A-Za-z0-9]*;?)|.", re.DOTALL)
_ENTITY = re.compile(r"&(?:#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[A-Za-z][A-Za-z0-9]*;?)")


def bound_long_text(html: str, *, max_unbroken: int = MAX_UNBROKEN, max_cell_chars: int | None = MAX_CELL_CHARS,
                    note: str = TRUNCATION_NOTE) -> str:
    """``html`` with text WeasyPrint can lay out in linear time; what a reader sees is unchanged except:

    - a run of more than ``max_unbroken`` characters with no space gets a ``<wbr>`` (a break
      opportunity, invisible) after every ``max_unbroken`` characters, so it can wrap;
    - a table cell (``td``/``th``) whose text passes ``max_cell_chars`` characters is cut
      there and followed by ``<span class="rl-truncated">`` + ``note``; the rest of the
      cell's text and elements are left out (end tags of elements still open are kept).
      The HTML report and ``tables.xlsx`` keep the full text. ``None``: no limit.

    Only text between tags changes: tags, attributes (``data:`` URLs included),
    comments, ``script``/``style``/``title``/``textarea`` content and inline SVG/MathML
    pass through byte for byte. Character references (``&amp;``, ``&#60;``) count as one
    character and are never split or decoded, so escaped text stays escaped.
    """
    return _LongTextBounder(max_unbroken, max_cell_chars, note).bound(html)


class _Cell:
    __slots__ = ("depth", "count")

    def __init__(self, depth: int):
        self.depth, self.count = depth, 0


class _LongTextBounder:
    def __init__(self, max_unbroken: int, max_cell_chars: int | None, note: str):
        if max_unbroken < 1:
            raise ValueError("max_unbroken must be at least 1")
        self.max_unbroken, self.max_cell_chars = max_unbroken, max_cell_chars
        self.note = f'<span class="rl-truncated">{html_module.escape(note)}</span>'
        self.out: list[str] = []
        self.run = 0                      # characters since the last break opportunity
        self.box = 0                      # characters since the last tag: WeasyPrint's text box
        self.cells: list[_Cell] = []      # table cells open, innermost last
        self.table_depth = 0
        self.dropping: list[int] | None = None  # [elements opened, tables opened] past a cell's cut

    def bound(self, html: str) -> str:
        pos, end = 0, len(html)
        while pos < end:
            match = _MARKUP.search(html, pos)
            if match is None:
                self.text(html[pos:])
                break
            if match.start() > pos:
                self.text(html[pos:match.start()])
            token = match.group(0)
            pos = match.end()
            name = _TAG_NAME.match(token)
            if name is None:  # comment, doctype, processing instruction
                self.emit(token)
                continue
            tag = name.group(1).lower()
            if token.startswith("</"):
                self.end_tag(token, tag)
                continue
            self.start_tag(token, tag)
            closed = token.endswith("/>")
            if tag in _RAW_TEXT or (tag in _FOREIGN and not closed):
                stop = self.raw_end(html, pos, tag)
                self.emit(html[pos:stop])
                pos = stop
        return "".join(self.out)

    @staticmethod
    def raw_end(html: str, pos: int, tag: str) -> int:
        """Where the content of raw-text or foreign element ``tag`` starting at ``pos`` ends."""
        if tag == "plaintext":
            return len(html)
        if tag in _RAW_TEXT:
            found = re.compile(rf"</{tag}(?=[\s/>])", re.IGNORECASE).search(html, pos)
            return found.start() if found else len(html)
        depth = 1
        for found in re.compile(rf"<(/?){tag}(?=[\s/>])[^>]*>?", re.IGNORECASE).finditer(html, pos):
            if found.group(1):
                depth -= 1
            elif not found.group(0).endswith("/>"):
                depth += 1
            if depth == 0:
                return found.start()
        return len(html)

    def emit(self, text: str) -> None:
        if self.dropping is None:
            self.out.append(text)

    # -- tags ------------------------------------------------------------------

    def start_tag(self, token: str, tag: str) -> None:
        if self.dropping is not None:
            opened, tables = self.dropping
            if tables == 0 and (tag in ("td", "th") or tag in _ROW_PARTS):
                self.dropping = None  # the truncated cell ends here
            else:
                void = tag in _VOID or token.endswith("/>")
                self.dropping = [opened + (not void), tables + (tag == "table")]
                return
        if tag in ("td", "th"):
            self.close_cells()
            self.cells.append(_Cell(self.table_depth))
        elif tag in _ROW_PARTS:
            self.close_cells()
        elif tag == "table":
            self.table_depth += 1
        if tag in _RUN_BREAKS:
            self.run = 0
        self.box = 0
        self.out.append(token)

    def end_tag(self, token: str, tag: str) -> None:
        if self.dropping is not None:
            opened, tables = self.dropping
            if tables == 0 and (tag in ("td", "th", "table") or tag in _ROW_PARTS):
                self.dropping = None
            elif opened > 0:
                self.dropping = [opened - 1, tables - (tag == "table" and tables > 0)]
                return
            else:  # closes an element opened before the cut
                self.out.append(token)
                return
        if tag in ("td", "th") or tag in _ROW_PARTS:
            self.close_cells()
        elif tag == "table":
            self.close_cells()
            self.table_depth = max(0, self.table_depth - 1)
        if tag in _RUN_BREAKS:
            self.run = 0
        self.box = 0
        self.out.append(token)

    def close_cells(self) -> None:
        while self.cells and self.cells[-1].depth >= self.table_depth:
            self.cells.pop()

    # -- text ------------------------------------------------------------------

    def text(self, text: str) -> None:
        if self.dropping is not None or not text:
            return
        cell = self.cells[-1] if self.cells else None
        if cell is not None and self.max_cell_chars is not None and text.strip(" \t\n\r\f"):
            length = _length(text)
            if cell.count + length > self.max_cell_chars:
                keep = max(0, self.max_cell_chars - cell.count)
                cell.count = self.max_cell_chars
                self.out.append(self.break_runs("".join(_UNIT.findall(text)[:keep])))
                self.out.append(self.note)
                self.run = 0
                self.dropping = [0, 0]
                return
            cell.count += length
        self.out.append(self.break_runs(text))

    def break_runs(self, text: str) -> str:
        """``text`` with ``<wbr>`` wherever a run would pass ``max_unbroken`` characters, and
        after a space wherever a text box would pass ``MAX_TEXT_BOX`` characters."""
        limit = self.max_unbroken
        if not text.strip(_SPACE_CHARACTERS):  # only spaces: between tags (maybe in a table, where
            self.run = 0                       # a <wbr> would be moved out before it): left alone
            return text
        if self.run + len(text) <= limit and self.box + len(text) <= MAX_TEXT_BOX and not _SPACES.search(text):
            self.run += len(text)  # short text, no space: a run continues
            self.box += len(text)
            return text
        pieces = []
        for piece in _SPACES.split(text):
            if not piece:
                continue
            if piece[0] in _SPACE_CHARACTERS:
                pieces.append(piece)
                self.run, self.box = 0, self.box + len(piece)
                if self.box >= MAX_TEXT_BOX:  # a new text box after this space
                    pieces.append("<wbr>")
                    self.box = 0
                continue
            length = _length(piece)
            if self.run + length <= limit:
                self.run += length
                self.box += length
                continue_with = piece
            else:
                units = _UNIT.findall(piece) if "&" in piece else piece
                start, take, parts = 0, limit - self.run, []
                while len(units) - start > take:
                    cut = _grapheme_cut(units, start + take)
                    if cut > start:
                        parts.append("".join(units[start:cut]))
                    parts.append("<wbr>")
                    start, take = cut, limit
                parts.append("".join(units[start:]))
                self.run = self.box = len(units) - start
                continue_with = "".join(parts)
            pieces.append(continue_with)
        return "".join(pieces)


def _length(text: str) -> int:
    """Characters as shown: each character reference counts as one."""
    if "&" not in text:
        return len(text)
    return len(text) - sum(len(m.group(0)) - 1 for m in _ENTITY.finditer(text))


def _grapheme_cut(units, cut: int) -> int:
    """Move a break at ``cut`` past combining marks and joiners, which belong to the character before."""
    while cut < len(units) and len(units[cut]) == 1 and (
            unicodedata.category(units[cut]).startswith("M") or units[cut] in "\u200d\ufe0f"
            or units[cut - 1] == "\u200d"):
        cut += 1
    return cut


def _one_line(text: str) -> str:
    """Header text as one line: control characters and line/paragraph separators become spaces."""
    return "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in str(text))


#: Characters written as themselves in a CSS string; anything else is a ``\\HH `` escape.
_CSS_SAFE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,:-_/()[]!?#%+=*")


def _css_string(text: str) -> str:
    """``text`` for the inside of a double-quoted CSS string, whatever it holds.

    ASCII letters, digits, space and some punctuation stay as they are, and so do
    printable non-ASCII letters, digits, punctuation and symbols ("·", "é", "–"); every
    other character (quotes, backslash, ``<``, ``&``, ``;``, ``{``, ``@``, CR, LF, form
    feed, every control and format character, line and paragraph separators) is written
    as a CSS escape ``\\HH `` (hex, then a space that ends the escape), so nothing in
    it can end the string or start a rule. NUL, which CSS cannot carry, becomes U+FFFD.
    """
    out = []
    for char in text:
        if char in _CSS_SAFE or (char > "\x7f" and unicodedata.category(char)[0] in "LNPS"):
            out.append(char)
        else:
            out.append(f"\\{ord(char) or 0xFFFD:x} ")
    return "".join(out)


def _data_only_fetcher():
    """A URL fetcher that serves ``data:`` URLs and refuses everything else."""
    fetcher_class = getattr(weasyprint, "URLFetcher", None)
    if fetcher_class is not None:  # WeasyPrint >= 66
        return fetcher_class(allowed_protocols={"data"})

    def fetch(url: str):  # older WeasyPrint: function-style fetchers
        if not url.startswith("data:"):
            raise ValueError(f"reportlib PDFs load nothing from outside the report: {url}")
        return weasyprint.default_url_fetcher(url)

    return fetch


@contextmanager
def _quiet_weasyprint():
    """Keep WeasyPrint's progress steps and CSS warnings out of the run log."""
    loggers = [logging.getLogger(name) for name in ("weasyprint", "weasyprint.progress")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels):
            logger.setLevel(level)


@contextmanager
def _stamped(dated: date | None):
    """While a PDF is written: its subset fonts are stamped with ``dated`` (fontTools reads the time
    it writes into each font from ``SOURCE_DATE_EPOCH``, else from the clock)."""
    if dated is None:
        yield
        return
    before = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(int(document_time(dated).timestamp()))
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = before
