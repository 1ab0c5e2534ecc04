"""Column widths for the PDF's long tables, worked out from their text before WeasyPrint sees them.

WeasyPrint's automatic table layout finds each column's narrowest and widest width by
laying out the text of every cell, twice over, before it lays the table out for real: on
a council report that is about a quarter of the PDF's time. The long tables of a report
(every action, the changes since last time) are plain grids of text, so their widths can
be worked out well enough from the text itself:

- a column's *narrowest* width is its longest word (a cell marked ``rl-date`` or
  ``rl-num`` does not wrap: its whole text), headers counted a little wider as they are bold;
- its *widest* is its longest line;
- each column gets its narrowest width, and what is left of the page goes to the columns
  in proportion to how much text their cells hold on average, none past its widest: so
  the columns of long prose get the room, and rows are about as tall in every column.

The widths go into a ``<colgroup>`` and the table is marked ``data-rl-cols``, which the
PDF's page CSS lays out with ``table-layout: fixed``. Tables with fewer than
``MIN_ROWS`` rows, with merged cells, with a cell of prose longer than a line of the whole
table (South Derbyshire's implementation details), or whose words could not fit the page
even at their narrowest are left to the automatic layout, as before: it shares the page
between long paragraphs better than a count of characters can. Only the PDF gets this:
the HTML report is unchanged.
"""
from __future__ import annotations

import html as html_module
import re

__all__ = ["MIN_ROWS", "PAGE_EMS", "column_widths", "fix_column_widths", "narrowest_width", "page_room"]

#: Tables with at least this many rows get worked-out widths; shorter ones cost little.
MIN_ROWS = 15
#: Room on the page for a table, in ems of its text (8.5 pt): 180 mm of an A4 portrait page,
#: or 267 mm of a landscape one (``rl-wide`` tables), less a tenth, so that a word given
#: its width is never cut by a table a little narrower than the page. Tables marked
#: ``data-rl-wrap`` have smaller text (0.85), so more ems fit.
PAGE_EMS = {"portrait": 54.0, "landscape": 80.0}
#: A cell's padding and borders, in ems.
CELL_PADDING = 1.5
#: A body cell's word wider than this (a web address, a long code) may break, as the
#: report's CSS lets it: it does not hold its column this wide.
MAX_WORD = 10.0
#: Header text is bold: wider than the same characters in a body cell.
HEADER_SCALE = 1.1
#: Advance widths, in ems, of the sans-serif fonts the reports use (Liberation Sans and
#: its likes), by kind of character; a character not listed counts as ``_OTHER``.
_WIDTHS = {**dict.fromkeys("il.,:;|!'`", 0.25), **dict.fromkeys("fjrt-()[]/\\", 0.35), " ": 0.28,
           **dict.fromkeys("abcdeghknopqsuvxyz", 0.53), "m": 0.83, "w": 0.72,
           **dict.fromkeys("ABCDEFGHJKLNOPQRSTUVXYZ", 0.7), "I": 0.28, "M": 0.83, "W": 0.94,
           **dict.fromkeys("0123456789", 0.56)}
_OTHER = 0.6

_TABLE = re.compile(r"<table\b([^>]*)>(.*?)</table>", re.IGNORECASE | re.DOTALL)
_ROW = re.compile(r"<tr\b[^>]*>(.*?)</tr>", re.IGNORECASE | re.DOTALL)
_CELL = re.compile(r"<(t[hd])\b([^>]*)>(.*?)</t[hd]>", re.IGNORECASE | re.DOTALL)
_CAPTION_END = re.compile(r"</caption\s*>", re.IGNORECASE)
_LINE_BREAK = re.compile(r"<br\b[^>]*>|</(?:p|li|div|dd|dt)\s*>", re.IGNORECASE)
_BREAK_POINT = re.compile(r"<wbr\b[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_NO_WRAP = re.compile(r"""class\s*=\s*["'][^"']*\brl-(?:date|num)\b""", re.IGNORECASE)


def fix_column_widths(html: str) -> str:
    """``html`` with a ``<colgroup>`` of worked-out widths in each long, plain table (see the module)."""
    return _TABLE.sub(_fixed, html)


def _fixed(match: re.Match) -> str:
    attributes, body = match.group(1), match.group(2)
    lowered = body.lower()
    if "<table" in lowered or "<colgroup" in lowered or "data-rl-cols" in attributes:
        return match.group(0)
    widths = column_widths(body, landscape="rl-wide" in attributes,
                           smaller="data-rl-wrap" in attributes)
    if widths is None:
        return match.group(0)
    total = sum(widths)
    percents = [round(100 * w / total, 2) for w in widths]
    colgroup = "<colgroup>" + "".join(f'<col style="width:{p}%">' for p in percents) + "</colgroup>"
    caption = _CAPTION_END.search(body)
    at = caption.end() if caption else 0
    return f"<table{attributes} data-rl-cols>{body[:at]}{colgroup}{body[at:]}</table>"


def column_widths(body: str, *, landscape: bool = False, smaller: bool = False) -> list[float] | None:
    """Each column's width, in ems, for the rows in ``body``; None to leave the table as it is."""
    rows = _ROW.findall(body)
    if len(rows) < MIN_ROWS:
        return None
    measured = _measure(rows)
    if measured is None:
        return None
    narrowest, widest, amount = measured
    room = page_room(landscape=landscape, smaller=smaller)
    low = [w + CELL_PADDING for w in narrowest]
    high = [max(w, n) + CELL_PADDING for w, n in zip(widest, narrowest)]
    if sum(low) > room or max(high) > room:
        # its words cannot all fit, or a cell holds paragraphs of prose: the automatic layout
        # (and its fallbacks) weighs those better than a count of characters can
        return None
    if sum(high) <= room:
        return high  # everything fits on one line; the table still fills the width, in proportion
    return _share(low, high, amount, room - sum(low))


def page_room(*, landscape: bool = False, smaller: bool = False) -> float:
    """Room on the page for a table, in ems of its text (``PAGE_EMS``); more ems when its text is set
    smaller (``data-rl-wrap``: 0.85 of the size)."""
    return PAGE_EMS["landscape" if landscape else "portrait"] / (0.85 if smaller else 1.0)


def narrowest_width(body: str) -> float | None:
    """The width, in ems, that the table in ``body`` needs at its narrowest (each column its longest
    word, padding included); None for a table that is not a plain grid (merged cells)."""
    measured = _measure(_ROW.findall(body))
    return None if measured is None else sum(w + CELL_PADDING for w in measured[0])


def _measure(rows: list[str]) -> tuple[list[float], list[float], list[float]] | None:
    """Each column's narrowest and widest width and all its text, in ems; None if not a plain grid."""
    narrowest: list[float] = []
    widest: list[float] = []
    amount: list[float] = []  # all the text of each column, in ems on one line
    for row in rows:
        cells = _CELL.findall(row)
        if not narrowest:
            narrowest, widest, amount = [0.0] * len(cells), [0.0] * len(cells), [0.0] * len(cells)
        if len(cells) != len(narrowest) or not cells:
            return None  # rows of different lengths: merged cells, or not a plain grid
        for i, (tag, attributes, content) in enumerate(cells):
            if "colspan" in attributes.lower() or "rowspan" in attributes.lower():
                return None
            no_wrap = bool(_NO_WRAP.search(attributes))
            low, high, whole = _text_widths(content, whole=no_wrap)
            header = tag.lower() == "th"
            scale = HEADER_SCALE if header else 1.0
            if not header and not no_wrap:
                low = min(low, MAX_WORD)
            narrowest[i] = max(narrowest[i], low * scale)
            widest[i] = max(widest[i], high * scale)
            amount[i] += whole
    return (narrowest, widest, amount) if narrowest else None


def _share(low: list[float], high: list[float], amount: list[float], free: float) -> list[float]:
    """``low`` plus ``free`` shared in proportion to ``amount``, no column past its ``high``."""
    widths = list(low)
    open_ = {i: max(amount[i], 1.0) for i in range(len(low)) if high[i] > low[i]}
    while free > 1e-9 and open_:
        total = sum(open_.values())
        full = [i for i, weight in open_.items() if widths[i] + free * weight / total >= high[i]]
        if not full:
            for i, weight in open_.items():
                widths[i] += free * weight / total
            break
        for i in full:  # these reach their widest: the rest is shared again among the others
            free -= high[i] - widths[i]
            widths[i] = high[i]
            del open_[i]
    return widths


def _text_widths(content: str, *, whole: bool) -> tuple[float, float, float]:
    """(widest word, widest line, all of it) of a cell's text, in ems."""
    text = _LINE_BREAK.sub("\n", content)
    text = _BREAK_POINT.sub(" " if not whole else "", text)
    text = html_module.unescape(_TAG.sub("", text))
    lines = [_ems(line.strip()) for line in text.split("\n")]
    widest_line = max(lines, default=0.0)
    if whole:
        return widest_line, widest_line, widest_line
    return max((_ems(word) for word in text.split()), default=0.0), widest_line, sum(lines)


def _ems(text: str) -> float:
    return sum(_WIDTHS.get(c, _OTHER) for c in text)
