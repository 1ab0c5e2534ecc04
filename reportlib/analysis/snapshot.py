"""The run snapshot: a pack's data as its reports must see it, prepared once.

``cut`` applies a report's as-of date and audience to loaded plans, in one place:

* updates dated after ``as_of`` are left out (a March pack never holds July's updates), and
  of versions of a plan only those dated on or before it are seen (``versions.plans_as_of``);
* for an ``external`` audience, the text of every column a council's layout marks
  internal is withheld: emptied in the tables, and any finding that quotes it, in any
  version, is told without it (``reportlib.analysis.audience``). ``Plans.withheld``
  names those columns so reports can say so;
* of the versions dated on or before ``as_of``, what judging an earlier report needs is
  kept (``judging_versions``): each version's targets, and which updates it wrote, never
  its words. A report looking back at the previous one counts it by the targets in force
  then, as that report did, not by a later revision.

``write`` saves cut plans as Parquet files in a folder (``read`` loads them back), so
the batch runner reads and hashes each input once and every notebook, download and
footer of a pack describes the same bytes. ``plans_for_report`` is what a notebook
calls: the snapshot when the runner prepared one, else the data files themselves,
cut the same way, so a notebook opened in Lab reads just as its pack would.
"""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pandas as pd

from reportlib.analysis import audience as audience_filter
from reportlib.analysis import decisions
from reportlib.analysis.plans import inspect_plans, load_plans
from reportlib.core.paths import resolve_data_paths
from reportlib.errors import Finding, InputError, Location, ValidationFailed
from reportlib.ingest import versions
from reportlib.model.plans import INPUT_COLUMNS, Plans

AUDIENCES = ("internal", "external")
#: A layout's internal_columns names canonical action columns; "updates" stands for the update text.
UPDATE_TEXT = audience_filter.UPDATE_TEXT
WITHHELD = audience_filter.WITHHELD
_FILES = ("actions", "updates", "findings", "sources", "inputs")
_VERSIONS = ("action_versions", "update_versions")  # judging_versions: none for a plan of one version
_META = "snapshot.json"


def cut(plans: Plans, as_of=None, audience: str = "internal") -> Plans:
    """``plans`` as a report for ``audience`` at ``as_of`` may show them (a new Plans)."""
    if audience not in AUDIENCES:
        raise ValueError(f"audience must be one of {', '.join(AUDIENCES)}, not {audience!r}")
    whole = plans  # every version and every update: all the text the internal cells ever held
    if as_of is not None:
        plans = replace(plans, updates=plans.updates[plans.updates["snapshot_date"] <= pd.Timestamp(as_of)])
        # the plan as known then: versions dated later give no wording, update, finding or sheet read
        plans = versions.plans_as_of(plans, as_of)
    held_actions, held_updates = judging_versions(whole, as_of)
    plans = replace(plans, updates=plans.updates.reset_index(drop=True), audience=audience,
                    action_versions=held_actions, update_versions=held_updates)
    if audience == "external":
        plans = audience_filter.withhold(plans, whole)
        plans = replace(plans, updates=plans.updates.assign(
            status_source=decisions.without_reviewer(plans.updates["status_source"])))
    return plans


#: Of each version of a plan, what judging a report at an earlier date needs (``versions.as_of``):
#: the targets in force then, and where they were read.
JUDGING_ACTION_COLUMNS = ("council_code", "assessment", "action_id", "source_file", "source_sheet", "source_rows",
                          "version_date", "target_date", "revised_target_date", "target_recurring")
#: Of each version's updates, which it held and whether it said anything (``versions.updates_as_of``).
JUDGING_UPDATE_COLUMNS = ("action_id", "snapshot", "snapshot_date", "source_file", "source_sheet", "source_row",
                          "source_column", "version_date")
#: The text of an update kept in a version held for judging: only that there was some.
SAID = "(text)"


def judging_versions(plans: Plans, as_of=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The versions of ``plans`` dated on or before ``as_of`` (all without one), cut to what
    ``progress`` at an earlier date needs: no wording, owner, or update text of any version
    (an update's text is ``SAID`` or empty), so nothing internal, and nothing written later, is kept."""
    held, held_updates = plans.action_versions, plans.update_versions
    if held is None or held.empty or "version_date" not in held:
        return pd.DataFrame(), pd.DataFrame()
    later = versions.later_files(held, as_of) if as_of is not None else set()
    actions = held.loc[~held["source_file"].isin(later), [c for c in JUDGING_ACTION_COLUMNS if c in held]]
    if held_updates is None or held_updates.empty:
        return actions.reset_index(drop=True), pd.DataFrame()
    kept = held_updates[~held_updates["source_file"].isin(later)]
    said = kept["text"].fillna("").astype(str).str.strip().ne("")
    updates = kept[[c for c in JUDGING_UPDATE_COLUMNS if c in kept]].assign(text=said.map({True: SAID, False: ""}))
    return actions.reset_index(drop=True), updates.reset_index(drop=True)


def write(plans: Plans, folder, **meta) -> Path:
    """Save ``plans`` (already cut) as Parquet files in ``folder``; ``meta`` goes into snapshot.json."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    frames = {"actions": plans.actions, "updates": plans.updates, "findings": plans.findings_frame(),
              "sources": plans.sources, "inputs": plans.inputs,
              "action_versions": plans.action_versions, "update_versions": plans.update_versions}
    for name, frame in frames.items():
        frame.to_parquet(folder / f"{name}.parquet", index=False)
    info = {"withheld": list(plans.withheld), "audience": plans.audience, "scope": plans.scope, **meta}
    (folder / _META).write_text(json.dumps(info, indent=1, default=str), encoding="utf-8")
    return folder


def read(folder) -> Plans:
    """Plans saved by ``write``."""
    folder = Path(folder)
    try:
        frames = {name: pd.read_parquet(folder / f"{name}.parquet") for name in _FILES}
        info = json.loads((folder / _META).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"not a run snapshot prepared by reportlib ({exc})", Location(file=str(folder))) from None
    findings = [Finding(r["severity"], r["code"], r["message"],
                        Location(_none(r["file"]), _none(r["sheet"]),
                                 None if _none(r["row"]) is None else int(r["row"]), _none(r["column"])))
                for r in frames["findings"].to_dict("records")]
    inputs = frames["inputs"].reindex(columns=INPUT_COLUMNS)
    held = {name: pd.read_parquet(folder / f"{name}.parquet") if (folder / f"{name}.parquet").exists()
            else pd.DataFrame() for name in _VERSIONS}
    return Plans(frames["actions"], frames["updates"], findings, frames["sources"], inputs,
                 tuple(info.get("withheld", ())), info.get("audience", "internal"), scope=info.get("scope", ""),
                 action_versions=held["action_versions"], update_versions=held["update_versions"])


def meta(folder) -> dict:
    """What ``write`` was told about the snapshot (as-of date, audience, council...)."""
    return json.loads((Path(folder) / _META).read_text(encoding="utf-8"))


def _none(value):
    return None if value is None or (isinstance(value, float) and pd.isna(value)) else value


def plans_for_report(data_paths, snapshot: str = "", *, as_of=None, audience: str = "internal",
                     strict: bool = True) -> Plans:
    """The plans a notebook reports on.

    With ``snapshot`` (set by ``reportlib render``), the prepared snapshot. Without it
    (a notebook opened in Lab, or run by papermill alone), the files in ``data_paths``,
    cut to ``as_of`` and ``audience`` the same way; relative paths are read from the
    notebook's own folder, whatever the working folder (``reportlib.core.paths``). ``strict``: raise ``ValidationFailed`` when the data
    has errors (False for the data-quality report, which lists them).
    """
    if snapshot:
        return read(snapshot)
    data_paths = resolve_data_paths(data_paths)
    if audience != "external":
        plans = load_plans(data_paths) if strict else inspect_plans(data_paths)
        return cut(plans, as_of, audience)
    plans = cut(inspect_plans(data_paths), as_of, audience)
    if strict and plans.errors:  # the errors an external report would quote, told as its reader may see them
        raise ValidationFailed(plans.findings)
    return plans
