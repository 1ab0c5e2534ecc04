"""Safe HTML tables for notebooks: text from spreadsheets is shown, never run.

``table(df)`` returns a ``SafeTable`` that Jupyter (and so the HTML report) displays
through ``_repr_html_``. Every cell is HTML-escaped; columns named in ``rich`` hold
free text with a little markup (South Derbyshire's "Management response" has
``<ul><li>`` lists and links), which keeps a small allow-list of tags so lists read
as lists; any other markup (``<script>``, ``<img>``, comments, and a link whose target is
not an absolute http(s) or mailto address: ``javascript:``, ``file:``, ``data:``, ``//host``,
``\\\\server\\share``, a relative path) is shown as the literal text it is, never deleted
with its contents, and the loader lists each such cell as a finding. No inline script or
style is ever produced. For readers of a printed or forwarded report,
``show_link_targets=True`` writes each link's address beside its text.
"""
from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

import nh3
import pandas as pd

from reportlib.errors import TableError
from reportlib.model.markup import (
    ABSOLUTE_LINK,
    ANCHOR,
    RICH_ATTRIBUTES,
    RICH_TAGS,
    RICH_URL_SCHEMES,
    allowed_link_target,
    link_target,
)
from reportlib.model.vocab import short_date

NA_TEXT = "–"
_FIGURE_CLASS = ' class="rl-num"'

_BLOCK_MARKUP = re.compile(r"<\s*/?\s*(ul|ol|li|p|br)\b", re.IGNORECASE)
# "<" opening a tag of the allow-list; any other "<" is text and is escaped before cleaning
_ALLOWED_TAG = re.compile(r"<(?=/?(?:{})(?:[\s/>]|$))".format("|".join(sorted(RICH_TAGS, key=len, reverse=True))),
                          re.IGNORECASE)
_LINK = re.compile(r'<a href="([^"]*)"([^>]*)>(.*?)</a>', re.DOTALL)


@dataclass(frozen=True)
class SafeTable:
    """An HTML table built from escaped (or allow-list cleaned) cell text.

    ``frame``: the rows shown, under their headings, as a DataFrame of their own (an analyst's
    copy in Lab, to sort, filter or plot); it never reaches the page, which shows only ``html``."""

    html: str
    frame: pd.DataFrame | None = field(default=None, compare=False, repr=False)

    def _repr_html_(self) -> str:
        return self.html

    def __html__(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.html


def table(
    df: pd.DataFrame,
    columns: Iterable[str] | Mapping[str, str] | None = None,
    rich: Iterable[str] = (),
    caption: str | None = None,
    wide: bool = False,
    show_link_targets: bool = False,
    figures: Iterable[str] = (),
) -> SafeTable:
    """Show ``df`` as a safe HTML table.

    ``columns``: the columns to show, in order (default: all); a mapping gives each a
    heading (``{"target_date": "Target"}``). ``rich``: columns whose text may keep
    lists, paragraphs, emphasis and http(s)/mailto links. ``caption``: shown above.
    ``wide``: a table of many columns, printed on landscape pages of its own.
    ``show_link_targets``: write each rich-text link's address after its text, in
    brackets ("see website (https://example.org/x)"), for readers of paper or PDF copies
    and external readers who should see where a link leads before following it.
    ``figures``: columns of figures written as text ("3 (25%)", "183 days"), aligned
    right like numbers. The index is not shown.
    """
    headings = _headings(df, columns)
    rich = list(rich)
    for name in rich:
        if name not in headings:
            raise TableError(f"rich column {name!r} is not among the columns shown "
                             f"({', '.join(map(str, headings))})")
    # wide tables go on landscape pages, already set small and hyphenated (saves the PDF a relayout)
    parts = ['<table class="rl-table rl-wide" data-rl-wrap="hyphens">' if wide else '<table class="rl-table">']
    if caption:
        parts.append(f"<caption>{_plain(caption)}</caption>")
    parts.append("<thead><tr>")
    parts.extend(f'<th scope="col">{_plain(label)}</th>' for label in headings.values())
    parts.append("</tr></thead><tbody>")
    rich_set, figure_set = set(rich), set(figures)
    for row in df[list(headings)].itertuples(index=False, name=None):
        parts.append("<tr>")
        for name, value in zip(headings, row):
            text = _rich(value, show_link_targets) if name in rich_set else format_cell(value)
            css = _FIGURE_CLASS if name in figure_set and not _is_na(value) else _cell_class(value)
            parts.append(f"<td{css}>{text}</td>")
        parts.append("</tr>")
    parts.append("</tbody></table>")
    return SafeTable("".join(parts), df[list(headings)].set_axis(list(headings.values()), axis=1).reset_index(drop=True))


def with_note(shown: SafeTable, note: str) -> SafeTable:
    """``shown`` with a line of (escaped) text under it, such as a key to its abbreviations."""
    return replace(shown, html=f'{shown.html}<p class="rl-note">{_plain(note)}</p>')


def format_cell(value) -> str:
    """One cell as escaped HTML: dates as "31 Mar 2010", NA as "–", newlines as ``<br>``."""
    if _is_na(value):
        return NA_TEXT
    if isinstance(value, (pd.Timestamp, dt.datetime, dt.date)):
        return format_date(value)
    if pd.api.types.is_bool(value):
        return "Yes" if value else "No"
    if pd.api.types.is_integer(value):
        return f"{int(value):,}"
    if isinstance(value, float) or pd.api.types.is_float(value):
        return f"{int(value):,}" if float(value).is_integer() else f"{float(value):,.2f}"
    return _plain(value)


def _cell_class(value) -> str:
    """Dates never wrap and numbers align right (house CSS: ``.rl-date``, ``.rl-num``)."""
    if _is_na(value):
        return ""
    if isinstance(value, (pd.Timestamp, dt.datetime, dt.date)):
        return ' class="rl-date"'
    if not pd.api.types.is_bool(value) and (pd.api.types.is_integer(value) or pd.api.types.is_float(value)):
        return ' class="rl-num"'
    return ""


def format_date(value) -> str:
    """``2010-03-31`` -> ``31 Mar 2010``."""
    return short_date(value)


def _headings(df: pd.DataFrame, columns) -> dict:
    if columns is None:
        headings = {name: str(name) for name in df.columns}
    elif isinstance(columns, Mapping):
        headings = {name: str(label) for name, label in columns.items()}
    else:
        headings = {name: str(name) for name in columns}
    missing = [name for name in headings if name not in df.columns]
    if missing:
        raise TableError(f"no column {', '.join(map(repr, missing))} in the table "
                         f"(it has {', '.join(map(str, df.columns))})")
    return headings


def _is_na(value) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # lists, arrays: not a single missing value
        return False


def _plain(value) -> str:
    return "<br>".join(html.escape(line) for line in str(value).splitlines()) or ""


def _escape_unsafe_links(text: str) -> str:
    """``<a href="javascript:…">label</a>`` (any target but an absolute http(s) or mailto address)
    becomes ``&lt;a href="javascript:…">label&lt;/a>``: shown as the text it is, as other markup
    outside the allow-list is, rather than its target deleted in silence."""
    if "<" not in text:
        return text
    out, pos, open_links = [], 0, []
    for match in ANCHOR.finditer(text):
        if match.group(1):  # </a>: escaped when the link it closes was
            escape = open_links.pop() if open_links else False
        else:
            href = link_target(match.group(0))
            escape = href is not None and not allowed_link_target(href)
            open_links.append(escape)
        if escape:
            out.append(text[pos:match.start()] + "&lt;")
            pos = match.start() + 1
    return "".join(out) + text[pos:]


def _escape_unlisted_markup(text: str) -> str:
    """Every "<" that does not open an allow-listed tag becomes "&lt;", so the cleaner keeps it as text."""
    if "<" not in text:
        return text
    parts = text.split("<")
    out = [parts[0]]
    for part in parts[1:]:
        out.append(("<" if _ALLOWED_TAG.match("<" + part) else "&lt;") + part)
    return "".join(out)


def _rich(value, show_link_targets: bool = False) -> str:
    if _is_na(value):
        return NA_TEXT
    text = str(value).strip()
    if not _BLOCK_MARKUP.search(text):
        text = text.replace("\r\n", "\n").replace("\n", "<br>")
    cleaned = nh3.clean(
        _escape_unlisted_markup(_escape_unsafe_links(text)),
        tags=RICH_TAGS,
        attributes=RICH_ATTRIBUTES,
        url_schemes=RICH_URL_SCHEMES,
        link_rel="noopener noreferrer",
        attribute_filter=_absolute_links_only,
    )
    return _LINK.sub(_with_target, cleaned) if show_link_targets else cleaned


def _with_target(match: re.Match) -> str:
    """``<a href="U">label</a>`` -> ``<a href="U">label</a> (U)``, unless the label already is the address."""
    href, label = match.group(1), match.group(3)
    shown = html.unescape(href)
    plain = html.unescape(re.sub(r"<[^>]*>", "", label)).strip()
    if plain.rstrip("/") in (shown.rstrip("/"), shown.split(":", 1)[-1].lstrip("/").rstrip("/")):
        return match.group(0)
    if shown.lower().startswith("mailto:"):
        shown = shown[len("mailto:"):]
    return f'{match.group(0)} <span class="rl-link-target">({html.escape(shown)})</span>'


def _absolute_links_only(tag: str, attribute: str, value: str) -> str | None:
    """Keep a link only when it is an absolute http(s) or mailto URL. A relative, protocol-relative
    ("//host/x") or UNC-style ("\\\\host\\share") link would resolve against wherever the report is
    opened: to another host, or from a file:// page to a network share (SMB on Windows)."""
    if tag == "a" and attribute == "href" and not ABSOLUTE_LINK.match(value.strip()):
        return None
    return value
