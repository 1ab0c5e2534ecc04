"""Read council phrasing of target dates as the date each one means.

A target means the END of the period it names, with UK financial-year meaning:
"March 2010" -> 2010-03-31, "Q1 2010/11" -> 2010-06-30, "2009/10" -> 2010-03-31,
"end of financial year" -> the next 31 March. A phrase naming several dates means
the latest of them ("Meetings held Nov/Dec 2009, Jan/Feb 2010" -> 2010-02-28).
Months written without a year ("Jan/Feb") mean their next occurrence after the
layout's reference date. Nothing is guessed: text with no readable date is
reported as ``unreadable`` and carries no date.
"""
from __future__ import annotations

import calendar
import datetime as dt
import difflib
import re
from dataclasses import dataclass
from functools import lru_cache

_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTHS.update({"sept": 9})
# Misspellings seen in real plans; anything else is matched by closeness below.
_MONTHS.update({"dev": 12, "januray": 1, "feburary": 2, "febuary": 2, "decmber": 12, "ocotber": 10})
_LONG_NAMES = [name.lower() for name in calendar.month_name if name]

_MONTH = r"\b(?P<{g}>[a-z]{{3,9}})\b\.?"
_YEAR = r"(?P<{g}>'?\d{{2}}(?!\d)|(?:19|20)\d{{2}})"
_PATTERNS = [
    # 31st December 2010, 1 July 2010
    ("day", re.compile(r"\b(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\s+" + _MONTH.format(g="m") + r",?\s+" + _YEAR.format(g="y"))),
    # 31/03/2010, 29/6/10
    ("numeric", re.compile(r"\b(?P<d>[0-3]?\d)/(?P<m>[01]?\d)/(?P<y>(?:19|20)\d{2}|\d{2})\b")),
    # Q1 2010/11
    ("quarter", re.compile(r"\bq(?P<q>[1-4])\s*(?P<y1>(?:19|20)\d{2})\s*/\s*(?P<y2>\d{2,4})\b")),
    # Nov/Dec 2009, Jan-Mar 2010, February/March 2010
    ("pair", re.compile(_MONTH.format(g="m1") + r"\s*(?:/|-|–|&|\band\b|\bor\b|\bto\b)\s*" + _MONTH.format(g="m2") + r"\s+" + _YEAR.format(g="y"))),
    # March 2010, Feb '10
    ("month", re.compile(_MONTH.format(g="m") + r"\s+" + _YEAR.format(g="y"))),
    # 2009/10, 2010/2011
    ("fy", re.compile(r"\b(?P<y1>(?:19|20)\d{2})\s*/\s*(?P<y2>\d{2}|(?:19|20)\d{2})\b")),
    ("fy_end", re.compile(r"\bend of (?:the )?(?:financial|fiscal) year\b")),
    ("season", re.compile(r"\b(?P<s>spring|summer|autumn|winter)\s+(?P<y>(?:19|20)\d{2})\b")),
    # in 2010, during 2010, by 2011 (a calendar year, to its end)
    ("year", re.compile(r"\b(?:in|during|by)\s+(?P<y>(?:19|20)\d{2})\b(?!\s*/)")),
]
# Month names with no year are read only from a target column, never from prose.
_BARE_MONTHS = re.compile(_MONTH.format(g="m1") + r"(?:\s*(?:/|-|–|&)\s*" + _MONTH.format(g="m2") + r")?")
_SEASON_END = {"spring": (5, 0), "summer": (8, 0), "autumn": (11, 0), "winter": (2, 1)}

_ONGOING = re.compile(r"^\W*(?:on\s*-?\s*going|ongoing|continuous|annual(?:ly)?|rolling)\W*$")
_RECURRING = re.compile(r"\b(?:and ongoing|on\s*-?\s*going|ongoing|onwards|annual(?:ly)?|each year|every year)\b")
_NOT_A_TARGET = re.compile(
    r"^\W*(?:achieved|complete[d]?|done|implemented|in place|n/?a|no action|none|not applicable|tbc|tba)\b"
)


@dataclass(frozen=True)
class Target:
    """A target as written and what it means. ``kind``: date, ongoing, status, none or unreadable."""

    text: str
    date: dt.date | None
    recurring: bool
    kind: str


def _year(text: str) -> int:
    digits = text.lstrip("'")
    return 2000 + int(digits) if len(digits) == 2 else int(digits)


@lru_cache(maxsize=256)
def _month_number(word: str) -> int | None:
    word = word.lower().rstrip(".")
    if word in _MONTHS:
        return _MONTHS[word]
    if len(word) >= 5:
        close = difflib.get_close_matches(word, _LONG_NAMES, n=1, cutoff=0.8)
        if close:
            return _MONTHS[close[0]]
    return None


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _next_month_end(month: int, reference: dt.date | None) -> dt.date | None:
    if reference is None:
        return None
    year = reference.year if month >= reference.month else reference.year + 1
    return _month_end(year, month)


def _fy_end(start_year: int, end_text: str) -> dt.date | None:
    end_year = int(end_text) if len(end_text) == 4 else (start_year // 100) * 100 + int(end_text)
    return dt.date(end_year, 3, 31) if end_year == start_year + 1 else None


def _read(kind: str, m: re.Match, reference: dt.date | None) -> dt.date | None:
    g = m.groupdict()
    try:
        if kind == "day":
            month = _month_number(g["m"])
            return dt.date(_year(g["y"]), month, int(g["d"])) if month else None
        if kind == "numeric":
            return dt.date(_year(g["y"]), int(g["m"]), int(g["d"]))
        if kind == "quarter":
            start = int(g["y1"])
            if _fy_end(start, g["y2"]) is None:
                return None
            q = int(g["q"])
            return _month_end(start + (q == 4), {1: 6, 2: 9, 3: 12, 4: 3}[q])
        if kind == "pair":
            first, second = _month_number(g["m1"]), _month_number(g["m2"])
            return _month_end(_year(g["y"]), second) if first and second else None
        if kind == "month":
            month = _month_number(g["m"])
            return _month_end(_year(g["y"]), month) if month else None
        if kind == "fy":
            return _fy_end(int(g["y1"]), g["y2"])
        if kind == "fy_end":
            return _next_month_end(3, reference)
        if kind == "season":
            month, carry = _SEASON_END[g["s"]]
            return _month_end(int(g["y"]) + carry, month)
        if kind == "year":
            return dt.date(int(g["y"]), 12, 31)
    except ValueError:  # 31/02/2010 and the like
        return None
    return None


def _dates_in(text: str, reference: dt.date | None) -> list[dt.date]:
    found, taken = [], []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if any(m.start() < end and start < m.end() for start, end in taken):
                continue  # a longer form already read this stretch ("Nov/Dec 2009" before "Dec 2009")
            when = _read(kind, m, reference)
            if when is not None:
                found.append(when)
                taken.append(m.span())
    return found


def _bare_months(text: str, reference: dt.date | None) -> list[dt.date]:
    found = []
    for m in _BARE_MONTHS.finditer(text):
        months = [_month_number(w) for w in (m.group("m1"), m.group("m2")) if w]
        if months and all(months):
            when = _next_month_end(months[-1], reference)
            if when:
                found.append(when)
    return found


def excel_serial(value: float) -> dt.date | None:
    """A date from an Excel serial number (1900 system), when it is a plausible one."""
    if 20000 <= value <= 80000:  # 1954 .. 2119
        return dt.date(1899, 12, 30) + dt.timedelta(days=int(value))
    return None


@lru_cache(maxsize=8192)
def _parse_text(text: str, reference: dt.date | None) -> Target:
    lowered = " ".join(text.lower().split())
    recurring = bool(_RECURRING.search(lowered))
    found = _dates_in(lowered, reference) or _bare_months(lowered, reference)
    if found:
        return Target(text, max(found), recurring, "date")
    if _ONGOING.match(lowered):
        return Target(text, None, True, "ongoing")
    if _NOT_A_TARGET.match(lowered):
        return Target(text, None, False, "status")
    return Target(text, None, recurring, "unreadable")


def cell_text(value) -> str:
    """A cell as text: "" for nothing, "31 Mar 2010" for an Excel date, else its text stripped."""
    if value is None:
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.strftime("%d %b %Y")
    return str(value).strip()


_DAY_MONTH_YEAR = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d{4})\b", re.IGNORECASE)
_FULL_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")


def snapshot_date(text: str, reference: dt.date | None = None) -> dt.date | None:
    """The date a snapshot's header or title gives: ISO (2010-12-31), or what ``parse_target``
    reads, provided a day written with its month exists (no "31 Feb") and the text names one
    date, not several (which one a column holds is not for reportlib to guess)."""
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        pass
    if len(set(_FULL_YEAR.findall(text))) > 1 or len(_DAY_MONTH_YEAR.findall(text)) > 1:
        return None
    for day, month, year in _DAY_MONTH_YEAR.findall(text):
        month_number = _month_number(month)
        if month_number is None:
            return None
        try:
            dt.date(int(year), month_number, int(day))
        except ValueError:
            return None
    found = parse_target(text, reference)
    return found.date if found.kind == "date" else None


def parse_target(value, reference: dt.date | None = None) -> Target:
    """Read a target cell: text, an Excel date, or a serial number."""
    if value is None or value == "":
        return Target("", None, False, "none")
    if isinstance(value, dt.datetime):
        return Target(value.strftime("%d %b %Y"), value.date(), False, "date")
    if isinstance(value, dt.date):
        return Target(value.strftime("%d %b %Y"), value, False, "date")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        when = excel_serial(float(value))
        return Target(str(value), when, False, "date" if when else "unreadable")
    text = str(value).strip()
    if _NOT_A_QUARTER.search(text):  # "Q5 2010/11": the year alone would give a date never meant
        return Target(text, None, False, "unreadable")
    return _parse_text(text, reference) if text else Target("", None, False, "none")


_NOT_A_QUARTER = re.compile(r"\bq(?:[05-9]|\d{2,})\b", re.IGNORECASE)


_PROSE_PATTERNS = [p for p in _PATTERNS if p[0] != "fy_end"] + [p for p in _PATTERNS if p[0] == "fy_end"]


@lru_cache(maxsize=8192)
def target_in_prose(text: str | None, reference: dt.date | None = None) -> Target:
    """The latest date a passage of prose commits to, for plans whose only targets are in their text.

    Only full dates, month-and-year, quarters, financial years and "in 2010" count; bare month
    names do not (in prose "may" is seldom May). No date found gives kind ``none``.
    """
    if not text:
        return Target("", None, False, "none")
    lowered = " ".join(str(text).lower().split())
    best: tuple[dt.date, str] | None = None
    taken: list[tuple[int, int]] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(lowered):
            if any(m.start() < end and start < m.end() for start, end in taken):
                continue
            when = _read(kind, m, reference)
            if when is None:
                continue
            taken.append(m.span())
            if best is None or when > best[0]:
                best = (when, " ".join(str(text).split())[m.start():m.end()])
    if best is None:
        return Target("", None, False, "none")
    return Target(best[1], best[0], bool(_RECURRING.search(lowered)), "date")
