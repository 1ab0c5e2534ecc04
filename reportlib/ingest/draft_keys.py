"""Key and legend rows of a plan: ``reportlib layout draft``, what the plan says its codes mean.

A key ("Key: G = implemented, A = in progress, R = not started", "Legend: ...", one row per
colour "Green = Implemented", or one cell per colour below the plan) is never a heading nor an
action. When it says what RAG colours or letters mean in words of status, those meanings are
the status words of a column holding those codes (drafted, and marked for a person to check).
Keys are looked for in the title rows above the header, in rows of one cell, and in rows of
several cells (which the loader reads as rows of the plan: the draft says so)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from reportlib.ingest.dates import cell_text
from reportlib.ingest.draft_headers import Sheet
from reportlib.ingest.draft_words import is_rag, nearest, shared_words
from reportlib.ingest.layouts import word_key

#: "Key:", "Colour key -", "RAG key", "Legend", "Key to status:" at the start of a row.
_KEY_START = re.compile(r"^\s*(?:(?:status|rag|colour|color|progress|priority|risk|rating)\s+)?(?:key|legend)\b"
                        r"(?:\s+to\s+[^:=]+:|\s*[:\-–—]?)\s*", re.IGNORECASE)
#: One code and its meaning: "G = implemented", "Amber - in progress", "G/A: on track".
_PAIR = re.compile(r"^\s*([A-Za-z]{1,6}(?:\s*/\s*[A-Za-z]{1,6})?)\s*(?:=|:|-|–|—)\s*(\S.*?)\s*\.?\s*$")
#: A code defined with an equals sign ("Key = key recommendation"): two of them make a legend.
_DEFINED = re.compile(r"\w\s*=\s*\w")
_PIECES = re.compile(r"\s*(?:[,;|\n]|\s/\s)\s*")


@dataclass(frozen=True)
class Meaning:
    """What a key row says one code means: ``status`` (and ``flag``) are the nearest shared status."""

    code: str
    words: str
    status: str
    flag: str | None
    sheet: Sheet
    row: int
    text: str  # the key row, as written


def key_pairs(text: str) -> list[tuple[str, str]]:
    """The (RAG code, meaning) pairs a key row's text gives, in order."""
    body = _KEY_START.sub("", text, count=1)
    pairs = []
    for piece in _PIECES.split(body):
        match = _PAIR.match(piece)
        if match and is_rag(match.group(1)):
            pairs.append((match.group(1).strip(), match.group(2).strip()))
    return pairs


def is_key(text: str) -> bool:
    """A key or legend: begins "Key"/"Legend", or gives two codes' meanings, or one colour's meaning in
    words of status ("Green = Implemented"; never "A - Governance", a heading)."""
    if _KEY_START.match(text):
        return True
    if len(_DEFINED.findall(text)) >= 2:  # "Type: Key = key recommendation; Improvement = ...": a legend
        return True
    pairs = key_pairs(text)
    if len(pairs) >= 2:
        return True
    shared, flags = shared_words()
    return len(pairs) == 1 and nearest(word_key(pairs[0][1]), shared, flags)[0] is not None


def _row_text(row) -> str:
    return "; ".join(cell_text(v) for v in row if cell_text(v))


def key_rows(sheets: list[Sheet]) -> list[tuple[Sheet, int, str, str]]:
    """Every key row: (sheet, row number, text, where: "title", "section" or "item"). A key among the
    title rows is taken out of the sheet's title (the council, year and date are never read from it);
    a key of several cells is taken out of the sheet's items (into ``Sheet.keys``), so no column's
    values include it."""
    found = []
    for sheet in sheets:
        for index, row in enumerate(sheet.rows[:sheet.header_index]):
            text = _row_text(row)
            if text and is_key(text):  # a key, not the title: out of the text the title is read from
                found.append((sheet, index + 1, text, "title"))
                for cell in (cell_text(v) for v in row if cell_text(v)):
                    sheet.title = sheet.title.replace(cell, " ", 1)
                sheet.title = " ".join(sheet.title.split())
        for number, _, text in sheet.sections:
            if is_key(text):
                found.append((sheet, number, text, "section"))
        for number, row in list(sheet.items):  # a plan row may hold one "G - complete": two pairs, or "Key"
            text = _row_text(row)
            if _KEY_START.match(text) or len(key_pairs(text)) >= 2:
                found.append((sheet, number, text, "item"))
                sheet.items.remove((number, row))
                sheet.keys.append((number, text))
    return found


def meanings(keys) -> dict[str, Meaning]:
    """Code (as ``word_key``) -> what the first key giving it says, for meanings near a shared status."""
    shared, flags = shared_words()
    out: dict[str, Meaning] = {}
    for sheet, number, text, _ in keys:
        for code, words in key_pairs(text):
            status, flag, _ = nearest(word_key(words), shared, flags)
            if status is not None:
                out.setdefault(word_key(code), Meaning(code, words, status, flag, sheet, number, text))
    return out
