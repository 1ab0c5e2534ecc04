"""Read action-plan files into the canonical ``actions`` and ``updates`` tables.

``read_plans`` reads as a list of steps: find the files, open each, pick the layout of
each sheet from its headers, turn its rows into actions and updates, check the ids, and
make one history of the files that are versions of one plan. Every problem becomes a
``Finding`` naming file, sheet, row and column. Updates come out with the council's
stated status but no status yet: ``reportlib.analysis.plans`` classifies them.
"""
from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pandas as pd

from reportlib.core import limits
from reportlib.errors import Finding, InputError, Location, ReportlibError
from reportlib.ingest import layouts as layouts_mod
from reportlib.ingest import versions
from reportlib.ingest.files import discover, open_source
from reportlib.ingest.papers import Paper, PaperReader
from reportlib.ingest.rows import SheetReader
from reportlib.model.plans import ACTION_COLUMNS, UPDATE_COLUMNS, Plans
from reportlib.model.vocab import DECISIONS_FILE

MAX_ROWS = 50_000


class Reading(NamedTuple):
    """What ``read_plans`` gives: the plans as read (inputs: the plan files), the plan files
    found (readable or not) and the layouts beside the data that were read, as inputs."""

    plans: Plans
    files: list[Path]
    layout_inputs: list[dict]


def read_plans(paths_or_dir="data", layouts=None, *, max_rows: int = MAX_ROWS) -> Reading:
    """Read every plan named (files, or folders of plan files); never raises for bad input.

    ``layouts``: None to detect each sheet's layout from its headers, or a layout (name,
    path to a YAML file, or Layout) — or a list of them — to choose among only those.
    """
    try:
        files = [f for f in discover(paths_or_dir) if f.name != DECISIONS_FILE]
    except InputError as exc:  # a file linked in from outside its data folder
        return Reading(_assemble([], [], [Finding("error", "linked_from_outside", exc.message, exc.location)], []),
                       [], [])
    findings: list[Finding] = []
    if not files:
        findings.append(Finding("error", "no_files", f"no .xlsx, .csv, .docx or .pdf files found in {paths_or_dir}"))
    try:
        candidates = _candidates(files, layouts)
    except ReportlibError as exc:
        return Reading(_assemble([], [], [Finding("error", "unknown_layout", exc.message, exc.location)], []), [], [])
    actions, updates, sources, inputs = [], [], [], []
    for path in files:
        limits.reading(path.name)  # named if the stage reading it is stopped (core.limits)
        try:
            source = open_source(path, max_rows=max_rows)
        except ReportlibError as exc:
            findings.append(Finding("error", "unreadable_file", exc.message, exc.location))
            continue
        inputs.append(plan_input(path, source.sha256, source.size, name=source.name))
        reader = (PaperReader if isinstance(source, Paper) else SheetReader)(
            source, candidates, forced=layouts is not None, max_rows=max_rows)
        file_actions, file_updates, file_findings, file_sheets = reader.read()
        actions += file_actions
        updates += file_updates
        findings += file_findings
        sources += file_sheets
    limits.reading("")
    plans = _assemble(actions, updates, findings, sources)
    plans.inputs = pd.DataFrame(inputs, columns=plans.inputs.columns)
    # layouts beside the data decide what was read: inputs too (hashed as they were parsed)
    beside = [plan_input(Path(lay.read_from[0]), lay.read_from[1], lay.read_from[2])
              for lay in candidates if lay.beside_data and lay.read_from]
    return Reading(plans, files, beside)


def plan_input(path: Path, sha256: str, size: int, *, name: str | None = None) -> dict:
    """One row of ``Plans.inputs``: a file read, with the SHA-256 and size of the bytes parsed."""
    return {"file": path.name if name is None else name, "path": str(path), "sha256": sha256, "bytes": size}


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
                              + ["stated_as", "stated_column"])
    updates_df["snapshot_date"] = pd.to_datetime(updates_df["snapshot_date"])
    updates_df["source_row"] = updates_df["source_row"].astype("Int64")
    duplicates = _duplicate_ids(actions_df)
    findings = findings + duplicates
    held, held_updates = pd.DataFrame(), pd.DataFrame()
    if not duplicates:  # files holding the same plan are its versions: one history (see reportlib.ingest.versions)
        actions_df, updates_df, found, held, held_updates = versions.merge(actions_df, updates_df)
        findings = findings + found
    # the stated status's own column served the findings on versions; the tables keep their columns
    updates_df = updates_df.drop(columns="stated_column")
    held_updates = held_updates.drop(columns="stated_column", errors="ignore")
    actions_df = actions_df.reindex(columns=ACTION_COLUMNS)
    for col in ("original_target_date", "in_plan_from", "not_in_plan_since_date"):
        actions_df[col] = pd.to_datetime(actions_df[col])
    sources_df = pd.DataFrame(sources, columns=["file", "sha256", "sheet", "layout", "layout_file", "header_row",
                                                "actions", "internal_columns", "internal_cells", "group_label", "note",
                                                "owner_names", "dates_from_internal"])
    return Plans(actions_df, updates_df, findings, sources_df, action_versions=held, update_versions=held_updates)


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
