"""One exception root for reportlib, with narrow subclasses carrying where it went wrong.

Library code raises these; only ``reportlib.cli`` turns them into messages and exit codes.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Location:
    """Where in a source spreadsheet something was found (1-based row, header text)."""

    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file)
        if self.sheet:
            parts.append(f"sheet '{self.sheet}'")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column}")
        return ", ".join(parts)


class ReportlibError(Exception):
    """Root of every error reportlib raises on purpose.

    Every subclass survives pickling whole (a failure in a process pool, a bounded stage
    or on a Dask worker reaches the parent with its fields): an error is rebuilt from its
    fields, never by calling ``__init__`` again, so a subclass needs nothing of its own
    as long as it calls ``ReportlibError.__init__`` and keeps its fields as attributes."""

    def __init__(self, message: str, location: Location | None = None):
        self.message = message
        self.location = location or Location()
        super().__init__(str(self))


    def __reduce__(self):
        return (_rebuilt, (type(self), self.__dict__))

    def __str__(self) -> str:
        where = str(self.location)
        return f"{where}: {self.message}" if where else self.message


class InputError(ReportlibError):
    """A spreadsheet or csv cannot be read as an action plan."""


class LayoutError(ReportlibError):
    """A layout file is malformed, or no layout fits a sheet."""


class ValidationFailed(ReportlibError):
    """Loading found errors; ``findings`` holds every one of them."""

    def __init__(self, findings):
        self.findings = list(findings)
        errors = [f for f in self.findings if f.severity == "error"]
        first = errors[0] if errors else self.findings[0]
        more = f" (and {len(errors) - 1} more errors)" if len(errors) > 1 else ""
        super().__init__(first.message + more, first.location)



@dataclass(frozen=True)
class Finding:
    """One problem found in the input: ``severity`` is "error" or "warning".

    ``quotes`` names the canonical columns (``recommendation``, ``owner``..., ``updates`` for the
    update text) whose cell text the message quotes, and ``unquoted`` is the message without that
    text: what a reader outside the council is told when a quoted column is internal
    (``reportlib.analysis.audience``). Neither takes part in comparing findings."""

    severity: str
    code: str
    message: str
    location: Location = Location()
    quotes: tuple[str, ...] = field(default=(), compare=False)
    unquoted: str = field(default="", compare=False)

    def __str__(self) -> str:
        where = str(self.location)
        return f"{self.severity}: {where}: {self.message}" if where else f"{self.severity}: {self.message}"

    def as_dict(self) -> dict:
        return {
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "file": self.location.file,
            "sheet": self.location.sheet,
            "row": self.location.row,
            "column": self.location.column,
        }


class PackError(ReportlibError):
    """A pack file (``params/*.yaml``) breaks the pack schema: ``file`` and ``key`` say where."""

    def __init__(self, file, key: str | None, reason: str):
        self.file = str(file)
        self.key = key
        self.reason = reason
        super().__init__(f"{key}: {reason}" if key else reason, Location(file=self.file))



class UnknownCouncil(ReportlibError):
    """A council code that is not in the plans loaded; ``suggestion`` is the nearest known code."""

    def __init__(self, council_code: str, known: dict):
        import difflib

        self.council_code = council_code
        self.known = dict(known)
        upper = {code.upper(): code for code in self.known}
        self.suggestion = upper.get(str(council_code).upper()) or next(
            iter(difflib.get_close_matches(str(council_code), list(self.known), n=1, cutoff=0.5)), None)
        listed = ", ".join(f"{code} ({name})" for code, name in self.known.items()) or "none"
        hint = f"did you mean '{self.suggestion}'? " if self.suggestion else ""
        super().__init__(f"council code '{council_code}' is not in the data; {hint}councils in the data: {listed}")



class RenderError(ReportlibError):
    """A pack could not be turned into reports: ``pack`` and ``output`` say which."""

    def __init__(self, message: str, *, pack: str | None = None, output: str | None = None):
        self.pack = pack
        self.output = output
        super().__init__(message, Location(file=output))



class TableError(ReportlibError):
    """``reportlib.present.tables.table`` was asked for a column the frame does not have."""


class NotebookFailed(RenderError):
    """A notebook stopped while it ran: ``notebook`` (as the pack names it), ``cell`` (numbered
    from 1 as in the file, None when unknown), ``cell_line`` (its first line), ``ename`` and
    ``evalue`` (the error raised in the kernel, or what stopped it: ``CellTimeout``,
    ``DeadKernel``), and ``kept`` (where the executed copy was kept, once it is)."""

    def __init__(self, notebook: str, ename: str, evalue: str, *, cell: int | str | None = None,
                 cell_line: str = "", pack: str | None = None, kept: str | None = None):
        self.notebook, self.ename, self.evalue = notebook, ename, evalue
        self.cell, self.cell_line, self.kept = cell, cell_line, kept
        where = ""
        if isinstance(cell, int):
            where = f", cell {cell} (`{cell_line}`)"
        elif cell:
            where = f", {cell}"
        what = evalue if ename in ("CellTimeout", "DeadKernel", "") else f"{ename}: {evalue}"
        super().__init__(f"{notebook}{where}: {what}", pack=pack)


def _rebuilt(cls: type[ReportlibError], fields: dict) -> ReportlibError:
    """An error of type ``cls`` with ``fields``, as it was when raised (``args`` follows them)."""
    error = cls.__new__(cls)
    error.__dict__.update(fields)
    error.args = (str(error),)
    return error
