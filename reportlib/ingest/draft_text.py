"""What a drafted layout is written with: the doubts it collects and its commented YAML lines.

Shared by the parts of ``reportlib layout draft`` (``draft_headers``, ``draft_snapshots``,
``draft_sections``, ``draft_words``, composed by ``draft``). ``Notes`` gathers what was found
and what the draft is unsure of (``Doubt``, cell by cell); the helpers write YAML scalars and
the comment beside each entry."""
from __future__ import annotations

import json
from dataclasses import dataclass, field


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
class Notes:
    """What the draft found (``found``, one line each) and is unsure of (``doubts``)."""

    default_file: str
    doubts: list[Doubt] = field(default_factory=list)
    found: list[str] = field(default_factory=list)

    def doubt(self, sheet, row, column, message, *, file=None, sheet_name=None, person=False) -> None:
        """A doubt at a cell of ``sheet`` (a ``draft_headers.Sheet``, or None for the plan as a whole); ``row``
        counts the sheet's grid, and is said as the loader's findings say it (a paper's table and row)."""
        if sheet is not None and sheet_name is None:
            sheet_name, row = sheet.at(row)
        self.doubts.append(Doubt(file or (sheet.file if sheet else self.default_file),
                                 sheet_name, row, column, message, person))


def quote(text: str) -> str:
    """A YAML scalar that reads back as exactly ``text`` (JSON strings are YAML)."""
    return json.dumps(str(text), ensure_ascii=False)


def quote_pattern(pattern: str) -> str:
    """A regular expression as a single-quoted YAML scalar (backslashes kept as written)."""
    return "'" + pattern.replace("'", "''") + "'"


def one_line(text: str) -> str:
    return " ".join(str(text).split())


def short(text: str, limit: int = 50) -> str:
    text = one_line(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def comment_suffix(note: str) -> str:
    return f"   # {one_line(note)}" if note else ""


def noted(text: str, note: str) -> str:
    """A YAML line with its note as a comment, aligned."""
    return text + (" " * max(1, 36 - len(text)) + "# " + one_line(note) if note else "")


def rows_note(rows) -> str:
    """'rows 5, 10: 'Payroll 2023/24'' for (sheet, row number, text) triples."""
    numbers = [str(s.row(n)) for s, n, _ in rows]
    shown = ", ".join(numbers[:6]) + (" …" if len(numbers) > 6 else "")
    return f"row{'s' if len(numbers) > 1 else ''} {shown}: '{short(rows[0][2], 40)}'"
