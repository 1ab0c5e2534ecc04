"""A drafted layout's status words and priorities: ``reportlib layout draft``, part four.

Every stated word found in the status columns is mapped to the nearest shared status
(``rules/stated_status.yaml``, with the flags of ``rules/stated_flags.yaml``): the shared
list's own word is sure; a word holding a shared word, written like one, or near in meaning
("Overdue": in progress, behind), or a code a key row of the plan explains ("G = implemented"),
is drafted and marked ``# check``; RAG colours and words near nothing are left out (they go to
review), and said so.

A status column holding only RAG colours or letters (G, A, R, B, Green, Amber/Red) that no key
explains is a RAG rating, how an action is judged, not where it stands: a layout has no place
for one, so ``rag_columns`` takes it out of the status columns and ``rag_lines`` says so.

Priorities other than High / Medium / Low (P1, "Priority 1", "1 - High", Essential / Important /
Merits attention, Fundamental / Significant ...) are each given the canonical priority they are
nearest to (``priority_lines``, the layout's ``priority_words``), marked to check; one near none
is left out for a person to fill in."""
from __future__ import annotations

import difflib
import re
from functools import lru_cache
from pathlib import Path

from reportlib.core import safeyaml
from reportlib.ingest.dates import cell_text
from reportlib.ingest.draft_headers import Sheet
from reportlib.ingest.draft_text import Notes, comment_suffix, noted, quote, short
from reportlib.ingest.layouts import word_key
from reportlib.ingest.sources import column_letter
from reportlib.model.vocab import PRIORITIES

RULES_DIR = Path(__file__).resolve().parents[1] / "rules"
#: Stated words the shared list lacks, with the status and flag they are nearest to (always checked).
_NEAR = {"overdue": ("in_progress", "behind"), "late": ("in_progress", "behind"), "behind": ("in_progress", "behind"),
         "open": ("in_progress", None), "outstanding": ("in_progress", None), "part implemented": ("in_progress", None),
         "partially": ("in_progress", None), "not implemented": ("planned", None)}
_RAG = {"red", "amber", "green", "r", "a", "g", "amber red", "red amber", "amber green", "green amber", "blue"}
_NEGATION = ("not ", "no ", "non ")
#: The words of a RAG rating: colours and their letters ("G/A", "Amber/Red", "B" for blue, complete).
RAG_TOKENS = frozenset({"r", "a", "g", "b", "red", "amber", "green", "blue"})


def is_rag(value) -> bool:
    """Only RAG colours or their letters: "G", "Amber", "G/A", "Amber-Red", "B"."""
    words = word_key(value).split()
    return bool(words) and all(w in RAG_TOKENS for w in words)


def _values(sheet: Sheet, col) -> list[tuple[int, str]]:
    return [(n, cell_text(r[col.index])) for n, r in sheet.items if col.index < len(r) and cell_text(r[col.index])]


def rag_columns(sheets: list[Sheet], meanings: dict) -> list[tuple[Sheet, object, list[str]]]:
    """Status columns holding only RAG colours no key explains: each is set apart (its key becomes
    "rag") and returned as (sheet, column, the codes found), so it is never read as a stated status."""
    found = []
    for sheet in sheets:
        for col in (c for c in sheet.columns if c.key == "status"):
            values = [t for _, t in _values(sheet, col) if word_key(t) not in ("", "n a")]  # "-", "n/a": no rating
            if values and all(is_rag(v) for v in values) and not all(word_key(v) in meanings for v in values):
                col.key = "rag"
                found.append((sheet, col, list(dict.fromkeys(values))))
    return found


def rag_lines(rags, notes: Notes) -> list[str]:
    lines = []
    for sheet, col, codes in rags:
        letter = column_letter(col.index)
        shown = ", ".join(codes[:6]) + (" …" if len(codes) > 6 else "")
        lines.append(noted(f"# RAG rating: column {letter} '{short(col.header)}' ({shown}), not read",
                           "check: only colours, how each action is judged, not where it stands; a layout has no "
                           "RAG column, so it is left out and each status is read from the progress text"))
        notes.doubt(sheet, sheet.header_index + 1, letter,
                    f"the column '{col.header}' holds only RAG colours ({shown}): a RAG rating, not a stated status, "
                    "so it is left out (a layout has no RAG column) and each update's status is read from its "
                    "progress text; if the colours mean statuses, a key row saying so ('G = implemented') or "
                    "status words for them would make it the status column")
    return lines


def word_lines(sheets: list[Sheet], notes: Notes, meanings: dict | None = None) -> list[str]:
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
    meanings = meanings or {}
    explained = set()
    for key, (word, count, sheet, number, letter) in words.items():
        where = f"{count} cell{'s' if count > 1 else ''}, first {letter}{sheet.row(number)}"
        if key in meanings:  # a key row of the plan says what this code means
            meaning = meanings[key]
            value = meaning.status if meaning.flag is None else f"{{status: {meaning.status}, flag: {meaning.flag}}}"
            lines.append(noted(f"  {quote(word)}: {value}", f"check: the key at row {meaning.sheet.row(meaning.row)} says "
                               f"'{meaning.code} = {short(meaning.words, 30)}' ({where})"))
            explained.add((meaning.sheet.file, meaning.sheet.name, meaning.row, meaning.text))
            continue
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
    for file, name, row, text in sorted(explained):
        sheet = next(s for s in sheets if (s.file, s.name) == (file, name))
        codes = [m.code for m in meanings.values() if (m.sheet.file, m.sheet.name, m.row) == (file, name, row)]
        notes.doubt(sheet, row, None, f"the key '{short(text, 80)}' gives the status words "
                                      f"{', '.join(codes)}: each is drafted as the status its words are nearest to")
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


# -- priorities -----------------------------------------------------------------------------------

#: What the loader reads as a priority without help (``ingest.rows``): High / Medium / Low, H / M / L.
CANONICAL_PRIORITIES = PRIORITIES
_READ_AS_IS = {"high", "h", "medium", "med", "m", "low", "l"}
#: Words councils grade recommendations with, by the canonical priority they are nearest to.
_PRIORITY_WORDS = (
    ("High", ("high", "essential", "fundamental", "critical", "major", "urgent", "severe", "red")),
    ("Medium", ("medium", "important", "significant", "moderate", "amber")),
    ("Low", ("low", "merits attention", "minor", "housekeeping", "advisory", "good practice", "best practice",
             "desirable", "green")),
)
_NUMBER = re.compile(r"\d+")


def _priority_meaning(key: str, levels: list[int]) -> tuple[str | None, str]:
    """(canonical priority, why) for one value (as ``word_key``); ``levels``: the numbers the column uses."""
    words = key.split()
    for canonical, names in _PRIORITY_WORDS:
        name = next((n for n in names if contains(words, n.split())), None)
        if name:
            return canonical, f"it says '{name}'"
    number = _NUMBER.search(key)
    if number and int(number.group(0)) in levels:
        rank = levels.index(int(number.group(0)))
        canonical = CANONICAL_PRIORITIES[min(rank, 2)]
        return canonical, f"level {rank + 1} of the {len(levels)} numbered levels the column uses, 1 the highest"
    return None, "no canonical priority is near it"


def priority_lines(sheets: list[Sheet], columns: dict, notes: Notes) -> list[str]:
    """``priority_words`` for the priorities the loader does not read as High / Medium / Low, each
    mapped to the one it is nearest to and marked to check; one near none is left commented out."""
    values: dict[str, list] = {}
    for sheet in sheets:
        for col in (c for c in sheet.columns if c.key == "priority" and c in columns.get("priority", ())):
            for number, text in _values(sheet, col):
                values.setdefault(word_key(text), [text, 0, sheet, number, column_letter(col.index)])[1] += 1
    unread = {k: v for k, v in values.items() if k not in _READ_AS_IS}
    if not unread:
        return []
    levels = sorted({int(m.group(0)) for k in unread for m in [_NUMBER.search(k)] if m})
    mapped = []
    for key, (text, count, sheet, number, letter) in unread.items():
        where = f"{count} cell{'s' if count > 1 else ''}, first {letter}{sheet.row(number)}"
        canonical, why = _priority_meaning(key, levels)
        if canonical is None:
            mapped.append(f"  # {quote(text)}: PRIORITY   # check: {why}; left out, kept as written ({where})")
            notes.doubt(sheet, number, letter, f"the priority '{text}' is not High, Medium or Low and {why}: "
                        "left out of priority_words, so it is kept as written and counted under none of them")
            continue
        mapped.append(noted(f"  {quote(text)}: {canonical}", f"check: {why} ({where})"))
        notes.doubt(sheet, number, letter, f"the priority '{text}' is not High, Medium or Low: drafted as "
                    f"{canonical} ({why})")
    header = "priority_words:" if any(not line.lstrip().startswith("#") for line in mapped) else "# priority_words:"
    return [noted(header, "check: the plan's priorities that are not High, Medium or Low, each with the one "
                  "it is nearest to")] + mapped
