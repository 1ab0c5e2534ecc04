"""Analysts' decisions: an update's status settled by a person, kept beside the data.

``decisions.csv`` in the data folder holds one decision per row:

    action_id,snapshot,status,reviewer,date,reason,text_hash,action_hash,stated_status
    WDC-2009-017,July 2010,complete,A. Analyst,2010-08-02,Confirmed with the Head of Finance,3f1c...,9a0b...,Done

A decision settles the status of one update (an action at one snapshot): one left
*needs review*, or one whose rule the analyst overrules. It is tied to what it was made
on: the update's text (``text_hash``), the action's identity (``action_hash``: its
recommendation and action text, so an id a re-sent file gives to a different action does
not inherit it) and the council's own status word then (``stated_status``). When any of
them changes, the decision stops applying and the update goes back to review, with a
finding saying which. Rows written before the last two columns existed are still read and
applied by id and text, with one warning per file naming them (record them again to tie
them to their action). An applied decision's ``status_source`` reads "reviewed by A.
Analyst on 02 Aug 2010". A later row for the same update replaces an earlier one in the
same file, so the file is also the history of decisions; two files that settle one update
differently are a finding naming both rows, and the update goes back to review. Loading
and rendering only read the files; ``record`` (``reportlib review``) adds rows, under a
lock (``decisions.csv.lock`` beside the file), and reads the file back before saying so.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import os
import re
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

try:  # an advisory lock on POSIX systems; elsewhere reviews are not serialised
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None

import pandas as pd

from reportlib.analysis.status import STATUSES
from reportlib.core.files import refuse_link_out, write_atomically
from reportlib.core.formula import neutralise
from reportlib.errors import Finding, InputError, Location
from reportlib.model.vocab import DECISIONS_FILE

FILE_NAME = DECISIONS_FILE
COLUMNS = ("action_id", "snapshot", "status", "reviewer", "date", "reason", "text_hash", "action_hash",
           "stated_status")
#: The columns a decisions file must have (files written before the identity columns lack the rest).
REQUIRED = COLUMNS[:7]
LOCK_NAME = FILE_NAME + ".lock"
DECIDED = tuple(s for s in STATUSES if s != "needs_review")
MAX_BYTES = 4 * 1024 * 1024


def text_hash(text) -> str:
    """The hash a decision is tied to: the update text with its spacing evened out."""
    plain = "" if text is None or (not isinstance(text, str) and pd.isna(text)) else " ".join(str(text).split())
    return hashlib.sha256(plain.encode("utf-8")).hexdigest()[:16]


def action_hash(recommendation, action) -> str:
    """The hash of an action's identity beside its id: its recommendation and action text, spacing evened out."""
    return text_hash(f"{_plain(recommendation)}\x1f{_plain(action)}")


def _plain(value) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else " ".join(str(value).split())


@dataclass(frozen=True)
class Decision:
    row: int
    action_id: str
    snapshot: str
    status: str
    reviewer: str
    date: dt.date
    reason: str
    text_hash: str
    #: The action's identity when decided; "" for a row written before decisions kept it.
    action_hash: str = ""
    #: The council's own status word when decided ("" for none); None for a row that does not say.
    stated_status: str | None = None
    #: The file it was read from, as messages name it.
    file: str = FILE_NAME

    @property
    def source(self) -> str:
        return f"reviewed by {self.reviewer} on {self.date:%d %b %Y}"


def reviewed(sources: pd.Series) -> pd.Series:
    """Which ``status_source`` values a decision set: "reviewed by A. Analyst on 25 Nov 2026", or
    "reviewed on 25 Nov 2026" once ``without_reviewer`` has taken the name out."""
    return sources.astype("string").str.startswith("reviewed ").fillna(False).astype(bool)


_REVIEWER = re.compile(r"^reviewed by .*? on (?=\d)")


def without_reviewer(sources: pd.Series) -> pd.Series:
    """``status_source`` values with the reviewer's name taken out of each decision ("reviewed on
    25 Nov 2026"), for external readers: a decision is told as made, not by whom."""
    text = sources.astype("string")
    return text.str.replace(_REVIEWER, "reviewed on ", regex=True).astype(object).where(text.notna(), None)


def files_for(data_files) -> list[Path]:
    """The decisions files beside the data files being read (one per folder, where present).
    ``InputError`` naming it for one that is a symbolic link out of its folder."""
    folders = sorted({Path(f).parent for f in data_files})
    for folder in folders:
        refuse_link_out(folder / FILE_NAME, folder)
    return [folder / FILE_NAME for folder in folders if (folder / FILE_NAME).is_file()]


def read(path: Path, data: bytes | None = None) -> tuple[list[Decision], list[Finding]]:
    """The decisions in ``path``, and an error for each row that cannot be one."""
    path = Path(path)
    if data is None:
        data = path.read_bytes()
    where = lambda row=None, column=None: Location(path.name, None, row, column)  # noqa: E731
    if len(data) > MAX_BYTES:
        return [], [Finding("error", "decisions_file", f"the decisions file is {len(data):,} bytes; at most "
                            f"{MAX_BYTES:,} are read", where())]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return [], [Finding("error", "decisions_file", f"the decisions file is not UTF-8 text (byte {exc.start}); "
                            "save it as CSV UTF-8", where())]
    rows, problem = _records(text)
    if problem:
        row, column, message = problem
        return [], [Finding("error", "decisions_file", message, where(row, column))]
    if not rows:
        return [], []
    header = [h.strip().lower() for h in rows[0]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        return [], [Finding("error", "decisions_file", f"the header row has no column '{missing[0]}'; a decisions "
                            f"file has the columns {', '.join(COLUMNS)}", where(1))]
    decisions, findings = [], []
    for number, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        value = {name: (cells[header.index(name)].strip() if header.index(name) < len(cells) else "")
                 for name in COLUMNS if name in header}
        for name in ("reason", "reviewer"):  # the apostrophe that kept a spreadsheet from reading a formula
            value[name] = value[name][1:] if value[name].startswith("'") else value[name]
        problem = _problem(value)
        if problem:
            column, message = problem
            findings.append(Finding("error", "bad_decision", message, where(number, column)))
            continue
        identity = value.get("action_hash", "")
        decisions.append(Decision(number, value["action_id"], value["snapshot"], value["status"], value["reviewer"],
                                  dt.date.fromisoformat(value["date"]), value["reason"], value["text_hash"],
                                  identity, value.get("stated_status") if identity else None, _label(path)))
    return decisions, findings


def _label(path: Path) -> str:
    """How messages name a decisions file: with its folder, as several folders may each have one."""
    return f"{path.parent.name}/{path.name}" if path.parent.name else path.name


def _records(text: str) -> tuple[list[list[str]], tuple[int, str | None, str] | None]:
    """The CSV records in ``text``, whatever its line endings (``\\n``, ``\\r\\n``, or ``\\r`` alone as
    Excel's "CSV (Macintosh)" writes them); or, for text that cannot be read, ``(row, column, message)``."""
    lines = io.StringIO(text, newline="").readlines()  # newline="": split at CR, LF and CRLF
    reader = csv.reader(lines)
    rows: list[list[str]] = []
    start = 0  # the line the next record begins on
    try:
        for cells in reader:
            rows.append(cells)
            start = reader.line_num
    except csv.Error as exc:
        row = len(rows) + 1
        limit = csv.field_size_limit()
        field, length = _long_field("".join(lines[start:]), limit)
        if field is None:
            return rows, (row, None, f"row {row} cannot be read as CSV ({exc}); save the file as CSV UTF-8")
        header = [h.strip().lower() for h in rows[0]] if rows else []
        column = header[field] if field < len(header) else f"field {field + 1}"
        return rows, (row, column, f"the field holds {length:,} characters, more than the {limit:,} a field of a "
                                   "decisions file may hold; a reason is a sentence or two")
    return rows, None


def _long_field(record: str, limit: int) -> tuple[int | None, int]:
    """(index, length) of the first field of the CSV record at the start of ``record`` that holds
    more than ``limit`` characters, or ``(None, 0)``. Reads as ``csv``'s default dialect does."""
    field = length = 0
    quoted, at_start, over = False, True, None
    i = 0
    while i < len(record):
        ch = record[i]
        if quoted:
            if ch == '"' and record[i + 1:i + 2] == '"':
                length += 1
                i += 1
            elif ch == '"':
                quoted = False
            else:
                length += 1
        elif ch == '"' and at_start:
            quoted = True
        elif ch in ",\r\n":
            if over is not None or ch != ",":
                break
            field, length = field + 1, 0
            at_start = True
            i += 1
            continue
        else:
            length += 1
        at_start = False
        if length > limit and over is None:
            over = field
        i += 1
    return (over, length) if over is not None else (None, 0)


def _problem(value: dict) -> tuple[str, str] | None:
    for name in ("action_id", "snapshot", "reviewer"):
        if not value[name]:
            return name, f"the decision has no {name.replace('_', ' ')}"
    if value["status"] not in DECIDED:
        return "status", (f"'{value['status']}' is not a status a decision can settle on (expected one of "
                          f"{', '.join(DECIDED)})")
    try:
        when = dt.date.fromisoformat(value["date"])
    except ValueError:
        return "date", f"'{value['date']}' is not a date written YYYY-MM-DD"
    if when > dt.date.today():
        return "date", f"the decision is dated {when:%d %b %Y}, which is in the future"
    if not value["text_hash"]:
        return "text_hash", ("the decision has no text_hash, which ties it to the update text it was made on; "
                             "record decisions with 'reportlib review DATA --action ... --snapshot ... --status ... "
                             "--reviewer ...', which fills it in")
    return None


def apply(updates: pd.DataFrame, actions: pd.DataFrame, path: Path, data: bytes | None = None):
    """``apply_all`` for one decisions file."""
    return apply_all(updates, actions, [(Path(path), data)])


def apply_all(updates: pd.DataFrame, actions: pd.DataFrame, files):
    """``(updates with the decisions in files applied, findings)``; ``files`` holds ``(path, data)``
    pairs (``data`` None: read the file). An unknown action or snapshot is an error; a decision whose
    update text, action or council's status word has changed since is a warning, and the update goes
    back to review; so does an update that two files settle differently."""
    out = updates.copy()
    findings: list[Finding] = []
    known_ids = set(actions["action_id"])
    chosen: dict[tuple[str, str], list[Decision]] = {}  # the latest decision of each file, per update
    for path, data in files:
        path = Path(path)
        decisions, found = read(path, data)
        findings += found
        latest: dict[tuple[str, str], Decision] = {}
        for decision in decisions:
            if decision.action_id not in known_ids:
                findings.append(Finding("error", "bad_decision", f"action {decision.action_id} is not in the plans "
                                        "read with this decisions file", Location(path.name, None, decision.row,
                                                                                  "action_id")))
                continue
            if not ((out["action_id"] == decision.action_id) & (out["snapshot"] == decision.snapshot)).any():
                held = ", ".join(out.loc[out["action_id"] == decision.action_id, "snapshot"].astype(str)) or "none"
                findings.append(Finding("error", "bad_decision", f"action {decision.action_id} has no update for "
                                        f"snapshot '{decision.snapshot}' (its snapshots: {held})",
                                        Location(path.name, None, decision.row, "snapshot")))
                continue
            latest[(decision.action_id, decision.snapshot)] = decision
        for key, decision in latest.items():
            chosen.setdefault(key, []).append(decision)
        unkeyed = [d.row for d in latest.values() if not d.action_hash]
        if unkeyed:
            findings.append(_without_identity(path, unkeyed))
    identities = actions.drop_duplicates("action_id").set_index("action_id")
    for (action_id, snapshot), made in chosen.items():
        index = out.index[(out["action_id"] == action_id) & (out["snapshot"] == snapshot)][0]
        if len({d.status for d in made}) > 1:
            out.at[index, "status"] = "needs_review"
            out.at[index, "status_source"] = "decisions disagree"
            findings.append(_disagree(action_id, snapshot, made, _where(out, index)))
            continue
        decision = made[-1]
        why = _changed_since(decision, out.loc[index], identities.loc[action_id])
        if why is None:
            out.at[index, "status"] = decision.status
            out.at[index, "status_source"] = decision.source
            continue
        out.at[index, "status"] = "needs_review"
        out.at[index, "status_source"] = "decision outdated"
        findings.append(Finding(
            "warning", "decision_outdated",
            f"the decision on {action_id} ({snapshot}) by {decision.reviewer} on {decision.date:%d %b %Y} "
            f"({decision.file} row {decision.row}) no longer applies: {why} since it was made, so the update is "
            "back in the review queue", _where(out, index)))
    return out, findings


def _changed_since(decision: Decision, update: pd.Series, action: pd.Series) -> str | None:
    """What changed since the decision was made, or None when it still applies."""
    if text_hash(update["text"]) != decision.text_hash:
        return "the update text has changed"
    if decision.action_hash and action_hash(action.get("recommendation"), action.get("action")) != decision.action_hash:
        return ("the action's recommendation or action text has changed (a file sent again may have given its id "
                "to a different action)")
    if decision.stated_status is not None:
        now = _plain(update.get("stated_status"))
        if now != decision.stated_status:
            return (f"the council's own status word has changed from {_word(decision.stated_status)} to "
                    f"{_word(now)}")
    return None


def _word(word: str) -> str:
    return f"'{word}'" if word else "(none)"


def _where(out: pd.DataFrame, index) -> Location:
    return Location(out.at[index, "source_file"], out.at[index, "source_sheet"], _int(out.at[index, "source_row"]),
                    out.at[index, "source_column"])


def _disagree(action_id: str, snapshot: str, made: list[Decision], where: Location) -> Finding:
    said = "; ".join(f"{d.file} row {d.row} says {d.status} ({d.reviewer}, {d.date:%d %b %Y})" for d in made)
    return Finding("warning", "decisions_disagree",
                   f"the decisions files disagree on {action_id} ({snapshot}): {said}. Neither is applied and the "
                   "update is back in the review queue: keep one decision and remove the other", where)


def _without_identity(path: Path, rows: list[int]) -> Finding:
    listed = ", ".join(str(r) for r in rows[:10]) + (f" and {len(rows) - 10} more" if len(rows) > 10 else "")
    return Finding("warning", "decision_without_identity",
                   f"{len(rows)} decision(s) (row {listed}) were recorded before decisions kept the action's identity "
                   "(action_hash, stated_status): they are applied by action id and update text alone, so a file "
                   "that gives an id to a different action with the same update text would inherit them. Record "
                   "them again with 'reportlib review' to tie them to their action",
                   Location(path.name, None, rows[0], "action_hash"))


def _int(value):
    return None if value is None or pd.isna(value) else int(value)


def queue(plans) -> pd.DataFrame:
    """The open review queue: every update left *needs review* (among them those whose stated status
    their text contradicts), newest snapshot first, with why."""
    updates = plans.updates
    open_ = updates[updates["status"] == "needs_review"]
    context = plans.actions[["action_id", "council_code", "action", "owner"]]
    out = open_.merge(context, on="action_id", how="left")
    out["why"] = out["status_source"].map(_why)
    columns = ["action_id", "council_code", "snapshot", "snapshot_date", "text", "stated_status", "why", "action",
               "owner", "source_file", "source_sheet", "source_row", "source_column"]
    return out.sort_values(["snapshot_date", "action_id"], ascending=[False, True])[columns].reset_index(drop=True)


def _why(source: str) -> str:
    return {"unmatched": "no rule reads the text", "stated": "the stated word is not mapped",
            "reference": "a reference that cannot be followed",
            "needs_review.contradicted": "the stated status and the update text disagree",
            "decision outdated": "the text changed since the last decision (or the action, or the council's word)",
            "decisions disagree": "two decisions files settle it differently"}.get(source, str(source))


def record(folder, plans, action_id: str, snapshot: str, status: str, reviewer: str, reason: str,
           today: dt.date | None = None) -> Decision:
    """Add a decision to ``folder/decisions.csv`` (created with its header when new), tied to the
    update's current text, the action's identity and the council's status word. Checked first: the
    update must exist and the status be one a decision can settle on. Written under a lock on
    ``decisions.csv.lock``, so reviews at the same time each keep their row; the file is replaced in
    one step, never left half-written, and read back before the decision is returned."""
    path = Path(folder) / FILE_NAME
    found = plans.updates[(plans.updates["action_id"] == action_id) & (plans.updates["snapshot"] == snapshot)]
    if found.empty:
        held = plans.updates.loc[plans.updates["action_id"] == action_id, "snapshot"].astype(str).tolist()
        what = (f"its snapshots are {', '.join(held)}" if held else "no action has that id")
        raise InputError(f"no update of {action_id} for snapshot '{snapshot}': {what}", Location(file=path.name))
    if status not in DECIDED:
        raise InputError(f"'{status}' is not a status a decision can settle on (expected one of {', '.join(DECIDED)})",
                         Location(file=path.name))
    if not reviewer.strip():
        raise InputError("a decision needs the reviewer's name", Location(file=path.name))
    reviewer, reason = _as_text(" ".join(reviewer.split())), _as_text(" ".join(reason.split()))
    action = plans.actions[plans.actions["action_id"] == action_id]
    identity = action_hash(*(action[c].iloc[0] if len(action) else None for c in ("recommendation", "action")))
    decision = Decision(0, action_id, snapshot, status, reviewer, today or dt.date.today(), reason,
                        text_hash(found["text"].iloc[0]), identity, _plain(found["stated_status"].iloc[0]))
    values = {"action_id": decision.action_id, "snapshot": decision.snapshot, "status": decision.status,
              "reviewer": decision.reviewer, "date": decision.date.isoformat(), "reason": decision.reason,
              "text_hash": decision.text_hash, "action_hash": decision.action_hash,
              "stated_status": decision.stated_status}
    with _locked(path.with_name(LOCK_NAME)):
        existing = path.read_bytes() if path.exists() else b""
        if existing:  # refuse to add to a file that cannot be read back
            problems = read(path, existing)[1]
            if problems:
                raise InputError(f"{problems[0].message}; correct the decisions file before adding to it",
                                 problems[0].location)
        write_atomically(path, _appended(existing, values), durable=True)
        kept = read(path)[0] if path.exists() else []
    if not kept or (kept[-1].action_id, kept[-1].snapshot, kept[-1].status, kept[-1].action_hash) != \
            (action_id, snapshot, status, identity):
        raise InputError(f"the decision on {action_id} ({snapshot}) was not found in {FILE_NAME} when it was read "
                         "back after writing: it was not recorded; check the file and record it again",
                         Location(file=path.name))
    return decision


@contextmanager
def _locked(path: Path):
    """Hold an exclusive lock on ``path`` (created when missing; a symbolic link there is refused)."""
    try:
        handle = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
    except OSError as exc:
        raise InputError(f"the lock file beside the decisions file cannot be opened ({exc.strerror}); it must be "
                         "a plain file in the data folder", Location(file=path.name)) from None
    try:
        if fcntl is not None:
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # closing releases the lock


def _appended(existing: bytes, values: dict) -> bytes:
    """``existing`` with a row of ``values`` added in the order of its header; a header written before
    the identity columns existed gets them added at its end (its older rows are read as before)."""
    ending = _line_ending(existing)
    if not existing.strip():
        header, start = list(COLUMNS), existing + (",".join(COLUMNS) + ending).encode("utf-8")
    else:
        rows, _ = _records(existing.decode("utf-8-sig"))
        header = [h.strip().lower() for h in rows[0]]
        missing = [c for c in COLUMNS if c not in header]
        start = existing
        if missing:
            ends = [i for i in (existing.find(b"\r"), existing.find(b"\n")) if i >= 0]
            cut = min(ends) if ends else len(existing)
            start = existing[:cut] + ("," + ",".join(missing)).encode("utf-8") + existing[cut:]
            header += missing
        if not start.endswith((b"\n", b"\r")):
            start += ending.encode("utf-8")
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=ending).writerow([values.get(name, "") for name in header])
    return start + buffer.getvalue().encode("utf-8")


def _line_ending(data: bytes) -> str:
    """The line ending a decisions file already uses (``\\n`` for a new one), so a row added keeps it."""
    at = min((i for i in (data.find(b"\r"), data.find(b"\n")) if i >= 0), default=-1)
    if at < 0:
        return "\n"
    return "\r\n" if data[at:at + 2] == b"\r\n" else chr(data[at])


def _as_text(value: str) -> str:
    """Text a spreadsheet opening decisions.csv keeps as text: the exports' formula guard
    (``core.formula.neutralise``: a leading = + - @, also when written fullwidth or behind invisible
    characters, gets an apostrophe; ``read`` takes one off again)."""
    return neutralise(value)
