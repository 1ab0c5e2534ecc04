"""Classify progress updates into the status vocabulary.

    updates = reportlib.analysis.status.classify(updates)     # adds status, status_source

The decision for each update, in this order:

1. a stated status (the spreadsheet's own status column) wins, read through the
   stated map (``rules/stated_status.yaml``); a word the map does not know is
   ``needs_review``. status_source ``stated``.
2. blank text is ``no_update``. status_source ``blank``.
3. a reference ("As above", "As March 2010 update", "No change") takes the status of
   the update it points to; one that cannot be followed is ``needs_review``, except
   "No change" with no earlier update to carry, which says nothing new (``no_update``).
   status_source ``reference``.
4. otherwise the first rule of ``rules/status_rules.yaml`` whose pattern is found in
   the normalised text decides; status_source is the rule's id. No rule: needs_review,
   status_source ``unmatched``.
5. mixed signals: a text read as complete by a rule that does not lead with the status
   word ("Procedure notes updated and circulated", not "Implemented. ...") and is not marked
   ``mixed: false`` (a rule whose own pattern rules the open words out) but in which an
   ``open`` contradiction cue is found ("... still to be approved", "... awaiting sign-off")
   says both; it is ``needs_review``, status_source ``needs_review.mixed_signals``: a wrong
   "complete" costs a committee more than a question.
6. a second reader (``textmodel``: a small model trained on the hand-labelled updates) reads
   the same texts. Where it is at least ``MODEL_SURE`` sure of a status other than the rules',
   its reading stands: status_source "text model, 72% sure ('awaiting', ...)", followed by
   what the rules had read ("; rule complete.leading_word read complete"). A status the
   model reads as ``needs_review`` goes to review. A reading that cannot name the words it rests
   on (only parts of words weighed: "Webiste updated") does not stand. It does not overrule a rule that sends a
   text to review on purpose (a leading status word the rest contradicts, mixed signals), nor
   read a text whose rules turn on the snapshot's date (a target that has passed or not),
   references, stated or blank updates. ``classify(..., model=None)`` reads by the rules alone.

The rules are data: this module only normalises, matches and follows references.
Each distinct text is matched once, so repeated texts ("Ongoing", "As above") cost
nothing.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from reportlib.analysis import textmodel
from reportlib.core import safeyaml
from reportlib.errors import Location, ReportlibError
from reportlib.ingest.dates import parse_target

STATUSES = ("complete", "in_progress", "planned", "no_action", "no_update", "needs_review")

RULES_DIR = Path(__file__).resolve().parents[1] / "rules"
DEFAULT_RULES = RULES_DIR / "status_rules.yaml"
DEFAULT_STATED_MAP = RULES_DIR / "stated_status.yaml"

REFERENCE_KINDS = ("row_above", "named_snapshot", "previous_snapshot", "unsupported")
WHEN = ("future", "past")
# What a contradiction cue says the text means, and the stated statuses it contradicts.
CONTRADICTS = {"open": ("complete",), "complete": ("planned", "in_progress")}
# Rules that read "complete" from the status word the update leads with: an open cue later in the
# text does not undo them ("Implemented, awaiting evidence for audit verification").
LEADING_COMPLETE = ("complete.leading_word", "complete.done_no_further_action")
MIXED = "needs_review.mixed_signals"
# The second reader (step 6): how sure the model must be for its reading to stand. Chosen on unseen
# sets 3 to 7, each read by the rules of its day and by a model trained without it, before set 8 was
# opened (reportlib/rules/README.md, "A second reader").
MODEL_SURE = 0.6
MODEL_SOURCE = "text model"
SHIPPED = "shipped"

_MAX_REFERENCE_HOPS = 64  # longer chains are cycles: "As above" all the way up and round
_PLAIN = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                        "\u2013": "-", "\u2014": "-", "\u00a0": " "})


class RuleTableError(ReportlibError):
    """A rule or stated-map file is malformed: ``entry`` names the rule (or word) at fault."""

    def __init__(self, path, entry: str | None, reason: str):
        self.path = str(path)
        self.entry = entry
        self.reason = reason
        super().__init__(f"{entry}: {reason}" if entry else reason, Location(file=self.path))


class _Finder:
    """``pattern.search`` and ``pattern.sub``, several times faster for a leading ``\\b``.

    Python's ``re`` skips its fast scan for a literal prefix when a pattern starts
    with ``\\b`` (as most rules do), so search for the rest of the pattern and check
    the word boundary where it matched: same matches, same groups.
    """

    __slots__ = ("pattern", "_rest")

    def __init__(self, pattern: re.Pattern):
        self.pattern = pattern
        src = pattern.pattern
        self._rest = re.compile(src[2:], pattern.flags) if src.startswith(r"\b") and not _top_level_bar(src) else None

    def search(self, text: str):
        if self._rest is None:
            return self.pattern.search(text)
        pos = 0
        while (m := self._rest.search(text, pos)) is not None:
            if _BOUNDARY.match(text, m.start()):
                return m
            pos = m.start() + 1
        return None

    def hits(self, texts: list[str]) -> list[int]:
        """Positions of the texts the pattern is found in (one C-level scan each)."""
        quick = (self._rest or self.pattern).search
        found = [i for i, t in enumerate(texts) if quick(t)]
        return found if self._rest is None else [i for i in found if self.search(texts[i])]

    def sub_all(self, replace: str, texts: list[str]) -> list[str]:
        quick = (self._rest or self.pattern).search
        return [self.sub(replace, t) if quick(t) else t for t in texts]

    def sub(self, replace: str, text: str) -> str:
        if self._rest is None:
            return self.pattern.sub(replace, text)
        parts, done, pos = [], 0, 0
        while pos <= len(text) and (m := self._rest.search(text, pos)) is not None:
            if not _BOUNDARY.match(text, m.start()) or m.end() == m.start():
                pos = m.start() + 1
                continue
            parts += [text[done:m.start()], m.expand(replace)]
            done = pos = m.end()
        return "".join(parts) + text[done:] if parts else text


_BOUNDARY = re.compile(r"\b")


def _top_level_bar(src: str) -> bool:
    """Whether a regex has an alternation ``|`` outside any group (``\\ba|b``)."""
    depth, in_class, escaped = 0, False, False
    for ch in src:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            return True
    return False


@dataclass(frozen=True)
class Rule:
    """One row of the rule table: text matching ``pattern`` has ``status``."""

    id: str
    status: str
    pattern: re.Pattern
    why: str
    when: str | None = None  # "future" / "past": only when the captured date is so
    mixed: bool = True  # False: a complete from this rule is not sent to review as mixed signals (step 5)
    finder: _Finder = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "finder", _Finder(self.pattern))


@dataclass(frozen=True)
class Reference:
    """A way of saying "the same as that other update"."""

    id: str
    kind: str
    pattern: re.Pattern
    why: str
    finder: _Finder = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "finder", _Finder(self.pattern))


@dataclass(frozen=True)
class Cue:
    """Words that contradict a stated status: ``says`` "open" (against a stated complete) or
    "complete" (against a stated planned or in progress)."""

    id: str
    says: str
    pattern: re.Pattern
    why: str
    mixed: bool = True  # an "open" cue also makes text read as complete needs_review (classify, step 5)
    finder: _Finder = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "finder", _Finder(self.pattern))


@dataclass(frozen=True)
class RuleTable:
    """The parsed ``status_rules.yaml``: normalising substitutions, references, rules, contradiction cues."""

    normalise: tuple[tuple[re.Pattern, str], ...]
    references: tuple[Reference, ...]
    rules: tuple[Rule, ...]
    source: str = ""
    contradictions: tuple[Cue, ...] = ()
    _substitutions: tuple = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "_substitutions", tuple((_Finder(p), r) for p, r in self.normalise))

    def normalised(self, text) -> str:
        """The text the rules see: lower case, plain punctuation, one space, then ``normalise``."""
        return self.normalised_all([text])[0]

    def normalised_all(self, texts) -> list[str]:
        out = [" ".join(str(t).translate(_PLAIN).lower().split()) for t in texts]
        for finder, replace in self._substitutions:
            out = finder.sub_all(replace, out)
        return out


# ---------------------------------------------------------------- loading

def load_rules(path=None) -> RuleTable:
    """Read a rule table (default: ``reportlib/rules/status_rules.yaml``)."""
    path = Path(path) if path is not None else DEFAULT_RULES
    doc = _read_yaml(path)
    if not isinstance(doc, dict) or not isinstance(doc.get("rules"), list):
        raise RuleTableError(path, None, "expected a mapping with a 'rules' list")
    macros = doc.get("macros") or {}
    if not isinstance(macros, dict):
        raise RuleTableError(path, "macros", "expected a mapping of name: regex")

    def compile_(entry_id: str, pattern) -> re.Pattern:
        if not isinstance(pattern, str) or not pattern:
            raise RuleTableError(path, entry_id, "needs a 'pattern' (a regular expression)")
        expanded = _expand(pattern, macros)
        # The text is lower-cased, so lower-case patterns need no IGNORECASE (which
        # would cost Python's fast literal scan); any capital letter turns it on.
        flags = re.IGNORECASE if re.search(r"[A-Z]", re.sub(r"\\.|\(\?P[<=]\w+", "", expanded)) else 0
        try:
            return re.compile(expanded, flags)
        except (re.error, RecursionError) as exc:
            raise RuleTableError(path, entry_id, f"pattern does not compile: {exc}") from None

    normalise = []
    for i, entry in enumerate(doc.get("normalise") or []):
        entry_id = f"normalise[{i}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("replace"), str):
            raise RuleTableError(path, entry_id, "needs 'pattern' and 'replace'")
        normalise.append((compile_(entry_id, entry.get("pattern")), entry["replace"]))

    references = []
    for entry in doc.get("references") or []:
        entry_id = _entry_id(path, entry)
        kind = entry.get("kind")
        if kind not in REFERENCE_KINDS:
            raise RuleTableError(path, entry_id, f"kind {kind!r} is not one of {', '.join(REFERENCE_KINDS)}")
        pattern = compile_(entry_id, entry.get("pattern"))
        if kind == "named_snapshot" and "snapshot" not in pattern.groupindex:
            raise RuleTableError(path, entry_id, "a named_snapshot pattern must capture (?P<snapshot>...)")
        references.append(Reference(entry_id, kind, pattern, str(entry.get("why", ""))))

    rules, seen = [], set()
    for entry in doc["rules"]:
        entry_id = _entry_id(path, entry)
        if entry_id in seen:
            raise RuleTableError(path, entry_id, "rule id used twice")
        seen.add(entry_id)
        status = entry.get("status")
        if status not in STATUSES:
            raise RuleTableError(path, entry_id, f"status {status!r} is not one of {', '.join(STATUSES)}")
        if not entry.get("why"):
            raise RuleTableError(path, entry_id, "needs a one-line 'why'")
        when = entry.get("when")
        if when is not None and when not in WHEN:
            raise RuleTableError(path, entry_id, f"when {when!r} is not one of {', '.join(WHEN)}")
        pattern = compile_(entry_id, entry.get("pattern"))
        if when and "date" not in pattern.groupindex:
            raise RuleTableError(path, entry_id, "a rule with 'when' must capture (?P<date>...)")
        if not isinstance(entry.get("mixed", True), bool):
            raise RuleTableError(path, entry_id, "mixed must be true or false")
        rules.append(Rule(entry_id, status, pattern, str(entry["why"]), when, entry.get("mixed", True)))

    cues = []
    for entry in doc.get("contradictions") or []:
        entry_id = _entry_id(path, entry)
        if entry_id in seen:
            raise RuleTableError(path, entry_id, "rule id used twice")
        seen.add(entry_id)
        if entry.get("says") not in CONTRADICTS:
            raise RuleTableError(path, entry_id, f"says {entry.get('says')!r} is not one of {', '.join(CONTRADICTS)}")
        if not entry.get("why"):
            raise RuleTableError(path, entry_id, "needs a one-line 'why'")
        if not isinstance(entry.get("mixed", True), bool):
            raise RuleTableError(path, entry_id, "mixed must be true or false")
        cues.append(Cue(entry_id, entry["says"], compile_(entry_id, entry.get("pattern")), str(entry["why"]),
                        entry.get("mixed", True)))
    return RuleTable(tuple(normalise), tuple(references), tuple(rules), str(path), tuple(cues))


def load_stated_map(path=None) -> dict[str, str]:
    """Read the stated-status map (default: ``reportlib/rules/stated_status.yaml``).

    The file groups words under their status; the result maps each normalised word
    ("on track") to its status ("in_progress").
    """
    path = Path(path) if path is not None else DEFAULT_STATED_MAP
    doc = _read_yaml(path)
    if not isinstance(doc, dict):
        raise RuleTableError(path, None, "expected a mapping of status: [words]")
    mapping: dict[str, str] = {}
    for status, words in doc.items():
        if status not in STATUSES:
            raise RuleTableError(path, str(status), f"not one of {', '.join(STATUSES)}")
        if not isinstance(words, list):
            raise RuleTableError(path, str(status), "expected a list of words")
        for word in words:
            key = _stated_key(word)
            if key in mapping and mapping[key] != status:
                raise RuleTableError(path, str(word), f"listed under both {mapping[key]} and {status}")
            mapping[key] = status
    return mapping


def _read_yaml(path: Path):
    try:
        return safeyaml.load(path.read_bytes(), source=path.name)
    except OSError as exc:
        raise RuleTableError(path, None, f"cannot read: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        raise RuleTableError(path, None, f"not valid YAML: {exc}") from None


def _entry_id(path: Path, entry) -> str:
    if not isinstance(entry, dict) or not entry.get("id"):
        raise RuleTableError(path, None, f"every entry needs an 'id': {entry!r}")
    return str(entry["id"])


def _expand(pattern: str, macros: dict, depth: int = 0) -> str:
    """Replace ``{name}`` by the macro ``name``; other braces are regex repetition."""
    if depth > 10:
        raise RecursionError("macros refer to each other in a loop")

    def one(m: re.Match) -> str:
        name = m.group(1)
        return _expand(str(macros[name]), macros, depth + 1) if name in macros else m.group(0)

    return re.sub(r"\{([A-Za-z_]\w*)\}", one, pattern)


def _stated_key(word) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", str(word).lower()).split())


# ---------------------------------------------------------------- classifying

def classify(updates: pd.DataFrame, rules=None, stated_map=None, model=SHIPPED) -> pd.DataFrame:
    """A copy of ``updates`` with ``status`` and ``status_source`` (see the module doc).

    ``rules``: a RuleTable or a path to one (default: the shipped table).
    ``stated_map``: a mapping word -> status or a path to one (default: the shipped map).
    ``model``: the second reader, a ``textmodel.TextModel`` or a path to one (default: the shipped
    model); ``None`` reads by the rules alone.
    ``updates`` needs ``text``; ``stated_status``, ``action_id``, ``snapshot``,
    ``snapshot_date``, ``source_file`` and ``source_sheet`` are used when present.
    """
    table = rules if isinstance(rules, RuleTable) else _cached(load_rules, rules)
    stated = _stated_lookup(stated_map)
    if "text" not in updates.columns:
        raise ReportlibError(f"classify: updates has no column text (it has: {', '.join(map(str, updates.columns))})")
    out = updates.copy()
    n = len(out)
    status = np.full(n, "needs_review", dtype=object)
    source = np.full(n, "unmatched", dtype=object)
    if n == 0:
        out["status"], out["status_source"] = pd.Series(status, index=out.index), pd.Series(source, index=out.index)
        return out

    decided = np.zeros(n, dtype=bool)
    _apply_stated(out, stated, status, source, decided)

    texts = out["text"].astype("string").fillna("")
    blank = (texts.str.strip() == "").to_numpy() & ~decided
    status[blank], source[blank] = "no_update", "blank"
    decided |= blank

    todo = np.flatnonzero(~decided)
    inverse, uniques = pd.factorize(texts.to_numpy(dtype=object)[todo])
    norm = table.normalised_all(uniques)
    ref_kind, ref_snapshot = _find_references(norm, table.references)

    is_ref = np.array([k is not None for k in ref_kind], dtype=bool)[inverse]
    plain_rows, plain_u = todo[~is_ref], inverse[~is_ref]
    dated = _apply_rules(out, table, norm, plain_rows, plain_u, status, source)
    _mixed_signals(table, norm, plain_rows, plain_u, status, source)
    if model is not None:
        reader = model if isinstance(model, textmodel.TextModel) else textmodel.load(
            None if model == SHIPPED else model)
        _second_reader(reader, uniques, plain_rows[~dated], plain_u[~dated], status, source)

    ref_rows, ref_u = todo[is_ref], inverse[is_ref]
    _apply_references(out, ref_rows, [ref_kind[u] for u in ref_u], [ref_snapshot[u] for u in ref_u], status, source)

    out["status"] = pd.Series(status, index=out.index)
    out["status_source"] = pd.Series(source, index=out.index)
    return out


def contradictions(updates: pd.DataFrame, rules=None) -> list[tuple[Cue, str] | None]:
    """For each update whose ``status`` was stated: the cue in its text that contradicts that
    status, and the words it matched (None where nothing does, or the status was not stated).

    Text that says the action is still open contradicts a stated ``complete`` ("Implemented"
    beside "awaiting evidence"); text that says it is done contradicts a stated ``planned`` or
    ``in_progress``, unless it also says something is still open ("Implemented for Adults, not
    yet for Children's" agrees with "Partially implemented"). The stated status is not changed.
    """
    table = rules if isinstance(rules, RuleTable) else _cached(load_rules, rules)
    found: list[tuple[Cue, str] | None] = [None] * len(updates)
    if updates.empty or "status_source" not in updates or not table.contradictions:
        return found
    stated = (updates["status_source"] == "stated").to_numpy() & updates["status"].isin(
        [s for said in CONTRADICTS.values() for s in said]).to_numpy()
    rows = np.flatnonzero(stated)
    if len(rows) == 0:
        return found
    texts = table.normalised_all(updates["text"].astype("string").fillna("").to_numpy(dtype=object)[rows])
    statuses = updates["status"].to_numpy(dtype=object)[rows]
    for i, text, status in zip(rows, texts, statuses):
        said = {}
        for cue in table.contradictions:
            if cue.says not in said and (m := cue.finder.search(text)):
                said[cue.says] = (cue, m.group(0))
        if status in CONTRADICTS["open"] and "open" in said:
            found[i] = said["open"]
        elif status in CONTRADICTS["complete"] and "complete" in said and "open" not in said:
            found[i] = said["complete"]
    return found


def warm() -> None:
    """Read the shipped rule table, stated-status map and model now, once: a process that forks a
    stage per pack (``reportlib render``) calls this first, so each stage finds them read (half a
    second a pack, most of it compiling the rules' patterns)."""
    _cached(load_rules, None)
    _stated_lookup(None)
    textmodel.load(None)


def _cached(loader, path):
    """``loader(path)``, read again only when the file changes (classify is called per load)."""
    path = Path(path) if path is not None else (DEFAULT_RULES if loader is load_rules else DEFAULT_STATED_MAP)
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        return loader(path)  # let the loader raise its RuleTableError
    key = (loader.__name__, str(path.resolve()), stamp)
    if key not in _CACHE:
        _CACHE[key] = loader(path)
    return _CACHE[key]


_CACHE: dict[tuple, object] = {}


def _stated_lookup(stated_map) -> dict[str, str]:
    if stated_map is None or isinstance(stated_map, (str, Path)):
        return dict(_cached(load_stated_map, stated_map))
    return {_stated_key(word): status for word, status in dict(stated_map).items()}


def _apply_stated(out, stated, status, source, decided) -> None:
    if "stated_status" not in out.columns:
        return
    words = out["stated_status"].astype("string").fillna("").str.strip()
    given = (words != "").to_numpy()
    keys = words[given].map(_stated_key)
    status[given] = keys.map(lambda k: stated.get(k, "needs_review")).to_numpy(dtype=object)
    source[given] = "stated"
    decided |= given


def _find_references(norm: list[str], references) -> tuple[list, list]:
    """The kind of reference each distinct text is (None: not one), and any snapshot it names."""
    kinds, snapshots = [None] * len(norm), [None] * len(norm)
    left = list(range(len(norm)))
    for ref in references:
        found = ref.finder.hits([norm[i] for i in left])
        for j in found:
            i = left[j]
            kinds[i] = ref.kind
            if ref.kind == "named_snapshot":
                snapshots[i] = ref.finder.search(norm[i]).group("snapshot")
        taken = set(found)
        left = [i for j, i in enumerate(left) if j not in taken]
    return kinds, snapshots


def _apply_rules(out, table: RuleTable, norm, rows, which, status, source) -> np.ndarray:
    """First matching rule per distinct text; rules with ``when`` are settled per snapshot. Returns
    which of ``rows`` turned on the snapshot's date (read by a rule with ``when``, or by none)."""
    if len(rows) == 0:
        return np.zeros(0, dtype=bool)
    # Rule by rule over the distinct texts still undecided: for each text, the rules
    # that match it up to and including the first whose answer does not depend on the
    # snapshot (rules with `when` are kept as candidates, the text stays undecided).
    candidates: dict[int, list[tuple[Rule, str | None]]] = {}
    left = [int(u) for u in np.unique(which)]
    texts = [norm[u] for u in left]
    for rule in table.rules:
        if not left:
            break
        found = rule.finder.hits(texts)
        for j in found:
            date = rule.finder.search(texts[j]).group("date") if rule.when else None
            candidates.setdefault(left[j], []).append((rule, date))
        if found and not rule.when:
            keep = np.ones(len(left), dtype=bool)
            keep[found] = False
            left = [u for u, k in zip(left, keep) if k]
            texts = [t for t, k in zip(texts, keep) if k]

    first = {u: c[0][0] for u, c in candidates.items() if c and not c[0][0].when}
    simple = np.array([u in first for u in which], dtype=bool)
    status[rows[simple]] = [first[u].status for u in which[simple]]
    source[rows[simple]] = [first[u].id for u in which[simple]]

    dated = ~simple & np.array([any(r.when for r, _ in candidates.get(u, [])) for u in which], dtype=bool)
    if not dated.any():
        return dated
    snap_dates = _snapshot_dates(out).to_numpy()[rows[dated]]
    settled: dict[tuple, Rule | None] = {}
    for row, u, when in zip(rows[dated], which[dated], snap_dates):
        key = (u, when)
        if key not in settled:
            settled[key] = next((r for r, d in candidates.get(u, []) if _holds(r.when, d, when)), None)
        rule = settled[key]
        if rule is not None:
            status[row], source[row] = rule.status, rule.id
    return dated


def _mixed_signals(table: RuleTable, norm, rows, which, status, source) -> None:
    """Texts read as complete (not from their leading word) that also say something is still open."""
    opens = [cue for cue in table.contradictions if cue.says == "open" and cue.mixed]
    if not opens or len(rows) == 0:
        return
    exempt = [*LEADING_COMPLETE, *(rule.id for rule in table.rules if not rule.mixed)]
    read_done = (status[rows] == "complete") & ~np.isin(source[rows], exempt)
    if not read_done.any():
        return
    distinct = np.unique(which[read_done])
    mixed = [int(u) for u in distinct if any(cue.finder.search(norm[u]) for cue in opens)]
    if mixed:
        hit = rows[read_done][np.isin(which[read_done], mixed)]
        status[hit], source[hit] = "needs_review", MIXED


def _second_reader(model: textmodel.TextModel, texts, rows, which, status, source) -> None:
    """Step 6: where the model is sure of another reading than the rules', its reading stands."""
    if len(rows) == 0:
        return
    wanted = np.unique(which)
    reading = model.read([texts[u] for u in wanted])
    at = {int(u): i for i, u in enumerate(wanted)}
    for row, u in zip(rows, which):
        i = at[int(u)]
        best, sure = reading.best[i], float(reading.sure[i])
        deliberate = status[row] == "needs_review" and source[row] != "unmatched"  # a rule's cue says "ask"
        # a reading that cannot name the words it rests on (only letters of them weighed) does not stand
        if sure < MODEL_SURE or best == status[row] or deliberate or not reading.evidence[i]:
            continue
        overruled = (source[row], status[row]) if source[row] != "unmatched" else (None, None)
        status[row], source[row] = best, model_source(round(sure * 100), reading.evidence[i], *overruled)


@dataclass(frozen=True)
class ModelSaid:
    """What a ``status_source`` written by the second reader says: how sure (per cent), the words it
    quoted from the text (as written there, "'awaiting', 'update'"; empty when taken out), and the
    rule it overruled with that rule's status (None where no rule read the text)."""

    sure: int
    words: str
    rule: str | None
    rule_status: str | None


_MODEL_SAID = re.compile(rf"{MODEL_SOURCE}, (?P<sure>\d+)% sure(?: \((?P<words>(?:'[^']*'(?:, )?)+)\))?"
                         r"(?:; rule (?P<rule>\S+) read (?P<rule_status>\w+))?")


def model_source(sure: int, words=(), rule: str | None = None, rule_status: str | None = None) -> str:
    """The ``status_source`` of a status the second reader decided: "text model, 97% sure ('awaiting
    update', 'update'); rule in_progress.awaiting read in_progress" (``read_model_source`` reads it)."""
    quoted = words if isinstance(words, str) else ", ".join(f"'{w}'" for w in words)
    return (f"{MODEL_SOURCE}, {sure}% sure" + (f" ({quoted})" if quoted else "")
            + (f"; rule {rule} read {rule_status}" if rule else ""))


def read_model_source(source) -> ModelSaid | None:
    """What a ``status_source`` the second reader wrote says; None for any other source."""
    found = _MODEL_SAID.fullmatch(source) if isinstance(source, str) else None
    if found is None:
        return None
    return ModelSaid(int(found["sure"]), found["words"] or "", found["rule"], found["rule_status"])


def without_evidence(sources: pd.Series) -> pd.Series:
    """``status_source`` values with the words the second reader quoted from the text taken out
    ("text model, 98% sure; rule in_progress.awaiting read in_progress"): for a reader who may not
    see the update text (``audience.withhold``)."""
    def plain(source):
        said = read_model_source(source)
        return model_source(said.sure, (), said.rule, said.rule_status) if said else source
    return sources.map(plain)


def _holds(when: str | None, date_text: str | None, snapshot) -> bool:
    """Whether a rule's ``when`` holds for the date it captured, in a snapshot of that date."""
    if when is None:
        return True
    if pd.isna(snapshot):
        return when == "future"  # no snapshot date: a date reads as a target
    snap = pd.Timestamp(snapshot).date()
    target = parse_target(date_text or "", reference=dt.date(snap.year, snap.month, 1)).date
    if target is None:
        return when == "future"
    later = (target.year, target.month) >= (snap.year, snap.month)
    return later if when == "future" else not later


def _snapshot_dates(out: pd.DataFrame) -> pd.Series:
    if "snapshot_date" not in out.columns:
        return pd.Series(pd.NaT, index=out.index)
    return pd.to_datetime(out["snapshot_date"], errors="coerce")


def _apply_references(out, rows, kinds, snapshots, status, source) -> None:
    """Point each reference row at the row it means, follow chains, copy the status."""
    if len(rows) == 0:
        return
    n = len(out)
    target = np.full(n, -1, dtype=np.int64)
    is_ref = np.zeros(n, dtype=bool)
    is_ref[rows] = True
    kinds = np.array(kinds, dtype=object)

    above = kinds == "row_above"
    if above.any():
        target[rows[above]] = _row_above(out)[rows[above]]
    named = kinds == "named_snapshot"
    if named.any():
        target[rows[named]] = _named_snapshot(out, rows[named], [snapshots[i] for i in np.flatnonzero(named)])
    previous = kinds == "previous_snapshot"
    if previous.any():
        target[rows[previous]] = _previous_snapshot(out)[rows[previous]]

    pointer = target[rows]
    for _ in range(_MAX_REFERENCE_HOPS):
        chained = (pointer >= 0) & is_ref[np.maximum(pointer, 0)]
        if not chained.any():
            break
        pointer[chained] = target[pointer[chained]]
    ok = (pointer >= 0) & ~is_ref[np.maximum(pointer, 0)]
    # "No change" with no earlier update to carry says nothing new: no_update, like a blank cell
    # (the action keeps its latest status that says something). Other dead ends go to review.
    nothing_before = (kinds == "previous_snapshot") & (target[rows] < 0)
    status[rows] = np.where(ok, status[np.maximum(pointer, 0)], np.where(nothing_before, "no_update", "needs_review"))
    source[rows] = "reference"


def _positions(out: pd.DataFrame) -> pd.Series:
    return pd.Series(np.arange(len(out)), index=out.index)


def _keys(out: pd.DataFrame, names) -> list[pd.Series]:
    return [out[c].astype("string").fillna("") for c in names if c in out.columns]


def _row_above(out: pd.DataFrame) -> np.ndarray:
    """Position of the previous row of the same snapshot (and sheet), -1 for the first."""
    keys = _keys(out, ["source_file", "source_sheet", "snapshot"])
    pos = _positions(out)
    prev = pos.groupby(keys, sort=False).shift(1) if keys else pos.shift(1)
    return prev.fillna(-1).to_numpy(dtype=np.int64)


def _named_snapshot(out: pd.DataFrame, rows: np.ndarray, names: list[str]) -> np.ndarray:
    """Position of the same action's update in the snapshot whose name contains ``names[i]``."""
    if "snapshot" not in out.columns or "action_id" not in out.columns:
        return np.full(len(rows), -1, dtype=np.int64)
    snapshots = out["snapshot"].astype("string").fillna("").to_numpy(dtype=object)
    actions = out["action_id"].astype("string").fillna("").to_numpy(dtype=object)
    distinct = {" ".join(s.lower().split()): s for s in pd.unique(snapshots) if s}
    wanted_rows: dict[str, list[int]] = {}
    for i, name in enumerate(names):
        wanted = " ".join(str(name).lower().split())
        exact = [s for key, s in distinct.items() if key == wanted]
        matches = exact or [s for key, s in distinct.items() if wanted in key]
        if len(matches) == 1:  # none, or several ("March 2010", "March 2010 revised"): unresolved
            wanted_rows.setdefault(matches[0], []).append(i)
    result = np.full(len(rows), -1, dtype=np.int64)
    for snap, picks in wanted_rows.items():
        in_snap = np.flatnonzero(snapshots == snap)
        first = pd.Series(in_snap, index=actions[in_snap])
        first = first[~first.index.duplicated()]
        found = first.reindex(actions[rows[picks]]).fillna(-1).to_numpy(dtype=np.int64, copy=True)
        found[actions[rows[picks]] == ""] = -1
        result[picks] = found
    return result


def _previous_snapshot(out: pd.DataFrame) -> np.ndarray:
    """Position of the same action's update in the snapshot before this row's, -1 if none."""
    if "snapshot" not in out.columns or "action_id" not in out.columns:
        return np.full(len(out), -1, dtype=np.int64)
    snapshots = out["snapshot"].astype("string").fillna("")
    order = pd.DataFrame({
        "action": out["action_id"].astype("string").fillna("").to_numpy(),
        "date": _snapshot_dates(out).to_numpy(),
        "first_seen": pd.factorize(snapshots)[0],
        "pos": np.arange(len(out)),
    }).sort_values(["action", "date", "first_seen", "pos"], kind="stable", na_position="last")
    prev = order.groupby("action", sort=False)["pos"].shift(1)
    same_snapshot = order["first_seen"].to_numpy() == order["first_seen"].groupby(order["action"], sort=False).shift(1).to_numpy()
    prev[same_snapshot | (order["action"] == "").to_numpy()] = np.nan
    result = np.full(len(out), -1, dtype=np.int64)
    result[order["pos"].to_numpy()] = prev.fillna(-1).to_numpy(dtype=np.int64)
    return result
