"""What changed since the last snapshot, councils side by side, and assessment years compared."""
from __future__ import annotations

import pandas as pd

from reportlib.analysis.progress import DEFAULT_RAG_RULE, check_rag_rule, progress, summarise
from reportlib.model.kloe import label as kloe_label
from reportlib.model.plans import DEFAULT_GROUP_LABEL, group_order, kloe_grouped, no_group

# How far along each status is; "gone backwards" means a lower rank than last time.
_RANK = {"planned": 1, "in_progress": 2, "complete": 3}
CHANGES = ("newly_complete", "newly_closed_without_action", "newly_overdue", "gone_backwards", "no_longer_reads_complete", "rated_worse",
           "new_in_plan", "left_plan", "no_update_this_time")
_RAG_RANK = {"Green": 1, "Amber": 2, "Red": 3}


def snapshots(plans) -> pd.DataFrame:
    """The dated snapshots in the plans, oldest first (snapshot, snapshot_date, updates)."""
    grouped = plans.updates.groupby(["snapshot", "snapshot_date"]).size().rename("updates").reset_index()
    return grouped.sort_values("snapshot_date").reset_index(drop=True)


def previous_snapshot_date(plans, as_of) -> pd.Timestamp | None:
    """The date of the snapshot before the latest one on or before ``as_of`` (None if there is none)."""
    dates = sorted(d for d in snapshots(plans)["snapshot_date"].unique() if d <= pd.Timestamp(as_of))
    return pd.Timestamp(dates[-2]) if len(dates) >= 2 else None


def since_last(plans, as_of, **progress_options) -> pd.DataFrame:
    """``changes`` between the previous snapshot and ``as_of`` (empty when there is no earlier snapshot)."""
    before = previous_snapshot_date(plans, as_of)
    if before is None:
        found = changes(plans, as_of, as_of, **progress_options).iloc[0:0].copy()
    else:
        found = changes(plans, before, as_of, **progress_options)
    # what the report says of an empty list depends on whether there was anything to compare with
    found.attrs.update(previous=before, as_of=pd.Timestamp(as_of), withheld=tuple(getattr(plans, "withheld", ())),
                       audience=getattr(plans, "audience", "internal"),
                       group_label=getattr(plans, "group_label", DEFAULT_GROUP_LABEL))
    return found


def changes(plans, before, after, *, known=(), **progress_options) -> pd.DataFrame:
    """Actions that changed between two dates: newly complete, newly closed without action, newly overdue (its target passed since
    ``before``; not an action late all along whose update could no longer be read as complete), gone backwards,
    no longer read as complete (complete at ``before``, its update now needs review), or with no update at the
    latest snapshot (a blank update cell, even where the council's status word is restated beside it); new in the plan, or left it (versions of a plan).
    One row per action and change (``by_action``: one row per action); an action that has left the plan has no
    other change.

    ``known``: progresses of these same ``plans`` already worked out (a summary has both): one at either
    date, with the same options, is used rather than worked out again."""
    then = _everyone(_progress_at(plans, before, known, progress_options))
    now = _everyone(_progress_at(plans, after, known, progress_options))
    was_in_plan = now.index.isin(then.index)
    in_plan_now = now["_in_plan"].to_numpy()
    then = then.reindex(now.index)
    left_before = then["_in_plan"].eq(False).to_numpy()
    was = then["status"].fillna("no_update")
    rank_then, rank_now = was.map(_RANK), now["status"].map(_RANK)
    reported_now = now["latest_snapshot"].notna() & (now["latest_snapshot"] != then["latest_snapshot"])
    # its target passed since the previous report: not merely no longer read as complete
    passed_since = pd.to_datetime(now["effective_target_date"]) >= pd.Timestamp(before).normalize()
    newly_overdue = (now["timeliness"] == "overdue") & (then["timeliness"] != "overdue") & passed_since
    backwards = rank_now.notna() & rank_then.notna() & (rank_now < rank_then)
    flags = {
        "newly_complete": (now["status"] == "complete") & (was != "complete"),
        # declined, superseded or no longer required since the previous report: closed, but not done
        "newly_closed_without_action": (now["status"] == "no_action") & (was != "no_action"),
        "newly_overdue": newly_overdue,
        "gone_backwards": backwards,
        # read as complete last time, and its latest update can no longer be read: not known to be done
        "no_longer_reads_complete": (was == "complete") & (now["status"] == "needs_review"),
        # e.g. the council's own word now says "Behind schedule": Green to Amber (not already said above)
        "rated_worse": (now["rag"].map(_RAG_RANK) > then["rag"].map(_RAG_RANK)) & ~newly_overdue & ~backwards,
        "new_in_plan": pd.Series(~was_in_plan, index=now.index),
        "no_update_this_time": reported_now & ~now["updated_latest"].astype(bool) & ~now["status"].isin(["complete", "no_action"]),
    }
    flags = {change: mask.fillna(False).astype(bool) & in_plan_now for change, mask in flags.items()}
    flags["left_plan"] = pd.Series(~in_plan_now & ~left_before, index=now.index)
    flags = {change: flags[change] for change in CHANGES}
    rows = []
    for change, mask in flags.items():
        picked = now[mask.fillna(False)]
        rows.append(pd.DataFrame({
            "action_id": picked.index, "change": change,
            "council_code": picked["council_code"].values, "group": _column(picked, "group").values,
            "kloe": picked["kloe"].values,
            "owner": picked["owner"].values, "action": picked["action"].values,
            "status_before": was[mask.fillna(False)].values, "status_now": picked["status"].values,
            "days_overdue": picked["days_overdue"].values, "latest_text": picked["status_text"].values,
            "rag_before": then.loc[mask.fillna(False), "rag"].values, "rag_now": picked["rag"].values,
        }))
    out = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()
    return out.sort_values(["change", "action_id"], key=lambda s: s.map(CHANGES.index) if s.name == "change" else s,
                           ignore_index=True)


def by_action(changes: pd.DataFrame) -> pd.DataFrame:
    """``changes`` (or ``since_last``) with one row per action: ``changes`` holds every way it changed, in the
    order of ``CHANGES``, and ``change`` the first of them; rows in the order of their first change, then id.
    The other columns (status and RAG before and now, days overdue...) are the action's, the same in each row."""
    if changes.empty:
        out = changes.assign(changes=pd.Series(dtype=object))
    else:
        order = changes["change"].map(CHANGES.index)
        ranked = changes.assign(_order=order).sort_values(["_order", "action_id"], kind="stable")
        kinds = ranked.groupby("action_id", sort=False)["change"].agg(tuple)
        out = ranked.drop_duplicates("action_id").drop(columns="_order")
        out = out.assign(changes=out["action_id"].map(kinds)).reset_index(drop=True)
    out.attrs = dict(changes.attrs)
    return out


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    return frame[name] if name in frame else pd.Series(None, index=frame.index, dtype=object)


def _progress_at(plans, when, known, options: dict):
    """The progress of ``plans`` at ``when``: one of ``known`` made with the same options, else worked out."""
    stamp = pd.Timestamp(when).normalize()
    due = options.get("due_soon_days", 30)
    rule = check_rag_rule(options.get("rag_rule", DEFAULT_RAG_RULE))
    for p in known:
        if p is not None and p.as_of == stamp and p.due_soon_days == due and p.rag_rule == rule:
            return p
    return progress(plans, when, **options)


def _everyone(p) -> pd.DataFrame:
    """A progress's actions in the plan and those that left it, by id, ``_in_plan`` saying which."""
    frames = [p.actions.assign(_in_plan=True)]
    if len(p.left):
        frames.append(p.left.assign(_in_plan=False))
    return pd.concat(frames, ignore_index=True).set_index("action_id")


def compare_councils(actions: pd.DataFrame) -> pd.DataFrame:
    """Councils side by side by KLOE: actions, % complete, overdue, share of High priority.

    A council with no progress updates yet shows "no updates" rather than 0% complete.
    """
    table = summarise(actions, ["council_code", "kloe"])
    table["kloe_label"] = table["kloe"].map(lambda k: kloe_label(k if k != "(none)" else None))
    table["complete_text"] = [
        "no updates" if pd.isna(p) else f"{p:.0f}% ({c}/{n})"
        for p, c, n in zip(table["pct_complete"], table["complete"], table["actions"])
    ]
    return table[["council_code", "kloe", "kloe_label", "actions", "complete", "pct_complete", "complete_text",
                  "overdue", "high_priority", "pct_high"]]


def compare_assessments(actions: pd.DataFrame, council_code: str, *, label: str | None = None) -> dict[str, pd.DataFrame]:
    """One council's assessment years: actions per group per year, groups recurring in every
    year, and actions carried forward (an earlier item with a linked later action).

    Groups are the plan's own (its ``group`` column: audit reports, KLOEs...), headed ``label``
    (``Progress.group_label``); actions without a ``group`` column are grouped by KLOE.
    ``per_group`` is also given as ``per_kloe``, its name before plans had groups of their own.
    """
    mine = actions[actions["council_code"] == council_code]
    if not kloe_grouped(actions):
        label = label or DEFAULT_GROUP_LABEL
        per_group = pd.crosstab(mine["group"].astype(object).where(mine["group"].notna(), "(none)"),
                                mine["assessment"])
        order = group_order(dict.fromkeys(mine["group"].dropna()))
        per_group = per_group.reindex([g for g in order if g in per_group.index]
                                      + [g for g in per_group.index if g not in order])
        per_group.index = [no_group(label) if g == "(none)" else g for g in per_group.index]
    else:
        label = "KLOE"
        per_group = pd.crosstab(mine["kloe"].fillna("(none)"), mine["assessment"])
        per_group.index = [kloe_label(k if k != "(none)" else None) for k in per_group.index]
    per_group.columns = [str(c) for c in per_group.columns]
    years = list(per_group.columns)
    recurring = per_group[(per_group > 0).all(axis=1)] if len(years) > 1 else per_group.iloc[0:0]
    linked = mine[mine["linked_action_id"].notna()]
    earlier = linked[linked["assessment"] == min(years)] if years else linked
    later = mine.set_index("action_id")
    carried = pd.DataFrame({
        "action_id": earlier["action_id"].values,
        "group": _column(earlier, "group").values,
        "kloe": earlier["kloe"].values,
        "earlier_action": earlier["action"].values,
        "earlier_status": earlier["status"].values if "status" in earlier else None,
        "later_action_id": earlier["linked_action_id"].values,
        "later_action": later.reindex(earlier["linked_action_id"])["action"].values,
    })
    per_group = per_group.rename_axis(label).reset_index()
    return {"per_group": per_group, "per_kloe": per_group, "recurring": recurring.rename_axis(label).reset_index(),
            "carried_forward": carried}


def council_table(actions: pd.DataFrame) -> pd.DataFrame:
    """One row per council, ranked: actions, complete, % complete, overdue, % overdue, how long overdue.

    ``rank`` is 1 for the highest % complete (ties share the better rank; a council with
    no updates at all has no % complete and no rank: it is listed last, as "no updates"). ``quarter``
    says where a council's % complete falls among the councils': "top quarter" (above
    the upper quartile) to "bottom quarter" (below the lower one). Sorted by rank.
    """
    columns = ["rank", "council_code", "council", "actions", "complete", "pct_complete", "in_progress", "no_update",
               "overdue", "pct_overdue", "median_days_overdue", "longest_overdue", "quarter"]
    if actions.empty:
        return pd.DataFrame(columns=columns)
    table = _counts(actions, ["council_code"])
    names = actions.drop_duplicates("council_code").set_index("council_code")["council"]
    table["council"] = table["council_code"].map(names).fillna(table["council_code"])
    table["pct_overdue"] = (100 * table["overdue"] / table["actions"]).round(1)
    late = actions[actions["timeliness"] == "overdue"].groupby("council_code")["days_overdue"]
    table["median_days_overdue"] = table["council_code"].map(late.median()).astype("Float64").round(0)
    table["longest_overdue"] = table["council_code"].map(late.max()).astype("Int64")
    # a council with no updates has no % complete: it is listed last, unranked
    table["rank"] = table["pct_complete"].rank(ascending=False, method="min", na_option="keep").astype("Int64")
    q1, _, q3 = quartiles(table["pct_complete"])
    table["quarter"] = [
        "no updates" if pd.isna(v) else "top quarter" if v > q3 else "bottom quarter" if v < q1 else "middle half"
        for v in table["pct_complete"]
    ]
    table = table.sort_values(["rank", "council_code"], kind="stable", na_position="last")[columns].reset_index(drop=True)
    if "as_of" in actions.attrs:
        table.attrs["as_of"] = actions.attrs["as_of"]  # charts name the date
    return table


def quartiles(values) -> tuple[float, float, float]:
    """The lower quartile, median and upper quartile of ``values`` (NA left out; linear
    interpolation between ranks, as pandas and Excel's QUARTILE.INC); NaNs when empty."""
    series = pd.Series(values, dtype="Float64").dropna().astype(float)
    if series.empty:
        return (float("nan"),) * 3
    q = series.quantile([0.25, 0.5, 0.75])
    return float(q.iloc[0]), float(q.iloc[1]), float(q.iloc[2])


def council_kloe_table(actions: pd.DataFrame) -> pd.DataFrame:
    """One row per council and KLOE: actions, complete, % complete, overdue, % overdue.

    % complete is empty where the council has no update on any action of the KLOE
    ("no updates", as in ``progress.summarise``). Vectorised: 400 councils take well under a second.
    """
    columns = ["council_code", "kloe", "kloe_label", "actions", "complete", "pct_complete", "overdue",
               "pct_overdue"]
    if actions.empty:
        return pd.DataFrame(columns=columns)
    table = _counts(actions, ["council_code", "kloe"])
    table["pct_overdue"] = (100 * table["overdue"] / table["actions"]).round(1)
    labels = {k: kloe_label(k if k != "(none)" else None) for k in table["kloe"].unique()}
    table["kloe_label"] = table["kloe"].map(labels)
    return table[columns]


def _counts(actions: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Actions, complete, in progress, no update and overdue per group, and % complete (empty
    for a group with no update at all), as ``progress.summarise`` counts them, vectorised."""
    frame = pd.DataFrame({key: actions[key].astype(object).where(actions[key].notna(), "(none)") for key in keys})
    frame = frame.assign(actions=1, complete=actions["status"].eq("complete").astype(int),
                         in_progress=actions["status"].eq("in_progress").astype(int),
                         no_update=actions["status"].eq("no_update").astype(int),
                         overdue=actions["timeliness"].eq("overdue").astype(int))
    table = frame.groupby(keys, sort=True).sum().reset_index()
    reported = table["actions"] - table["no_update"]
    table["pct_complete"] = (100 * table["complete"] / table["actions"]).round(1).where(reported > 0)
    return table
