"""Layout files: how one council's spreadsheet maps onto the canonical tables.

A layout is YAML (format in ``reportlib/layouts/README.md``). Built-in layouts live in
``reportlib/layouts/``; a ``*.layout.yaml`` beside the data adds more. This module reads
and checks layout files and finds a layout's header row in a sheet; it reads no data.
"""
from __future__ import annotations

import datetime as dt
import fnmatch
import hashlib
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import re2
import yaml

from reportlib.core import safeyaml
from reportlib.core.files import refuse_link_out
from reportlib.errors import LayoutError, Location
from reportlib.model.vocab import PRIORITIES

BUILTIN_DIR = Path(__file__).resolve().parents[1] / "layouts"
CANONICAL = ("ref", "recommendation", "action", "owner", "priority", "kloe", "group", "target",
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
             "internal_columns", "status_words", "priority_words", "table_heading", "group_label",
             "owner_names"}
#: Section rows a layout may name: the Use of Resources framework's theme and KLOE headings, or the
#: plan's own grouping (audit reports, themes, service areas), read as written and never as a KLOE.
SECTION_KEYS = ("theme", "kloe", "group")
#: What a plan's groups are called when its layout does not say: "KLOE" for a plan that names
#: Use of Resources KLOEs (and has no grouping of its own), "Group" otherwise.
KLOE_GROUP_LABEL, DEFAULT_GROUP_LABEL = "KLOE", "Group"
#: Statuses a council's own status word may mean (``needs_review`` is for words nobody mapped).
WORD_STATUSES = ("complete", "in_progress", "planned", "no_action", "no_update")
#: Flags a status word may carry: ``behind`` keeps an action from ever being rated Green.
WORD_FLAGS = ("behind",)


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
    """One dated progress column. ``date`` None: read from the title rows (``title_pattern``'s
    ``date`` group). ``column_pattern``: a pattern over headers whose ``date`` group dates each
    matching column; such an entry stands for every column it matches (see ``snapdates``).
    ``status_pattern``: the stated-status column found by a pattern over headers ("Status at
    30/09/24"); with a ``date`` group each status column pairs with the progress column of its date."""

    snapshot: str | None
    date: dt.date | None
    column: str | None = None  # header of the update text
    status: str | None = None  # header of a stated-status column
    column_pattern: object = None  # compiled RE2 pattern with a (?P<date>...) group
    status_pattern: object = None  # compiled RE2 pattern over status headers, (?P<date>...) optional


@dataclass(frozen=True)
class StatusWord:
    """A council's own status word: the status it means, and an optional flag (``behind``)."""

    word: str
    status: str
    flag: str | None = None


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
    #: The council's own status words, keyed by their normalised form ("behind schedule").
    status_words: dict[str, StatusWord] = field(default_factory=dict)
    #: The council's own priority grades ("p1" -> "High"), keyed like status words.
    priority_words: dict[str, str] = field(default_factory=dict)
    #: Committee papers: read only the tables under a heading (or title) matching this pattern.
    table_heading: re.Pattern | None = None
    #: What the plan's groups are called in reports ("Audit report", "Theme", "KLOE"...).
    group_label: str = DEFAULT_GROUP_LABEL
    #: A key for the owners' abbreviations ("HoF" -> "Head of Finance"), shown under owner tables.
    owner_names: dict[str, str] = field(default_factory=dict)
    #: True for a layout found beside the data: it wins over a built-in that fits a sheet as well.
    beside_data: bool = False
    #: (path, SHA-256, bytes) of the file this layout was parsed from (None when built from a mapping).
    read_from: tuple[str, str, int] | None = None

    @property
    def declares_kloes(self) -> bool:
        """True for a Use of Resources plan: a KLOE column, ``kloe_in``, or theme/KLOE section rows.
        Only such a plan's text is ever resolved to KLOEs."""
        return "kloe" in self.columns or bool(self.kloe_in) or bool({"theme", "kloe"} & set(self.sections))

    @property
    def own_groups(self) -> bool:
        """True when the plan names its own groups (a ``group`` column or ``group`` section rows);
        otherwise a Use of Resources plan's groups are its KLOEs."""
        return "group" in self.columns or "group" in self.sections

    def headers(self) -> dict[str, tuple[str, ...]]:
        """Every header this layout reads, keyed by the name the loader uses for it."""
        found = {key: names for key, names in self.columns.items()}
        for snap in self.snapshots:
            if snap.column_pattern is not None:
                continue  # its headers are known only once a sheet's header row is read
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

    title_pattern = _regex(data["title_pattern"], source, "title_pattern") if data.get("title_pattern") else None
    snapshots = [_snapshot(snap, i, source, title_pattern) for i, snap in enumerate(data.get("snapshots") or [])]
    names = [s.snapshot for s in snapshots if s.snapshot]
    if len(names) != len(set(names)):
        twice = next(n for n in names if names.count(n) > 1)
        raise _fail(source, f"snapshot '{twice}' is listed twice under 'snapshots'")

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

    sections = data.get("sections") or {}
    if not isinstance(sections, dict):
        raise _fail(source, "'sections' must map " + ", ".join(SECTION_KEYS) + " to patterns")
    unknown_sections = sorted(set(sections) - set(SECTION_KEYS))
    if unknown_sections:
        raise _fail(source, f"'sections' has unknown key '{unknown_sections[0]}' (known: {', '.join(SECTION_KEYS)}: "
                            "'group' for the plan's own headings, 'theme' and 'kloe' for Use of Resources ones)")
    sections = {k: _regex(v, source, f"sections.{k}") for k, v in sections.items()}
    layout = Layout(
        name=str(data["name"]),
        source=source,
        columns=columns,
        required=required,
        council=data.get("council"),
        council_code=data.get("council_code"),
        assessment=str(data["assessment"]) if data.get("assessment") is not None else None,
        reference_date=_date(data["reference_date"], source, "reference_date") if data.get("reference_date") else None,
        snapshots=tuple(snapshots),
        sections=sections,
        split=split,
        continuation=continuation,
        owner_suffix=tuple(data.get("owner_suffix") or ()),
        kloe_in=data.get("kloe_in"),
        target_in_prose=data.get("target_in_prose"),
        title_pattern=title_pattern,
        skip_sheets=tuple(data.get("skip_sheets") or ()),
        header_search_rows=int(data.get("header_search_rows", 30)),
        internal_columns=_internal(data.get("internal_columns"), source),
        status_words=_status_words(data.get("status_words"), source),
        priority_words=_priority_words(data.get("priority_words"), source),
        table_heading=_regex(data["table_heading"], source, "table_heading") if data.get("table_heading") else None,
        owner_names=_owner_names(data.get("owner_names"), source),
    )
    return replace(layout, group_label=_group_label(data, layout, source))


def _group_label(data: dict, layout: Layout, source: str) -> str:
    if "group_label" not in data:
        return KLOE_GROUP_LABEL if layout.declares_kloes and not layout.own_groups else DEFAULT_GROUP_LABEL
    value = data["group_label"]
    if not isinstance(value, str) or not value.strip() or len(value) > 60:
        raise _fail(source, "'group_label' must be a short text naming the plan's groups, e.g. 'Audit report', "
                            f"'Theme' or 'Service area', not {value!r}")
    return " ".join(value.split())


def _snapshot(snap, i: int, source: str, title_pattern) -> Snapshot:
    """One entry under ``snapshots``: a fixed header with its date (given, or read from the
    title rows), or a ``column_pattern`` whose ``date`` group dates each header it matches."""
    where = f"snapshots[{i}]"
    keys = {"snapshot", "date", "column", "status", "column_pattern", "status_pattern"}
    if not isinstance(snap, dict) or not set(snap) <= keys:
        extra = sorted(set(snap) - keys)[0] if isinstance(snap, dict) else None
        raise _fail(source, f"'{where}' " + (f"has unknown key '{extra}'; " if extra else "") +
                    "an entry has 'snapshot', 'date', 'column' and 'status', or 'column_pattern' and 'status' "
                    "(or 'status_pattern' in place of 'status')")
    status_pattern = _status_pattern(snap, where, source)
    if snap.get("column_pattern") is not None:
        if snap.get("column") or snap.get("snapshot") or snap.get("date"):
            raise _fail(source, f"'{where}' has a 'column_pattern': its snapshot and date are read from each "
                                "header it matches, so 'column', 'snapshot' and 'date' do not go with it")
        pattern = _regex(snap["column_pattern"], source, f"{where}.column_pattern")
        if "date" not in pattern.groupindex:
            raise _fail(source, f"'{where}.column_pattern' must capture the date as (?P<date>...), e.g. "
                                "'Progress at (?P<date>.+)'")
        return Snapshot(None, None, None, snap.get("status"), pattern, status_pattern)
    if "snapshot" not in snap:
        raise _fail(source, f"'{where}' needs 'snapshot' (its name), or a 'column_pattern'")
    if not snap.get("column") and not snap.get("status") and status_pattern is None:
        raise _fail(source, f"'{where}' needs a 'column' (update text) or a 'status' header")
    by_title = title_pattern is not None and "date" in title_pattern.groupindex
    by_status = status_pattern is not None and "date" in status_pattern.groupindex
    if snap.get("date") is None and not (by_title or by_status):
        raise _fail(source, f"'{where}' needs a 'date', a title_pattern capturing (?P<date>...) so the date "
                            "is read from the title rows above the header, or a status_pattern capturing it "
                            "from the stated-status header ('Status at (?P<date>.+)')")
    date = _date(snap["date"], source, f"{where}.date") if snap.get("date") is not None else None
    return Snapshot(str(snap["snapshot"]), date, snap.get("column"), snap.get("status"), None, status_pattern)


def _status_pattern(snap: dict, where: str, source: str):
    """The entry's ``status_pattern``, compiled: a pattern over headers finding its stated-status
    column ("Status at 30/09/24"); its only group, if any, is the date ``(?P<date>...)``."""
    if snap.get("status_pattern") is None:
        return None
    if snap.get("status"):
        raise _fail(source, f"'{where}' has both 'status' and 'status_pattern': name the stated-status column "
                            "by its header or by a pattern, not both")
    pattern = _regex(snap["status_pattern"], source, f"{where}.status_pattern")
    if set(pattern.groupindex) - {"date"}:
        raise _fail(source, f"'{where}.status_pattern' may capture only the date its header gives, as "
                            "(?P<date>...), e.g. 'Status at (?P<date>.+)'; or no group, e.g. 'Status at'")
    return pattern


def word_key(word) -> str:
    """A status word reduced for matching: case and punctuation ignored ("On-track." -> "on track")."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", str(word).lower()).split())


def _status_words(value, source: str) -> dict[str, StatusWord]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _fail(source, "'status_words' must map each of the council's words to a status, e.g. "
                            "{'Behind schedule': {status: in_progress, flag: behind}, 'Done': complete}")
    words: dict[str, StatusWord] = {}
    for word, meaning in value.items():
        where = f"status_words.{word}"
        if isinstance(meaning, str):
            meaning = {"status": meaning}
        if not isinstance(meaning, dict) or "status" not in meaning or not set(meaning) <= {"status", "flag"}:
            raise _fail(source, f"'{where}' must be a status, or {{status: STATUS, flag: FLAG}}")
        if meaning["status"] not in WORD_STATUSES:
            raise _fail(source, f"'{where}' means '{meaning['status']}', which a status word cannot mean "
                                f"(one of: {', '.join(WORD_STATUSES)}; a word left out goes to review)")
        flag = meaning.get("flag")
        if flag is not None and flag not in WORD_FLAGS:
            raise _fail(source, f"'{where}' has flag '{flag}' (known flags: {', '.join(WORD_FLAGS)})")
        key = word_key(word)
        if not key:
            raise _fail(source, f"'{where}': a status word needs letters or digits")
        if key in words and (words[key].status, words[key].flag) != (meaning["status"], flag):
            raise _fail(source, f"'{where}' is the same word as '{words[key].word}' with another meaning")
        words[key] = StatusWord(str(word), meaning["status"], flag)
    return words


def _priority_words(value, source: str) -> dict[str, str]:
    """``priority_words``: each of the council's grades ("P1", "Essential") -> High, Medium or Low."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _fail(source, "'priority_words' must map each of the council's priorities to "
                            f"{', '.join(PRIORITIES)}, e.g. {{P1: High, P2: Medium, P3: Low}}")
    words: dict[str, tuple[str, str]] = {}
    for word, meaning in value.items():
        where = f"priority_words.{word}"
        if meaning not in PRIORITIES:
            raise _fail(source, f"'{where}' means {meaning!r}, which is not a priority reports count "
                                f"(one of: {', '.join(PRIORITIES)}, written so)")
        key = word_key(word)
        if not key:
            raise _fail(source, f"'{where}': a priority word needs letters or digits")
        if key in words and words[key][1] != meaning:
            raise _fail(source, f"'{where}' is the same word as '{words[key][0]}' with another meaning")
        words[key] = (str(word), meaning)
    return {key: meaning for key, (_, meaning) in words.items()}


def _internal(value, source: str) -> tuple[str, ...]:
    names = (value,) if isinstance(value, str) else tuple(value or ())
    unknown = [n for n in names if n not in INTERNAL_NAMES]
    if unknown:
        raise _fail(source, f"'internal_columns' names '{unknown[0]}', which is not a column a report shows "
                            f"(known: {', '.join(INTERNAL_NAMES)})")
    return names


def _owner_names(value, source: str) -> dict[str, str]:
    """``owner_names``: abbreviation -> the officer's title, each a short text on one line."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _fail(source, "'owner_names' must be a mapping of each abbreviation to the name it stands for, "
                            f"e.g. 'HoF: Head of Finance', not {value!r}")
    out = {}
    for short, name in value.items():
        if not isinstance(name, str) or not name.strip() or "\n" in name or len(name) > 120 \
                or not str(short).strip():
            raise _fail(source, f"'owner_names' gives {short!r} as {name!r}: write the name it stands for as "
                                "text on one line (e.g. 'HoF: Head of Finance')")
        out[" ".join(str(short).split())] = " ".join(name.split())
    return out


def read_layout(path: Path) -> Layout:
    try:
        raw = Path(path).read_bytes()
        data = safeyaml.load(raw, source=Path(path).name)
    except (OSError, yaml.YAMLError) as exc:
        message = safeyaml.problem_line(exc) if isinstance(exc, yaml.YAMLError) else str(exc)
        raise _fail(Path(path).name, f"cannot read layout file: {message}") from None
    layout = parse_layout(data, Path(path).name)
    return replace(layout, read_from=(str(path), hashlib.sha256(raw).hexdigest(), len(raw)))


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
            refuse_link_out(path, folder)  # a layout linked in from elsewhere is refused, naming it
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
