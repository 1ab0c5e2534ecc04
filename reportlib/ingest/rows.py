"""Turn one sheet's rows into actions and updates, through its layout.

A sheet is read top to bottom after its header row. Each row is one of: blank,
a repeated header (page breaks), a section heading (Theme / KLOE: one filled cell that
reads like one), a continuation of the row above (when the layout says which column
is blank on such rows), or an item. An item may hold two actions (the layout's
``split``): the main one and a linked one from a later assessment.
"""
from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

from reportlib.errors import Finding, Location
from reportlib.ingest import snapdates
from reportlib.ingest.dates import cell_text as _text
from reportlib.ingest.dates import parse_target, target_in_prose, year_problem
from reportlib.ingest.layouts import BUILTIN_DIR, HeaderMatch, Layout, find_header, normalise_header, word_key
from reportlib.ingest.sources import CELL_LIMIT, Source, column_letter
from reportlib.model import kloe as kloe_mod
from reportlib.model.vocab import SPREADSHEET_ERROR

_PRIORITIES = {"high": "High", "h": "High", "medium": "Medium", "med": "Medium", "m": "Medium",
               "low": "Low", "l": "Low"}
# " - HoF", " – CMT/HoF/IPM", " - DCEx(AJ)", " - Service Heads": at most three short words.
_OWNER_SUFFIX = re.compile(r"\s+[-–—]\s*(?P<owner>[A-Za-z][\w&/().]*(?:\s[A-Za-z][\w&/().]*){0,2})\s*\.?\s*$")
_INITIALS = re.compile(r"\b([A-Z])")


#: A cell that is only a date ("31/03/2026", "2026-03-31", an Excel date shown as "31 Mar 2026").
_A_DATE = re.compile(r"^\s*(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{2}-\d{2}|\d{1,2} [A-Z][a-z]{2} \d{4})\s*$")


def split_owner(text: str) -> tuple[str, str | None]:
    """ "Ensure savings are monitored - HoF" -> ("Ensure savings are monitored", "HoF")."""
    match = _OWNER_SUFFIX.search(text)
    if not match:
        return text, None
    return text[: match.start()].rstrip(), match.group("owner").strip()


def _stated(state, word: str) -> dict:
    """The update fields a council's status word gives: the word, and what the layout's words make of it."""
    meaning = state.layout.status_words.get(word_key(word)) if word else None
    return {"stated_status": word or None, "stated_as": meaning.status if meaning else None,
            "stated_flag": meaning.flag if meaning else None}


def _priority_word(state, value: str) -> str | None:
    """The priority a grade names, by the layout's ``priority_words`` or the common words; None if neither."""
    return state.layout.priority_words.get(word_key(value)) or _PRIORITIES.get(value.strip().lower())


class SheetReader:
    """Reads every sheet of one opened source through the candidate layouts."""

    def __init__(self, source: Source, layouts: list[Layout], *, forced: bool, max_rows: int):
        self.source = source
        self.layouts = layouts
        self.forced = forced
        self.max_rows = max_rows
        self.actions: list[dict] = []
        self.updates: list[dict] = []
        self.findings: list[Finding] = []
        self.sheets: list[dict] = []

    # -- findings ---------------------------------------------------------------------------
    def _where(self, sheet, row=None, column=None) -> Location:
        return Location(self.source.name, sheet, row, column)

    def _find(self, severity, code, message, sheet=None, row=None, column=None):
        self.findings.append(Finding(severity, code, message, self._where(sheet, row, column)))

    # -- the file ---------------------------------------------------------------------------
    def read(self):
        self._source_notes()
        over_budget = {name: cut for name, cut in self.source.cut.items() if cut.reason != "rows"}
        for name, cut in over_budget.items():
            self._budget_exceeded(name, cut)
        filled = {name: rows for name, rows in self.source.sheets.items()
                  if name not in over_budget and any(_text(v) for r in rows for v in r)}
        if not filled:
            if not over_budget:
                self._find("error", "empty", "the workbook has no data: every sheet is empty")
            return self.actions, self.updates, self.findings, self.sheets
        unmatched = []
        for name, rows in filled.items():
            if any(layout.skips(name) for layout in self.layouts):
                continue
            match = self._choose_layout(rows, name)
            if match is False:
                continue
            if match is None:
                unmatched.append(name)
                continue
            self._read_sheet(name, rows, *match)
        if unmatched and not self.sheets:
            self._no_header(unmatched[0], filled[unmatched[0]])
        for name in unmatched if self.sheets else ():
            self._find("warning", "sheet_skipped",
                       "sheet skipped: none of the layouts' header rows was found in it", name)
        self._one_warning_a_cell()
        return self.actions, self.updates, self.findings, self.sheets

    def _one_warning_a_cell(self):
        """A target or item number cell holding a spreadsheet error is warned of once, as an unreadable
        target or a missing item number (which say what became of it), not also as a spreadsheet error."""
        targets = {(f.location.sheet, f.location.row, (f.location.column or "").split(" ")[0])
                   for f in self.findings if f.code in ("unreadable_target", "no_item_number")}
        self.findings = [f for f in self.findings if not (
            f.code == "spreadsheet_error" and (f.location.sheet, f.location.row, f.location.column) in targets)]

    def _source_notes(self):
        """Warnings for what the source reader met in single cells: long text, formulas, markup."""
        for sheet, row, col, length in self.source.long_cells:
            # a workbook's reader hands over at most CELL_LIMIT characters: a cell that long may have held more
            held = f"{length:,} characters" if length > CELL_LIMIT else f"{CELL_LIMIT:,} characters or more"
            self._find("warning", "long_cell",
                       f"the cell holds {held}, at or over Excel's limit of {CELL_LIMIT:,} a cell: "
                       f"its text may have been cut, and only the first {CELL_LIMIT:,} are used", sheet, row,
                       column_letter(col))
        for sheet, row, col, formula, shown in self.source.formula_cells:
            self._find("warning", "formula_without_value",
                       f"cell {column_letter(col)}{row} holds a formula saved without its value (={formula[:200]}); "
                       f"its text is read as '{shown[:200]}'. Open the file in Excel and save it again to store "
                       "the values", sheet, row, column_letter(col))
        for sheet, row, col, tag in self.source.markup_cells:
            self._find("warning", "markup",
                       f"cell {column_letter(col)}{row} holds markup ('{tag}…') outside what reports format "
                       "(lists, paragraphs, emphasis, http(s)/mailto links): reports show it as literal text",
                       sheet, row, column_letter(col))
        for sheet, row, col, error in self.source.error_cells:
            self._find("warning", "spreadsheet_error",
                       f"cell {column_letter(col)}{row} holds the spreadsheet error '{error}' (a formula that could "
                       "not give a value, such as a lookup that found nothing), not a value the plan meant: it is "
                       f"read as the text '{error}'. Correct the cell or its formula", sheet, row, column_letter(col))
        codes = {"formula": "formula_without_value", "markup": "markup", "error": "spreadsheet_error"}
        for (kind, sheet), count in self.source.more_noted.items():
            what = {"formula": "formulas saved without their values", "markup": "markup shown as literal text",
                    "error": "spreadsheet errors"}[kind]
            self._find("warning", codes[kind],
                       f"{count:,} more cells hold {what} (only the first cells are listed)", sheet)

    def _budget_exceeded(self, sheet, cut):
        from reportlib.ingest.sources import CELL_BUDGET, TEXT_BUDGET

        if cut.reason == "text":
            what = (f"the sheet holds more than {TEXT_BUDGET:,} characters of text by this row, far more than an "
                    "action plan (often one long text repeated in many cells)")
        else:
            what = (f"the sheet's grid holds more than {CELL_BUDGET:,} cells by this row (filled or not: one cell "
                    "far to the right makes every row that wide)")
        self._find("error", "too_much_data",
                   f"reading stopped: {what}. The sheet was not loaded; check this is the right file, or copy "
                   "the plan's rows into a new workbook", sheet, cut.row)

    def _choose_layout(self, rows, sheet):
        """The layout whose header row fits the sheet best. On equal fit a layout beside the
        data wins over a built-in; two of the same standing fitting equally is an error."""
        scored = []
        for layout in self.layouts:
            match = find_header(rows, layout)
            if match is not None:
                scored.append(((not match.missing, len(match.positions) - len(match.missing)), layout, match))
        if not scored:
            return None
        best_fit = max(score for score, _, _ in scored)
        tied = [(layout, match) for score, layout, match in scored if score == best_fit]
        standing = max(layout.beside_data for layout, _ in tied)
        tied = [(layout, match) for layout, match in tied if layout.beside_data == standing]
        layout, match = tied[0]
        if len(tied) > 1:
            names = " and ".join(f"'{lay.name}' ({lay.source})" for lay, _ in tied)
            self._find("error", "ambiguous_layout",
                       f"layouts {names} fit this sheet equally well, so which one reads it cannot be decided; "
                       "remove one, or name one with --layout", sheet, match.index + 1)
            return False
        if match.missing and not self.forced and len(self.layouts) > 1 and len(match.positions) < 2:
            return None
        return layout, match

    def _no_header(self, sheet, rows):
        names = ", ".join(f"'{lay.name}'" for lay in self.layouts)
        wanted = "; ".join(f"{lay.name}: " + ", ".join(names[0] for names in lay.required_headers().values())
                           for lay in self.layouts[:4])
        self._find("error", "header_not_found",
                   f"no header row found in the first rows of the sheet for layout{'s' if len(self.layouts) > 1 else ''} "
                   f"{names}. Expected a row holding the headers ({wanted}); check the sheet is an action plan "
                   "or add a layout file for it", sheet, 1)

    # -- one sheet ----------------------------------------------------------------------------
    def _dated(self, sheet, rows, layout: Layout, match: HeaderMatch):
        """The layout with its snapshots dated from this sheet's header and title rows (see
        ``snapdates``), and the header row matched again with those columns; None on a problem."""
        dated, problems = snapdates.resolve(layout, rows[match.index], rows[:match.index], match.index)
        for row, column, message in problems:
            self._find("error", "snapshot_date", message, sheet, row, column)
        if dated is None:
            return None
        again = find_header([rows[match.index]], dated)
        return dated, HeaderMatch(match.index, again.positions, again.missing, again.doubled)

    def _read_sheet(self, sheet, rows, layout: Layout, match: HeaderMatch):
        if any(snap.date is None or snap.status_pattern is not None for snap in layout.snapshots):
            dated = self._dated(sheet, rows, layout, match)
            if dated is None:
                return
            layout, match = dated
        header_index, positions, missing = match.index, match.positions, match.missing
        header = rows[header_index]
        headers = {key: _text(header[col]) for key, col in positions.items()}
        for key in missing:
            names = layout.required_headers()[key]
            self._find("error", "missing_column",
                       f"required column '{names[0]}' ({key}) is missing from the header row "
                       f"(layout '{layout.name}'); found: {', '.join(_text(c) for c in header if _text(c))}",
                       sheet, header_index + 1)
        for key, cols in match.doubled.items():
            where = " and ".join(column_letter(c) for c in cols)
            self._find("error", "duplicate_header",
                       f"header '{_text(header[cols[0]])}' appears in columns {where}; rename one so it is clear "
                       f"which holds the {key.replace('update:', 'update for ').replace('status:', 'status for ')}",
                       sheet, header_index + 1, column_letter(cols[1]))
        if missing or match.doubled:
            return
        for key, names in layout.headers().items():  # optional columns the layout names but the sheet lacks
            if key not in positions and ":" not in key and key != "split":
                self._find("warning", "missing_optional_column",
                           f"column '{names[0]}' ({key}), which layout '{layout.name}' names, is not in the header "
                           f"row, so every action's {key.replace('_', ' ')} is left empty; if the sheet heads it "
                           f"another way, add that heading to the layout. Found: "
                           f"{', '.join(_text(c) for c in header if _text(c))}",
                           sheet, header_index + 1)
        council, code, assessment = self._identity(sheet, rows[:header_index], layout, header_index)
        if council is None:
            return
        data_rows = [(i, r) for i, r in enumerate(rows[header_index + 1:], start=header_index + 2)
                     if any(_text(v) for v in r)]
        cut = self.source.cut.get(sheet)
        if cut is not None and cut.reason == "rows":  # the reader stopped early: there are more rows than read
            self._find("error", "too_many_rows",
                       f"the sheet has more than {min(len(data_rows), self.max_rows):,} filled rows below its "
                       f"header (reading stopped at row {cut.row:,}); an action plan is expected to have at most "
                       f"{self.max_rows:,}. Check this is the right file (or pass a higher max_rows)",
                       sheet, header_index + 2 + self.max_rows if len(data_rows) > self.max_rows else cut.row)
            return
        if len(data_rows) > self.max_rows:
            self._find("error", "too_many_rows",
                       f"the sheet has {len(data_rows):,} filled rows below its header; an action plan is expected to "
                       f"have at most {self.max_rows:,}. Check this is the right file (or pass a higher max_rows)",
                       sheet, header_index + 2 + self.max_rows)
            return
        state = _SheetState(sheet, layout, positions, headers, council, code, assessment)
        state.rows, state.header_index = rows, header_index
        state.rests = self.source.rests.get(sheet, set())
        for r, c in self.source.merged_down.get(sheet, ()):
            state.covered.setdefault(r, []).append(c)
        header_cells = {col: normalise_header(header[col]) for col in positions.values()}
        for number, row in data_rows:
            self._read_row(state, number, row, header_cells)
        self._prose_without_a_date(state)
        self._dates_far_from_the_rest(state)
        if not state.actions:
            self._find("error", "no_data", "no data rows below the header row: the plan has no actions", sheet,
                       header_index + 1)
        self._give_ids(state)
        self.sheets.append({"file": self.source.name, "sha256": self.source.sha256, "sheet": sheet,
                            "layout": layout.name, "header_row": header_index + 1, "actions": len(state.actions),
                            "layout_file": f"{layout.source} ({_where_from(layout)})",
                            "internal_columns": ",".join(_internal_columns(layout, positions)),
                            "group_label": layout.group_label,
                            "owner_names": json.dumps(layout.owner_names) if layout.owner_names else "",
                            "internal_cells": _internal_cells(layout, positions),
                            "dates_from_internal": _dates_from_internal(layout, positions)})

    def _identity(self, sheet, above, layout: Layout, header_index):
        council, code, assessment = layout.council, layout.council_code, layout.assessment
        title = " ".join(_text(v) for row in above for v in row if _text(v))
        if layout.title_pattern is not None:
            match = layout.title_pattern.search(title)
            if match:
                groups = match.groupdict()
                council = council or groups.get("council")
                code = code or groups.get("code")
                assessment = assessment or groups.get("assessment")
        if council and not code:
            code = "".join(_INITIALS.findall(council))
        if not council or not assessment:
            what = "council" if not council else "assessment"
            self._find("error", "no_identity",
                       f"the {what} is not named: layout '{layout.name}' gives none and {_unmatched(layout, title)}",
                       sheet, max(header_index, 1))
            return None, None, None
        return council, code, assessment

    def _cell(self, row, state, key):
        col = state.positions.get(key)
        return row[col] if col is not None and col < len(row) else ""

    def _column(self, state, key) -> str:
        col = state.positions[key]
        return f"{column_letter(col)} ('{state.headers[key]}')"

    def _read_row(self, state: _SheetState, number: int, row: list, header_cells: dict):
        cells = [_text(v) for v in row]
        filled = [c for c in cells if c]
        # a header repeated at a page break
        same = sum(1 for col, name in header_cells.items() if col < len(row) and normalise_header(row[col]) == name)
        if same >= max(2, len(header_cells) // 2):
            return
        if number - 1 in state.rests and self._rest_of_last(state, row):
            self._continue(state, number, row, cut=True)  # the rest of the row cut by a page break
            return
        if len(filled) == 1 and self._section(state, number, filled[0]):
            return
        layout = state.layout
        if layout.continuation and state.last is not None and all(not _text(self._cell(row, state, k))
                                                                  for k in layout.continuation):
            self._continue(state, number, row)
            return
        if len(filled) == 1 and next(i for i, c in enumerate(cells) if c) <= state.first_column:
            self._not_an_action(state, number, filled[0])
            return
        self._item(state, number, self._merged(state, number, row))

    def _rest_of_last(self, state, row) -> bool:
        """Whether a row first on a PDF page after a break is the rest of the last action's row:
        its item number blank, or the last action's own. Without an item number column that
        cannot be told, and the row is read as the layout reads any row (and flagged)."""
        if state.last is None or "ref" not in state.positions:
            return False
        ref = _text(self._cell(row, state, "ref"))
        return not ref or ref == _text(state.last.get("ref"))

    @staticmethod
    def _merged(state, number, row) -> list:
        """The row with each cell a cell above is merged down over given that cell's value (a
        "Responsible officer" merged over two recommendations is the owner of both)."""
        columns = state.covered.get(number - 1)
        if not columns:
            return row
        row = list(row)
        for col in columns:
            top = number - 1
            while top in state.covered and col in state.covered[top]:
                top -= 1
            if top <= state.header_index:
                continue  # a heading cell merged down into the data: not a value
            above = state.rows[top]
            if col < len(above) and not _text(row[col] if col < len(row) else ""):
                row.extend([""] * (col + 1 - len(row)))
                row[col] = above[col]
        return row

    def _not_an_action(self, state, number, text):
        """A row with text in its first cell only (or in one cell merged across) that no section
        pattern names: a note, a key or a heading, never guessed into an action."""
        words = " ".join(text.split())
        shown = words if len(words) <= 60 else words[:60].rsplit(" ", 1)[0] + " …"
        self._find("warning", "not_an_action",
                   f"the row holds text in its first cell only ('{shown}'): read as a note, key or heading, "
                   "not as an action. If it heads the actions below it, name it under the layout's 'sections'; "
                   "if it is an action, fill in its other columns", state.sheet, number,
                   column_letter(state.first_column))

    def _section(self, state, number, text) -> bool:
        patterns = state.layout.sections
        hits = {key for key, pattern in patterns.items() if pattern.search(text)}
        if not hits:
            return False
        if "group" in hits:  # the plan's own heading (an audit report, a theme): read as written
            found = patterns["group"].search(text)
            named = found.groupdict().get("group") if "group" in patterns["group"].groupindex else None
            state.group = " ".join((named if named is not None else text).split()) or None
        if hits - {"group"}:  # a Use of Resources theme or KLOE heading
            self._uor_section(state, number, text, patterns)
        return True

    def _uor_section(self, state, number, text, patterns):
        theme = kloe_mod.theme_of(text)
        found = kloe_mod.resolve(text)
        self._kloe_words_differ(state.sheet, number, "A", text)
        if found:
            state.kloe, state.theme = found, found.theme
        elif "kloe" in patterns and patterns["kloe"].search(text):
            state.kloe = None
            self._find("warning", "unresolved_kloe",
                       f"section heading '{text}' names no KLOE of the Use of Resources framework; "
                       "the actions below it have no KLOE", state.sheet, number, "A")
        if theme and not found:
            state.theme, state.kloe = theme, None

    def _continue(self, state, number, row, cut: bool = False):
        """Join a continuation row to the action above: its text columns run on. ``cut``: the row is
        the rest of the action's own row, cut by a PDF page break, so its other cells (the council's
        status words, a target, the heading) fill those the first part left empty, as in the Word paper."""
        target = state.last
        for key in ("recommendation", "action", "owner", "details"):
            extra = _text(self._cell(row, state, key))
            if extra and key in state.positions:
                target[key] = f"{target[key]}\n{extra}" if target.get(key) else extra
        for update in state.last_updates:
            extra = _text(self._cell(row, state, f"update:{update['snapshot']}"))
            if extra:
                update["text"] = f"{update['text']}\n{extra}" if update["text"] else extra
        prose = state.layout.target_in_prose
        if prose and "target" not in state.positions and _text(self._cell(row, state, prose)):
            # the item's prose now runs on: a date it commits to in the continued part counts too
            self._prose_target(state, number, target, prose)
        filled = self._fill_from_rest(state, number, row, target) if cut else set()
        self._not_joined(state, number, row, target, filled)
        target["_rows"].append(number)

    @staticmethod
    def _whose(target) -> str:
        ref = _text(target.get("ref"))
        return f"item {ref}" if ref else "the action above"

    def _fill_from_rest(self, state, number, row, target) -> set[str]:
        """The cells of a cut row's rest that fill cells its first part left empty: the council's status
        words, a priority, a target or revised target, the row's heading. The keys filled (or the same)."""
        filled = set()
        for key in state.positions:
            value = self._cell(row, state, key)
            extra = _text(value)
            if not extra:
                continue
            if key.startswith("status:"):
                snapshot = key.split(":", 1)[1]
                for update in (u for u in state.last_updates if u["snapshot"] == snapshot):
                    if not update["stated_status"] or _text(update["stated_status"]) == extra:
                        update.update(_stated(state, extra))
                        filled.add(key)
            elif key == "group":
                if not target.get("group") or " ".join(target["group"].split()) == " ".join(extra.split()):
                    target["group"] = " ".join(extra.split())
                    filled.add(key)
            elif key == "priority":
                if not target.get("priority"):
                    self._priority(state, number, target, extra)
                if _text(target.get("priority")) in (extra, _priority_word(state, extra)):
                    filled.add(key)
            elif key in ("target", "revised_target"):
                field = "target_text" if key == "target" else "revised_target_date"
                if target.get(field) is None:
                    self._target(state, number, target, value, key)
                    filled.add(key)
        return filled

    def _not_joined(self, state, number, row, target, filled=frozenset()):
        """A finding for each cell of a continuation row that is not text joined to the row above
        (a priority, a target, the council's status word cut off by a page break): never dropped unsaid."""
        joined = {"recommendation", "action", "owner", "details", state.layout.target_in_prose, *filled}
        for key in state.positions:
            if key in joined or key.startswith("update:"):
                continue
            extra = _text(self._cell(row, state, key))
            if extra:
                place = self.source.row_place(target["source_sheet"], target["_rows"][0])
                self._find("warning", "continuation_cell_not_joined",
                           f"'{_shown(extra, 40)}' is on a continuation row of {self._whose(target)} ({place}), "
                           f"where only its text columns are joined: this cell was not read; put it on the "
                           "action's own row", state.sheet, number, self._column(state, key))

    def _item(self, state, number, row):
        layout = state.layout
        split_only = set(layout.split.snapshots) if layout.split else set()
        main_keys = [k for k in state.positions if not k.startswith(("update:", "status:")) and k != "split"]
        main_keys += [f"update:{s.snapshot}" for s in layout.snapshots if s.snapshot not in split_only and s.column]
        has_main = any(_text(self._cell(row, state, k)) for k in main_keys)
        split_text = _text(self._cell(row, state, "split")) if layout.split else ""
        if has_main and not split_text and not self._names_an_action(state, row):
            self._no_action_in(state, number, row, main_keys)
            return
        main = self._main_action(state, number, row) if has_main else None
        linked = self._split_action(state, number, row, split_text) if split_text else None
        if main and linked:
            main["_link"], linked["_link"] = linked, main
        if not main and not linked:
            self._find("warning", "orphan_update",
                       "this row has an update but no issue or action; it was not loaded", state.sheet, number)

    def _names_an_action(self, state, row) -> bool:
        """Whether the row gives an item number, a recommendation or an action: without any of them
        (an owner, a details or a progress cell alone) it is no action of the plan. A layout with
        none of those columns reads every row as before."""
        keys = [key for key in ("ref", "recommendation", "action") if key in state.positions]
        return not keys or any(_text(self._cell(row, state, key)) for key in keys)

    def _no_action_in(self, state, number, row, keys):
        """A ``not_an_action`` finding for a row that names no action, quoting its filled cells."""
        filled = [(key, _text(self._cell(row, state, key))) for key in keys]
        filled = [(key, text) for key, text in filled if text]
        quoted = "; ".join(f"'{state.headers[key]}' ('{_shown(text)}')" for key, text in filled)
        named = ", ".join(f"'{state.headers[key]}'" for key, _ in filled)
        why = ("no item number, recommendation or action, so it is not read as an action and is not counted; "
               "if it belongs to the row above, join it to that row (or give the layout a 'continuation' rule); "
               "if it is an action, fill in its number and recommendation or action")
        self.findings.append(Finding(
            "warning", "not_an_action", f"the row holds only {quoted}: {why}",
            self._where(state.sheet, number, self._column(state, filled[0][0])),
            quotes=tuple(dict.fromkeys("updates" if key.startswith("update:") else key for key, _ in filled)),
            unquoted=f"the row holds only {named}: {why}"))

    def _new_action(self, state, number, assessment, **values) -> dict:
        action = {"council": state.council, "council_code": state.code, "assessment": assessment,
                  "theme": state.kloe.theme if state.kloe else state.theme,
                  "kloe": state.kloe.code if state.kloe else None,
                  "kloe_name": state.kloe.name if state.kloe else None, "group": state.group,
                  "recommendation": None, "action": None, "owner": None, "priority": None,
                  "target_text": None, "target_date": None, "target_recurring": False,
                  "revised_target_date": None, "details": None, "linked_action_id": None,
                  "source_file": self.source.name, "source_sheet": state.sheet, "_rows": [number]}
        action.update(values)
        state.actions.append(action)
        return action

    def _main_action(self, state, number, row) -> dict:
        layout = state.layout
        get = lambda key: _text(self._cell(row, state, key)) or None  # noqa: E731
        action = self._new_action(state, number, state.assessment, recommendation=get("recommendation"),
                                  action=get("action"), owner=get("owner"), details=get("details"),
                                  ref=self._cell(row, state, "ref"))
        if "kloe" in state.positions or layout.kloe_in:
            self._kloe_of_item(state, number, action, get("kloe"))
        if get("group"):
            action["group"] = " ".join(get("group").split())
        for key in layout.owner_suffix:
            if not action["owner"] and action.get(key):
                action[key], action["owner"] = split_owner(action[key])
        if action["owner"] and "owner" in state.positions and _A_DATE.match(action["owner"]):
            self._find("warning", "owner_is_a_date",
                       f"the owner cell holds a date ('{action['owner']}'), not an officer: check the columns have not "
                       "shifted; the action is read with no owner", state.sheet, number, self._column(state, "owner"))
            action["owner"] = None
        if "priority" in state.positions:
            self._priority(state, number, action, get("priority"))
        if "target" in state.positions:
            self._target(state, number, action, self._cell(row, state, "target"), "target")
        elif layout.target_in_prose and action.get(layout.target_in_prose):
            self._prose_target(state, number, action, layout.target_in_prose)
        if "revised_target" in state.positions and _text(self._cell(row, state, "revised_target")):
            self._target(state, number, action, self._cell(row, state, "revised_target"), "revised_target")
        state.last = action
        state.last_updates = self._updates(state, number, row, action, [s for s in layout.snapshots])
        return action

    def _split_action(self, state, number, row, text) -> dict:
        split = state.layout.split
        owner = None
        if split.owner_suffix:
            text, owner = split_owner(text)
        action = self._new_action(state, number, split.assessment, action=text, owner=owner)
        group = _text(self._cell(row, state, "group"))
        if group:  # the row's group is the linked action's too
            action["group"] = " ".join(group.split())
        wanted = [s for s in state.layout.snapshots if s.snapshot in split.snapshots]
        self._updates(state, number, row, action, wanted)
        return action

    def _updates(self, state, number, row, action, snapshots) -> list[dict]:
        made = []
        for snap in snapshots:
            key = f"update:{snap.snapshot}" if snap.column else f"status:{snap.snapshot}"
            word = _text(self._cell(row, state, f"status:{snap.snapshot}")) if snap.status else ""
            update = {"_action": action, "snapshot": snap.snapshot, "snapshot_date": snap.date,
                      "text": _text(self._cell(row, state, f"update:{snap.snapshot}")) if snap.column else "",
                      **_stated(state, word),
                      "source_file": self.source.name, "source_sheet": state.sheet, "source_row": number,
                      "source_column": self._column(state, key),
                      # where the stated status is, when it has a column of its own (versions name it)
                      "stated_column": self._column(state, f"status:{snap.snapshot}") if snap.status else None}
            self.updates.append(update)
            made.append(update)
        return made

    def _kloe_of_item(self, state, number, action, cell_text):
        """The item's own KLOE: its KLOE cell, or the first line of the layout's ``kloe_in`` column.

        With neither written, the KLOE of the section heading above carries over.
        """
        layout = state.layout
        if "kloe" in state.positions:
            column, text = "kloe", cell_text
        else:
            column = layout.kloe_in
            first, sep, rest = (action.get(column) or "").partition("\n")
            if not sep:
                first, sep, rest = (action.get(column) or "").partition("  ")
            text = first.strip() if (kloe_mod.resolve(first) or kloe_mod.names_a_kloe(first)) else None
            if text and rest.strip():
                action[column] = rest.strip()
        if not text and action["kloe"]:
            return
        found = kloe_mod.resolve(text) if text else None
        if found:
            self._kloe_words_differ(state.sheet, number, self._column(state, column), text)
            action.update(kloe=found.code, kloe_name=found.name, theme=found.theme)
            return
        action.update(kloe=None, kloe_name=None)
        self._find("warning", "unresolved_kloe",
                   f"'{text}' is not a KLOE of the Use of Resources framework (1.1-1.3, 2.1-2.4, 3.1-3.3)"
                   if text else "no KLOE is named for this action", state.sheet, number,
                   self._column(state, column))

    def _kloe_words_differ(self, sheet, number, column, text):
        differ = kloe_mod.disagreement(text)
        if differ:
            by_number, by_words = differ
            self._find("warning", "kloe_mismatch",
                       f"'{text[:80]}' gives the KLOE number {by_number.code} ({by_number.name}), but its words name "
                       f"{by_words.code} ({by_words.name}); the number is used and reports show the framework's name "
                       f"'{by_number.label}': check the heading", sheet, number, column)

    def _priority(self, state, number, action, value):
        if value is None:
            return
        known = _priority_word(state, value)
        if known is None:
            self._find("warning", "unknown_priority",
                       f"priority '{value}' is not High, Medium or Low; kept as written "
                       "(map the council's grades with priority_words: in the layout)", state.sheet, number,
                       self._column(state, "priority"))
        action["priority"] = known or value

    def _target(self, state, number, action, value, key):
        target = parse_target(value, state.layout.reference_date)
        field = "target_date" if key == "target" else "revised_target_date"
        if target.kind == "to_be_set":
            self._not_set(state, number, key, target.text,
                          "the action has no target date to be held to, so it is never rated Green (a target an "
                          "earlier version gave still judges it)")
        elif target.kind == "unreadable" and SPREADSHEET_ERROR.match(target.text):
            self._find("warning", "unreadable_target",
                       f"target '{target.text}' is a spreadsheet error (a formula that could not give a value, such "
                       "as a lookup that found nothing), not a date; target_date left empty. Correct the cell or "
                       "its formula", state.sheet, number, self._column(state, key))
        elif target.kind == "unreadable":
            self._find("warning", "unreadable_target",
                       f"target '{target.text}' does not read as a date (expected e.g. 'March 2010', "
                       "'Q1 2010/11', '31/03/2010' or an Excel date); target_date left empty",
                       state.sheet, number, self._column(state, key))
        self._year_notes(state, number, target, key, field)
        if key == "target":
            action.update(target_text=target.text or None, target_date=target.date,
                          target_recurring=target.recurring)
        else:
            action[field] = target.date
        if target.date is not None:
            state.dated.append((target.date, number, key, target.text, action, field))
        return target.date

    def _not_set(self, state, number, key, written: str, what_follows: str):
        """A ``target_not_set`` warning: the target ``written`` ("TBC") is still to be set."""
        self._find("warning", "target_not_set",
                   f"target '{written}' is not set yet: {what_follows}. Enter the agreed date when there is one",
                   state.sheet, number, self._column(state, key))

    def _prose_target(self, state, number, action, column):
        """The target the item's prose (``column``) commits to, read again as the prose runs on."""
        found = target_in_prose(action[column], state.layout.reference_date)
        if found.kind == "to_be_set":  # judged once the sheet is read: the prose may give a date further on
            return
        if found.kind == "implausible":
            action.update(target_text=found.text, target_date=None, target_recurring=found.recurring)
        elif found.date:
            if found.date != action.get("target_date"):  # not the date the prose gave before it ran on
                state.dated.append((found.date, number, column, found.text, action, "target_date"))
            action.update(target_text=found.text, target_date=found.date, target_recurring=found.recurring)
        noted = (id(action), found.text)
        if (found.kind == "implausible" or found.year_assumed) and noted not in state.noted:
            state.noted.add(noted)  # said once, though the prose runs on
            self._year_notes(state, number, found, column, "target_date")

    def _prose_without_a_date(self, state):
        """A ``no_date_in_prose`` warning for each item whose prose (``target_in_prose``), read to its
        end, gives no date. Judged once the sheet is read, so prose that gives its date on a
        continued row is not warned about. The action has no target, as with an empty target cell
        (prose describes the work, so it is not a target nobody could read)."""
        column = state.layout.target_in_prose
        if not column or "target" in state.positions or column not in state.positions:
            return
        for action in state.actions:
            text = action.get(column)
            if text and action.get("target_date") is None and not action.get("target_text"):
                unset = target_in_prose(text, state.layout.reference_date)
                if unset.kind == "to_be_set":  # "timescale TBC": never rated Green (analysis.progress)
                    action["target_text"] = unset.text
                    self._not_set(state, action["_rows"][0], column, unset.text,
                                  f"the {column.replace('_', ' ')} text gives no date ('{_shown(text)}'), so the "
                                  "action has none to be held to and is never rated Green")
                    continue
                self._find("warning", "no_date_in_prose",
                           f"the {column.replace('_', ' ')} text ('{_shown(text)}') gives no target date (the layout "
                           f"reads targets from it: expected e.g. 'by March 2010', 'by 31/03/2010' or 'Q1 2010/11'); "
                           "target_date left empty", state.sheet, action["_rows"][0], self._column(state, column))

    def _year_notes(self, state, number, target, key, field):
        """Warnings for a target whose year was mistyped or far off (left empty), or not written."""
        if target.kind == "implausible":
            self._find("warning", "implausible_year",
                       f"target '{target.text}' is not read as a date: {target.problem}; {field} left empty "
                       "(a year is never guessed: correct it in the plan)",
                       state.sheet, number, self._column(state, key))
        elif target.year_assumed:
            reference = state.layout.reference_date
            self._find("warning", "year_assumed",
                       f"target '{target.text}' gives no year: it is read as {target.date:%d %b %Y}, the next such "
                       f"date from the layout's reference_date ({reference:%Y-%m-%d}); write the year in the plan "
                       "to be sure", state.sheet, number, self._column(state, key))

    def _dates_far_from_the_rest(self, state):
        """Without a reference date, a target more than YEARS_EITHER_SIDE years from the middle
        (median) of the sheet's dates (targets, revised targets and snapshot dates) is a mistyped
        year: a warning, and the date is left empty. The plan's own dates judge it, never the
        clock, so a plan reads the same whenever it is loaded."""
        dates = sorted([when for when, *_ in state.dated] + [s.date for s in state.layout.snapshots if s.date])
        if state.layout.reference_date is not None or not dates:
            return
        middle = dates[(len(dates) - 1) // 2]
        for when, number, key, text, action, field in state.dated:
            why = year_problem(when, middle, "the middle of this sheet's dates")
            if why and action.get(field) == when:
                action[field] = None
                self._find("warning", "implausible_year",
                           f"target '{text}' is not read as a date: {why}; {field} left empty "
                           "(the layout gives no reference_date, so the sheet's own dates set the years read; a year "
                           "is never guessed: correct it in the plan, or give the layout a reference_date)",
                           state.sheet, number, self._column(state, key))

    # -- ids ------------------------------------------------------------------------------------
    def _give_ids(self, state):
        counters: dict[str, int] = {}
        kloe_groups = state.layout.declares_kloes and not state.layout.own_groups
        for action in state.actions:
            if kloe_groups:  # a Use of Resources plan is grouped by its KLOEs, as its reports show them
                action["group"] = kloe_mod.label(action["kloe"]) if action.get("kloe") else None
            counters[action["assessment"]] = counters.get(action["assessment"], 0) + 1
            ref = _text(action.pop("ref", None))
            error = ref if ref and SPREADSHEET_ERROR.match(ref) else None
            ref = "" if error else ref  # "#N/A" is no item number: never an id such as ...-N-A
            position = counters[action["assessment"]]
            suffix, note = _id_suffix(ref, position) if ref else (f"{position:03d}", None)
            action["action_id"] = f"{action['council_code']}-{action['assessment']}-{suffix}"
            if note and "ref" in state.positions:
                self._find("warning", "unusual_item_number",
                           f"item number '{ref[:40]}' {note}: the action's id is {action['action_id']}",
                           state.sheet, action["_rows"][0], self._column(state, "ref"))
            elif not ref and "ref" in state.positions:  # never numbered in silence: the id moves if rows do
                said = f"the item number cell holds the spreadsheet error '{error}'" if error \
                    else "the action has no item number"
                self._find("warning", "no_item_number",
                           f"{said}, so it is numbered by its position on the sheet: its "
                           f"id is {action['action_id']}, which changes if rows are added above it; give it a "
                           "number of its own", state.sheet, action["_rows"][0], self._column(state, "ref"))
        for action in state.actions:
            link = action.pop("_link", None)
            if link is not None:
                action["linked_action_id"] = link["action_id"]
            rows = action.pop("_rows")
            action["source_rows"] = str(rows[0]) if len(rows) == 1 else f"{rows[0]}-{rows[-1]}"
            self.actions.append(action)
        for update in self.updates:
            if "_action" in update:
                update["action_id"] = update.pop("_action")["action_id"]


_MAX_SUFFIX = 40


def _shown(text: str, limit: int = 60) -> str:
    """``text`` on one line, cut at a word near ``limit`` characters (marked with an ellipsis)."""
    words = " ".join(text.split())
    return words if len(words) <= limit else words[:limit].rsplit(" ", 1)[0] + " …"


def _where_from(layout: Layout) -> str:
    """Where a layout was read from, as ``validate`` says it: beside the data, built in, or a file named."""
    if layout.beside_data:
        return "beside the data"
    return "built in" if layout.read_from and BUILTIN_DIR in Path(layout.read_from[0]).resolve().parents else "the file given"


def _id_suffix(ref: str, position: int) -> tuple[str, str | None]:
    """The id suffix for an item number, and a note when it is not a plain one.

    "17" -> "017"; "1.2a" -> "1.2a"; "²", "①" or Arabic-Indic "٣" (digits, but not the
    ASCII 0-9) -> their digit value, with a note; a number with no letters or digits A-Z/0-9
    at all, or too long for an id -> the item's position on the sheet, with a note. Should
    that clash with another item's id, the loader's duplicate-id check refuses the sheet, so
    an id never silently changes meaning.
    """
    if ref.isascii() and ref.isdigit() and len(ref) <= 18:
        return f"{int(ref):03d}", None
    if ref.upper() in ("TRUE", "FALSE"):  # a tick box, or a formula's result, read as the cell's value
        return f"{position:03d}", (f"is TRUE or FALSE (a tick box or a formula's result), not an item number; the "
                                   f"action is numbered by its position on the sheet ({position})")
    if len(ref) <= 18 and all(unicodedata.digit(ch, None) is not None for ch in ref):
        number = int("".join(str(unicodedata.digit(ch)) for ch in ref))
        return f"{number:03d}", f"is not written with the digits 0-9; it is read as {number}"
    suffix = re.sub(r"[^A-Za-z0-9.]+", "-", ref).strip("-")
    if not suffix or len(suffix) > _MAX_SUFFIX:
        why = "has no letters A-Z or digits 0-9" if not suffix else f"is {len(ref):,} characters long, too long for an id"
        return f"{position:03d}", f"{why}; the action is numbered by its position on the sheet ({position})"
    if not ref.isascii():
        return suffix, "holds characters other than A-Z, 0-9 and '.', which are left out of the id"
    return suffix, None


def _internal_columns(layout: Layout, positions: dict) -> tuple[str, ...]:
    """The columns internal to the council on this sheet: those the layout marks, and those read out
    of one of them. A target taken from internal prose (``target_in_prose``) is internal text as
    written ("by the end of November 2010"), and so is an owner split off the end of an internal
    column (``owner_suffix``): neither may reach an external reader (``reportlib.analysis.audience``)."""
    names = list(layout.internal_columns)
    if layout.target_in_prose in names and "target" not in positions:
        names.append("target_text")
    if "owner" not in names and any(key in names for key in layout.owner_suffix):
        names.append("owner")
    return tuple(names)


def _dates_from_internal(layout: Layout, positions: dict) -> str:
    """The internal column this sheet's target dates are read from (``target_in_prose`` naming one
    of the layout's ``internal_columns``, with no target column), else "". The words stay internal;
    the dates are published (``reportlib.analysis.audience`` says so in an external pack)."""
    column = layout.target_in_prose
    return column if column and column in layout.internal_columns and "target" not in positions else ""


def _internal_cells(layout: Layout, positions: dict) -> str:
    """The letters of the sheet's columns whose cells the layout marks internal ("D,F,G"): a finding
    located in one of them is about internal text, whatever it quotes (``reportlib.analysis.audience``)."""
    names = set(layout.internal_columns)
    return ",".join(sorted({column_letter(col) for key, col in positions.items()
                            if ("updates" if key.startswith("update:") else key) in names}))


class _SheetState:
    """What carries from row to row while one sheet is read."""

    def __init__(self, sheet, layout, positions, headers, council, code, assessment):
        self.sheet, self.layout, self.positions, self.headers = sheet, layout, positions, headers
        self.council, self.code, self.assessment = council, code, assessment
        self.theme: int | None = None
        self.kloe: kloe_mod.Kloe | None = None
        self.group: str | None = None  # the plan's own heading above (``sections: {group: ...}``)
        self.actions: list[dict] = []
        self.last: dict | None = None
        self.last_updates: list[dict] = []
        self.dated: list[tuple] = []  # (date, row, column key, text, action, field) for each target read
        self.noted: set[tuple] = set()  # prose targets already warned about
        self.first_column = min(positions.values(), default=0)  # the table's first column
        self.rows: list[list] = []
        self.header_index = 0
        self.covered: dict[int, list[int]] = {}  # row index -> columns merged down over from above
        self.rests: set[int] = set()  # rows that may be the rest of the row above, cut by a page break


def _unmatched(layout: Layout, title: str) -> str:
    """Why the title rows named nothing, quoting what was taken as the title."""
    if layout.title_pattern is None:
        return "it has no title_pattern to read it from the title rows above the header row"
    if not title:
        return "there are no title rows above the header row for its title_pattern to read"
    return (f"the title above the header row ({snapdates.quoted_title(title)}) does not match its title_pattern "
            f"'{layout.title_pattern.pattern}'")
