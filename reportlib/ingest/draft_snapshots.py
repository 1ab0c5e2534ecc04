"""A drafted layout's snapshots: ``reportlib layout draft``, part two.

Dated progress headers ("Progress at 30/09/24", "March 2010 update") become a
``column_pattern`` with a ``date`` group (``date_pattern``), paired with dated status
columns by a ``status_pattern``; a plan with a ``split`` gets fixed, dated snapshots; an
undated "Progress" one fixed snapshot dated by the title; with no date in the title, one dated by
each file's stated-status header ("Status at 31/12/25") where that carries the date; or marked to
fill in."""
from __future__ import annotations

import datetime as dt
import re

from reportlib.ingest.dates import snapshot_target
from reportlib.ingest.draft_headers import DATE_SPAN, Column, Sheet
from reportlib.ingest.draft_text import Notes, comment_suffix, noted, quote, quote_pattern, short
from reportlib.ingest.rows import split_owner
from reportlib.ingest.snapdates import snapshot_name
from reportlib.ingest.sources import column_letter


def snapshot_lines(sheets: list[Sheet], columns: dict[str, list[Column]], notes: Notes):
    """(fixed snapshot names, YAML lines, reference date, where the reference date comes from)."""
    progress = [(s, c) for s in sheets for c in s.columns if c.key == "progress"]
    status = [(s, c) for s in sheets for c in s.columns if c.key == "status"]
    dated = [(s, c) for s, c in progress if c.date]
    lines: list[str] = []
    names: list[str] = []
    reference = None
    first = sheets[0]
    if not progress and not status:
        notes.doubt(first, first.header_index + 1, None, "no progress or status column was found: the plan will "
                                                         "have no updates")
        return names, lines, None, ""
    lines.append("snapshots:")
    if dated:
        earliest = min(c.date for _, c in dated)
        reference = earliest.replace(day=1)
        reference_note = f"check: the first of the month of the plan's first dated position ({earliest:%d %b %Y})"
        undated_status = list(dict.fromkeys(c.header for _, c in status if not c.date))
        dated_status = list(dict.fromkeys(c.header for _, c in status if c.date))
        if "split" in columns:  # a split names its snapshots, so they are fixed, with their dates
            by_date = {}
            for _, c in sorted(dated, key=lambda sc: sc[1].date):
                by_date.setdefault(c.date, c)
            for when, c in by_date.items():
                names.append(snapshot_name(when))
                lines.append(noted(f"  - {{snapshot: {quote(snapshot_name(when))}, date: {when.isoformat()}, "
                                   f"column: {quote(c.header)}}}",
                                   f"column {column_letter(c.index)}; fixed, since the split below names snapshots"))
            return names, lines, reference, reference_note
        templates = list(dict.fromkeys(c.template for _, c in dated))
        for number, template in enumerate(templates):
            pattern = date_pattern(template)
            matched = [c for _, c in dated if c.template == template]
            status_header = status_by_date = None
            if number == len(templates) - 1:
                if dated_status and not undated_status:
                    s, c = next((s, c) for s, c in status if c.date)
                    status_by_date = date_pattern(c.template)
                else:
                    status_header = (undated_status or dated_status or [None])[0]
            entry = (f"  - {{column_pattern: {quote_pattern(pattern)}"
                     + (f", status: {quote(status_header)}" if status_header else "")
                     + (f", status_pattern: {quote_pattern(status_by_date)}" if status_by_date else "") + "}")
            lines.append(noted(entry, "columns " + ", ".join(f"{column_letter(c.index)} '{short(c.header)}'"
                                                              for c in matched[:4])))
        return names, lines, reference, reference_note
    # undated progress columns: one fixed snapshot, dated from the title when it gives a date
    col = next((c for _, c in progress), None)
    stat = next((c for _, c in status), None)
    titled = _title_dates(sheets)
    # versions of the plan, each dated by its title; or one version whose status header carries its
    # date ("Status at 31/12/25"), so the next quarter's file, titled and headed with its own, reads too
    if len({when for _, when, _ in titled}) > 1 or (titled and any(c.date for _, c in status)):
        return _from_titles(titled, col, status, notes)
    when = next((snapshot_target(m.group(0)).date for s in sheets for m in DATE_SPAN.finditer(s.title)
                 if snapshot_target(m.group(0)).kind == "date"), None)
    stated = None if when is not None else stated_position(first.opening)
    if when is not None:
        note = "check: the date the title gives"
    elif stated is not None:
        when, words = stated
        note = f"check: the position the paper's opening text states ('{short(words, 60)}')"
        notes.doubt(first, None, None, f"the date of the position, {when:%d %b %Y}, is taken from the paper's "
                                       f"opening text ('{short(words, 80)}'): the header and title give none")
    elif _status_entry(status).startswith(", status_pattern"):  # each file dated by its status header
        stamped = max(c.date for _, c in status if c.date)
        entry = "  - {snapshot: \"Quarter end\"" + (f", column: {quote(col.header)}" if col else "") + \
            _status_entry(status) + "}"
        lines.append(noted(entry, "no date: each file's is read from its status header "
                                  f"('{short(status[0][1].header)}': '{snapshot_name(stamped)}')"))
        return names, lines, stamped.replace(day=1), f"check: the first of the month of the position ({stamped:%d %b %Y})"
    else:  # never a made-up date: the loader refuses this line until a person writes the date
        notes.doubt(first, first.header_index + 1, column_letter((col or stat).index),
                    f"the date of the position in '{(col or stat).header}': the header, title and text give none; "
                    "the layout is refused until it is written", person=True)
        entry = "  - {snapshot: \"Position\", date: FILL-IN" + \
            (f", column: {quote(col.header)}" if col else "") + _status_entry(status) + "}"
        lines.append(noted(entry, "fill in: the date of this position, YYYY-MM-DD (the files do not give it)"))
        return names, lines, None, ""
    reference_note = "check: the first of the month of the position"
    reference = when.replace(day=1)
    entry = f"  - {{snapshot: {quote(snapshot_name(when))}, date: {when.isoformat()}" + \
        (f", column: {quote(col.header)}" if col else "") + _status_entry(status) + "}"
    lines.append(noted(entry, note))
    names.append(snapshot_name(when))
    for _, other in progress[1:]:
        if other.header != col.header:
            notes.doubt(first, first.header_index + 1, column_letter(other.index),
                        f"a second undated progress column '{other.header}' is not read")
    return names, lines, reference, reference_note


#: "the position as at 31 December 2026", "progress as of 30 Sep 2026": the date a paper states its position at
_STATED = re.compile(r"\b(?:as\s+at|as\s+of|position\s+(?:at|on)|progress\s+(?:at|to))\s+(?:the\s+)?"
                     r"(?:end\s+of\s+)?(" + DATE_SPAN.pattern + ")", re.IGNORECASE)


def stated_position(text: str) -> tuple[dt.date, str] | None:
    """(date, the words that state it) for the first position a paper's text states ("the position as
    at 31 December 2026"); dates elsewhere in the text (the committee's meeting) are not positions."""
    for match in _STATED.finditer(text or ""):
        read = snapshot_target(match.group(1))
        if read.kind == "date":
            start = text.rfind("\n", 0, match.start()) + 1
            return read.date, text[max(start, match.start() - 30):match.end()].strip()
    return None


def _title_dates(sheets: list[Sheet]) -> list[tuple[Sheet, dt.date, list[str]]]:
    """(sheet, the first date its title gives, the words just before that date) for each sheet whose
    title gives one."""
    found = []
    for sheet in sheets:
        for match in DATE_SPAN.finditer(sheet.title):
            read = snapshot_target(match.group(0))
            if read.kind == "date":
                found.append((sheet, read.date, re.findall(r"[A-Za-z]+", sheet.title[:match.start()])[-3:]))
                break
    return found


def _from_titles(titled, col: Column | None, status: list[tuple[Sheet, Column]], notes: Notes):
    """Several files of one plan, each dated by its title ("position as at 31 December 2026"): a
    ``title_pattern`` capturing the date, and one snapshot entry with no date, so that each
    version's snapshot is dated (and named) by its own title."""
    words = [w.lower() for w in titled[0][2]]
    for _, _, others in titled[1:]:
        others = [w.lower() for w in others]
        while words and others[-len(words):] != words:
            words = words[1:]
    lead = "".join(re.escape(w) + r"\W+" for w in words)
    pattern = lead + "(?P<date>" + DATE_SPAN.pattern + ")"
    dates = sorted({when for _, when, _ in titled})
    shown = ", ".join(f"{sheet.file} {when:%d %b %Y}" for sheet, when, _ in titled[:4])
    lines = [noted(f"title_pattern: {quote_pattern(pattern)}",
                   f"check: each file's position is the date its title gives ({shown})"),
             "snapshots:"]
    entry = "  - {snapshot: \"Quarter end\"" + (f", column: {quote(col.header)}" if col else "") + \
        _status_entry(status) + "}"
    lines.append(noted(entry, "no date: each version's is read from its title, and names its snapshot "
                              f"('{snapshot_name(dates[0])}')"))
    first = titled[0][0]
    if len(titled) == 1:  # one file: dated by its title, so the next quarter's, titled with its own date, reads too
        lines[0] = noted(f"title_pattern: {quote_pattern(pattern)}",
                         f"check: the position is the date the title gives ({shown}); a later quarter's file is "
                         "dated by its own title")
        return [], lines, dates[0].replace(day=1), f"check: the first of the month of the position ({dates[0]:%d %b %Y})"
    notes.doubt(first, None, None, f"{len(titled)} files of one plan are dated by their titles "
                                   f"({', '.join(f'{w:%d %b %Y}' for w in dates)}): the snapshot takes each file's "
                                   "date from its title (title_pattern)")
    return [], lines, dates[0].replace(day=1), f"check: the first of the month of the earliest position ({dates[0]:%d %b %Y})"


def _status_entry(status: list[tuple[Sheet, Column]]) -> str:
    """The stated-status part of an undated progress column's snapshot entry: the status header as
    written (``status: "Status"``), or, when the files head it with different dates ("Status at
    30/09/26", "Status at 31/12/26"), a ``status_pattern`` capturing the date, so every file's
    status column is found and paired with the snapshot of its date."""
    if not status:
        return ""
    headers = list(dict.fromkeys(c.header for _, c in status))
    templates = list(dict.fromkeys(c.template for _, c in status if c.date))
    if len(templates) == 1 and all(c.date for _, c in status):
        return f", status_pattern: {quote_pattern(date_pattern(templates[0]))}"
    return f", status: {quote(headers[0])}"


def split_lines(sheets: list[Sheet], columns: dict[str, list[Column]], snapshots: list[str], notes: Notes) -> list[str]:
    if "split" not in columns:
        return []
    col = columns["split"][0]
    sheet = sheets[0]
    progress = [c for c in sheet.columns if c.key == "progress" and c.date]
    after = [snapshot_name(c.date) for c in sorted(progress, key=lambda c: c.date) if c.index > col.index]
    cells = [t for _, t in sheet.cells("split")]
    suffixed = sum(1 for t in cells if split_owner(t)[1])
    owner_suffix = bool(cells) and suffixed >= 0.3 * len(cells)
    notes.doubt(sheet, sheet.header_index + 1, column_letter(col.index),
                f"'{col.header}' is read as a second action on the same row, from the {col.assessment} assessment, "
                f"with the updates of {', '.join(after) or 'no snapshot'} (the progress columns to its right)")
    return ["split:" + comment_suffix("check: a second, linked action written on the same row"),
            f"  column: {quote(col.header)}",
            f"  assessment: {quote(col.assessment)}",
            f"  snapshots: [{', '.join(quote(n) for n in after)}]",
            noted(f"  owner_suffix: {'true' if owner_suffix else 'false'}",
                  f"{suffixed} of {len(cells)} cells end with an owner (' - HoF')")]


def date_pattern(template: tuple[str, str]) -> str:
    """``^\\s*Progress\\s+at\\s+(?P<date>.+?)\\s*$`` for the header "Progress at 30/09/24"."""
    def words(text: str) -> str:
        return r"\s+".join(re.escape(w) for w in text.split())
    before, after = template
    head = words(before)
    tail = words(after)
    # after a word a space must come; after a bracket or dash none need: "Status (31 Dec 2025)"
    gap_before = r"\s+" if before.strip()[-1:].isalnum() else r"\s*"
    gap_after = r"\s+" if after.strip()[:1].isalnum() else r"\s*"
    return (r"^\s*" + (head + gap_before if head else "") + "(?P<date>.+?)" + (gap_after + tail if tail else "")
            + r"\s*$")

