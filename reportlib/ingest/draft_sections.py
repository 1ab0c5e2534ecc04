"""A drafted layout's section rows: ``reportlib layout draft``, part three.

Rows holding one cell (merged across or not) are never actions: Theme / KLOE headings of a
Use of Resources plan (the patterns the shipped layouts use), other headings (an audit
report's name: the plan's ``group``, with a pattern drafted from them by ``heading_pattern``)
and notes or keys ("Priority key: ...")."""
from __future__ import annotations

import re

from reportlib.ingest.dates import cell_text
from reportlib.ingest.draft_headers import Sheet
from reportlib.ingest.draft_keys import is_key
from reportlib.ingest.draft_text import Notes, comment_suffix, noted, quote, quote_pattern, rows_note, short

#: Section rows. The Use of Resources ones are those the shipped layouts use.
THEME_PATTERN = r"^\s*theme\s*[1-3]\b"
KLOE_PATTERN = r"\bkloe\b"
FOOTNOTE_PATTERN = (r"^\s*(?:\*|notes?\b|key\b|source\b|n\.?b\.?\b|"
                    r"(?:priority|rag|risk|status|assurance|rating)\s+(?:key|ratings?|levels?|definitions?)\b)")
_FOOTNOTE = re.compile(FOOTNOTE_PATTERN, re.IGNORECASE)


def section_lines(sheets: list[Sheet], notes: Notes) -> list[str]:
    _key_like_items(sheets, notes)
    rows = [(s, n, c, t) for s in sheets for n, c, t in s.sections]
    if not rows:
        return []
    themes = [(s, n, t) for s, n, c, t in rows if re.search(THEME_PATTERN, t, re.I)]
    kloes = [(s, n, t) for s, n, c, t in rows if not re.search(THEME_PATTERN, t, re.I)
             and re.search(KLOE_PATTERN, t, re.I)]
    keys = [(s, n, t) for s, n, c, t in rows
            if (_FOOTNOTE.search(t) or is_key(t) or is_sentence(t)) and (s, n, t) not in themes + kloes]
    headings = [(s, n, t) for s, n, c, t in rows if (s, n, t) not in themes + kloes + keys]
    lines = ["sections:" + comment_suffix("rows holding one cell (merged across or not): never actions")]
    if themes:
        lines.append(noted(f"  theme: {quote_pattern(THEME_PATTERN)}", rows_note(themes)))
    if kloes:
        lines.append(noted(f"  kloe: {quote_pattern(KLOE_PATTERN)}", rows_note(kloes)))
    if headings:
        texts = list(dict.fromkeys(t for _, _, t in headings))
        lead = shared_lead(texts)
        pattern, sure = heading_pattern(texts) if lead is None else (lead_pattern(lead), True)
        lines.append(noted(f"  group: {quote_pattern(pattern)}", rows_note(headings) + ": each names the group of the "
                           "rows below it" + ("" if sure else "; check")))
        if not sure:
            s, n, _ = headings[0]
            notes.doubt(s, n, "A", "the headings share no first word, so each is listed as written: a new heading "
                                   "in another quarter would be read as an action")
    if keys:
        lines.append(f"  # {rows_note(keys)}: notes or keys, read as notes (a not_an_action finding each), "
                     "never as actions")
        for s, n, t in keys:
            if (s, n, t) in themes + kloes:
                continue
            what = "a key" if is_key(t) else "a note"
            notes.doubt(s, n, "A", f"the row '{short(t, 60)}' is read as {what}, not as a heading of the rows below "
                                   "it nor as an action; if it heads them, add it to the 'group' pattern")
    if headings:
        label = _label(lead) if lead else "Audit report"
        why = f"the words every heading begins with ('{lead}')" if lead else "what a heading row names"
        lines.append(noted(f"group_label: {quote(label) if ':' in label or '#' in label else label}",
                           f"check: {why}, in reports"))
    return lines


def _key_like_items(sheets: list[Sheet], notes: Notes) -> None:
    """Rows of several cells that look like a note or key: the loader reads them as actions, so say so."""
    for sheet in sheets:
        rows = [(n, next((cell_text(v) for v in r if cell_text(v)), "")) for n, r in sheet.items]
        flagged = [(n, first) for n, first in rows if _FOOTNOTE.search(first)] + sheet.keys
        for number, first in sorted(flagged):
            notes.doubt(sheet, number, None, f"the row beginning '{short(first)}' looks like a note or key "
                                             "but has more than one cell, so it is read as an action")


def is_sentence(text: str) -> bool:
    """A row written as a sentence ("Recommendations closed at the previous committee have been
    removed from this tracker."): a note, never a heading (headings are a few words, no full stop)."""
    words = text.split()
    return (text.rstrip().endswith(".") and len(words) >= 6) or len(words) > 14


#: Where a heading's shared lead ends and its name begins: "Audit report: Payroll", "Audit - Payroll".
_LEAD_END = re.compile(r"\s*(?::|\s[-–—]|–|—)\s*")


def shared_lead(texts: list[str]) -> str | None:
    """The words every heading begins with, up to a colon or dash ("Audit report" for "Audit report:
    Payroll 2024/25" and "Audit report: Fleet 2025/26"), when each has a name after it; else None."""
    if len(texts) < 2:
        return None
    leads = set()
    for text in texts:
        end = _LEAD_END.search(text)
        if end is None or end.start() == 0 or not text[end.end():].strip():
            return None
        leads.add(" ".join(text[:end.start()].split()).lower())
    if len(leads) != 1:
        return None
    lead = " ".join(texts[0][:_LEAD_END.search(texts[0]).start()].split())
    return lead if re.search(r"[A-Za-z]{2}", lead) and len(lead.split()) <= 4 and not _FOOTNOTE.search(lead) else None


def lead_pattern(lead: str) -> str:
    r"""``^\s*Audit\s+report\s*[:–—-]\s*(?P<group>.+?)\s*$``: a heading's name, without its lead."""
    words = r"\s+".join(re.escape(w) for w in lead.split())
    return r"^\s*" + words + r"\s*[:\-–—]\s*(?P<group>.+?)\s*$"


def _label(lead: str) -> str:
    """The lead as a label: "Audit report" for "AUDIT REPORT" or "audit report"."""
    return lead if not (lead.isupper() or lead.islower()) else lead.capitalize()


def heading_pattern(texts: list[str]) -> tuple[str, bool]:
    firsts = {re.match(r"\s*([A-Za-z]+)", t).group(1).lower() if re.match(r"\s*([A-Za-z]+)", t) else "" for t in texts}
    if len(firsts) == 1 and len(next(iter(firsts))) >= 2:
        word = next(iter(firsts))
        if not _FOOTNOTE.search(word):
            return r"^\s*" + word.capitalize() + r"\b", True
    return r"^\s*(?:" + "|".join(r"\s+".join(re.escape(w) for w in t.split()) for t in texts) + r")\s*$", False

