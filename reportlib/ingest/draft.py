"""A layout drafted from a council's own plan files: ``reportlib layout draft``.

``draft_layout(files)`` reads the files (workbooks, csv, committee papers; several quarters
of one plan together) and returns a ``Draft``: the text of a commented layout YAML that
reads them, what was found, and what the draft is unsure of, cell by cell (``doubts``).
Nothing is guessed in silence: every choice that is not a plain match of a heading people
use is marked ``# check`` (a person should look) or ``# fill in`` (the files do not say),
in the file and in ``doubts``.

What it looks for:

* the header row: the row among the first ones whose cells match most of ``VOCABULARY``,
  the headings councils use (Ref / Recommendation / Agreed action / Responsible officer /
  Priority / Target date / Revised target / Status / Progress ...). Sheets with no such
  row (a Summary, Notes) are ``skip_sheets``;
* progress and status columns: dated headers ("Progress at 30/09/24", "March 2010 update")
  become a ``column_pattern`` with a ``date`` group (fixed, dated snapshots when a ``split``
  names some of them), undated ones a fixed snapshot;
* section rows (one filled cell, or one cell merged across): Theme / KLOE headings of a Use
  of Resources plan, other headings (an audit report's name) and notes or keys ("Priority
  key: ..."), all under ``sections`` so that none is read as an action;
* the stated words of status columns, each mapped to the nearest shared status
  (``rules/stated_status.yaml``, with the flags of ``rules/stated_flags.yaml``);
* the council's name and code (title rows, the heading above a paper's table, other sheets),
  the assessment year and the reference date (the plan's first dated position).

``load_report(draft, plans)`` reads what loading the files with the written draft gave
(``reportlib.analysis.plans.inspect_plans``, which the caller runs: this module is below
analysis) and says what still needs a person. The module only reads; the command writes.
"""
from __future__ import annotations

import datetime as dt
import difflib
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from reportlib.core import safeyaml
from reportlib.errors import InputError, Location
from reportlib.ingest.dates import cell_text, parse_target, snapshot_target, target_in_prose
from reportlib.ingest.files import discover, open_source
from reportlib.ingest.layouts import word_key
from reportlib.ingest.rows import split_owner
from reportlib.ingest.snapdates import snapshot_name
from reportlib.ingest.sources import column_letter
from reportlib.model import kloe as kloe_mod
from reportlib.model.plans import Plans

RULES_DIR = Path(__file__).resolve().parents[1] / "rules"
HEADER_SEARCH_ROWS = 30

#: The headings councils use, by the canonical column they hold. Each pattern is matched
#: against the heading reduced to letters and digits ("Rec. No." -> "recno"), so spacing,
#: case and punctuation never matter. Order matters: the first key that matches wins.
VOCABULARY: tuple[tuple[str, str], ...] = (
    ("revised_target", r"(revised|new|amended|extended)(target|due|implementation|completion|deadline)?(date|deadline)s?"),
    ("target", r"(original|agreed|initial)?(target|due|implementation|completion|deadline)(date)?s?"
               r"|dateddue|duedate|dueby|bywhen|timescales?|agreedtimescales?|targetdateforimplementation"),
    ("ref", r"ref|refs|reference|refno|no|number|item|itemno|rec|recno|recref|recommendationno|recommendationnumber"
            r"|recommendationref|id|actionno|actionref"),
    ("recommendation", r"recommendations?|issues?|findings?|issueidentified|weakness(es)?identified"
                       r"|auditrecommendations?|observations?|areaforimprovement"),
    ("action", r"actions?|agreedactions?|management(responses?|actions?|comments?)|agreedmanagementactions?"
               r"|actionagreed|proposedactions?|actionstobetaken|response|whatwewilldo|whatwillbedone|ourresponse"),
    ("owner", r"responsible(officer|officers|person|manager|owner)|lead|leadofficer|owner|actionowner"
              r"|officerresponsible|responsibility|accountableofficer"),
    ("priority", r"priority|priorityrating|riskrating|risk|rating|grade|risklevel|category"),
    ("kloe", r"kloe|kloes|keylineofenquiry"),
    ("details", r"implementationdetails|details|furtherdetails"),
    ("status", r"status|rag|ragstatus|ragrating|currentstatus|progressstatus|implementationstatus"),
    ("progress", r"progress|updates?|progressupdate|latestupdate|latestposition|position|currentposition"
                 r"|progresstodate|comments?|commentary|progresscomments?|managementupdate|officerupdate"),
)
_VOCAB = tuple((key, re.compile(f"(?:{pattern})")) for key, pattern in VOCABULARY)
#: Headings matched only by a looser word: drafted, and marked for a person to check.
_LOOSE = {"risk", "rating", "grade", "category", "response", "item", "id", "lead",
          "responsibility", "comments", "comment", "commentary", "position"}
_SPLIT = re.compile(r"\b(?:actions?|recommendations?)(?:\s+plan)?\s+(?:from|for)\s+(?:the\s+)?((?:19|20)\d\d)"
                    r"\s+assessment\b", re.IGNORECASE)
_DATE_SPAN = re.compile(
    r"\d{4}-\d{2}-\d{2}|\d{1,2}[/.]\d{1,2}[/.]\d{2,4}|\d{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]{3,9}\.?,?\s+\d{2,4}"
    r"|[A-Za-z]{3,9}\.?\s+\d{4}|[A-Za-z]{3}-\d{2}\b|Q[1-4]\s*\d{4}/\d{2,4}", re.IGNORECASE)
_CONNECTORS = {"at", "as", "of", "on", "to", "for", "by", "the", "in"}
_GROUP_WORDS = re.compile(r"\b(audit|report|review|area|service|directorate|department|assurance)\b", re.I)

#: Section rows. The Use of Resources ones are those the shipped layouts use.
THEME_PATTERN = r"^\s*theme\s*[1-3]\b"
KLOE_PATTERN = r"\bkloe\b"
FOOTNOTE_PATTERN = (r"^\s*(?:\*|notes?\b|key\b|source\b|n\.?b\.?\b|"
                    r"(?:priority|rag|risk|status|assurance|rating)\s+(?:key|ratings?|levels?|definitions?)\b)")
_FOOTNOTE = re.compile(FOOTNOTE_PATTERN, re.IGNORECASE)

_COUNCIL = re.compile(r"((?:[A-Z][\w'&.-]*\s+){1,5})Council\b")
_NOT_NAME = {"The", "This", "A", "An", "Our", "Each", "Every", "Full", "Audit", "Appendix"}
_YEAR = re.compile(r"\b((?:19|20)\d\d)\b")
#: Stated words the shared list lacks, with the status and flag they are nearest to (always checked).
_NEAR = {"overdue": ("in_progress", "behind"), "late": ("in_progress", "behind"), "behind": ("in_progress", "behind"),
         "open": ("in_progress", None), "outstanding": ("in_progress", None), "part implemented": ("in_progress", None),
         "partially": ("in_progress", None), "not implemented": ("planned", None)}
_RAG = {"red", "amber", "green", "r", "a", "g", "amber red", "red amber", "amber green", "green amber", "blue"}
_NEGATION = ("not ", "no ", "non ")


@dataclass(frozen=True)
class Doubt:
    """Something the draft is unsure of, and where: a person checks it (``needs_person``: the
    files do not say, and the draft holds a placeholder to fill in)."""

    file: str
    sheet: str | None
    row: int | None
    column: str | None
    message: str
    needs_person: bool = False

    def place(self) -> str:
        parts = [self.file] + ([f"sheet '{self.sheet}'"] if self.sheet else []) + \
            ([f"row {self.row}"] if self.row else []) + ([f"column {self.column}"] if self.column else [])
        return ", ".join(parts)

    def __str__(self) -> str:
        return f"{self.place()}: {'fill in: ' if self.needs_person else 'check: '}{self.message}"


@dataclass
class Draft:
    """A drafted layout: ``text`` (the YAML, commented), what was ``found`` and the ``doubts``."""

    name: str
    files: list[Path]
    text: str
    found: list[str]
    doubts: list[Doubt]
    #: Heading rows that name a Use of Resources KLOE by their words: (file, sheet, row, text, KLOE code).


@dataclass
class LoadReport:
    """What loading the files with the draft gave: a one-line ``summary`` and what needs a person."""

    summary: str
    doubts: list[str]
    errors: int


# -- one sheet ------------------------------------------------------------------------------------

@dataclass
class _Column:
    index: int
    header: str
    key: str | None  # canonical name, "progress", "status", "split", or None (matched nothing)
    date: dt.date | None = None  # dated progress or status columns
    template: tuple[str, str] | None = None  # (before, after) the date in the header
    loose: bool = False
    assessment: str | None = None  # split columns: the later assessment's year


@dataclass
class _Sheet:
    file: str
    name: str
    rows: list[list]
    header_index: int
    columns: list[_Column]
    title: str
    sections: list[tuple[int, int, str]] = field(default_factory=list)  # (row number, column, text)
    items: list[tuple[int, list]] = field(default_factory=list)  # (row number, row)

    def column(self, key: str) -> _Column | None:
        return next((c for c in self.columns if c.key == key), None)

    def cells(self, key: str) -> list[tuple[int, str]]:
        col = self.column(key)
        if col is None:
            return []
        return [(n, cell_text(r[col.index])) for n, r in self.items if col.index < len(r) and cell_text(r[col.index])]


def _compact(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.lower())


#: Words that may stand before a heading without changing what it holds ("Auditor's
#: recommendation", "Council response"): a heading matched only without them is marked to check.
_QUALIFIER = re.compile(r"^(?:auditors?|audit|the|our|external|internal|councils?|managements?|agreed|key|main)+")


def _vocabulary_key(words: str, *, qualified: bool = True) -> tuple[str | None, bool]:
    compact = _compact(words)
    for key, pattern in _VOCAB:
        if pattern.fullmatch(compact):
            return key, compact in _LOOSE
    if not qualified:
        return None, False
    # the same words with a note in brackets left out, or a qualifier before them: matched, to check
    bare = _compact(re.sub(r"\([^)]*\)", " ", words))
    for candidate in dict.fromkeys([bare, _QUALIFIER.sub("", bare), _QUALIFIER.sub("", compact)]):
        if candidate and candidate != compact:
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


def classify_header(text: str, index: int = 0) -> _Column:
    """What one header cell holds: a canonical column, a (dated) progress or status column,
    a second action from a later assessment (``split``), or nothing known."""
    split = _SPLIT.search(text)
    if split:
        return _Column(index, text, "split", assessment=split.group(1))
    key, loose = _vocabulary_key(text, qualified=False)
    if key is not None:
        return _Column(index, text, key, loose=loose)
    for span in _DATE_SPAN.finditer(text):
        read = snapshot_target(span.group(0))
        if read.kind != "date":
            continue
        before, after = text[:span.start()], text[span.end():]
        key, loose = _vocabulary_key(_strip_connectors(before + " " + after))
        if key in ("progress", "status"):
            return _Column(index, text, key, read.date, (before, after), loose)
    key, loose = _vocabulary_key(text)  # a qualifier before the words, or a note in brackets after them
    return _Column(index, text, key, loose=loose)


def _header_row(rows: list[list]) -> tuple[int, list[_Column]] | None:
    best = None
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns = [classify_header(cell_text(v), c) for c, v in enumerate(row) if cell_text(v)]
        keys = {c.key for c in columns if c.key}
        if not ({"recommendation", "action", "split"} & keys) or len(keys) < 2:
            continue
        if best is None or len(keys) > best[0]:
            best = (len(keys), index, columns)
    return None if best is None else (best[1], best[2])


def _read_sheet(file: str, name: str, rows: list[list], heading: str) -> _Sheet | None:
    found = _header_row(rows)
    if found is None:
        return None
    index, columns = found
    title = " ".join(t for t in [heading] + [cell_text(v) for r in rows[:index] for v in r] if t)
    sheet = _Sheet(file, name, rows, index, columns, title)
    header_norm = [_compact(cell_text(v)) for v in rows[index]]
    first = min(c.index for c in columns)
    for number, row in enumerate(rows[index + 1:], start=index + 2):
        filled = [(c, cell_text(v)) for c, v in enumerate(row) if cell_text(v)]
        if not filled:
            continue
        if sum(1 for c, text in filled if c < len(header_norm) and _compact(text) == header_norm[c]) >= 2:
            continue  # the header repeated at a page break
        if len(filled) == 1 and filled[0][0] <= first:
            sheet.sections.append((number, filled[0][0], filled[0][1]))
            continue
        sheet.items.append((number, row))
    return sheet


# -- the draft --------------------------------------------------------------------------------------

class _Drafter:
    def __init__(self, files: list[Path]):
        self.files = files
        self.sheets: list[_Sheet] = []
        self.skipped: dict[str, tuple[str, str, str]] = {}  # sheet -> (file, first text, why)
        self.other_text: list[str] = []
        self.doubts: list[Doubt] = []
        self.found: list[str] = []

    def doubt(self, sheet: _Sheet | None, row, column, message, *, file=None, sheet_name=None, person=False):
        self.doubts.append(Doubt(file or (sheet.file if sheet else self.files[0].name),
                                 sheet_name or (sheet.name if sheet else None), row, column, message, person))

    # -- reading ----------------------------------------------------------------------------
    def read(self):
        for path in self.files:
            source = open_source(path)
            headings = getattr(source, "headings", {}) or {}
            for name, rows in source.sheets.items():
                sheet = _read_sheet(source.name, name, rows, headings.get(name, ""))
                if sheet is not None:
                    self.sheets.append(sheet)
                    continue
                text = next((cell_text(v) for r in rows for v in r if cell_text(v)), "")
                self.other_text += [cell_text(v) for r in rows for v in r if isinstance(v, str)]
                if text:
                    self.skipped.setdefault(name, (source.name, text, "no plan header"))
        if not self.sheets:
            names = ", ".join(p.name for p in self.files)
            raise InputError(f"no header row of an action plan was found in {names}: expected a row in the first "
                             f"{HEADER_SEARCH_ROWS} rows of a sheet holding headings such as Recommendation, Agreed "
                             "action, Responsible officer, Target date, Progress", Location(file=self.files[0].name))

    # -- the YAML -----------------------------------------------------------------------------
    def build(self) -> Draft:
        self.read()
        first = self.sheets[0]
        for sheet in self.sheets:
            titles = sheet.header_index
            self.found.append(f"{sheet.file}, sheet '{sheet.name}': header on row {sheet.header_index + 1}"
                              + (f" (below {titles} title row{'s' if titles != 1 else ''})" if titles else "")
                              + f", {len(sheet.items)} item rows, {len(sheet.sections)} section rows")
        columns = self._columns()
        snapshots, snap_lines, reference = self._snapshots(columns)
        council, code, assessment, identity_lines = self._identity(first, reference)
        if reference is None and assessment.isdigit():
            reference = dt.date(int(assessment), 1, 1)
            self._reference_note = "check: 1 January of the assessment year (the plan has no dated position)"
        lines = []
        lines += identity_lines
        if reference is not None:
            lines.append(_line(f"reference_date: {reference.isoformat()}",
                               self._reference_note))
        lines += self._column_lines(columns)
        lines += snap_lines
        lines += self._split_lines(columns, snapshots)
        lines += self._prose_lines(columns, reference)
        lines += self._section_lines()
        lines += self._word_lines(columns)
        lines += self._skip_lines()
        name = f"{code.lower()}-{assessment}-draft"
        text = self._text(name, council, lines)
        return Draft(name, self.files, text, self.found, self.doubts)

    _reference_note = ""

    def _text(self, name: str, council: str, lines: list[str]) -> str:
        files = ", ".join(p.name for p in self.files)
        head = [f"# Layout drafted by `reportlib layout draft` from {files}.",
                "# Read every line marked '# check' or '# fill in' before this layout reads a plan for a report;",
                f"# then check what it reads: reportlib validate {' '.join(p.name for p in self.files)} --layout THIS_FILE",
                "#"]
        if self.doubts:
            head.append("# What the draft is unsure of, cell by cell:")
            head += [f"# {_comment(str(d))}" for d in self.doubts]
        else:
            head.append("# The draft is unsure of nothing it read.")
        body = [f"name: {name}", _line(f"description: {_q('drafted from ' + files)}", "say what this plan is")]
        return "\n".join(head + body + lines) + "\n"

    def _identity(self, first: _Sheet, reference: dt.date | None):
        lines = []
        texts = [(s.title, f"the title of sheet '{s.name}'", s) for s in self.sheets if s.title] + \
            [(t, "another sheet", None) for t in self.other_text]
        council = code = None
        for text, where, sheet in texts:
            name = _council_name(text)
            if name:
                council, code = name
                lines.append(_line(f"council: {_q(council)}", f"from {where}" + (f" of {sheet.file}" if sheet else "")))
                break
        if council is None:
            code = _code_from_file(self.files[0].name)
            council = "Unnamed council"
            lines.append(_line(f"council: {_q(council)}", "fill in: the council's name (the files do not give it)"))
            self.doubt(first, None, None, "the council's name: no title row or other sheet names a council, so "
                                          "the draft says 'Unnamed council'", person=True)
        if code is None:
            code = "".join(re.findall(r"\b([A-Z])", council))
            lines.append(_line(f"council_code: {code}", "the council's initials, as its ids will begin"))
        else:
            how = "as the title writes it" if council != "Unnamed council" else \
                "check: taken from the file name" if code != "XX" else "fill in: the council's code"
            lines.append(_line(f"council_code: {code}", how))
            if council == "Unnamed council":
                self.doubt(first, None, None, f"the council code '{code}' is " +
                           ("taken from the file name" if code != "XX" else "a placeholder"), person=code == "XX")
        year = next((m.group(1) for s in self.sheets for m in [_YEAR.search(s.title)] if m), None)
        if year:
            lines.append(_line(f"assessment: {_q(year)}", "the year the title gives"))
        else:
            year = str(reference.year) if reference else "2000"
            why = "the year of the plan's first dated position" if reference else "a placeholder"
            lines.append(_line(f"assessment: {_q(year)}", f"check: {why}; action ids are {code}-{year}-NNN"))
            self.doubt(first, None, None, f"the assessment year: the title gives none, so the draft uses {why} "
                                          f"({year})", person=reference is None)
        return council, code, year, lines

    def _columns(self) -> dict[str, list[_Column]]:
        """Canonical name -> the columns holding it (one per sheet); unmatched headers are doubts."""
        found: dict[str, list[_Column]] = {}
        for sheet in self.sheets:
            seen: dict[str, _Column] = {}
            for col in sheet.columns:
                letter = column_letter(col.index)
                if col.key is None:
                    hint = (" (it may name each row's audit report or area: if so, it is the plan's grouping, "
                            "columns: {group: ...}, with a group_label)") \
                        if _GROUP_WORDS.search(col.header) else ""
                    self.doubt(sheet, sheet.header_index + 1, letter,
                               f"the header '{col.header}' matches none of the columns a layout reads, so it is not "
                               f"read{hint}; if it holds one, name it under 'columns'")
                    continue
                if col.key in ("progress", "status"):
                    continue
                if col.key in seen:
                    self.doubt(sheet, sheet.header_index + 1, letter,
                               f"the header '{col.header}' reads as {col.key} too, like column "
                               f"{column_letter(seen[col.key].index)} ('{seen[col.key].header}'), which the draft "
                               "reads; this one is not read")
                    continue
                seen[col.key] = col
                found.setdefault(col.key, []).append(col)
                if col.loose:
                    self.doubt(sheet, sheet.header_index + 1, letter,
                               f"the header '{col.header}' is read as the {col.key.replace('_', ' ')} column; check "
                               "it holds that")
        return found

    def _column_lines(self, columns: dict[str, list[_Column]]) -> list[str]:
        first = self.sheets[0]
        lines = ["columns:"]
        order = ("ref", "kloe", "recommendation", "priority", "action", "owner", "target", "revised_target", "details")
        for key in order:
            if key not in columns:
                continue
            headers = list(dict.fromkeys(c.header for c in columns[key]))
            value = _q(headers[0]) if len(headers) == 1 else "[" + ", ".join(_q(h) for h in headers) + "]"
            col = columns[key][0]
            note = f"column {column_letter(col.index)} '{_short(col.header)}'" + (" (check)" if col.loose else "")
            lines.append(_line(f"  {key}: {value}", note))
        self._target_in_progress(columns, lines)
        required = [k for k in ("ref", "recommendation", "action") if k in columns]
        lines.append(_line(f"required: [{', '.join(required)}]", "a sheet missing one of these headers is an error"))
        if "owner" not in columns:
            suffixed = [(n, t) for n, t in first.cells("action") if split_owner(t)[1]]
            items = len(first.cells("action"))
            if items and len(suffixed) >= 0.3 * items:
                lines.append(_line("owner_suffix: [action]",
                                   f"check: {len(suffixed)} of {items} actions end with an owner ('{_short(suffixed[0][1][-30:])}')"))
                self.doubt(first, suffixed[0][0], None, "no owner column: owners are read from the end of the "
                                                       "action text (' - HoF')")
            else:
                self.doubt(first, first.header_index + 1, None, "no owner column was found: owners are left empty")
        return lines

    def _target_in_progress(self, columns, lines):
        """No target column: a progress column whose cells are mostly dates holds the targets (WDC's
        "December 2009 Position": "March 2010 and ongoing", "Nov/Dev 2009")."""
        if "target" in columns:
            return
        sheet = self.sheets[0]
        progress = sorted((c for c in sheet.columns if c.key == "progress"), key=lambda c: (c.date or dt.date.max))
        for col in progress[:1]:
            cells = [(n, cell_text(r[col.index])) for n, r in sheet.items if col.index < len(r) and cell_text(r[col.index])]
            dated = [t for _, t in cells if parse_target(t).date is not None or word_key(t) in ("ongoing", "on going")]
            if cells and len(dated) >= 0.6 * len(cells):
                lines.append(_line(f"  target: {_q(col.header)}",
                                   f"check: {len(dated)} of {len(cells)} cells of this progress column read as "
                                   f"targets ('{_short(dated[0])}')"))
                columns["target"] = [col]
                self.doubt(sheet, sheet.header_index + 1, column_letter(col.index),
                           f"no target column: the progress column '{col.header}' is read as the targets too, since "
                           f"{len(dated)} of its {len(cells)} cells read as dates")

    def _snapshots(self, columns):
        """(fixed snapshot names, YAML lines, reference date)."""
        progress = [(s, c) for s in self.sheets for c in s.columns if c.key == "progress"]
        status = [(s, c) for s in self.sheets for c in s.columns if c.key == "status"]
        dated = [(s, c) for s, c in progress if c.date]
        lines: list[str] = []
        names: list[str] = []
        reference = None
        first = self.sheets[0]
        if not progress and not status:
            self.doubt(first, first.header_index + 1, None, "no progress or status column was found: the plan will "
                                                            "have no updates")
            return names, lines, None
        lines.append("snapshots:")
        if dated:
            earliest = min(c.date for _, c in dated)
            reference = earliest.replace(day=1)
            self._reference_note = f"check: the first of the month of the plan's first dated position ({earliest:%d %b %Y})"
            undated_status = list(dict.fromkeys(c.header for _, c in status if not c.date))
            dated_status = list(dict.fromkeys(c.header for _, c in status if c.date))
            if "split" in columns:  # a split names its snapshots, so they are fixed, with their dates
                by_date = {}
                for _, c in sorted(dated, key=lambda sc: sc[1].date):
                    by_date.setdefault(c.date, c)
                for when, c in by_date.items():
                    names.append(snapshot_name(when))
                    lines.append(_line(f"  - {{snapshot: {_q(snapshot_name(when))}, date: {when.isoformat()}, "
                                       f"column: {_q(c.header)}}}",
                                       f"column {column_letter(c.index)}; fixed, since the split below names snapshots"))
                return names, lines, reference
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
                entry = (f"  - {{column_pattern: {_sq(pattern)}"
                         + (f", status: {_q(status_header)}" if status_header else "")
                         + (f", status_pattern: {_sq(status_by_date)}" if status_by_date else "") + "}")
                lines.append(_line(entry, "columns " + ", ".join(f"{column_letter(c.index)} '{_short(c.header)}'"
                                                                  for c in matched[:4])))
            return names, lines, reference
        # undated progress columns: one fixed snapshot, dated from the title when it gives a date
        col = next((c for _, c in progress), None)
        stat = next((c for _, c in status), None)
        when = next((snapshot_target(m.group(0)).date for s in self.sheets for m in _DATE_SPAN.finditer(s.title)
                     if snapshot_target(m.group(0)).kind == "date"), None)
        if when is not None:
            note = "check: the date the title gives"
        else:
            when = dt.date(2000, 1, 1)
            note = "fill in: the date of this position (the files do not give it)"
            self.doubt(first, first.header_index + 1, column_letter((col or stat).index),
                       f"the date of the position in '{(col or stat).header}': the header and title give none",
                       person=True)
        self._reference_note = "check: the first of the month of the position"
        reference = when.replace(day=1)
        entry = f"  - {{snapshot: {_q(snapshot_name(when))}, date: {when.isoformat()}" + \
            (f", column: {_q(col.header)}" if col else "") + (f", status: {_q(stat.header)}" if stat else "") + "}"
        lines.append(_line(entry, note))
        names.append(snapshot_name(when))
        for _, other in progress[1:]:
            if other.header != col.header:
                self.doubt(first, first.header_index + 1, column_letter(other.index),
                           f"a second undated progress column '{other.header}' is not read")
        return names, lines, reference

    def _split_lines(self, columns, snapshots: list[str]) -> list[str]:
        if "split" not in columns:
            return []
        col = columns["split"][0]
        sheet = self.sheets[0]
        progress = [c for c in sheet.columns if c.key == "progress" and c.date]
        after = [snapshot_name(c.date) for c in sorted(progress, key=lambda c: c.date) if c.index > col.index]
        cells = [t for _, t in sheet.cells("split")]
        suffixed = sum(1 for t in cells if split_owner(t)[1])
        owner_suffix = bool(cells) and suffixed >= 0.3 * len(cells)
        self.doubt(sheet, sheet.header_index + 1, column_letter(col.index),
                   f"'{col.header}' is read as a second action on the same row, from the {col.assessment} assessment, "
                   f"with the updates of {', '.join(after) or 'no snapshot'} (the progress columns to its right)")
        return ["split:" + _comment_suffix("check: a second, linked action written on the same row"),
                f"  column: {_q(col.header)}",
                f"  assessment: {_q(col.assessment)}",
                f"  snapshots: [{', '.join(_q(n) for n in after)}]",
                _line(f"  owner_suffix: {'true' if owner_suffix else 'false'}",
                      f"{suffixed} of {len(cells)} cells end with an owner (' - HoF')")]

    def _prose_lines(self, columns, reference) -> list[str]:
        """KLOEs on the recommendation's first line, targets in the prose, rows running on."""
        lines: list[str] = []
        sheet = self.sheets[0]
        has_kloe_rows = any(re.search(KLOE_PATTERN, t, re.I) for s in self.sheets for _, _, t in s.sections)
        if "kloe" not in columns and not has_kloe_rows:
            for key in ("recommendation", "action"):
                cells = sheet.cells(key)
                named = [t for _, t in cells if _first_line_kloe(t)]
                if cells and len(named) >= 0.5 * len(cells):
                    lines.append(_line(f"kloe_in: {key}", f"{len(named)} of {len(cells)} begin with a KLOE "
                                                          f"('{_short(named[0].splitlines()[0])}')"))
                    break
        if "target" not in columns:
            for key in ("details", "action", "recommendation"):
                if key not in columns:
                    continue
                cells = sheet.cells(key)
                dated = [t for _, t in cells if target_in_prose(t, reference).date]
                if cells and len(dated) >= 0.5 * len(cells):
                    lines.append(_line(f"target_in_prose: {key}",
                                       f"check: no target column; {len(dated)} of {len(cells)} cells commit to a date"))
                    self.doubt(sheet, sheet.header_index + 1, column_letter(columns[key][0].index),
                               f"no target column: each target is the latest date the {key} text commits to")
                    break
            else:
                self.doubt(sheet, sheet.header_index + 1, None, "no target column was found: target dates are left "
                                                               "empty")
        if "ref" in columns:
            refs = sheet.cells("ref")
            blank = [n for n, r in sheet.items if not cell_text(r[columns["ref"][0].index])
                     if columns["ref"][0].index < len(r)] if len(refs) >= 0.5 * len(sheet.items) else []
            if blank:
                lines.append(_line("continuation:", "check: a row with no number continues the row above"))
                lines.append("  blank: [ref]")
                self.doubt(sheet, blank[0], column_letter(columns["ref"][0].index),
                           f"row{'s' if len(blank) > 1 else ''} {', '.join(map(str, blank[:8]))} "
                           f"{'have' if len(blank) > 1 else 'has'} no number: read as the row above running on")
        return lines

    def _section_lines(self) -> list[str]:
        rows = [(s, n, c, t) for s in self.sheets for n, c, t in s.sections]
        if not rows:
            return []
        themes = [(s, n, t) for s, n, c, t in rows if re.search(THEME_PATTERN, t, re.I)]
        kloes = [(s, n, t) for s, n, c, t in rows if not re.search(THEME_PATTERN, t, re.I)
                 and re.search(KLOE_PATTERN, t, re.I)]
        notes = [(s, n, t) for s, n, c, t in rows if _FOOTNOTE.search(t) and (s, n, t) not in themes + kloes]
        headings = [(s, n, t) for s, n, c, t in rows if (s, n, t) not in themes + kloes + notes]
        lines = ["sections:" + _comment_suffix("rows holding one cell (merged across or not): never actions")]
        if themes:
            lines.append(_line(f"  theme: {_sq(THEME_PATTERN)}", _rows_note(themes)))
        if kloes:
            lines.append(_line(f"  kloe: {_sq(KLOE_PATTERN)}", _rows_note(kloes)))
        if headings:
            pattern, sure = _heading_pattern(list(dict.fromkeys(t for _, _, t in headings)))
            lines.append(_line(f"  group: {_sq(pattern)}", _rows_note(headings) + ": each names the group of the "
                               "rows below it" + ("" if sure else "; check")))
            if not sure:
                s, n, _ = headings[0]
                self.doubt(s, n, "A", "the headings share no first word, so each is listed as written: a new heading "
                                      "in another quarter would be read as an action")
        if notes:
            lines.append(f"  # {_rows_note(notes)}: notes or keys, read as notes (a not_an_action finding each), "
                         "never as actions")
        if headings:
            lines.append(_line("group_label: Audit report", "check: what a heading row names, in reports"))
        for sheet in self.sheets:
            for number, row in sheet.items:
                first = next((cell_text(v) for v in row if cell_text(v)), "")
                if _FOOTNOTE.search(first):
                    self.doubt(sheet, number, None, f"the row beginning '{_short(first)}' looks like a note or key "
                                                    "but has more than one cell, so it is read as an action")
        return lines

    def _word_lines(self, columns) -> list[str]:
        words: dict[str, list] = {}
        for sheet in self.sheets:
            for col in (c for c in sheet.columns if c.key == "status"):
                for number, row in sheet.items:
                    text = cell_text(row[col.index]) if col.index < len(row) else ""
                    if text:
                        words.setdefault(word_key(text), [text, 0, sheet, number, column_letter(col.index)])[1] += 1
        if not words:
            return []
        shared, flags = _shared_words()
        lines = ["status_words:" + _comment_suffix("every word found in the status column(s), read before the "
                                                   "shared list")]
        for key, (word, count, sheet, number, letter) in words.items():
            where = f"{count} cell{'s' if count > 1 else ''}, first {letter}{number}"
            status, flag, why = _nearest(key, shared, flags)
            if status is None:
                lines.append(f"  # {_q(word)}: STATUS   # check: {why}; left out, it goes to review ({where})")
                self.doubt(sheet, number, letter, f"the status word '{word}': {why}; left out, so such updates go "
                                                  "to review")
                continue
            value = status if flag is None else f"{{status: {status}, flag: {flag}}}"
            if why:
                lines.append(_line(f"  {_q(word)}: {value}", f"check: {why} ({where})"))
                self.doubt(sheet, number, letter, f"the status word '{word}' is drafted as {status}"
                                                  + (f", flagged {flag}" if flag else "") + f": {why}")
            else:
                lines.append(_line(f"  {_q(word)}: {value}", f"the shared list's word ({where})"))
        return lines

    def _skip_lines(self) -> list[str]:
        if not self.skipped:
            return []
        lines = ["skip_sheets: [" + ", ".join(_q(n) for n in self.skipped) + "]"
                 + _comment_suffix("no plan header: " + "; ".join(f"'{n}' begins '{_short(t, 40)}'"
                                                                  for n, (_, t, _) in self.skipped.items()))]
        for name, (file, text, _) in self.skipped.items():
            self.found.append(f"{file}, sheet '{name}': no plan header (it begins '{_short(text, 60)}'), so skipped")
        return lines


def draft_layout(paths) -> Draft:
    """Draft a layout for the plan files ``paths`` (files, or folders of them): see the module's text."""
    files = discover(paths)
    if not files:
        raise InputError("no plan files to read: name xlsx, csv, docx or pdf files")
    return _Drafter(files).build()


def load_report(draft: Draft, plans: Plans) -> LoadReport:
    """What loading the files with the written draft gave, and what in it needs a person."""
    files = plans.sources["file"].nunique() if len(plans.sources) else 0
    summary = (f"{len(plans.actions)} actions, {len(plans.updates)} updates from {files} file(s); "
               f"{len(plans.errors)} errors, {len(plans.warnings)} warnings")
    doubts = [str(f) for f in plans.errors + plans.warnings]
    return LoadReport(summary, doubts, len(plans.errors))


def with_load_report(draft: Draft, report: LoadReport) -> str:
    """The draft's text with what loading the files with it gave, as comments at its end."""
    tail = ["", f"# Checked by loading {', '.join(p.name for p in draft.files)} with this draft: {report.summary}"]
    tail += [f"#   {_comment(line)}" for line in report.doubts]
    return draft.text + "\n".join(tail) + "\n"


# -- helpers --------------------------------------------------------------------------------------

def _q(text: str) -> str:
    """A YAML scalar that reads back as exactly ``text`` (JSON strings are YAML)."""
    return json.dumps(str(text), ensure_ascii=False)


def _sq(pattern: str) -> str:
    """A regular expression as a single-quoted YAML scalar (backslashes kept as written)."""
    return "'" + pattern.replace("'", "''") + "'"


def _comment(text: str) -> str:
    return " ".join(str(text).split())


def _short(text: str, limit: int = 50) -> str:
    text = _comment(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _comment_suffix(note: str) -> str:
    return f"   # {_comment(note)}" if note else ""


def _line(entry: str, note: str) -> str:
    return entry + (" " * max(1, 36 - len(entry)) + "# " + _comment(note) if note else "")


def _rows_note(rows) -> str:
    numbers = [str(n) for _, n, _ in rows]
    shown = ", ".join(numbers[:6]) + (" …" if len(numbers) > 6 else "")
    return f"row{'s' if len(numbers) > 1 else ''} {shown}: '{_short(rows[0][2], 40)}'"


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


def _heading_pattern(texts: list[str]) -> tuple[str, bool]:
    firsts = {re.match(r"\s*([A-Za-z]+)", t).group(1).lower() if re.match(r"\s*([A-Za-z]+)", t) else "" for t in texts}
    if len(firsts) == 1 and len(next(iter(firsts))) >= 2:
        word = next(iter(firsts))
        if not _FOOTNOTE.search(word):
            return r"^\s*" + word.capitalize() + r"\b", True
    return r"^\s*(?:" + "|".join(r"\s+".join(re.escape(w) for w in t.split()) for t in texts) + r")\s*$", False


def _first_line_kloe(text: str) -> bool:
    first = text.split("\n", 1)[0].split("  ", 1)[0]
    return bool(kloe_mod.names_a_kloe(first) or kloe_mod.resolve(first))


def _council_name(text: str) -> tuple[str, str | None] | None:
    for match in _COUNCIL.finditer(text or ""):
        words = match.group(1).split()
        while words and words[0] in _NOT_NAME:
            words.pop(0)
        if not words:
            continue
        name = " ".join(words + ["Council"])
        code = re.match(r"\s*\(([A-Z]{2,6})\)", text[match.end():])
        return name, code.group(1) if code else None
    return None


def _code_from_file(name: str) -> str:
    first = re.split(r"[^A-Za-z]+", Path(name).stem)[0]
    return first.upper() if 2 <= len(first) <= 5 else "XX"


@lru_cache(maxsize=1)
def _shared_words() -> tuple[dict[str, str], dict[str, str]]:
    """The shared stated-status list (word -> status) and its flags (word -> flag)."""
    statuses = safeyaml.load((RULES_DIR / "stated_status.yaml").read_bytes(), source="stated_status.yaml") or {}
    flags = safeyaml.load((RULES_DIR / "stated_flags.yaml").read_bytes(), source="stated_flags.yaml") or {}
    return ({word_key(w): status for status, words in statuses.items() for w in words or ()},
            {word_key(w): flag for flag, words in flags.items() for w in words or ()})


def _nearest(key: str, shared: dict[str, str], flags: dict[str, str]) -> tuple[str | None, str | None, str]:
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
    inside = [w for w in candidates if _contains(words, w.split())]
    flag = next((f for w, f in flags.items() if _contains(words, w.split())), None)
    if not negated:
        flag = flag or next((f for w, (_, f) in _NEAR.items() if f and _contains(words, w.split())), None)
    if inside:
        best = max(inside, key=len)
        return candidates[best], flag, f"not in the shared list; it holds the shared word '{best}'"
    close = difflib.get_close_matches(key, list(candidates), n=1, cutoff=0.8)
    if close:
        return candidates[close[0]], flags.get(close[0]), f"not in the shared list; written like '{close[0]}'"
    near = next((w for w in _NEAR if _contains(words, w.split())), None)
    if near and not negated:
        status, near_flag = _NEAR[near]
        return status, near_flag, f"not in the shared list; it holds '{near}'"
    return None, None, "no shared status is near it"


def _contains(words: list[str], part: list[str]) -> bool:
    return any(words[i:i + len(part)] == part for i in range(len(words) - len(part) + 1))
