"""A drafted layout's status words: ``reportlib layout draft``, part four.

Every stated word found in the status columns is mapped to the nearest shared status
(``rules/stated_status.yaml``, with the flags of ``rules/stated_flags.yaml``): the shared
list's own word is sure; a word holding a shared word, written like one, or near in meaning
("Overdue": in progress, behind) is drafted and marked ``# check``; RAG colours and words near
nothing are left out (they go to review), and said so."""
from __future__ import annotations

import difflib
from functools import lru_cache
from pathlib import Path

from reportlib.core import safeyaml
from reportlib.ingest.dates import cell_text
from reportlib.ingest.draft_headers import Sheet
from reportlib.ingest.draft_text import Notes, comment_suffix, noted, quote
from reportlib.ingest.layouts import word_key
from reportlib.ingest.sources import column_letter

RULES_DIR = Path(__file__).resolve().parents[1] / "rules"
#: Stated words the shared list lacks, with the status and flag they are nearest to (always checked).
_NEAR = {"overdue": ("in_progress", "behind"), "late": ("in_progress", "behind"), "behind": ("in_progress", "behind"),
         "open": ("in_progress", None), "outstanding": ("in_progress", None), "part implemented": ("in_progress", None),
         "partially": ("in_progress", None), "not implemented": ("planned", None)}
_RAG = {"red", "amber", "green", "r", "a", "g", "amber red", "red amber", "amber green", "green amber", "blue"}
_NEGATION = ("not ", "no ", "non ")


def word_lines(sheets: list[Sheet], notes: Notes) -> list[str]:
    words: dict[str, list] = {}
    for sheet in sheets:
        for col in (c for c in sheet.columns if c.key == "status"):
            for number, row in sheet.items:
                text = cell_text(row[col.index]) if col.index < len(row) else ""
                if text:
                    words.setdefault(word_key(text), [text, 0, sheet, number, column_letter(col.index)])[1] += 1
    if not words:
        return []
    shared, flags = shared_words()
    lines = ["status_words:" + comment_suffix("every word found in the status column(s), read before the "
                                               "shared list")]
    for key, (word, count, sheet, number, letter) in words.items():
        where = f"{count} cell{'s' if count > 1 else ''}, first {letter}{number}"
        status, flag, why = nearest(key, shared, flags)
        if status is None:
            lines.append(f"  # {quote(word)}: STATUS   # check: {why}; left out, it goes to review ({where})")
            notes.doubt(sheet, number, letter, f"the status word '{word}': {why}; left out, so such updates go "
                                               "to review")
            continue
        value = status if flag is None else f"{{status: {status}, flag: {flag}}}"
        if why:
            lines.append(noted(f"  {quote(word)}: {value}", f"check: {why} ({where})"))
            notes.doubt(sheet, number, letter, f"the status word '{word}' is drafted as {status}"
                                               + (f", flagged {flag}" if flag else "") + f": {why}")
        else:
            lines.append(noted(f"  {quote(word)}: {value}", f"the shared list's word ({where})"))
    return lines


@lru_cache(maxsize=1)
def shared_words() -> tuple[dict[str, str], dict[str, str]]:
    """The shared stated-status list (word -> status) and its flags (word -> flag)."""
    statuses = safeyaml.load((RULES_DIR / "stated_status.yaml").read_bytes(), source="stated_status.yaml") or {}
    flags = safeyaml.load((RULES_DIR / "stated_flags.yaml").read_bytes(), source="stated_flags.yaml") or {}
    return ({word_key(w): status for status, words in statuses.items() for w in words or ()},
            {word_key(w): flag for flag, words in flags.items() for w in words or ()})


def nearest(key: str, shared: dict[str, str], flags: dict[str, str]) -> tuple[str | None, str | None, str]:
    """(status, flag, why it is unsure: "" when it is the shared list's own word)."""
    if key in shared:
        return shared[key], flags.get(key), ""
    if key in _RAG:
        return None, None, "a RAG colour says how an action is judged, not where it stands"
    if key in _NEAR:
        status, flag = _NEAR[key]
        return status, flag, "not in the shared list; nearest in meaning"
    negated = key.startswith(_NEGATION)
    candidates = {w: s for w, s in shared.items() if w.startswith(_NEGATION) == negated}
    words = key.split()
    inside = [w for w in candidates if contains(words, w.split())]
    flag = next((f for w, f in flags.items() if contains(words, w.split())), None)
    if not negated:
        flag = flag or next((f for w, (_, f) in _NEAR.items() if f and contains(words, w.split())), None)
    if inside:
        best = max(inside, key=len)
        return candidates[best], flag, f"not in the shared list; it holds the shared word '{best}'"
    close = difflib.get_close_matches(key, list(candidates), n=1, cutoff=0.8)
    if close:
        return candidates[close[0]], flags.get(close[0]), f"not in the shared list; written like '{close[0]}'"
    near = next((w for w in _NEAR if contains(words, w.split())), None)
    if near and not negated:
        status, near_flag = _NEAR[near]
        return status, near_flag, f"not in the shared list; it holds '{near}'"
    return None, None, "no shared status is near it"


def contains(words: list[str], part: list[str]) -> bool:
    return any(words[i:i + len(part)] == part for i in range(len(words) - len(part) + 1))
