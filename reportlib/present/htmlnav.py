"""Finishing touches to a rendered HTML report: its table of contents and table regions.

``finish(html)`` runs on the page the house template wrote:

* the ``<!--rl-toc-->`` placeholder in the contents ``<nav>`` becomes a list of links
  to the report's section headings (``<h2 id>`` as nbconvert writes them, plus the
  provenance footer);
* each chart is wrapped in a region named by its caption (it scales to the screen);
* every top-level ``<table>`` is wrapped in a labelled region a keyboard can reach
  (``<div class="rl-table-region" role="region" tabindex="0" aria-label=...>``). A table
  with one header row of three or more columns and no merged cells is marked
  ``rl-stack`` and each of its body cells gets its column heading as ``data-label``: on
  a phone the house CSS shows each row as "label: value" lines, so nothing scrolls
  sideways. A table of at most ``KEEP_MAX_ROWS`` body rows is marked ``rl-keep``: the
  PDF keeps it whole on one page.

Only markup reportlib's own template writes is matched; text inside tables is never
changed. No script is added: the report stays script-free.
"""
from __future__ import annotations

import html as html_module
import re

TOC_PLACEHOLDER = "<!--rl-toc-->"
FOOTER_ID = "rl-about"

_MAIN = re.compile(r"<main\b[^>]*>(.*)</main>", re.DOTALL | re.IGNORECASE)
_H2 = re.compile(r"<h2\b[^>]*\bid=\"([^\"]+)\"[^>]*>(.*?)</h2>", re.DOTALL | re.IGNORECASE)
_ANCHOR_LINK = re.compile(r"<a class=\"anchor-link\"[^>]*>.*?</a>", re.DOTALL)
_TAG = re.compile(r"<[^>]*>")
_TABLE_EDGE = re.compile(r"<table\b[^>]*>|</table\s*>", re.IGNORECASE)
_CAPTION = re.compile(r"\s*<caption\b[^>]*>(.*?)</caption>", re.DOTALL | re.IGNORECASE)
#: Raw-text elements whose content is never searched for tables or headings.
_RAW = re.compile(r"<(script|style|textarea|svg)\b.*?</\1\s*>", re.DOTALL | re.IGNORECASE)


def sections(html: str) -> list[tuple[str, str]]:
    """``[(id, heading text)]`` of the level-2 headings in the report's ``<main>``, in order."""
    main = _MAIN.search(html)
    if main is None:
        return []
    found = []
    for anchor, inner in _H2.findall(_RAW.sub("", main.group(1))):
        text = html_module.unescape(_TAG.sub("", _ANCHOR_LINK.sub("", inner))).strip()
        if text:
            found.append((html_module.unescape(anchor), text))
    return found


def toc_html(entries: list[tuple[str, str]]) -> str:
    """The contents list: one link per section, then the provenance footer."""
    items = [f'<li><a href="#{html_module.escape(anchor, quote=True)}">{html_module.escape(text)}</a></li>'
             for anchor, text in entries]
    items.append(f'<li><a href="#{FOOTER_ID}">About this report</a></li>')
    return '<ol class="rl-toc-list">' + "".join(items) + "</ol>"


def wrap_tables(html: str) -> str:
    """Wrap each top-level table in a focusable, labelled region (nested tables are left inside);
    label the cells of a table a phone shows as stacked rows (see the module docstring)."""
    protected = {m.start(): m.end() for m in _RAW.finditer(html)}
    out, pos, depth, number, start = [], 0, 0, 0, 0
    for match in _TABLE_EDGE.finditer(html):
        if any(begin <= match.start() < end for begin, end in protected.items()):
            continue
        closing = match.group(0).startswith("</")
        if not closing:
            if depth == 0:
                number += 1
                out.append(html[pos:match.start()])
                start = match.start()
            depth += 1
        elif depth > 0:
            depth -= 1
            if depth == 0:
                table, classes = label_cells(html[start:match.end()])
                label = html_module.escape(_label(html, start + table.index(">") + 1, number), quote=True)
                out.append(f'<div class="{" ".join(["rl-table-region", *classes])}" role="region" tabindex="0" '
                           f'aria-label="{label}">{table}</div>')
                pos = match.end()
    out.append(html[pos:])
    return "".join(out)


#: A table of at most this many body rows is kept whole on one page of the PDF.
KEEP_MAX_ROWS = 8
#: A table of at least this many columns is shown as stacked rows on a phone (two fit side by side).
STACK_MIN_COLUMNS = 3
_THEAD = re.compile(r"<thead\b[^>]*>(.*?)</thead\s*>", re.DOTALL | re.IGNORECASE)
_ROW = re.compile(r"<tr(?=[\s>/])", re.IGNORECASE)
#: A cell of the header row: a heading, or an empty corner cell written as <td> (it still takes a column).
_HEADER_CELL = re.compile(r"<t[hd](?=[\s>/])[^>]*>(.*?)</t[hd]\s*>", re.DOTALL | re.IGNORECASE)
_BODY_ROW_OR_CELL = re.compile(r"<(tr|td|th)(?=[\s>/])[^>]*>", re.IGNORECASE)
_MERGED = re.compile(r"<t[dh](?=[\s>/])[^>]*\b(?:colspan|rowspan)\s*=", re.IGNORECASE)
_NESTED = re.compile(r"<table\b", re.IGNORECASE)
_CELL_END = re.compile(r"</t[dh]\s*>|<t[dhr](?=[\s>/])", re.IGNORECASE)
#: A cell with a run of more characters than this and no space may break it anywhere.
LONG_RUN = 24


def label_cells(table: str) -> tuple[str, list[str]]:
    """``(table, classes)``: a table with a header row, its body cells given ``data-label``
    (their column heading as plain text) when it is to be stacked on a phone, and the classes
    its region gets (``rl-stack``, ``rl-keep``). A cell holding a run of more than
    ``LONG_RUN`` characters with no space (a hash, a file name) is marked ``data-rl-long``: it
    may break anywhere, while words elsewhere are never broken. Tables without a header row
    or with a table inside come back unchanged, no class."""
    thead = _THEAD.search(table)
    if thead is None or len(_NESTED.findall(table)) > 1:
        return table, []
    body_at = thead.end()
    classes = ["rl-keep"] if len(_ROW.findall(table, body_at)) <= KEEP_MAX_ROWS else []
    labels = [" ".join(html_module.unescape(_TAG.sub(" ", cell)).split())
              for cell in _HEADER_CELL.findall(thead.group(1))]
    stack = (len(_ROW.findall(thead.group(1))) == 1 and len(labels) >= STACK_MIN_COLUMNS
             and not _MERGED.search(table))
    out, pos, column = [table[:body_at]], body_at, 0
    for match in _BODY_ROW_OR_CELL.finditer(table, body_at):
        if match.group(1).lower() == "tr":
            column = 0
            continue
        tag, extra = match.group(0), ""
        if stack:
            label = labels[column] if column < len(labels) else ""
            extra += f' data-label="{html_module.escape(label, quote=True)}"'
        column += 1
        cell_end = _CELL_END.search(table, match.end())
        text = html_module.unescape(_TAG.sub(" ", table[match.end():cell_end.start() if cell_end else len(table)]))
        if max(map(len, text.split()), default=0) > LONG_RUN:
            extra += " data-rl-long"
        if extra:
            end = len(tag) - (2 if tag.endswith("/>") else 1)
            out.append(table[pos:match.start()] + tag[:end] + extra + tag[end:])
            pos = match.end()
    out.append(table[pos:])
    return "".join(out), (["rl-stack"] if stack else []) + classes


_CHART = re.compile(r"<figure class=\"chart\">(.*?)</figure>", re.DOTALL)
_FIGCAPTION = re.compile(r"<figcaption>(.*?)</figcaption>", re.DOTALL)


def wrap_charts(html: str) -> str:
    """Wrap each chart (``reportlib`` charts' ``<figure class="chart">``) in a region named by its
    caption. A chart scales to the screen, so there is nothing to scroll and no tab stop."""
    def wrap(match: re.Match) -> str:
        caption = _FIGCAPTION.search(match.group(1))
        text = " ".join(html_module.unescape(_TAG.sub(" ", caption.group(1))).split()) if caption else ""
        label = html_module.escape(f"Chart: {text}" if text else "Chart", quote=True)
        return f'<div class="rl-chart-region" role="region" aria-label="{label}">{match.group(0)}</div>'

    return _CHART.sub(wrap, html)


def _label(html: str, after: int, number: int) -> str:
    """The table's caption as plain text (what a screen reader announces for the region)."""
    caption = _CAPTION.match(html, after)
    if caption:
        text = " ".join(html_module.unescape(_TAG.sub(" ", caption.group(1))).split())
        if text:
            return f"Table: {text}"
    return f"Table {number}"


def finish(html: str) -> str:
    """Fill the table of contents and wrap the tables (see the module docstring)."""
    html = wrap_charts(wrap_tables(html))
    if TOC_PLACEHOLDER in html:
        html = html.replace(TOC_PLACEHOLDER, toc_html(sections(html)), 1)
    return html
