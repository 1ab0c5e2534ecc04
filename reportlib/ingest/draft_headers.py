"""A drafted layout's header row and columns: ``reportlib layout draft``, part one.

``read_sheet`` finds the header row of a sheet (the row among the first ones whose cells
match most of ``VOCABULARY``, the headings councils use) and sorts the rows below it into
item rows and section rows (one filled cell). ``classify_header`` says what one header cell
holds; ``column_map`` and ``column_lines`` draft the layout's ``columns`` from the sheets,
with a doubt for each header matched only loosely or not at all."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from reportlib.ingest.dates import cell_text, parse_target, snapshot_target
from reportlib.ingest.draft_text import Notes, noted, quote, short
from reportlib.ingest.layouts import word_key
from reportlib.ingest.rows import split_owner
from reportlib.ingest.sources import column_letter

HEADER_SEARCH_ROWS = 30

#: The headings councils use, by the canonical column they hold. Each pattern is matched
#: against the heading reduced to letters and digits ("Rec. No." -> "recno"), so spacing,
#: case and punctuation never matter. Order matters: the first key that matches wins.
VOCABULARY: tuple[tuple[str, str], ...] = (
    ("revised_target", r"(revised|new|amended|extended)((target|due|implementation|completion)(date|deadline)?"
                       r"|date|deadline)s?"),
    ("target", r"(original|agreed|initial)?(target|due|implementation|completion|deadline)(date)?s?"
               r"|dateddue|duedate|dueby|bywhen|timescales?|agreedtimescales?|targetdateforimplementation"),
    ("ref", r"ref|refs|reference|refno|no|number|item|itemno|rec|recno|recref|recommendationno|recommendationnumber"
            r"|recommendationref|id|actionno|actionref"),
    ("recommendation", r"recommendations?|issues?|findings?|issueidentified|weakness(es)?identified"
                       r"|auditrecommendations?|observations?|areaforimprovement"),
    ("action", r"actions?|agreedactions?|management(responses?|actions?|comments?)|agreedmanagementactions?"
               r"|actionagreed|proposedactions?|actionstobetaken|response|whatwewilldo|whatwillbedone|ourresponse"),
    ("owner", r"responsible(officer|officers|person|manager|owner)|lead|leadofficer|owner|actionowner"
              r"|officerresponsible|responsibility|accountableofficer|officers?|leadofficers?|responsibleofficers?"),
    ("priority", r"priority|priorityrating|riskrating|risk|rating|grade|risklevel|category"),
    ("kloe", r"kloe|kloes|keylineofenquiry"),
    ("details", r"implementationdetails|details|furtherdetails"),
    ("status", r"status|rag|ragstatus|ragrating|currentstatus|progressstatus|implementationstatus"),
    ("progress", r"progress|updates?|progressupdate|latestupdate|latestposition|position|currentposition"
                 r"|progresstodate|comments?|commentary|progresscomments?|managementupdate|officerupdate"
                 # a progress column that gives a RAG too ("Progress / RAG", "Update and RAG status"): its
                 # text is the update, the status read from it
                 r"|(progress|updates?|progressupdate|latestupdate|comments?)(and)?rag(status|rating)?"
                 r"|rag(status|rating)?(and)?(progress|updates?|comments?)"),
)
_VOCAB = tuple((key, re.compile(f"(?:{pattern})")) for key, pattern in VOCABULARY)
#: Headings matched only by a looser word: drafted, and marked for a person to check.
_LOOSE = {"risk", "rating", "grade", "category", "response", "item", "id", "lead",
          "responsibility", "comments", "comment", "commentary", "position"}
_SPLIT = re.compile(r"\b(?:actions?|recommendations?)(?:\s+plan)?\s+(?:from|for)\s+(?:the\s+)?((?:19|20)\d\d)"
                    r"\s+assessment\b", re.IGNORECASE)
DATE_SPAN = re.compile(
    r"\d{4}-\d{2}-\d{2}|\d{1,2}[/.]\d{1,2}[/.]\d{2,4}|\d{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]{3,9}\.?,?\s+\d{2,4}"
    r"|[A-Za-z]{3,9}\.?\s+\d{4}|[A-Za-z]{3}-\d{2}\b|Q[1-4]\s*\d{4}/\d{2,4}", re.IGNORECASE)
_CONNECTORS = {"at", "as", "of", "on", "to", "for", "by", "the", "in"}
_GROUP_WORDS = re.compile(r"\b(audit|report|review|area|service|directorate|department|assurance)\b", re.I)


@dataclass
class Column:
    index: int
    header: str
    key: str | None  # canonical name, "progress", "status", "split", "rag" (colours only), or None (matched nothing)
    date: dt.date | None = None  # dated progress or status columns
    template: tuple[str, str] | None = None  # (before, after) the date in the header
    loose: bool = False
    assessment: str | None = None  # split columns: the later assessment's year


@dataclass
class Sheet:
    file: str
    name: str
    rows: list[list]
    header_index: int
    columns: list[Column]
    title: str
    sections: list[tuple[int, int, str]] = field(default_factory=list)  # (row number, column, text)
    items: list[tuple[int, list]] = field(default_factory=list)  # (row number, row)
    #: rows of several cells that are a key ("Key | G = implemented | A = ..."): not plan rows, though the
    #: loader reads them as such (row number, text)
    keys: list[tuple[int, str]] = field(default_factory=list)
    #: a committee paper: its opening text (where it names the council and the date of its position),
    #: and where each row of the grid comes from, (table or page, row within it or None for the text
    #: above), so that the draft names rows as the loader's findings do ("table 1", row 3)
    opening: str = ""
    origins: list[tuple[str, int | None]] | None = None

    def at(self, number: int | None) -> tuple[str, int | None]:
        """(sheet, row) as the loader names row ``number`` (1-based in the grid): a paper's table and
        the row within it (None for a line of text above the table)."""
        if number is None or not self.origins or not 1 <= number <= len(self.origins):
            return self.name, number
        return self.origins[number - 1]

    def row(self, number: int | None) -> int | None:
        return self.at(number)[1]

    def column(self, key: str) -> Column | None:
        return next((c for c in self.columns if c.key == key), None)

    def cells(self, key: str) -> list[tuple[int, str]]:
        col = self.column(key)
        if col is None:
            return []
        return [(n, cell_text(r[col.index])) for n, r in self.items if col.index < len(r) and cell_text(r[col.index])]


def compact(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.lower())


#: Words that may stand before a heading without changing what it holds ("Auditor's
#: recommendation", "Council response"): a heading matched only without them is marked to check.
_QUALIFIER = re.compile(r"^(?:auditors?|audit|the|our|external|internal|councils?|managements?|agreed|key|main)+")


def _vocabulary_key(words: str, *, qualified: bool = True) -> tuple[str | None, bool]:
    squeezed = compact(words)
    for key, pattern in _VOCAB:
        if pattern.fullmatch(squeezed):
            return key, squeezed in _LOOSE
    if not qualified:
        return None, False
    # the same words with a note in brackets left out, or a qualifier before them: matched, to check
    bare = compact(re.sub(r"\([^)]*\)", " ", words))
    for candidate in dict.fromkeys([bare, _QUALIFIER.sub("", bare), _QUALIFIER.sub("", squeezed)]):
        if candidate and candidate != squeezed:
            for key, pattern in _VOCAB:
                if pattern.fullmatch(candidate):
                    return key, True
    return None, False


def _strip_connectors(text: str) -> str:
    words = re.sub(r"[^0-9A-Za-z]+", " ", text).split()
    while words and words[-1].lower() in _CONNECTORS:
        words.pop()
    while words and words[0].lower() in _CONNECTORS:
        words.pop(0)
    return " ".join(words)


def classify_header(text: str, index: int = 0) -> Column:
    """What one header cell holds: a canonical column, a (dated) progress or status column,
    a second action from a later assessment (``split``), or nothing known."""
    split = _SPLIT.search(text)
    if split:
        return Column(index, text, "split", assessment=split.group(1))
    key, loose = _vocabulary_key(text, qualified=False)
    if key is not None:
        return Column(index, text, key, loose=loose)
    for span in DATE_SPAN.finditer(text):
        read = snapshot_target(span.group(0))
        if read.kind != "date":
            continue
        before, after = text[:span.start()], text[span.end():]
        key, loose = _vocabulary_key(_strip_connectors(before + " " + after))
        if key in ("progress", "status"):
            return Column(index, text, key, read.date, (before, after), loose)
    key, loose = _vocabulary_key(text)  # a qualifier before the words, or a note in brackets after them
    return Column(index, text, key, loose=loose)


def _header_row(rows: list[list]) -> tuple[int, list[Column]] | None:
    best = None
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns = [classify_header(cell_text(v), c) for c, v in enumerate(row) if cell_text(v)]
        keys = {c.key for c in columns if c.key}
        if not ({"recommendation", "action", "split"} & keys) or len(keys) < 2:
            continue
        if best is None or len(keys) > best[0]:
            best = (len(keys), index, columns)
    return None if best is None else (best[1], best[2])


def read_sheet(file: str, name: str, rows: list[list], heading: str) -> Sheet | None:
    found = _header_row(rows)
    if found is None:
        return None
    index, columns = found
    title = " ".join(t for t in [heading] + [cell_text(v) for r in rows[:index] for v in r] if t)
    sheet = Sheet(file, name, rows, index, columns, title)
    header_norm = [compact(cell_text(v)) for v in rows[index]]
    first = min(c.index for c in columns)
    for number, row in enumerate(rows[index + 1:], start=index + 2):
        filled = [(c, cell_text(v)) for c, v in enumerate(row) if cell_text(v)]
        if not filled:
            continue
        if sum(1 for c, text in filled if c < len(header_norm) and compact(text) == header_norm[c]) >= 2:
            continue  # the header repeated at a page break
        if len(filled) == 1 and filled[0][0] <= first:
            sheet.sections.append((number, filled[0][0], filled[0][1]))
            continue
        sheet.items.append((number, row))
    return sheet


def column_map(sheets: list[Sheet], notes: Notes) -> dict[str, list[Column]]:
    """Canonical name -> the columns holding it (one per sheet); unmatched headers are doubts."""
    found: dict[str, list[Column]] = {}
    for sheet in sheets:
        seen: dict[str, Column] = {}
        for col in sheet.columns:
            letter = column_letter(col.index)
            if col.key is None:
                hint = (" (it may name each row's audit report or area: if so, it is the plan's grouping, "
                        "columns: {group: ...}, with a group_label)") \
                    if _GROUP_WORDS.search(col.header) else ""
                notes.doubt(sheet, sheet.header_index + 1, letter,
                            f"the header '{col.header}' matches none of the columns a layout reads, so it is not "
                            f"read{hint}; if it holds one, name it under 'columns'")
                continue
            if col.key in ("progress", "status", "rag"):
                continue
            if col.key in seen:
                notes.doubt(sheet, sheet.header_index + 1, letter,
                            f"the header '{col.header}' reads as {col.key} too, like column "
                            f"{column_letter(seen[col.key].index)} ('{seen[col.key].header}'), which the draft "
                            "reads; this one is not read")
                continue
            seen[col.key] = col
            found.setdefault(col.key, []).append(col)
            if col.loose:
                notes.doubt(sheet, sheet.header_index + 1, letter,
                            f"the header '{col.header}' is read as the {col.key.replace('_', ' ')} column; check "
                            "it holds that")
    return found


def column_lines(sheets: list[Sheet], columns: dict[str, list[Column]], notes: Notes) -> list[str]:
    first = sheets[0]
    lines = ["columns:"]
    order = ("ref", "kloe", "recommendation", "priority", "action", "owner", "target", "revised_target", "details")
    for key in order:
        if key not in columns:
            continue
        headers = list(dict.fromkeys(c.header for c in columns[key]))
        value = quote(headers[0]) if len(headers) == 1 else "[" + ", ".join(quote(h) for h in headers) + "]"
        col = columns[key][0]
        note = f"column {column_letter(col.index)} '{short(col.header)}'" + (" (check)" if col.loose else "")
        lines.append(noted(f"  {key}: {value}", note))
    _target_in_progress(sheets, columns, lines, notes)
    required = [k for k in ("ref", "recommendation", "action") if k in columns]
    lines.append(noted(f"required: [{', '.join(required)}]", "a sheet missing one of these headers is an error"))
    if "owner" not in columns:
        suffixed = [(n, t) for n, t in first.cells("action") if split_owner(t)[1]]
        items = len(first.cells("action"))
        if items and len(suffixed) >= 0.3 * items:
            lines.append(noted("owner_suffix: [action]",
                               f"check: {len(suffixed)} of {items} actions end with an owner ('{short(suffixed[0][1][-30:])}')"))
            notes.doubt(first, suffixed[0][0], None, "no owner column: owners are read from the end of the "
                                                    "action text (' - HoF')")
        else:
            notes.doubt(first, first.header_index + 1, None, "no owner column was found: owners are left empty")
    return lines


def _target_in_progress(sheets, columns, lines, notes):
    """No target column: a progress column whose cells are mostly dates holds the targets (WDC's
    "December 2009 Position": "March 2010 and ongoing", "Nov/Dev 2009")."""
    if "target" in columns:
        return
    sheet = sheets[0]
    progress = sorted((c for c in sheet.columns if c.key == "progress"), key=lambda c: (c.date or dt.date.max))
    for col in progress[:1]:
        cells = [(n, cell_text(r[col.index])) for n, r in sheet.items if col.index < len(r) and cell_text(r[col.index])]
        dated = [t for _, t in cells if parse_target(t).date is not None or word_key(t) in ("ongoing", "on going")]
        if cells and len(dated) >= 0.6 * len(cells):
            lines.append(noted(f"  target: {quote(col.header)}",
                               f"check: {len(dated)} of {len(cells)} cells of this progress column read as "
                               f"targets ('{short(dated[0])}')"))
            columns["target"] = [col]
            notes.doubt(sheet, sheet.header_index + 1, column_letter(col.index),
                        f"no target column: the progress column '{col.header}' is read as the targets too, since "
                        f"{len(dated)} of its {len(cells)} cells read as dates")
