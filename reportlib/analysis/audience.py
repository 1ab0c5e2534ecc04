"""What a reader outside the council may be told: one filter at the boundary.

A council's layout marks some columns internal (``internal_columns``: recommendation, action,
owner, priority, details, or ``updates`` for the update text); a column read out of an internal
one is internal too (a target phrase taken from internal prose, ``target_text``; an owner split off
an internal column: ``ingest.rows``). The target DATE read from internal prose is not: the
committee's figures depend on it, so it is published as a date, and ``dates_from_internal`` adds a
finding saying so. For an ``external`` audience,
``withhold`` is applied once, when the plans are cut for a report (``snapshot.cut``), and every
output of the pack (reports, their PDF and .ipynb, tables.xlsx, manifest.json) is built from
what it leaves:

* the internal columns are emptied in the tables (``Plans.withheld`` names them);
* a finding that quotes an internal column (``Finding.quotes``, set where the finding is made:
  a version's changed owner, two versions' different update text) is told by its
  ``unquoted`` message, which says what changed but not to what;
* a finding located at a cell of an internal column (each sheet's internal column letters are
  in ``Plans.sources.internal_cells``, from its layout) is told without its text, whatever it
  quotes and however long or short;
* last, every text that goes out of the plans (finding messages, notes on what was read) is
  scanned for the text any version ever held in an internal cell (``Plans.action_versions``
  holds the earlier versions), which is replaced by ``WITHHELD``. A value of four characters or
  more is matched as whole words (and, when long, by its first 40 characters, as a quotation
  cut short gives them); a shorter one ("HR") only as a whole text or a quoted value, so the
  scan never cuts "HR" out of "HRA" or "through".
"""
from __future__ import annotations

import re
from dataclasses import replace

import pandas as pd

from reportlib.analysis import status
from reportlib.errors import Finding
from reportlib.model.plans import Plans

#: A layout's internal_columns names canonical action columns; "updates" stands for the update text.
UPDATE_TEXT = "updates"
WITHHELD = "[withheld: internal to the council]"
SHORT = 4  # values shorter than this are matched only whole or quoted
PREFIX = 40  # a long value is also found by its first PREFIX characters
_LETTERS = re.compile(r"^([A-Z]{1,3})(?![A-Za-z0-9])")
_QUOTES = "'\"‘’“”"


class Internal:
    """Which source cells are internal to the council, and every text they held in any version."""

    def __init__(self, plans: Plans):
        self.names = frozenset(plans.internal_columns)
        self.cells: dict[tuple, set[str]] = {}
        for row in plans.sources.to_dict("records") if "internal_cells" in plans.sources else ():
            letters = {x for x in str(row.get("internal_cells") or "").split(",") if x and x != "nan"}
            if letters:
                self.cells.setdefault((row.get("file"), row.get("sheet")), set()).update(letters)
        self.values = _values(plans, self.names)
        self._pattern = _pattern(self.values)

    def quotes_internal(self, finding: Finding) -> bool:
        """Whether the finding quotes an internal column, or is located at a cell of one."""
        if self.names & set(finding.quotes):
            return True
        where = finding.location
        letters = self.cells.get((where.file, where.sheet))
        match = _LETTERS.match(where.column or "") if letters else None
        return bool(match and match.group(1) in letters)

    def finding(self, finding: Finding) -> Finding:
        """The finding as an external reader is told it: without internal text."""
        if self.quotes_internal(finding):
            message = finding.unquoted or (f"{finding.code.replace('_', ' ')}: the cell text this finding is about "
                                           "is internal to the council (withheld: internal)")
        else:
            message = finding.message
        message = self.text(message)
        return finding if message == finding.message else replace(finding, message=message, unquoted="")

    def text(self, value):
        """``value`` with every internal text in it replaced by ``WITHHELD`` (the last line of defence)."""
        if not isinstance(value, str) or not self.values:
            return value
        if " ".join(value.split()) in self.values:
            return WITHHELD
        return self._pattern.sub(WITHHELD, value) if self._pattern is not None else value


def withhold(plans: Plans, every_version: Plans | None = None) -> Plans:
    """``plans`` for an external reader: the internal columns emptied, findings told without
    internal text, notes scanned. ``every_version``: the plans before any as-of cut, whose
    versions and later updates name all the text the internal cells ever held."""
    names = plans.internal_columns
    if not names:
        return plans
    internal = Internal(every_version if every_version is not None else plans)
    actions, updates = plans.actions.copy(), plans.updates.copy()
    for name in names:
        frame, column = (updates, "text") if name == UPDATE_TEXT else (actions, name)
        if column in frame:
            frame[column] = pd.Series(pd.NA, index=frame.index, dtype=object)
    if UPDATE_TEXT in names and "status_source" in updates:  # the second reader quotes the text's words
        updates["status_source"] = status.without_evidence(updates["status_source"])
    sources = plans.sources
    if "note" in sources:
        sources = sources.assign(note=sources["note"].map(internal.text))
    return replace(plans, actions=actions, updates=updates, sources=sources,
                   findings=[internal.finding(f) for f in plans.findings] + dates_from_internal(plans),
                   withheld=tuple(sorted(set(plans.withheld) | set(names))))


def dates_from_internal(plans: Plans) -> list[Finding]:
    """An ``info`` finding for each internal column target dates were read from (a layout's
    ``target_in_prose`` naming one of its ``internal_columns``): the committee's figures depend on
    those dates, so an external pack publishes them, as dates; the words they were read from, never.
    The finding says so, with the number of actions whose target date came from there."""
    if "dates_from_internal" not in plans.sources or plans.actions.empty:
        return []
    read_from: dict[tuple, str] = {}
    for row in plans.sources.to_dict("records"):
        column = row.get("dates_from_internal")
        if isinstance(column, str) and column:
            read_from[(row.get("file"), row.get("sheet"))] = column
    counts: dict[str, int] = {}
    for action in plans.actions.itertuples():
        column = read_from.get((action.source_file, action.source_sheet))
        if column and pd.notna(action.target_date):
            counts[column] = counts.get(column, 0) + 1
    return [Finding("info", "dates_from_internal_column",
                    f"target date{'s' if count != 1 else ''} of {count} action{'s' if count != 1 else ''} "
                    f"{'were' if count != 1 else 'was'} read from the internal column "
                    f"'{column}': the dates are published, the words are not")
            for column, count in sorted(counts.items())]


def _values(plans: Plans, names) -> frozenset[str]:
    """Every text an internal cell held, in any version, with its spacing evened out; each line of a
    text of several lines too."""
    found: set[str] = set()
    for name in names:
        frames = [(plans.updates, "text"), (plans.update_versions, "text")] if name == UPDATE_TEXT \
            else [(plans.actions, name), (plans.action_versions, name)]
        for frame, column in frames:
            if frame is None or column not in frame:
                continue
            for value in frame[column].dropna().astype(str):
                lines = [" ".join(line.split()) for line in value.splitlines()]
                found.add(" ".join(value.split()))
                found.update(line for line in lines if len(line) >= SHORT)
    found.discard("")
    return frozenset(found)


def _pattern(values) -> re.Pattern | None:
    parts = []
    for value in sorted(values, key=len, reverse=True):
        body = r"\s+".join(re.escape(word) for word in value.split())
        if len(value) >= SHORT:
            parts.append(r"(?<!\w)" + body + r"(?!\w)")
            if len(value) > PREFIX:
                parts.append(r"(?<!\w)" + r"\s+".join(re.escape(w) for w in value[:PREFIX].split()))
        else:  # "HR": only as a quoted value
            parts.append(f"(?<=[{_QUOTES}])" + body + f"(?=[{_QUOTES}])")
    return re.compile("|".join(parts)) if parts else None
