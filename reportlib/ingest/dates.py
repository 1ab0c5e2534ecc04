"""Read council phrasing of target dates as the date each one means.

A target means the END of the period it names, with UK financial-year meaning:
"March 2010" -> 2010-03-31, "Q1 2010/11" -> 2010-06-30, "2009/10" -> 2010-03-31,
"end of financial year" -> the next 31 March. A phrase naming several dates means
the latest of them ("Meetings held Nov/Dec 2009, Jan/Feb 2010" -> 2010-02-28).
Months written without a year ("Jan/Feb", "end of March") mean their next occurrence
after the layout's reference date, and the target says so (``year_assumed``) so the
loader can warn. Nothing is guessed: text with no readable date is reported as
``unreadable`` and carries no date.

Years are read as written. Four digits are a year from 1900 to 2099; two digits ("Mar-24",
"31/03/24", "Feb '10") are read with a fixed pivot, as Python's ``%y``: 00-68 are 2000-2068
and 69-99 are 1969-1999. Any other digits where a year belongs ("March 2101", "31 July
20101", "December 3010") are a mistyped year. With a reference date, a date more than
``YEARS_EITHER_SIDE`` (15) years before or after it is implausible too. Either way the
target is of kind ``implausible``, with no date and a ``problem`` saying why: a typo is
never turned into some other year. (Without a reference date the loader judges the
window against the middle of the plan's own dates; see ``reportlib.ingest.rows``.)
"""
from __future__ import annotations

import calendar
import datetime as dt
import difflib
import re
from dataclasses import dataclass
from functools import lru_cache

from reportlib.model.vocab import SPREADSHEET_ERROR

_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTHS.update({"sept": 9})
# Misspellings seen in real plans; anything else is matched by closeness below.
_MONTHS.update({"dev": 12, "januray": 1, "feburary": 2, "febuary": 2, "decmber": 12, "ocotber": 10})
_LONG_NAMES = [name.lower() for name in calendar.month_name if name]

_MONTH = r"\b(?P<{g}>[a-z]{{3,9}})\b\.?"
# Every digit written where a year belongs, so that "20101" is read whole (and refused), not as 2010.
_YEAR = r"(?P<{g}>'?\d{{2,}})\b"
_DASH = r"\s*[-–/]\s*"
_PATTERNS = [
    # 31st December 2010, 1 July 2010, 31-Mar-24
    # (a dash only when nothing spaces it out: "Phase 2 - March 2010" is March, not its 2nd day)
    ("day", re.compile(r"\b(?P<d>[0-3]?\d)(?:st|nd|rd|th)?(?:\s+|[-/])" + _MONTH.format(g="m")
                       + r"(?:,?\s+|[-/])" + _YEAR.format(g="y"))),
    # 31/03/2010, 29/6/10, 30.06.24, 30-06-2024
    ("numeric", re.compile(r"\b(?P<d>[0-3]?\d)(?P<sep>[/.-])(?P<m>[01]?\d)(?P=sep)(?P<y>\d{2,})\b")),
    # Q1 2010/11, Q4 25/26
    ("quarter", re.compile(r"\bq(?P<q>[1-4])\s*(?P<y1>(?:19|20)\d{2}|\d{2})\s*/\s*(?P<y2>\d{2,4})\b")),
    # Nov/Dec 2009, Jan-Mar 2010, February/March 2010
    ("pair", re.compile(_MONTH.format(g="m1") + r"\s*(?:/|-|–|&|\band\b|\bor\b|\bto\b)\s*" + _MONTH.format(g="m2") + r"\s+" + _YEAR.format(g="y"))),
    # March 2010, Feb '10, Mar-24, Mar 24
    ("month", re.compile(_MONTH.format(g="m") + r"(?:\s+|" + _DASH + ")" + _YEAR.format(g="y"))),
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
    r"^\W*(?:achieved|complete[d]?|done|implemented|in place|n/?a|no action|none|not applicable)\b"
)
# A target the council has still to agree: the action has none yet to be held to.
_TO_BE_SET = re.compile(
    r"\b(?:tb[cad]|to be (?:confirmed|agreed|set|determined|decided|advised|arranged)"
    r"|not yet (?:agreed|set|confirmed|known|decided))\b"
)


YEARS_EITHER_SIDE = 15
_PIVOT = 69  # two-digit years from here on are 19xx, as Python's %y


@dataclass(frozen=True)
class Target:
    """A target as written and what it means. ``kind``: date, ongoing, status, none, to_be_set
    ("TBC", "to be agreed": a target the council has still to set), unreadable (including a
    spreadsheet error such as "#N/A") or implausible (a date whose year is mistyped or far from the reference date; ``problem``
    says which). ``year_assumed``: the year was not written but taken from the reference date."""

    text: str
    date: dt.date | None
    recurring: bool
    kind: str
    year_assumed: bool = False
    problem: str | None = None


class _BadYear(ValueError):
    """Digits written where a year belongs that are no year reportlib reads (``digits``)."""

    def __init__(self, message: str, digits: str):
        super().__init__(message)
        self.digits = digits


def _year(text: str) -> int:
    digits = text.lstrip("'")
    if len(digits) == 2:
        return (1900 if int(digits) >= _PIVOT else 2000) + int(digits)
    if len(digits) == 4 and 1900 <= int(digits) <= 2099:
        return int(digits)
    raise _BadYear(f"'{digits}' is not a year (a year is written with four digits, 1900 to 2099, or two)", digits)


def _shift(when: dt.date, years: int) -> dt.date:
    try:
        return when.replace(year=when.year + years)
    except ValueError:  # 29 February
        return when.replace(year=when.year + years, day=28)


def year_problem(when: dt.date, reference: dt.date | None, anchor: str = "the reference date") -> str | None:
    """Why ``when`` cannot be a plan's date, or None: a year outside 1900-2099, or (given a
    ``reference``) more than ``YEARS_EITHER_SIDE`` years from it. ``anchor`` names the reference."""
    if not 1900 <= when.year <= 2099:
        return f"the year {when.year} is outside 1900 to 2099"
    if reference is None:
        return None
    low, high = _shift(reference, -YEARS_EITHER_SIDE), _shift(reference, YEARS_EITHER_SIDE)
    if low <= when <= high:
        return None
    return (f"the year {when.year} is more than {YEARS_EITHER_SIDE} years from {anchor} ({reference:%d %b %Y}); "
            f"dates from {low:%d %b %Y} to {high:%d %b %Y} are read")


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
            if g["sep"] != "/" and len(g["y"]) == 2 and (len(g["d"]) < 2 or len(g["m"]) < 2):
                return None  # "2.1.10" is a paragraph number far more often than 2 January 2010
            return dt.date(_year(g["y"]), int(g["m"]), int(g["d"]))
        if kind == "quarter":  # "Q4 2025/26", or with the years in two digits: "Q4 25/26"
            start = _year(g["y1"])
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
    except _BadYear:
        raise
    except ValueError:  # 31/02/2010 and the like
        return None
    return None


def _dates_in(text: str, reference: dt.date | None) -> tuple[list[tuple[dt.date, str, tuple]], list[tuple]]:
    """``(found, bad_years)``: each date read with the kind of phrase and the stretch it was read
    from, and for each stretch holding a date with a mistyped year ``(why, digits, stretch)``."""
    found, taken, bad = [], [], []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if any(m.start() < end and start < m.end() for start, end in taken):
                continue  # a longer form already read this stretch ("Nov/Dec 2009" before "Dec 2009")
            try:
                when = _read(kind, m, reference)
            except _BadYear as why:
                bad.append((str(why), why.digits, m.span()))
                taken.append(m.span())
                continue
            if when is not None:
                found.append((when, kind, m.span()))
                taken.append(m.span())
    return found, bad


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


def _checked(target: Target, reference: dt.date | None) -> Target:
    """``target``, or it made ``implausible`` when its date's year cannot be meant."""
    why = year_problem(target.date, reference) if target.date is not None else None
    return Target(target.text, None, target.recurring, "implausible", problem=why) if why else target


@lru_cache(maxsize=8192)
def _parse_text(text: str, reference: dt.date | None) -> Target:
    lowered = " ".join(text.lower().split())
    recurring = bool(_RECURRING.search(lowered))
    found, bad = _dates_in(lowered, reference)
    if bad:
        return Target(text, None, recurring, "implausible", problem=bad[0][0])
    for when, _, _ in found:
        why = year_problem(when, reference)
        if why:  # a target naming a date that cannot be meant cannot be trusted for any date
            return Target(text, None, recurring, "implausible", problem=why)
    if found:
        when, kind, _ = max(found)
        return Target(text, when, recurring, "date", year_assumed=kind == "fy_end")
    found = _bare_months(lowered, reference)
    if found:
        return Target(text, max(found), recurring, "date", year_assumed=True)
    if _ONGOING.match(lowered):
        return Target(text, None, True, "ongoing")
    if _TO_BE_SET.search(lowered):
        return Target(text, None, recurring, "to_be_set")
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
    date, not several (which one a column holds is not for reportlib to guess). A mistyped or
    implausible year gives None (``snapshot_target`` says why)."""
    found = snapshot_target(text, reference)
    return found.date if found.kind == "date" else None


def snapshot_target(text: str, reference: dt.date | None = None) -> Target:
    """``snapshot_date`` as a ``Target``: kind ``implausible`` with its ``problem`` for a date
    whose year cannot be meant, ``unreadable`` for any other text that gives no one date."""
    unreadable = Target(text, None, False, "unreadable")
    try:
        return _checked(Target(text, dt.date.fromisoformat(text.strip()), False, "date"), reference)
    except ValueError:
        pass
    if len(set(_FULL_YEAR.findall(text))) > 1 or len(_DAY_MONTH_YEAR.findall(text)) > 1:
        return unreadable
    for day, month, year in _DAY_MONTH_YEAR.findall(text):
        month_number = _month_number(month)
        if month_number is None:
            return unreadable
        try:
            dt.date(int(year), month_number, int(day))
        except ValueError:
            return unreadable
    found = parse_target(text, reference)
    return found if found.kind in ("date", "implausible") else unreadable


def parse_target(value, reference: dt.date | None = None) -> Target:
    """Read a target cell: text, an Excel date, or a serial number."""
    if value is None or value == "":
        return Target("", None, False, "none")
    if isinstance(value, dt.datetime):
        return _checked(Target(value.strftime("%d %b %Y"), value.date(), False, "date"), reference)
    if isinstance(value, dt.date):
        return _checked(Target(value.strftime("%d %b %Y"), value, False, "date"), reference)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        when = excel_serial(float(value))
        return _checked(Target(str(value), when, False, "date" if when else "unreadable"), reference)
    text = str(value).strip()
    if SPREADSHEET_ERROR.match(text):  # "#N/A": a formula that gave no value, not "n/a"
        return Target(text, None, False, "unreadable")
    if _NOT_A_QUARTER.search(text):  # "Q5 2010/11": the year alone would give a date never meant
        return Target(text, None, False, "unreadable")
    return _parse_text(text, reference) if text else Target("", None, False, "none")


_NOT_A_QUARTER = re.compile(r"\bq(?:[05-9]|\d{2,})\b", re.IGNORECASE)


_PROSE_PATTERNS = [p for p in _PATTERNS if p[0] != "fy_end"] + [p for p in _PATTERNS if p[0] == "fy_end"]


@lru_cache(maxsize=8192)
def target_in_prose(text: str | None, reference: dt.date | None = None) -> Target:
    """The latest date a passage of prose commits to, for plans whose only targets are in their text.

    Only full dates, month-and-year, quarters, financial years and "in 2010" count; bare month
    names do not (in prose "may" is seldom May), nor do three digits after a month ("March 100
    staff": a count, not a year). No date found gives kind ``none``. When the latest date is
    implausible (see ``year_problem``) the target is of kind ``implausible`` with no date: an
    earlier date in the text is not what it commits to. So is a date whose year is four or more
    digits that are no year ("March 2101", "31 July 20101"), as in a target column: which date
    the prose meant cannot be told. No date but "TBC" or "to be agreed" gives kind ``to_be_set``.
    """
    if not text:
        return Target("", None, False, "none")
    written = " ".join(str(text).split())
    lowered = written.lower()
    recurring = bool(_RECURRING.search(lowered))
    found, bad = _dates_in(lowered, reference)
    mistyped = [(why, span) for why, digits, span in bad if len(digits) >= 4]
    if mistyped:
        why, (start, end) = mistyped[0]
        return Target(written[start:end], None, recurring, "implausible", problem=why)
    if not found:
        unset = _TO_BE_SET.search(lowered)  # "timescale TBC": a target the council has still to set
        return Target(written[unset.start():unset.end()], None, recurring, "to_be_set") if unset \
            else Target("", None, False, "none")
    when, kind, (start, end) = max(found, key=lambda f: f[0])
    best = Target(written[start:end], when, recurring, "date", year_assumed=kind == "fy_end")
    return _checked(best, reference)
