"""Load action-plan spreadsheets into the canonical ``actions`` and ``updates`` tables.

``load_plans`` reads as a list of steps: find the files, open each, pick the layout of
each sheet from its headers, turn its rows into actions and updates, give ids, check
the whole, classify update statuses. Every problem becomes a ``Finding`` naming file,
sheet, row and column; ``load_plans`` raises ``ValidationFailed`` when any is an error,
``inspect_plans`` returns them all for ``reportlib validate``.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from . import layouts as layouts_mod
from . import decisions, versions, words
from .errors import Finding, InputError, Location, ReportlibError, UnknownCouncil, ValidationFailed
from .papers import Paper, PaperReader
from .rows import SheetReader
from .sources import discover, open_source

ACTION_COLUMNS = [
    "council", "council_code", "assessment", "action_id", "theme", "kloe", "kloe_name",
    "recommendation", "action", "owner", "priority", "target_text", "target_date",
    "target_recurring", "revised_target_date", "original_target_date", "details", "linked_action_id",
    "in_plan_from", "not_in_plan_since", "not_in_plan_since_date",
    "source_file", "source_sheet", "source_rows",
]
UPDATE_COLUMNS = [
    "action_id", "snapshot", "snapshot_date", "text", "stated_status", "stated_flag", "status", "status_source",
    "source_file", "source_sheet", "source_row", "source_column",
]
MAX_ROWS = 50_000
INPUT_COLUMNS = ["file", "path", "sha256", "bytes"]


@dataclass
class Plans:
    """The canonical tables of one or more action plans, with what was found on the way."""

    actions: pd.DataFrame
    updates: pd.DataFrame
    findings: list[Finding] = field(default_factory=list)
    sources: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: Each file read: name, path, SHA-256 and size of the very bytes that were parsed.
    inputs: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=INPUT_COLUMNS))
    #: Columns whose text was withheld for an external audience (see ``reportlib.snapshot``).
    withheld: tuple[str, ...] = ()
    #: Who the reports built from these plans are for: "internal" or "external".
    audience: str = "internal"
    #: Every version's row of actions held in several files (``reportlib.versions``).
    action_versions: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    def findings_frame(self) -> pd.DataFrame:
        rows = [f.as_dict() for f in self.findings]
        return pd.DataFrame(rows, columns=["severity", "code", "message", "file", "sheet", "row", "column"])

    @property
    def internal_columns(self) -> tuple[str, ...]:
        """Columns a council's layout marks internal: left out of reports for external readers."""
        names = {n for cell in self.sources.get("internal_columns", []) for n in str(cell).split(",") if n}
        return tuple(sorted(names))

    def councils(self) -> dict[str, str]:
        """Council code -> council name, for every council in the plans."""
        pairs = self.actions[["council_code", "council"]].drop_duplicates("council_code")
        return dict(zip(pairs["council_code"], pairs["council"]))

    def council(self, council_code: str) -> "Plans":
        """The same plans cut down to one council (findings and sources kept whole).

        A code that is not in the plans is an error (with the nearest code suggested),
        never an empty report.
        """
        known = self.councils()
        if council_code not in known:
            raise UnknownCouncil(council_code, known)
        actions = self.actions[self.actions["council_code"] == council_code].reset_index(drop=True)
        updates = self.updates[self.updates["action_id"].isin(actions["action_id"])].reset_index(drop=True)
        return replace(self, actions=actions, updates=updates)

    def __repr__(self) -> str:
        return (f"Plans({len(self.actions)} actions, {len(self.updates)} updates, "
                f"{len(self.errors)} errors, {len(self.warnings)} warnings)")


def load_plans(paths_or_dir="data", layouts=None, *, max_rows: int = MAX_ROWS) -> Plans:
    """Load every plan named (files, or folders of .xlsx/.csv/.docx/.pdf) into canonical tables.

    ``layouts``: None to detect each sheet's layout from its headers, or a layout (name,
    path to a YAML file, or Layout) — or a list of them — to choose among only those.
    Raises ``ValidationFailed`` (holding every finding) when the input has errors.
    """
    plans = inspect_plans(paths_or_dir, layouts, max_rows=max_rows)
    if plans.errors:
        raise ValidationFailed(plans.findings)
    return plans


def inspect_plans(paths_or_dir="data", layouts=None, *, max_rows: int = MAX_ROWS) -> Plans:
    """Like ``load_plans`` but never raises for bad input: problems are in ``.findings``."""
    try:
        files = [f for f in discover(paths_or_dir) if f.name != decisions.FILE_NAME]
        decided = decisions.files_for(files)
    except InputError as exc:  # a file linked in from outside its data folder
        return _assemble([], [], [Finding("error", "linked_from_outside", exc.message, exc.location)], [])
    findings: list[Finding] = []
    if not files:
        findings.append(Finding("error", "no_files", f"no .xlsx, .csv, .docx or .pdf files found in {paths_or_dir}"))
    try:
        candidates = _candidates(files, layouts)
    except ReportlibError as exc:
        return _assemble([], [], [Finding("error", "unknown_layout", exc.message, exc.location)], [])
    actions, updates, sources, inputs = [], [], [], []
    for path in files:
        try:
            source = open_source(path, max_rows=max_rows)
        except ReportlibError as exc:
            findings.append(Finding("error", "unreadable_file", exc.message, exc.location))
            continue
        inputs.append({"file": source.name, "path": str(path), "sha256": source.sha256, "bytes": source.size})
        reader = (PaperReader if isinstance(source, Paper) else SheetReader)(
            source, candidates, forced=layouts is not None, max_rows=max_rows)
        file_actions, file_updates, file_findings, file_sheets = reader.read()
        actions += file_actions
        updates += file_updates
        findings += file_findings
        sources += file_sheets
    plans = _assemble(actions, updates, findings, sources)
    for path in decided:  # analysts' decisions beside the data (reportlib.decisions)
        data = path.read_bytes()
        plans.updates, found = decisions.apply(plans.updates, plans.actions, path, data)
        plans.findings += found
        inputs.append(_input(path, hashlib.sha256(data).hexdigest(), len(data)))
    if decided:  # a settled update no longer "goes to review": drop that warning
        plans.findings = _settled_words_dropped(plans)
    # layouts beside the data decide what was read: inputs too (hashed as they were parsed)
    inputs += [_input(Path(lay.read_from[0]), lay.read_from[1], lay.read_from[2])
               for lay in candidates if lay.beside_data and lay.read_from]
    plans.inputs = pd.DataFrame(inputs, columns=INPUT_COLUMNS)
    return plans


def _input(path: Path, sha256: str, size: int) -> dict:
    return {"file": path.name, "path": str(path), "sha256": sha256, "bytes": size}


def _candidates(files, layouts) -> list:
    folders = {p.parent for p in files}
    known = layouts_mod.available(sorted(folders))
    if layouts is None:
        return list(known.values())
    specs = layouts if isinstance(layouts, (list, tuple)) else [layouts]
    return [layouts_mod.resolve(spec, known) for spec in specs]


def _assemble(actions: list[dict], updates: list[dict], findings: list[Finding], sources: list[dict]) -> Plans:
    read_columns = [c for c in ACTION_COLUMNS if c not in versions.ADDED_COLUMNS]
    actions_df = pd.DataFrame(actions, columns=read_columns)
    actions_df["theme"] = actions_df["theme"].astype("Int64")
    actions_df["target_recurring"] = actions_df["target_recurring"].astype("boolean")
    for col in ("target_date", "revised_target_date"):
        actions_df[col] = pd.to_datetime(actions_df[col])
    updates_df = pd.DataFrame(updates, columns=[c for c in UPDATE_COLUMNS if c not in ("status", "status_source")]
                              + ["stated_as"])
    updates_df["snapshot_date"] = pd.to_datetime(updates_df["snapshot_date"])
    updates_df["source_row"] = updates_df["source_row"].astype("Int64")
    duplicates = _duplicate_ids(actions_df)
    findings = findings + duplicates
    held = pd.DataFrame()
    if not duplicates:  # files holding the same plan are its versions: one history (see reportlib.versions)
        actions_df, updates_df, found, held = versions.merge(actions_df, updates_df)
        findings = findings + found
    actions_df = actions_df.reindex(columns=ACTION_COLUMNS)
    for col in ("original_target_date", "in_plan_from", "not_in_plan_since_date"):
        actions_df[col] = pd.to_datetime(actions_df[col])
    from .status import classify  # the status stage; imported here to keep load importable alone

    updates_df, found = words.apply(classify(updates_df))
    updates_df = updates_df[UPDATE_COLUMNS]
    findings = findings + found
    sources_df = pd.DataFrame(sources, columns=["file", "sha256", "sheet", "layout", "layout_file", "header_row",
                                                "actions", "internal_columns", "note"])
    return Plans(actions_df, updates_df, findings, sources_df, action_versions=held)


def _settled_words_dropped(plans: Plans) -> list[Finding]:
    updates = plans.updates
    reviewed = updates[updates["status_source"].astype("string").str.startswith("reviewed by").fillna(False)]
    settled = {(u.source_file, u.source_sheet, None if pd.isna(u.source_row) else int(u.source_row))
               for u in reviewed.itertuples()}
    return [f for f in plans.findings if not (f.code == "unknown_stated_status" and
                                              (f.location.file, f.location.sheet, f.location.row) in settled)]


def _duplicate_ids(actions: pd.DataFrame) -> list[Finding]:
    """An id used twice in one file is an error (the same id in two files is two versions of one plan)."""
    found = []
    dupes = actions[actions.duplicated(["source_file", "action_id"], keep=False)]
    for (_, action_id), group in dupes.groupby(["source_file", "action_id"], sort=False):
        places = "; ".join(f"{r.source_file} sheet '{r.source_sheet}' row {r.source_rows}" for r in group.itertuples())
        first = group.iloc[0]
        found.append(Finding(
            "error", "duplicate_id",
            f"action id {action_id} is used {len(group)} times ({places}); each action needs its own id",
            Location(first["source_file"], first["source_sheet"], int(str(first["source_rows"]).split("-")[0]), None),
        ))
    return found
