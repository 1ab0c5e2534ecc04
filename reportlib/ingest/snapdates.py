"""Snapshot dates written in the sheet itself, so one layout serves every quarter's file.

A layout's snapshot may leave its date to the sheet: a ``column_pattern`` such as
``'Progress at (?P<date>.+)'`` dates each header it matches ("Progress at 30 Sep 2010"),
and a fixed ``column`` with no ``date`` takes the date the layout's ``title_pattern``
captures from the title rows ("position at 30 September 2010"), or, with no title_pattern,
the date its ``status_pattern`` captures from the stated-status header ("Status at 31/12/25"),
and is named by that date ("September 2010"), so each quarter's file gives a snapshot of its own. Dates are read by the
same reader as targets. ``resolve`` turns such a layout into one whose snapshots are all
dated, for one sheet; a date that cannot be read is a problem naming the cell, and so is
one whose year is mistyped or far from the layout's reference date ("Progress at 31 July
2101"): such a column is never given some other year.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

from reportlib.ingest.dates import cell_text as _text
from reportlib.ingest.dates import snapshot_target
from reportlib.ingest.layouts import Layout, Snapshot
from reportlib.ingest.sources import column_letter


def snapshot_name(date: dt.date) -> str:
    """ "September 2010" for a month's last day (how committees name a quarter), else "15 September 2010"."""
    next_day = date + dt.timedelta(days=1)
    return date.strftime("%B %Y") if next_day.month != date.month else f"{date.day} {date:%B %Y}"


def resolve(layout: Layout, header: list, above: list[list], header_index: int):
    """``(layout with every snapshot dated, problems)``; each problem is ``(row, column, message)``
    with 1-based row numbers. With any problem the layout returned is None."""
    problems: list[tuple[int, str | None, str]] = []
    dated: list[Snapshot] = []
    for snap in layout.snapshots:
        if snap.column_pattern is not None:
            made = _from_headers(snap, layout, header, header_index, problems)
        elif snap.date is None and layout.title_pattern is None:  # dated by its status header (layouts.py)
            when = _from_status_header(snap, layout, header, header_index, problems)
            made = [replace(snap, date=when, snapshot=snapshot_name(when))] if when is not None else []
        elif snap.date is None:
            when = _from_title(snap, layout, above, problems)
            # named by its date, as a column_pattern's are: each quarter's file gives its own snapshot
            # ("September 2026", "December 2026"), never one name for two dates (unless a split names it)
            named = snap.snapshot if layout.split and snap.snapshot in layout.split.snapshots else None
            made = [replace(snap, date=when, snapshot=named or snapshot_name(when))] if when is not None else []
        else:
            made = [snap]
        if snap.status_pattern is not None and made:
            made = _stated_columns(snap, made, layout, header, header_index, problems)
        dated += made
    seen: dict[dt.date, Snapshot] = {}
    for snap in dated:
        if snap.date in seen:
            problems.append((header_index + 1, None,
                             f"two snapshots are dated {snap.date:%d %b %Y} ('{seen[snap.date].column or seen[snap.date].status}' "
                             f"and '{snap.column or snap.status}'); each progress column needs its own date"))
        seen[snap.date] = snap
    if problems:
        return None, problems
    return replace(layout, snapshots=tuple(dated)), []


def _from_headers(snap: Snapshot, layout: Layout, header: list, header_index: int, problems) -> list[Snapshot]:
    found: list[Snapshot] = []
    unread: list[tuple[str, str]] = []
    refused = 0  # headers dated with a year that cannot be meant
    for col, cell in enumerate(header):
        text = _text(cell)
        match = snap.column_pattern.search(text) if text else None
        if not match:
            continue
        written = (match.group("date") or "").strip()
        read = snapshot_target(written, layout.reference_date)
        if read.kind == "implausible":
            problems.append((header_index + 1, column_letter(col),
                             f"the header '{text}' matches the snapshot pattern, but '{written}' is not read as its "
                             f"date: {read.problem}. Correct the year in the header"))
            refused += 1
            continue
        if read.date is None:
            unread.append((column_letter(col), text, written))
            continue
        found.append(Snapshot(snapshot_name(read.date), read.date, text, None))
    expected = "expected one date, e.g. '30 Sep 2010', 'September 2010', '2010-09-30' or 'Q2 2010/11'"
    if 0 < len(unread) <= 3:
        for letter, text, written in unread:
            problems.append((header_index + 1, letter,
                             f"the header '{text}' matches the snapshot pattern '{snap.column_pattern.pattern}', but "
                             f"'{written}' does not read as a date ({expected})"))
    elif unread:
        listed = ", ".join(f"{letter} ('{text}')" for letter, text, _ in unread[:5])
        problems.append((header_index + 1, unread[0][0],
                         f"{len(unread)} headers match the snapshot pattern '{snap.column_pattern.pattern}' but do not "
                         f"read as dates: {listed}{' …' if len(unread) > 5 else ''}. The pattern is probably too wide: "
                         f"make it match only the progress columns ({expected})"))
    if not found:
        if not unread and not refused:
            problems.append((header_index + 1, None,
                             f"no header in the header row matches the snapshot pattern "
                             f"'{snap.column_pattern.pattern}' (layout '{layout.name}'); "
                             "expected a progress column headed e.g. 'Progress at 30 Sep 2010'"))
        return []
    found.sort(key=lambda s: s.date)
    if snap.status:  # one status column: it states the newest position
        found[-1] = replace(found[-1], status=snap.status)
    return found


def _stated_columns(snap: Snapshot, made: list[Snapshot], layout: Layout, header: list, header_index: int,
                    problems) -> list[Snapshot]:
    """The snapshots ``made`` from one entry, each given the stated-status column its
    ``status_pattern`` finds. With a ``date`` group, each status header pairs with the progress
    column of the same date ("Status at 30/09/24" with "Progress at 30 Sep 2024"); a status
    column dated where no progress column is becomes a snapshot of its own (a status, no text).
    With no group, one status header states the newest position; several are a problem."""
    pattern = snap.status_pattern
    found = [(col, text, pattern.search(text)) for col, text in ((c, _text(v)) for c, v in enumerate(header))
             if text and pattern.search(text)]
    made = [replace(s, status_pattern=None) for s in made]
    row = header_index + 1
    if not found:
        problems.append((row, None, f"no header in the header row matches the status pattern '{pattern.pattern}' "
                                    f"(layout '{layout.name}'); expected a stated-status column headed e.g. "
                                    "'Status at 30/09/24'"))
        return made
    if "date" not in pattern.groupindex:
        if len(found) > 1:
            listed = ", ".join(f"{column_letter(col)} ('{text}')" for col, text, _ in found[:6])
            problems.append((row, column_letter(found[1][0]),
                             f"{len(found)} headers match the status pattern '{pattern.pattern}': {listed}; with no "
                             "(?P<date>...) group they cannot be paired with their progress columns. Capture the "
                             "date, e.g. 'Status at (?P<date>.+)'"))
            return made
        newest = max(range(len(made)), key=lambda i: made[i].date)
        made[newest] = replace(made[newest], status=found[0][1])
        return made
    by_date = {s.date: i for i, s in enumerate(made)}
    for col, text, match in found:
        written = (match.group("date") or "").strip()
        read = snapshot_target(written, layout.reference_date)
        if read.date is None:
            why = read.problem if read.kind == "implausible" else "it does not read as a date (expected e.g. '30/09/24')"
            problems.append((row, column_letter(col), f"the header '{text}' matches the status pattern "
                                                      f"'{pattern.pattern}', but '{written}' is not read as its date: "
                                                      f"{why}"))
        elif read.date in by_date and made[by_date[read.date]].status is None:
            made[by_date[read.date]] = replace(made[by_date[read.date]], status=text)
        elif read.date in by_date:
            problems.append((row, column_letter(col), f"the headers '{made[by_date[read.date]].status}' and '{text}' "
                                                      f"both give the stated status at {read.date:%d %b %Y}; "
                                                      "each date needs one status column"))
        else:
            by_date[read.date] = len(made)
            made.append(Snapshot(snapshot_name(read.date), read.date, None, text))
    return sorted(made, key=lambda s: s.date)


def _from_status_header(snap: Snapshot, layout: Layout, header: list, header_index: int, problems) -> dt.date | None:
    """The date of an undated snapshot whose ``status_pattern`` captures a date and whose layout has no
    title_pattern: the newest date the matching status headers give ("Status at 31/12/25"). The
    progress text is the newest position; an older dated status column is a snapshot of its own."""
    dates = []
    for text in (_text(v) for v in header):
        match = snap.status_pattern.search(text) if text else None
        read = snapshot_target((match.group("date") or "").strip(), layout.reference_date) if match else None
        if read is not None and read.date is not None:
            dates.append(read.date)
    if dates:
        return max(dates)
    problems.append((header_index + 1, None, f"snapshot '{snap.snapshot}' takes its date from its stated-status "
                                             f"header, but no header in the header row matches the status pattern "
                                             f"'{snap.status_pattern.pattern}' with a date it can read (expected e.g. "
                                             "'Status at 31/12/25')"))
    return None


def _from_title(snap: Snapshot, layout: Layout, above: list[list], problems) -> dt.date | None:
    cells = [(r, c, _text(v)) for r, row in enumerate(above) for c, v in enumerate(row) if _text(v)]
    title = " ".join(text for _, _, text in cells)
    match = layout.title_pattern.search(title) if layout.title_pattern is not None else None
    written = (match.group("date") or "").strip() if match else ""
    read = snapshot_target(written, layout.reference_date) if written else None
    if read is not None and read.date is not None:
        return read.date
    where = next(((r + 1, column_letter(c)) for r, c, text in cells if written and written in text),
                 (cells[0][0] + 1, column_letter(cells[0][1])) if cells else (1, "A"))
    if not match:
        why = (f"the title rows above the header ({quoted_title(title)}) do not match the title_pattern "
               f"'{layout.title_pattern.pattern}'" if cells else "there are no title rows above the header")
    elif read is not None and read.kind == "implausible":
        why = f"the title gives '{written}', which is not read as a date: {read.problem}"
    else:
        why = f"the title gives '{written}', which does not read as a date (expected e.g. '30 September 2010')"
    problems.append((where[0], where[1], f"snapshot '{snap.snapshot}' takes its date from the title, but {why}"))
    return None


def quoted_title(title: str, limit: int = 200) -> str:
    """The text of the title rows as a title_pattern is matched against, quoted (cut at ``limit``)."""
    text = " ".join(title.split())
    return "'" + (text if len(text) <= limit else text[:limit - 1] + "…") + "'"
