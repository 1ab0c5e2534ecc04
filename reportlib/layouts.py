"""Layout files: how one council's spreadsheet maps onto the canonical tables.

A layout is YAML (format in ``reportlib/layouts/README.md``). Built-in layouts live in
``reportlib/layouts/``; a ``*.layout.yaml`` beside the data adds more. This module reads
and checks layout files and finds a layout's header row in a sheet; it reads no data.
"""
from __future__ import annotations

import datetime as dt
import fnmatch
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import re2
import yaml

from . import safeyaml
from .errors import LayoutError, Location

BUILTIN_DIR = Path(__file__).parent / "layouts"
CANONICAL = ("ref", "recommendation", "action", "owner", "priority", "kloe", "target",
             "revised_target", "details")
#: Keys people put under ``columns`` that belong elsewhere: key -> where it goes.
_MISPLACED_COLUMNS = {
    "status": "a stated-status column belongs to the snapshot it dates: write it as "
              "'status: HEADER' in that snapshot's entry under 'snapshots' "
              "(e.g. - {snapshot: March 2010, date: 2010-03-31, column: Progress, status: Status})",
}
#: What ``internal_columns`` may name: canonical action columns, or "updates" for the update text.
INTERNAL_NAMES = ("recommendation", "action", "owner", "priority", "details", "updates")
_TOP_KEYS = {"name", "description", "council", "council_code", "assessment", "reference_date",
             "columns", "required", "snapshots", "sections", "split", "continuation", "owner_suffix",
             "kloe_in", "target_in_prose", "title_pattern", "skip_sheets", "header_search_rows",
             "internal_columns", "table_heading"}


_NOT_ALNUM = re.compile(r"[^0-9a-z]")


@lru_cache(maxsize=65536)
def _normalise(text: str) -> str:
    return _NOT_ALNUM.sub("", text.lower())


def normalise_header(text) -> str:
    """Header text reduced to letters and digits: "Respons ible  Officer " -> "responsibleofficer"."""
    if text is None or text == "":
        return ""
    return _normalise(text if isinstance(text, str) else str(text))


@dataclass(frozen=True)
class Snapshot:
    snapshot: str
    date: dt.date
    column: str | None = None  # header of the update text
    status: str | None = None  # header of a stated-status column


@dataclass(frozen=True)
class Split:
    """A second action held on the same row (WDC: "Action Plan from 2010 Assessment")."""

    column: str
    assessment: str
    snapshots: tuple[str, ...] = ()
    owner_suffix: bool = True


@dataclass(frozen=True)
class Layout:
    name: str
    source: str
    columns: dict[str, tuple[str, ...]]
    required: tuple[str, ...]
    council: str | None = None
    council_code: str | None = None
    assessment: str | None = None
    reference_date: dt.date | None = None
    snapshots: tuple[Snapshot, ...] = ()
    sections: dict[str, re.Pattern] = field(default_factory=dict)
    split: Split | None = None
    continuation: tuple[str, ...] = ()
    owner_suffix: tuple[str, ...] = ()
    kloe_in: str | None = None
    target_in_prose: str | None = None
    title_pattern: re.Pattern | None = None
    skip_sheets: tuple[str, ...] = ()
    header_search_rows: int = 30
    internal_columns: tuple[str, ...] = ()
    #: Committee papers: read only the tables under a heading (or title) matching this pattern.
    table_heading: re.Pattern | None = None
    #: True for a layout found beside the data: it wins over a built-in that fits a sheet as well.
    beside_data: bool = False

    def headers(self) -> dict[str, tuple[str, ...]]:
        """Every header this layout reads, keyed by the name the loader uses for it."""
        found = {key: names for key, names in self.columns.items()}
        for snap in self.snapshots:
            if snap.column:
                found[f"update:{snap.snapshot}"] = (snap.column,)
            if snap.status:
                found[f"status:{snap.snapshot}"] = (snap.status,)
        if self.split:
            found["split"] = (self.split.column,)
        return found

    def required_headers(self) -> dict[str, tuple[str, ...]]:
        every = self.headers()
        keys = list(self.required) + [k for k in every if k.startswith(("update:", "status:")) or k == "split"]
        return {k: every[k] for k in keys}

    def skips(self, sheet: str) -> bool:
        return any(fnmatch.fnmatch(sheet.lower(), pattern.lower()) for pattern in self.skip_sheets)


def _fail(source: str, message: str) -> LayoutError:
    return LayoutError(message, Location(file=source))


def _names(value, source: str, key: str) -> tuple[str, ...]:
    names = (value,) if isinstance(value, str) else tuple(value or ())
    if not names or not all(isinstance(n, str) and n.strip() for n in names):
        raise _fail(source, f"'{key}' must be a header text or a list of header texts")
    return names


def _date(value, source: str, key: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise _fail(source, f"'{key}' must be a date written YYYY-MM-DD, not {value!r}") from None


def _regex(value, source: str, key: str):
    """Compile with RE2, which matches in time linear in the text (Python's ``re`` can take
    exponential time on patterns like ``(a+)+$``). A pattern RE2 cannot run (backreferences,
    lookahead or lookbehind) is refused, naming the file and the key."""
    try:
        re.compile(value, re.IGNORECASE)  # Python's reading first, for its clearer syntax messages
    except (re.error, TypeError) as exc:
        raise _fail(source, f"'{key}' is not a valid regular expression: {exc}") from None
    options = re2.Options()
    options.case_sensitive = False
    options.log_errors = False
    try:
        return re2.compile(value, options)
    except re2.error as exc:
        reason = exc.args[0].decode("utf-8", "replace") if exc.args and isinstance(exc.args[0], bytes) else exc
        raise _fail(source, f"'{key}' uses a feature layout patterns may not use ({reason}): backreferences "
                            "and lookarounds are refused, so that matching always runs in linear time") from None


def parse_layout(data: dict, source: str) -> Layout:
    """Check a layout's YAML content and build the Layout; errors name the file and the key."""
    if not isinstance(data, dict):
        raise _fail(source, "a layout file must be a YAML mapping")
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise _fail(source, f"unknown key '{unknown[0]}' (known keys: {', '.join(sorted(_TOP_KEYS))})")
    for key in ("name", "columns"):
        if key not in data:
            raise _fail(source, f"missing required key '{key}'")
    columns = data["columns"]
    if not isinstance(columns, dict):
        raise _fail(source, "'columns' must map canonical names to header texts")
    misplaced = sorted(set(columns) & set(_MISPLACED_COLUMNS))
    if misplaced:
        raise _fail(source, f"'columns.{misplaced[0]}' is not read from there: {_MISPLACED_COLUMNS[misplaced[0]]}")
    bad = sorted(set(columns) - set(CANONICAL))
    if bad:
        raise _fail(source, f"'columns' has unknown canonical name '{bad[0]}' (known: {', '.join(CANONICAL)})")
    columns = {key: _names(value, source, f"columns.{key}") for key, value in columns.items()}
    required = tuple(data.get("required") or [k for k in ("recommendation", "action") if k in columns])
    missing = [k for k in required if k not in columns]
    if missing:
        raise _fail(source, f"'required' names '{missing[0]}', which is not under 'columns'")

    snapshots = []
    for i, snap in enumerate(data.get("snapshots") or []):
        where = f"snapshots[{i}]"
        if not isinstance(snap, dict) or not {"snapshot", "date"} <= set(snap) or not set(snap) <= {"snapshot", "date", "column", "status"}:
            raise _fail(source, f"'{where}' needs 'snapshot' and 'date', and may have 'column' and 'status'")
        if not snap.get("column") and not snap.get("status"):
            raise _fail(source, f"'{where}' needs a 'column' (update text) or a 'status' header")
        snapshots.append(Snapshot(str(snap["snapshot"]), _date(snap["date"], source, f"{where}.date"),
                                  snap.get("column"), snap.get("status")))

    split = data.get("split")
    if split is not None:
        if not isinstance(split, dict) or not {"column", "assessment"} <= set(split):
            raise _fail(source, "'split' needs 'column' and 'assessment'")
        known = {s.snapshot for s in snapshots}
        unknown_snaps = [s for s in split.get("snapshots", []) if s not in known]
        if unknown_snaps:
            raise _fail(source, f"'split.snapshots' names '{unknown_snaps[0]}', which is not a snapshot")
        split = Split(str(split["column"]), str(split["assessment"]),
                      tuple(split.get("snapshots", [])), bool(split.get("owner_suffix", True)))

    for key in ("kloe_in", "target_in_prose"):
        if data.get(key) and data[key] not in columns:
            raise _fail(source, f"'{key}' names '{data[key]}', which is not under 'columns'")
    continuation = tuple((data.get("continuation") or {}).get("blank", ()))
    if any(c not in columns for c in continuation):
        raise _fail(source, "'continuation.blank' must list canonical names under 'columns'")

    return Layout(
        name=str(data["name"]),
        source=source,
        columns=columns,
        required=required,
        council=data.get("council"),
        council_code=data.get("council_code"),
        assessment=str(data["assessment"]) if data.get("assessment") is not None else None,
        reference_date=_date(data["reference_date"], source, "reference_date") if data.get("reference_date") else None,
        snapshots=tuple(snapshots),
        sections={k: _regex(v, source, f"sections.{k}") for k, v in (data.get("sections") or {}).items()},
        split=split,
        continuation=continuation,
        owner_suffix=tuple(data.get("owner_suffix") or ()),
        kloe_in=data.get("kloe_in"),
        target_in_prose=data.get("target_in_prose"),
        title_pattern=_regex(data["title_pattern"], source, "title_pattern") if data.get("title_pattern") else None,
        skip_sheets=tuple(data.get("skip_sheets") or ()),
        header_search_rows=int(data.get("header_search_rows", 30)),
        internal_columns=_internal(data.get("internal_columns"), source),
        table_heading=_regex(data["table_heading"], source, "table_heading") if data.get("table_heading") else None,
    )


def _internal(value, source: str) -> tuple[str, ...]:
    names = (value,) if isinstance(value, str) else tuple(value or ())
    unknown = [n for n in names if n not in INTERNAL_NAMES]
    if unknown:
        raise _fail(source, f"'internal_columns' names '{unknown[0]}', which is not a column a report shows "
                            f"(known: {', '.join(INTERNAL_NAMES)})")
    return names


def read_layout(path: Path) -> Layout:
    try:
        data = safeyaml.load(Path(path).read_bytes(), source=Path(path).name)
    except (OSError, yaml.YAMLError) as exc:
        raise _fail(Path(path).name, f"cannot read layout file: {exc}") from None
    return parse_layout(data, Path(path).name)


def available(extra_dirs=()) -> dict[str, Layout]:
    """Built-in layouts plus any ``*.layout.yaml`` in ``extra_dirs``, by name.

    A layout beside the data is marked ``beside_data`` (it wins ties with built-ins);
    one that takes a built-in's name replaces it. Two layouts beside the data with
    one name are an error naming both files.
    """
    found: dict[str, Layout] = {layout.name: layout for layout in map(read_layout, sorted(BUILTIN_DIR.glob("*.yaml")))}
    beside: dict[str, Path] = {}
    for folder in extra_dirs:
        for path in sorted(Path(folder).glob("*.layout.yaml")):
            layout = replace(read_layout(path), beside_data=True)
            if layout.name in beside:
                raise _fail(path.name, f"layout name '{layout.name}' is also used by {beside[layout.name]}; "
                                       "give each layout its own name")
            beside[layout.name] = path
            found[layout.name] = layout
    return found


def resolve(spec, known: dict[str, Layout]) -> Layout:
    """A Layout from a Layout, a layout name, or a path to a layout file."""
    if isinstance(spec, Layout):
        return spec
    if isinstance(spec, (str, Path)) and Path(spec).suffix in (".yaml", ".yml") and Path(spec).exists():
        return read_layout(Path(spec))
    if spec in known:
        return known[spec]
    raise LayoutError(f"unknown layout '{spec}' (known layouts: {', '.join(sorted(known)) or 'none'})")


@dataclass(frozen=True)
class HeaderMatch:
    """Where a layout's header row is: its index, the column of each key, what is missing or doubled."""

    index: int
    positions: dict[str, int]
    missing: list[str]
    doubled: dict[str, list[int]]


def find_header(rows: list[list], layout: Layout) -> HeaderMatch | None:
    """Locate the header row among the first ``header_search_rows`` rows.

    The row matching the most required headers wins (then the most headers of any
    kind); None when no row matches any required header.
    """
    wanted = {key: {normalise_header(n) for n in names} for key, names in layout.headers().items()}
    required = layout.required_headers()
    best = None
    for index, row in enumerate(rows[: layout.header_search_rows]):
        cells = [normalise_header(c) for c in row]
        found = {key: [col for col, cell in enumerate(cells) if cell and cell in names] for key, names in wanted.items()}
        positions = {key: cols[0] for key, cols in found.items() if cols}
        hits = sum(1 for k in required if k in positions)
        if hits and (best is None or (hits, len(positions)) > (best[0], len(best[2]))):
            best = (hits, index, positions, {k: cols for k, cols in found.items() if len(cols) > 1})
    if best is None:
        return None
    _, index, positions, doubled = best
    return HeaderMatch(index, positions, [k for k in required if k not in positions], doubled)
