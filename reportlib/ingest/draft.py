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

The parts: ``draft_headers`` (the header row, the columns), ``draft_snapshots`` (dated progress
and status columns), ``draft_sections`` (section rows, the heading pattern), ``draft_words``
(status words) and ``draft_text`` (doubts, YAML lines); this module composes them.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from reportlib.errors import InputError, Location
from reportlib.ingest.dates import cell_text, parse_target, target_in_prose
from reportlib.ingest.draft_headers import (
    HEADER_SEARCH_ROWS,
    VOCABULARY,
    Column,
    Sheet,
    classify_header,
    column_lines,
    column_map,
    read_sheet,
)
from reportlib.ingest.draft_keys import key_rows
from reportlib.ingest.draft_keys import meanings as key_meanings
from reportlib.ingest.draft_sections import KLOE_PATTERN, section_lines
from reportlib.ingest.draft_snapshots import date_pattern, snapshot_lines, split_lines
from reportlib.ingest.draft_text import Doubt, Notes, comment_suffix, noted, one_line, quote, short
from reportlib.ingest.draft_words import priority_lines, rag_columns, rag_lines, word_lines
from reportlib.ingest.files import discover, open_source
from reportlib.ingest.sources import column_letter
from reportlib.model import kloe as kloe_mod
from reportlib.model.plans import Plans

#: What other modules and the tests use (the parts are in ``draft_*``).
__all__ = ["HEADER_SEARCH_ROWS", "VOCABULARY", "Column", "Doubt", "Draft", "LoadReport", "classify_header",
           "date_pattern", "draft_layout", "load_report", "with_load_report"]

# Capitalised words before "Council", with the small words places' names have between them
# ("Harrowby and Fenmouth District", "Kingston upon Thames", "Isles of Scilly")
_COUNCIL = re.compile(r"((?:[A-Z][\w'&.-]*\s+(?:(?:and|of|upon|on|the|in|&)\s+(?=[A-Z]))?){1,6})Council\b")
_NOT_NAME = {"The", "This", "A", "An", "Our", "Each", "Every", "Full", "Audit", "Appendix"}
_YEAR = re.compile(r"\b((?:19|20)\d\d)\b")


@dataclass
class Draft:
    """A drafted layout: ``text`` (the YAML, commented), what was ``found`` and the ``doubts``."""

    name: str
    files: list[Path]
    text: str
    found: list[str]
    doubts: list[Doubt]
    marked: int = 0  # lines of the layout marked '# check' or '# fill in' for a person to confirm


@dataclass
class LoadReport:
    """What loading the files with the draft gave: a one-line ``summary`` and what needs a person."""

    summary: str
    doubts: list[str]
    errors: int

# -- the draft --------------------------------------------------------------------------------------

class _Drafter:
    def __init__(self, files: list[Path]):
        self.files = files
        self.sheets: list[Sheet] = []
        self.skipped: dict[str, tuple[str, str, str]] = {}  # sheet -> (file, first text, why)
        self.other_text: list[str] = []
        self.notes = Notes(files[0].name)
        self.doubts = self.notes.doubts
        self.found = self.notes.found
        self.doubt = self.notes.doubt

    # -- reading ----------------------------------------------------------------------------
    def read(self):
        for path in self.files:
            source = open_source(path)
            headings = getattr(source, "headings", {}) or {}
            for name, rows in source.sheets.items():
                sheet = read_sheet(source.name, name, rows, headings.get(name, ""))
                if sheet is not None:
                    sheet.opening = getattr(source, "opening", "") or ""
                    sheet.origins = (getattr(source, "origins", None) or {}).get(name)
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

    # -- the YAML -----------------------------------------------------------------------------
    def build(self) -> Draft:
        self.read()
        first = self.sheets[0]
        for sheet in self.sheets:
            titles = sheet.header_index
            above = "line" if sheet.origins else "title row"  # a paper: lines of text above its table
            self.found.append(f"{sheet.file}, sheet '{sheet.name}': header on row {sheet.row(sheet.header_index + 1)}"
                              + (f" (below {titles} {above}{'s' if titles != 1 else ''})" if titles else "")
                              + f", {len(sheet.items)} item rows, {len(sheet.sections)} section rows")
        keys = key_rows(self.sheets)
        for sheet, number, text, where in keys:
            if where == "title":
                self.doubt(sheet, number, "A", f"the row '{short(text, 60)}' above the header is read as a key, not "
                                               "as part of the plan's title (the council, year and date are read "
                                               "from the other title rows)")
        meanings = key_meanings(keys)
        rags = rag_columns(self.sheets, meanings)  # colours no key explains: never the stated status
        columns = column_map(self.sheets, self.notes)
        snapshots, snap_lines, reference, reference_note = snapshot_lines(self.sheets, columns, self.notes)
        if reference is None and not any(_YEAR.search(s.title) for s in self.sheets):
            reference, reference_note = _reference_from_targets(self.sheets, columns)
        council, code, assessment, identity_lines = self._identity(first, reference)
        if reference is None and assessment.isdigit():
            reference = dt.date(int(assessment), 1, 1)
            reference_note = "check: 1 January of the assessment year (the plan has no dated position)"
        lines = []
        lines += identity_lines
        if reference is not None:
            lines.append(noted(f"reference_date: {reference.isoformat()}",
                               reference_note))
        else:  # never a made-up date, which would throw away every date of the plan far from it
            lines.append(noted("reference_date: FILL-IN", "fill in: a date near the plan's position, YYYY-MM-DD "
                                                          "(the files give none); the layout is refused until then"))
            self.doubt(first, None, None, "the reference date: the files state no date of the position and the "
                                          "plan has no readable dates", person=True)
        lines += column_lines(self.sheets, columns, self.notes)
        lines += snap_lines
        lines += rag_lines(rags, self.notes)
        lines += split_lines(self.sheets, columns, snapshots, self.notes)
        lines += self._prose_lines(columns, reference)
        lines += section_lines(self.sheets, self.notes)
        lines += word_lines(self.sheets, self.notes, meanings)
        lines += priority_lines(self.sheets, columns, self.notes)
        lines += self._skip_lines()
        name = f"{code.lower()}-{assessment}-draft" if assessment.isdigit() else f"{code.lower()}-draft"
        text, marked = self._text(name, council, lines)
        return Draft(name, self.files, text, self.found, self.doubts, marked)

    def _text(self, name: str, council: str, lines: list[str]) -> tuple[str, int]:
        """The layout's text, and how many of its lines are marked for a person to confirm."""
        files = ", ".join(p.name for p in self.files)
        body = [f"name: {name}", noted(f"description: {quote('drafted from ' + files)}", "say what this plan is")]
        marked = sum("# check" in line or "# fill in" in line for line in body + lines)
        head = [f"# Layout drafted by `reportlib layout draft` from {files}.",
                "# Read every line marked '# check' or '# fill in' before this layout reads a plan for a report;",
                f"# then check what it reads: reportlib validate {' '.join(p.name for p in self.files)} --layout THIS_FILE",
                "#"]
        if self.doubts:
            head.append("# What the draft is unsure of, cell by cell:")
            head += [f"# {one_line(str(d))}" for d in self.doubts]
        elif marked:
            head.append(f"# No cell left the draft unsure; confirm the {marked} line{'s' if marked != 1 else ''} "
                        "below marked '# check' or '# fill in'.")
        else:
            head.append("# The draft is unsure of nothing it read.")
        return "\n".join(head + body + lines) + "\n", marked

    def _identity(self, first: Sheet, reference: dt.date | None):
        lines = []
        texts = [(s.title, f"the title of sheet '{s.name}'", s) for s in self.sheets if s.title] + \
            [(s.opening, "the paper's opening text", s) for s in self.sheets[:1] if s.opening] + \
            [(t, "another sheet", None) for t in self.other_text]
        council = code = None
        initials_note = "the council's initials, as its ids will begin"
        for text, where, sheet in texts:
            name = _council_name(text)
            if name:
                council, code = name
                lines.append(noted(f"council: {quote(council)}", f"from {where}" + (f" of {sheet.file}" if sheet else "")))
                if sheet is not None and text is sheet.opening:  # further from the plan than its title: check
                    initials_note = "check: " + initials_note
                    self.doubt(sheet, None, None, f"the council '{council}' is taken from the paper's opening text "
                                                  f"(no title row names it), its code from its initials")
                break
        if council is None:
            code = _code_from_file(self.files[0].name)
            council = "Unnamed council"
            lines.append(noted(f"council: {quote(council)}", "fill in: the council's name (the files do not give it)"))
            self.doubt(first, None, None, "the council's name: no title row or other sheet names a council, so "
                                          "the draft says 'Unnamed council'", person=True)
        if code is None:
            code = "".join(re.findall(r"\b([A-Z])", council))
            lines.append(noted(f"council_code: {code}", initials_note))
        else:
            how = "as the title writes it" if council != "Unnamed council" else \
                "check: taken from the file name" if code != "XX" else "fill in: the council's code"
            lines.append(noted(f"council_code: {code}", how))
            if council == "Unnamed council":
                self.doubt(first, None, None, f"the council code '{code}' is " +
                           ("taken from the file name" if code != "XX" else "a placeholder"), person=code == "XX")
        year = next((m.group(1) for s in self.sheets for m in [_YEAR.search(s.title)] if m), None)
        if year:
            lines.append(noted(f"assessment: {quote(year)}", "the year the title gives"))
        elif reference is not None:
            year = str(reference.year)
            why = "the year of the plan's reference date"
            lines.append(noted(f"assessment: {quote(year)}", f"check: {why}; action ids are {code}-{year}-NNN"))
            self.doubt(first, None, None, f"the assessment year: the title gives none, so the draft uses {why} "
                                          f"({year})")
        else:
            year = "FILL-IN"
            lines.append(noted(f"assessment: {quote(year)}", f"fill in: the year of the assessment the plan answers "
                                                             f"(the files give none); action ids are {code}-YEAR-NNN"))
            self.doubt(first, None, None, "the assessment year: the files give none", person=True)
        return council, code, year, lines

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
                    lines.append(noted(f"kloe_in: {key}", f"{len(named)} of {len(cells)} begin with a KLOE "
                                                          f"('{short(named[0].splitlines()[0])}')"))
                    break
        if "target" not in columns:
            for key in ("details", "action", "recommendation"):
                if key not in columns:
                    continue
                cells = sheet.cells(key)
                dated = [t for _, t in cells if target_in_prose(t, reference).date]
                if cells and len(dated) >= 0.5 * len(cells):
                    lines.append(noted(f"target_in_prose: {key}",
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
                lines.append(noted("continuation:", "check: a row with no number continues the row above"))
                lines.append("  blank: [ref]")
                self.doubt(sheet, blank[0], column_letter(columns["ref"][0].index),
                           f"row{'s' if len(blank) > 1 else ''} {', '.join(str(sheet.row(n)) for n in blank[:8])} "
                           f"{'have' if len(blank) > 1 else 'has'} no number: read as the row above running on")
        return lines

    def _skip_lines(self) -> list[str]:
        if not self.skipped:
            return []
        lines = ["skip_sheets: [" + ", ".join(quote(n) for n in self.skipped) + "]"
                 + comment_suffix("no plan header: " + "; ".join(f"'{n}' begins '{short(t, 40)}'"
                                                                  for n, (_, t, _) in self.skipped.items()))]
        for name, (file, text, _) in self.skipped.items():
            self.found.append(f"{file}, sheet '{name}': no plan header (it begins '{short(text, 60)}'), so skipped")
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
    return LoadReport(summary, _grouped(plans.errors + plans.warnings), len(plans.errors))


def _grouped(findings) -> list[str]:
    """One line per finding, but one for each run of the same finding in one column at several rows
    ("priority 'P1' is not High, Medium or Low" at 40 cells is one line naming its rows)."""
    groups: dict[tuple, list] = {}
    for finding in findings:
        where = finding.location
        key = (finding.severity, finding.code, finding.message, where.file, where.sheet, where.column)
        groups.setdefault(key if where.row is not None and where.column else (id(finding),), []).append(finding)
    lines = []
    for group in groups.values():
        first = group[0]
        if len(group) == 1:
            lines.append(str(first))
            continue
        rows = [str(f.location.row) for f in group]
        place = Location(first.location.file, first.location.sheet, None, first.location.column)
        lines.append(f"{first.severity}: {place}, rows {', '.join(rows[:8])}{' …' if len(rows) > 8 else ''} "
                     f"({len(group)} cells): {first.message}")
    return lines


def with_load_report(draft: Draft, report: LoadReport) -> str:
    """The draft's text with what loading the files with it gave, as comments at its end."""
    tail = ["", f"# Checked by loading {', '.join(p.name for p in draft.files)} with this draft: {report.summary}"]
    tail += [f"#   {one_line(line)}" for line in report.doubts]
    return draft.text + "\n".join(tail) + "\n"


# -- helpers --------------------------------------------------------------------------------------

def _first_line_kloe(text: str) -> bool:
    first = text.split("\n", 1)[0].split("  ", 1)[0]
    return bool(kloe_mod.names_a_kloe(first) or kloe_mod.resolve(first))


def _reference_from_targets(sheets, columns) -> tuple[dt.date | None, str]:
    """A plan stating no date of its position: 1 January of the year of its latest target, so that
    its targets are read (a target far from the reference date is refused), marked to check."""
    latest = None
    for sheet in sheets:
        for key in ("target", "revised_target"):
            for number, text in sheet.cells(key) if key in columns else ():
                when = parse_target(text).date
                if when is not None and (latest is None or when > latest[0]):
                    latest = (when, sheet, number)
    if latest is None:
        return None, ""
    when, sheet, number = latest
    return dt.date(when.year, 1, 1), (f"check: 1 January of the year of the plan's latest target ({when:%d %b %Y}, "
                                      f"{sheet.name} row {sheet.row(number)}); the files state no date of the position")


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


