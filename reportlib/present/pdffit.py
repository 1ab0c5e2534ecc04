"""Tables too wide for the PDF's page: found first by a trial layout of the short ones, then checked.

A table that WeasyPrint lays out wider than its page would be cut at the page's edge, so it
is laid out again with a fallback (``FALLBACKS``): its text smaller and hyphenated, then, if
still too wide, broken anywhere in a word. Found by laying out the whole report, that costs a
second layout of every page for one short table: a council report's progress by KLOE, ten
columns of counts under long headings, only just misses a portrait page where the reports'
font is DejaVu Sans (where Liberation Sans is installed it fits), and its second layout was a
third of the report's PDF time.

So before the report is laid out, its short tables left to the automatic layout whose words
need most of the page (``TRIAL_SHARE`` of it, counted as ``pdfcolumns`` counts them, then scaled
by how wide the reports' font sets them: ``font_scale``) are laid out alone: a document of only the sections that hold them, with the report's own head, styles
and page rules, a few pages instead of twenty, and laid out again there with their fallbacks
until they fit. Each starts with the fallback that made it fit alone. The report is then laid
out and checked as before: a table still too wide (one the
trial did not try, or whose fallback was not enough) moves to its next fallback and the report
is laid out again. The trial only saves layouts: the PDF is the one the checks alone would give.
"""
from __future__ import annotations

import html as html_module
import os
import re
from collections.abc import Callable

from reportlib.present.pdfcolumns import MIN_ROWS, narrowest_width, page_room

__all__ = ["FALLBACKS", "MAIN_OPEN", "REPORT_FONTS", "TRIAL_SHARE", "fitted", "font_scale", "mark_tables", "overflowing_tables",
           "fallbacks_alone", "table_starts", "top_level_divs"]

#: What a table too wide for its page is given, in turn (``data-rl-wrap``; the page CSS in
#: ``reportlib.present.pdf`` says what each does).
FALLBACKS = ("hyphens", "anywhere")
#: A short table is tried alone when its words, at their narrowest, need this share of the
#: room ``pdfcolumns`` allows a table, in the widths of ``MEASURED_IN`` (there the widest that
#: fitted measured 1.05 of it, the narrowest too wide 1.06: the count of characters is not
#: exact, so the trial decides). In Liberation Sans a council's progress-by-KLOE table
#: measures 0.93 and fits: a trial there was a layout for nothing.
TRIAL_SHARE = 0.95
#: The fonts reports are set in, in the order WeasyPrint picks the first installed (the house
#: template's CSS and the page furniture's).
REPORT_FONTS = "Liberation Sans, DejaVu Sans, Arial, Helvetica, sans-serif"
#: The font ``TRIAL_SHARE`` was measured in.
MEASURED_IN = "DejaVu Sans"
#: A section holding more table rows than this is not tried alone: laying it out costs
#: about what a second layout would save.
MAX_TRIAL_ROWS = 2 * MIN_ROWS

#: A table's start tag, or text where one would not be a table (a comment, a script or style).
_TABLE_OR_NOT = re.compile(r"<!--.*?(?:-->|\Z)|<(script|style|textarea|title)\b.*?(?:</\1\s*>|\Z)|(<table\b)",
                           re.IGNORECASE | re.DOTALL)
_OPEN_TAG = re.compile(r"<table\b([^>]*)>", re.IGNORECASE)
_TABLE = re.compile(r"<table\b([^>]*)>(.*?)</table\s*>", re.IGNORECASE | re.DOTALL)
_ROW_TAG = re.compile(r"<tr\b", re.IGNORECASE)
_STYLE = re.compile(r"<style\b|<link\b[^>]*\bstylesheet\b", re.IGNORECASE)
_WRAP = re.compile(r"""\bdata-rl-wrap\s*=\s*["']?([a-z]+)""", re.IGNORECASE)
MAIN_OPEN = re.compile(r"<main\b[^>]*>", re.IGNORECASE)
_DIV_EDGE = re.compile(r"<div\b[^>]*>|</div\s*>", re.IGNORECASE)
_RAW_BLOCK = re.compile(r"<(script|style|textarea|svg|math)\b.*?</\1\s*>", re.DOTALL | re.IGNORECASE)

Render = Callable[[str], object]


def fitted(html: str, render: Render):
    """``html`` laid out by ``render`` (a WeasyPrint document) with every table within its page."""
    marks = fallbacks_alone(html, render)
    return _laid_out_within(html, render, marks, render(mark_tables(html, marks) if marks else html))


def _laid_out_within(html: str, render: Render, marks: dict[int, str], document):
    """``document`` (``html`` laid out with ``marks``), or laid out again until no table is too wide
    for its page or none has a fallback left; ``marks`` gains what each table was given."""
    for _ in FALLBACKS:
        if not _escalate(html, marks, overflowing_tables(document)):
            break
        document = render(mark_tables(html, marks))
    return document


def _escalate(html: str, marks: dict[int, str], wide: set[int]) -> bool:
    """Give each table in ``wide`` its next fallback; False if none had one left."""
    moved = False
    for number in wide:
        level = marks.get(number) or _own_fallback(html, number)
        following = FALLBACKS[FALLBACKS.index(level) + 1] if level in FALLBACKS else FALLBACKS[0]
        if level != FALLBACKS[-1] and marks.get(number) != following:
            marks[number], moved = following, True
    return moved


def fallbacks_alone(html: str, render: Render) -> dict[int, str]:
    """{document-order number: fallback} for the short tables too wide for their page when their
    sections are laid out alone, each with the fallback that made it fit there (see the module)."""
    opened = MAIN_OPEN.search(html)
    closed = html.rfind("</main>")
    if opened is None or closed < opened.end() or _STYLE.search(html, opened.end()):
        return {}  # styles in the body apply to the whole report: a section alone would not show them
    starts = table_starts(html)
    chosen, numbers = [], []
    base = opened.end()
    for start, end in ((base + a, base + b) for a, b in top_level_divs(html[base:closed])):
        inside = [i for i, at in enumerate(starts) if start <= at < end]
        if not inside or not any(_worth_trying(html, starts[i]) for i in inside):
            continue
        if len(_ROW_TAG.findall(html, start, end)) > MAX_TRIAL_ROWS:
            continue
        chosen.append(html[start:end])
        numbers.extend(inside)
    if not chosen:
        return {}
    trial = html[:opened.end()] + "".join(chosen) + "</main></body></html>"
    document = render(trial)
    if len(_tables_in(document)) != len(numbers) or len(table_starts(trial)) != len(numbers):
        return {}  # the sections' tables are not the ones counted in the text: leave it to the checks
    found: dict[int, str] = {}  # numbered in the trial, which numbers its tables as the parser does
    _laid_out_within(trial, render, found, document)
    return {numbers[n]: fallback for n, fallback in found.items()}


def overflowing_tables(document) -> set[int]:
    """Document-order numbers of the tables laid out wider than their page's content area."""
    wide, order = set(), None
    for page in document.pages:
        root = page._page_box.children[0]  # the <html> box: the page's content area
        if order is None:
            order = {id(e): i for i, e in enumerate(_tables_in(document))}
        right = root.content_box_x() + root.width
        for box in _descendants(root):
            if box.element_tag == "table" and box.position_x + box.margin_width() > right + 0.5:
                wide.add(order.get(id(box.element), -1))
    wide.discard(-1)
    return wide


def _tables_in(document) -> list:
    """The document's HTML ``<table>`` elements, in document order (not MathML's ``<mtable>``)."""
    if not document.pages:
        return []
    root = document.pages[0]._page_box.children[0].element  # <html>
    return [e for e in root.iter() if isinstance(e.tag, str) and (e.tag == "table" or e.tag.endswith("}table"))]


def table_starts(html: str) -> list[int]:
    """Where each ``<table>`` of ``html`` starts, in document order (none in comments, scripts or styles)."""
    return [m.start(2) for m in _TABLE_OR_NOT.finditer(html) if m.group(2)]


def mark_tables(html: str, marks: dict[int, str]) -> str:
    """Add ``data-rl-wrap="<fallback>"`` to the tables numbered in ``marks`` (numbered as ``table_starts``)."""
    if not marks:
        return html
    parts, pos = [], 0
    for number, start in enumerate(table_starts(html)):
        if marks.get(number):
            parts += [html[pos:start], f'<table data-rl-wrap="{marks[number]}"']
            pos = start + len("<table")
    return "".join(parts) + html[pos:]


def _worth_trying(html: str, start: int) -> bool:
    """A short, plain table left to the automatic layout whose words need most of the page."""
    table = _TABLE.match(html, start)
    if table is None or "data-rl-cols" in table.group(1) or table_starts(table.group(2)):
        return False
    if len(_ROW_TAG.findall(table.group(2))) >= MIN_ROWS:
        return False
    attributes = table.group(1)
    need = narrowest_width(table.group(2))
    if need is None:
        return False
    room = page_room(landscape="rl-wide" in attributes, smaller=bool(_WRAP.search(attributes)))
    return need * font_scale(_TAG.sub(" ", table.group(2))) >= TRIAL_SHARE * room


def font_scale(text: str, fonts: str | None = None) -> float:
    """How wide ``fonts`` (default ``REPORT_FONTS``: the first installed, as WeasyPrint picks it) sets
    ``text`` against ``MEASURED_IN``, measured by Pango as WeasyPrint measures; 1.0 if it cannot say."""
    text = " ".join(html_module.unescape(text).split())[:_SCALE_CHARS]
    try:
        ours, measured_in = (_pango_width(text, family) for family in (fonts or REPORT_FONTS, MEASURED_IN))
    except Exception:  # noqa: BLE001  (a WeasyPrint without these Pango calls: the trial as if in MEASURED_IN)
        return 1.0
    return ours / measured_in if ours > 0 and measured_in > 0 else 1.0


#: At most this much of a table's text is measured for ``font_scale``.
_SCALE_CHARS = 2000
_TAG = re.compile(r"<[^>]*>")
_pango: dict[int, object] = {}  # this process's Pango layout (a forked process makes its own)


def _pango_width(text: str, family: str) -> float:
    """The width of ``text`` on one line in ``family`` (a CSS-like list), in ems."""
    from weasyprint.text.ffi import FROM_UNITS, ffi, pango, pangoft2

    layout = _pango.get(os.getpid())
    if layout is None:
        _pango.clear()
        context = pango.pango_font_map_create_context(pangoft2.pango_ft2_font_map_new())
        layout = _pango[os.getpid()] = pango.pango_layout_new(context)
    size = 100  # ems as hundredths, in Pango's units
    description = pango.pango_font_description_new()
    try:
        pango.pango_font_description_set_family(description, family.encode())
        pango.pango_font_description_set_absolute_size(description, size * 1024)
        pango.pango_layout_set_font_description(layout, description)
        encoded = text.encode()
        pango.pango_layout_set_text(layout, encoded, len(encoded))
        extents = ffi.new("PangoRectangle *")
        pango.pango_layout_line_get_extents(pango.pango_layout_get_line_readonly(layout, 0), ffi.NULL, extents)
        return extents.width * FROM_UNITS / size
    finally:
        pango.pango_font_description_free(description)


def _own_fallback(html: str, number: int) -> str | None:
    """The fallback a table's own HTML gives it (wide tables are written already hyphenated)."""
    starts = table_starts(html)
    match = _OPEN_TAG.match(html, starts[number]) if number < len(starts) else None
    own = _WRAP.search(match.group(1)) if match else None
    return own.group(1).lower() if own else None


def top_level_divs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each ``<div>`` element directly in ``text`` (raw-text and SVG content skipped)."""
    protected = [(m.start(), m.end()) for m in _RAW_BLOCK.finditer(text)]
    spans, depth, start = [], 0, 0
    for match in _DIV_EDGE.finditer(text):
        if any(begin <= match.start() < end for begin, end in protected):
            continue
        if match.group(0)[1] != "/":
            if depth == 0:
                start = match.start()
            depth += 1
        elif depth > 0:
            depth -= 1
            if depth == 0:
                spans.append((start, match.end()))
    return spans


def _descendants(box):
    for child in getattr(box, "children", ()):
        yield child
        yield from _descendants(child)
