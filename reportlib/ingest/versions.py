"""Versions of one plan: the file a council sends each quarter, read as one history.

Files are versions of one plan when they hold actions of the same council and
assessment (so the same ids). Loading them together gives one action per id and one
update per snapshot:

* versions are ordered by the newest snapshot each file holds (then by file name);
* an action's wording, owner and targets come from the newest version holding it, and
  every change between versions is a finding ("target revised from 30 Jun 2010 to
  31 Dec 2010 in FILE"); the first target ever set is kept as ``original_target_date``;
* an action added in a later version is a finding, and is left out of reports dated
  before that version (``in_plan_from``); an action missing from later versions is kept
  and marked ``not_in_plan_since`` (the first snapshot without it), never deleted;
* one snapshot written in two files must say the same thing: different text (or stated
  status) is an error naming both files and cells. Where they agree, the newest file's
  copy is kept.

A report at a date sees the plan as it was known then (``plans_as_of``): a version counts
from its date (the newest snapshot it holds; a plan's oldest version counts from the
start), and nothing of a version dated later reaches the report: not its wording, owners
or targets, not its findings or sheets read, not an update only it holds, and an update's
provenance names the newest version holding it by then.
"""
from __future__ import annotations

from dataclasses import replace

import pandas as pd

from reportlib.errors import Finding, Location
from reportlib.model.plans import Plans

#: Action columns compared between versions, and how a finding names them.
COMPARED = {"recommendation": "recommendation", "action": "action", "owner": "owner", "priority": "priority",
            "kloe": "KLOE", "target_date": "target", "revised_target_date": "revised target"}
ADDED_COLUMNS = ("original_target_date", "in_plan_from", "not_in_plan_since", "not_in_plan_since_date")
#: Where an update was read: replaced by the copy of the version current at a report's date.
PROVENANCE = ("source_file", "source_sheet", "source_row", "source_column")


def merge(actions: pd.DataFrame, updates: pd.DataFrame):
    """``(actions, updates, findings, held, held_updates)``: one history from every version in
    ``actions`` and ``updates`` (see the module doc). ``held`` has every version's row of each
    action that more than one file holds, ``held_updates`` every version's copy of their
    updates, both dated by ``version_date``, so that ``plans_as_of`` can show the plan as it
    stood at a report's date."""
    actions = actions.assign(original_target_date=actions["target_date"], in_plan_from=pd.NaT,
                             not_in_plan_since=None, not_in_plan_since_date=pd.NaT)
    held = pd.DataFrame(columns=[*actions.columns, "version_date"])
    held_updates = pd.DataFrame(columns=[*updates.columns, "version_date"])
    if actions.empty:
        return actions, updates, [], held, held_updates
    files_per_plan = actions.groupby(["council_code", "assessment"], dropna=False)["source_file"].nunique()
    several = files_per_plan[files_per_plan > 1].index
    if len(several) == 0:
        return actions, updates, [], held, held_updates
    findings: list[Finding] = []
    kept_actions, kept_updates, all_held, all_held_updates = [], [], [], []
    in_several = actions.set_index(["council_code", "assessment"]).index.isin(several)
    kept_actions.append(actions[~in_several])
    single_ids = set(actions.loc[~in_several, "action_id"])
    kept_updates.append(updates[updates["action_id"].isin(single_ids)])
    for _key, plan in actions[in_several].groupby(["council_code", "assessment"], dropna=False, sort=False):
        plan_updates = updates[updates["action_id"].isin(set(plan["action_id"]))]
        merged_actions, merged_updates, found, plan_held = _merge_plan(plan, plan_updates)
        kept_actions.append(merged_actions)
        kept_updates.append(merged_updates)
        all_held.append(plan_held)
        all_held_updates.append(plan_updates.assign(
            version_date=plan_updates["source_file"].map(plan_held.drop_duplicates("source_file")
                                                         .set_index("source_file")["version_date"])))
        findings += found
    out_actions = pd.concat(kept_actions, ignore_index=True)
    out_updates = pd.concat(kept_updates, ignore_index=True)
    return (out_actions, out_updates, findings, pd.concat(all_held, ignore_index=True),
            pd.concat(all_held_updates, ignore_index=True))


def plans_as_of(plans: Plans, when) -> Plans:
    """``plans`` as known at ``when`` (see the module doc): the actions as the plan stood then
    (``as_of``), each update from a version current then (``updates_as_of``), and no finding
    or sheet read of a version dated later. Updates dated after ``when`` are not cut here."""
    if "in_plan_from" not in plans.actions:  # not read by reportlib.ingest.load: no versions to tell apart
        return plans
    later = later_files(plans.action_versions, when)
    actions = as_of(plans.actions, plans.action_versions, when)
    updates = updates_as_of(plans.updates, plans.update_versions, later)
    updates = updates[updates["action_id"].isin(actions["action_id"])].reset_index(drop=True)
    findings = [f for f in plans.findings if f.location.file not in later]
    sources = plans.sources
    if "file" in sources:
        sources = sources[~sources["file"].isin(later)].reset_index(drop=True)
    return replace(plans, actions=actions, updates=updates, findings=findings, sources=sources)


def later_files(held: pd.DataFrame, when) -> set[str]:
    """The files that are versions dated after ``when`` (a plan's oldest version is never later:
    a report dated before it shows the plan as first written)."""
    if held is None or held.empty:
        return set()
    files = held.drop_duplicates("source_file").sort_values("version_date", na_position="first", kind="stable")
    oldest = set(files.groupby(["council_code", "assessment"], dropna=False)["source_file"].first())
    after = files["version_date"].notna() & (files["version_date"] > pd.Timestamp(when))
    return set(files.loc[after, "source_file"]) - oldest


def updates_as_of(updates: pd.DataFrame, held_updates: pd.DataFrame, later: set[str]) -> pd.DataFrame:
    """Each update as the versions not in ``later`` (``later_files``) hold it: its provenance that
    of the newest such copy (one holding the text, where any does). An update whose text only a
    later version holds (written into an older column afterwards) is left out."""
    if held_updates is None or held_updates.empty or updates.empty:
        return updates
    visible = held_updates[~held_updates["source_file"].isin(later)]
    said = visible["text"].fillna("").astype(str).str.strip().ne("")
    ranked = visible.assign(_said=said).sort_values(["_said", "version_date"], kind="stable")
    copies = ranked.groupby(["action_id", "snapshot_date"]).tail(1).set_index(["action_id", "snapshot_date"])
    keys = pd.MultiIndex.from_frame(updates[["action_id", "snapshot_date"]])
    held_keys = set(zip(held_updates["action_id"], held_updates["snapshot_date"]))
    versioned = pd.Series([key in held_keys for key in keys], index=updates.index)
    found = keys.isin(copies.index)
    has_text = updates["text"].fillna("").astype(str).str.strip().ne("")
    copy_said = pd.Series(copies["_said"].reindex(keys).fillna(False).to_numpy(dtype=bool), index=updates.index)
    keep = ~versioned | (found & (copy_said | ~has_text))
    out = updates[keep.to_numpy()].copy()
    rows = versioned[keep].to_numpy()
    picked = copies.reindex(keys[keep.to_numpy()][rows])
    for column in PROVENANCE:
        if column in out and column in picked:
            out.loc[out.index[rows], column] = picked[column].to_numpy()
    return out.reset_index(drop=True)


def as_of(actions: pd.DataFrame, held: pd.DataFrame, when) -> pd.DataFrame:
    """The actions as the plan stood at ``when``: each action's wording, owner and targets from
    the newest version dated on or before it (the oldest holding it, when ``when`` comes before
    every version); actions not yet in the plan left out, and ``not_in_plan_since`` only where
    that had happened by then."""
    when = pd.Timestamp(when)
    out = actions[actions["in_plan_from"].isna() | (actions["in_plan_from"] <= when)].copy()
    gone_later = out["not_in_plan_since_date"] > when
    out.loc[gone_later, "not_in_plan_since"] = None
    out.loc[gone_later, "not_in_plan_since_date"] = pd.NaT
    if held is None or held.empty:
        return out.reset_index(drop=True)
    ordered = held.sort_values("version_date", na_position="first", kind="stable")
    dated = ordered[ordered["version_date"].isna() | (ordered["version_date"] <= when)]
    then = dated.groupby("action_id").tail(1)
    first = ordered.groupby("action_id").head(1)
    then = pd.concat([then, first[~first["action_id"].isin(then["action_id"])]]).set_index("action_id")
    fields = [c for c in then.columns if c not in (*ADDED_COLUMNS, "version_date")]
    rows = out["action_id"].isin(then.index)
    for column in fields:
        out.loc[rows, column] = out.loc[rows, "action_id"].map(then[column]).to_numpy()
    return out.reset_index(drop=True)


class _Version:
    def __init__(self, file: str, updates: pd.DataFrame):
        self.file = file
        dated = updates[updates["source_file"] == file]
        newest = dated.sort_values("snapshot_date").tail(1)
        self.date = newest["snapshot_date"].iloc[0] if len(newest) else pd.NaT
        self.snapshot = newest["snapshot"].iloc[0] if len(newest) else None

    def __str__(self) -> str:
        return f"{self.file} (position at {self.snapshot})" if self.snapshot else self.file


def _merge_plan(plan: pd.DataFrame, updates: pd.DataFrame):
    versions = sorted((_Version(f, updates) for f in plan["source_file"].unique()),
                      key=lambda v: (pd.Timestamp.min if pd.isna(v.date) else v.date, v.file))
    order = {v.file: i for i, v in enumerate(versions)}
    findings: list[Finding] = [_no_newer_snapshot(plan, older, newer)
                               for older, newer in zip(versions, versions[1:]) if older.date == newer.date]
    rows = []
    dated = plan.assign(version_date=plan["source_file"].map({v.file: v.date for v in versions}))
    for action_id, held in plan.groupby("action_id", sort=False):
        held = held.assign(_v=held["source_file"].map(order)).sort_values("_v")
        present = list(held["_v"])
        newest = held.iloc[-1].drop(labels="_v").copy()
        targets = held["target_date"].dropna()
        newest["original_target_date"] = targets.iloc[0] if len(targets) else pd.NaT
        for (_, before), (_, after) in zip(held.iterrows(), list(held.iterrows())[1:]):
            findings += _changes(action_id, before, after, versions[int(after["_v"])])
        first = present[0]
        if first > 0:
            newest["in_plan_from"] = versions[first].date
            findings.append(_note("version_added", f"{action_id} is new in {versions[first]}: it is not in "
                                  f"{versions[first - 1]}", held.iloc[0]))
        last = present[-1]
        if last < len(versions) - 1:
            gone = versions[last + 1]
            newest["not_in_plan_since"] = gone.snapshot or gone.file
            newest["not_in_plan_since_date"] = gone.date
            # found in the version without it, so a report dated before that version does not show it
            where = plan[plan["source_file"] == gone.file].iloc[0]
            findings.append(Finding("info", "version_dropped", f"{action_id} is not in {gone}; it is kept and shown "
                                    f"as not in the plan since {gone.snapshot or gone.file} (it was last in "
                                    f"{held.iloc[-1]['source_file']} row {held.iloc[-1]['source_rows']})",
                                    Location(gone.file, where["source_sheet"], None, None)))
        rows.append(newest)
    merged = pd.DataFrame(rows, columns=plan.columns).reset_index(drop=True)
    kept, found = _one_update_per_snapshot(updates, order)
    # an action added later has blank cells in the older columns its file carries: not updates of it
    start = kept["action_id"].map(merged.set_index("action_id")["in_plan_from"])
    early_blank = (kept["snapshot_date"] < start) & kept["text"].fillna("").astype(str).str.strip().eq("") \
        & kept["stated_status"].isna()
    return merged, kept[~early_blank].reset_index(drop=True), findings + found, dated


def _no_newer_snapshot(plan: pd.DataFrame, older: _Version, newer: _Version) -> Finding:
    """Two versions whose newest snapshot is the same: usually a progress header the layout did not read."""
    first = plan[plan["source_file"] == newer.file].iloc[0]
    return Finding(
        "error", "versions_same_snapshot",
        f"{older.file} and {newer.file} are versions of one plan ({first['council_code']} {first['assessment']}), "
        f"but neither holds a snapshot newer than {newer.snapshot}, so which is the later cannot be told. Each "
        f"quarter's file adds a snapshot: check that {newer.file}'s new progress column is headed the way the layout "
        "expects (its column_pattern or column), or remove the file that is a copy",
        Location(newer.file, first["source_sheet"], None, None))


def _shown(value, column: str) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "(none)"
    if column.endswith("_date"):
        return pd.Timestamp(value).strftime("%d %b %Y")
    text = " ".join(str(value).split())
    return f"'{text[:80]}…'" if len(text) > 80 else f"'{text}'"


def _same(a, b) -> bool:
    a_none = a is None or (not isinstance(a, str) and pd.isna(a))
    b_none = b is None or (not isinstance(b, str) and pd.isna(b))
    if a_none or b_none:
        return a_none and b_none
    if isinstance(a, str) and isinstance(b, str):
        return " ".join(a.split()) == " ".join(b.split())
    return a == b


def _changes(action_id: str, before: pd.Series, after: pd.Series, version: _Version) -> list[Finding]:
    found = []
    for column, name in COMPARED.items():
        if column in before and not _same(before[column], after[column]):
            verb = "revised" if column.endswith("_date") else "changed"
            quoted = () if column in _NOT_TEXT else (column,)  # the cell text quoted, for the audience filter
            found.append(_note("version_change", f"{action_id}: {name} {verb} from {_shown(before[column], column)} "
                               f"to {_shown(after[column], column)} in {version}", after, quotes=quoted,
                               unquoted=f"{action_id}: {name} {verb} in {version} (withheld: internal)"))
    return found


#: Compared columns that hold no council text (an audience never withholds them).
_NOT_TEXT = ("kloe", "target_date", "revised_target_date")


def _note(code: str, message: str, row: pd.Series, **quoting) -> Finding:
    first_row = str(row.get("source_rows") or "").split("-")[0]
    return Finding("info", code, message, Location(row["source_file"], row["source_sheet"],
                                                    int(first_row) if first_row.isdigit() else None, None),
                   **quoting)


def _one_update_per_snapshot(updates: pd.DataFrame, order: dict[str, int]):
    """Keep one update per action and snapshot date: the newest file's copy, which takes a stated
    word or text only an older copy has. Copies that say different things are errors."""
    ranked = updates.assign(_v=updates["source_file"].map(order)).sort_values(["action_id", "snapshot_date", "_v"],
                                                                              kind="stable")
    names = ranked.sort_values("_v", kind="stable").groupby("snapshot_date")["snapshot"].last()  # newest names it
    findings = []
    fills: dict[int, dict] = {}
    drop: set[int] = set()
    twice = ranked[ranked.duplicated(["action_id", "snapshot_date"], keep=False)]
    for (_action_id, _), copies in twice.groupby(["action_id", "snapshot_date"], sort=False):
        said = {}
        for index, copy in copies.iterrows():
            for column in ("text", "stated_status"):
                value = copy.get(column)
                if _blank(value):
                    continue
                if column in said and not _same(said[column][1][column], value):
                    findings.append(_disagree(said[column][1], copy, column))
                elif column not in said:
                    said[column] = (index, copy)
        # the copy kept is the newest one holding the text, so its provenance names the cell the text is in
        with_text = [i for i, copy in copies.iterrows() if not _blank(copy.get("text"))]
        keep = with_text[-1] if with_text else copies.index[-1]
        drop.update(i for i in copies.index if i != keep)
        fills[keep] = {column: copy[column] for column, (_, copy) in said.items()}
        stated_from = said.get("stated_status", (None, None))[1]
        if stated_from is not None:
            fills[keep].update({c: stated_from.get(c) for c in ("stated_as", "stated_flag") if c in stated_from})
    kept = ranked.drop(index=list(drop)).drop(columns="_v")
    for index, values in fills.items():
        for column, value in values.items():
            kept.at[index, column] = value
    kept = kept.assign(snapshot=kept["snapshot_date"].map(names))
    return kept.reset_index(drop=True), findings


def _blank(value) -> bool:
    return value is None or (not isinstance(value, str) and pd.isna(value)) or (isinstance(value, str) and not value.strip())


def _disagree(first: pd.Series, other: pd.Series, column: str) -> Finding:
    what = "text" if column == "text" else "stated status"
    return Finding(
        "error", "versions_disagree",
        f"the {first['snapshot']} update of {first['action_id']} differs between versions: {_cell(first, column)} has "
        f"the {what} {_shown(first[column], 'text')}, but {_cell(other, column)} has {_shown(other[column], 'text')}. "
        "One snapshot must read the same in every file that holds it: correct the cell in the file that is wrong",
        Location(other["source_file"], other["source_sheet"], _int(other["source_row"]), _column_of(other, column)),
        quotes=("updates",) if column == "text" else (),
        unquoted=f"the {first['snapshot']} update of {first['action_id']} differs between versions: "
                 f"{_cell(first, column)} and {_cell(other, column)} hold different {what}s (withheld: internal)")


def _int(value):
    return None if value is None or pd.isna(value) else int(value)


def _column_of(update: pd.Series, column: str):
    """The column a copy's ``text`` or ``stated_status`` was read from: a stated status has its own."""
    stated = update.get("stated_column")
    return stated if column == "stated_status" and isinstance(stated, str) and stated else update["source_column"]


def _cell(update: pd.Series, column: str = "text") -> str:
    return (f"{update['source_file']} sheet '{update['source_sheet']}' row {_int(update['source_row'])} "
            f"column {_column_of(update, column)}")
