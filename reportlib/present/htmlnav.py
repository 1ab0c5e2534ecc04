"""Finishing touches to a rendered HTML report: its table of contents and table regions.

``finish(html)`` runs on the page the house template wrote:

* the ``<!--rl-toc-->`` placeholder in the contents ``<nav>`` becomes a list of links
  to the report's section headings (``<h2 id>`` as nbconvert writes them, plus the
  provenance footer);
* each chart is wrapped the same way, so on a narrow screen it keeps a readable size;
* every top-level ``<table>`` is wrapped in a region a keyboard can reach and scroll
  (``<div class="rl-table-region" role="region" tabindex="0" aria-label=...>``), so a
  narrow screen scrolls the table inside it with its header row and first column kept
  in view, while a wide screen shows the table whole (see the house CSS).

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
    """Wrap each top-level table in a focusable, labelled scroll region (nested tables are left inside)."""
    protected = {m.start(): m.end() for m in _RAW.finditer(html)}
    out, pos, depth, number = [], 0, 0, 0
    for match in _TABLE_EDGE.finditer(html):
        if any(start <= match.start() < end for start, end in protected.items()):
            continue
        closing = match.group(0).startswith("</")
        if not closing:
            if depth == 0:
                number += 1
                out.append(html[pos:match.start()])
                out.append(f'<div class="rl-table-region" role="region" tabindex="0" '
                           f'aria-label="{html_module.escape(_label(html, match.end(), number), quote=True)}">')
                pos = match.start()
            depth += 1
        elif depth > 0:
            depth -= 1
            if depth == 0:
                out.append(html[pos:match.end()])
                out.append("</div>")
                pos = match.end()
    out.append(html[pos:])
    return "".join(out)


_CHART = re.compile(r"<figure class=\"chart\">(.*?)</figure>", re.DOTALL)
_FIGCAPTION = re.compile(r"<figcaption>(.*?)</figcaption>", re.DOTALL)


def wrap_charts(html: str) -> str:
    """Wrap each chart (``reportlib`` charts' ``<figure class="chart">``) in a focusable, labelled
    region: on a narrow screen a chart keeps a readable size and scrolls sideways inside it."""
    def wrap(match: re.Match) -> str:
        caption = _FIGCAPTION.search(match.group(1))
        text = " ".join(html_module.unescape(_TAG.sub(" ", caption.group(1))).split()) if caption else ""
        label = html_module.escape(f"Chart: {text}" if text else "Chart", quote=True)
        return f'<div class="rl-chart-region" role="region" tabindex="0" aria-label="{label}">{match.group(0)}</div>'

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
