"""House-style charts for committee reports.

Each function takes a table from ``reportlib.progress`` and returns a ``Chart``: a
matplotlib figure made without pyplot (so a notebook never shows it twice), a title,
alt text that states the numbers, and the tidy frame that was plotted.

The house look lives in ``reportlib.present.chartkit`` and nowhere else. An empty input
gives a "Nothing to show: <reason>" chart, never an exception.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib import colors as mcolors
from matplotlib import dates as mdates
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.ticker import FuncFormatter, MaxNLocator

from reportlib.analysis.owners import each_officer
from reportlib.analysis.progress import target_not_set, target_unreadable
from reportlib.errors import ReportlibError
from reportlib.model.plans import DEFAULT_GROUP_LABEL, group_noun, group_order, kloe_grouped, no_group
from reportlib.model.vocab import OWNERS_WITHHELD
from reportlib.present.chartkit import (
    HEATMAP_VALUES,
    INK,
    MUTED,
    NO_KLOE,
    NO_OWNER,
    NO_UPDATES,
    OTHER_TIMELINESS,
    SMALL_TEXT,
    STATUS_STYLE,
    TIMELINESS_STYLE,
    Chart,
    as_of_date,
    as_of_phrase,
    breakdown,
    count_matrix,
    counted,
    darker,
    dated_title,
    effective_target,
    figure_title,
    filled_codes,
    fit_cell_texts,
    has_or_have,
    house_style,
    ink_on,
    is_or_are,
    kloe_codes,
    kloe_labels,
    kloe_order,
    lay_out,
    long_form,
    month_year,
    new_figure,
    nothing_to_show,
    ordered_values,
    percent,
    short_date,
    short_kloe,
    stacked_bars,
    status_label,
    timeliness_label,
    top_legend,
    usable_frame,
    wrapped,
)
from reportlib.present.tables import NA_TEXT

#: Inches: no heat map is drawn taller than this (an A4 page's text height, less its caption).
HEATMAP_MAX_HEIGHT = 9.0

__all__ = [
    "Chart",
    "progress_by_kloe",
    "progress_by_group",
    "status_by_snapshot",
    "council_kloe_heatmap",
    "overdue_by_owner",
    "targets_timeline",
]


# --- the charts -----------------------------------------------------------------------


@house_style
def progress_by_kloe(actions: pd.DataFrame, *, as_of=None, title: str | None = None) -> Chart:
    """Stacked horizontal bars: one bar per KLOE, one segment per status (fixed order).

    ``as_of`` (optional, default ``actions.attrs["as_of"]``) is named in the title and alt text.
    """
    as_of = as_of_date(as_of, actions)
    title = title or dated_title("Action status by KLOE", as_of)
    columns = ["kloe", "kloe_label", "status", "status_label", "actions"]
    frame = usable_frame(actions, ["kloe", "status"], "progress_by_kloe", "actions")
    if frame is None:
        return nothing_to_show(title, "there are no actions", columns)

    tidy = pd.DataFrame({"kloe": kloe_codes(frame["kloe"]), "status": filled_codes(frame["status"], "not_stated")})
    tidy["kloe_label"] = kloe_labels(tidy["kloe"], frame.get("kloe_name"))
    kloes = kloe_order(tidy)
    statuses = ordered_values(tidy["status"], STATUS_STYLE)
    matrix = count_matrix(tidy, "kloe_label", "status", kloes["kloe_label"], statuses)
    data = long_form(matrix, "kloe_label", "status", kloes)
    data["status_label"] = data["status"].map(status_label)
    data = data[columns]

    fig = new_figure(1.5 + 0.45 * len(matrix))
    ax = fig.add_subplot()
    figure_title(fig, title)
    ax.set_xlabel("Number of actions")
    ax.set_ylabel("KLOE")
    stacked_bars(fig, ax, matrix, horizontal=True, tick_labels=[wrapped(k, 30) for k in matrix.index])

    totals = matrix.sum(axis=1)
    top = totals.idxmax()
    overall = matrix.sum(axis=0)
    alt = (
        f"Stacked bars of {counted(totals.sum(), 'action')} by KLOE{as_of_phrase(as_of)}: "
        f"{top} has the most ({totals[top]}: {breakdown(matrix.loc[top])}). Overall: {breakdown(overall)}."
    )
    finding = _bars_finding(matrix, top)
    if NO_KLOE in totals.index and top != NO_KLOE:
        alt += f" {counted(totals[NO_KLOE], 'action')} {has_or_have(totals[NO_KLOE])} no KLOE."
        finding += f" {counted(totals[NO_KLOE], 'action')} {has_or_have(totals[NO_KLOE])} no KLOE."
    return Chart(fig, title, alt, data, finding)


@house_style
def progress_by_group(actions: pd.DataFrame, *, label: str = DEFAULT_GROUP_LABEL, as_of=None,
                      title: str | None = None) -> Chart:
    """Stacked horizontal bars: one bar per group of the plan (its ``group`` column: audit
    report, theme, KLOE...), one segment per status; ``label`` is what the plan calls its
    groups (``Progress.group_label``), and the chart uses no other word for them.

    Groups keep the plan's order (numbered ones, such as KLOEs, by number); actions in no
    group come last, as "No <label>".
    """
    as_of = as_of_date(as_of, actions)
    noun = group_noun(label)
    title = title or dated_title(f"Action status by {noun}", as_of)
    columns = ["group", "status", "status_label", "actions"]
    frame = usable_frame(actions, ["group", "status"], "progress_by_group", "actions")
    if frame is None:
        return nothing_to_show(title, "there are no actions", columns)

    missing = no_group(label)
    groups = frame["group"].astype("string").str.strip().replace("", pd.NA)
    tidy = pd.DataFrame({"group": groups.fillna(missing), "status": filled_codes(frame["status"], "not_stated")})
    order = group_order([g for g in dict.fromkeys(groups.dropna())]) + ([missing] if groups.isna().any() else [])
    statuses = ordered_values(tidy["status"], STATUS_STYLE)
    matrix = count_matrix(tidy, "group", "status", order, statuses)
    data = long_form(matrix, "group", "status", pd.DataFrame({"group": order}))
    data["status_label"] = data["status"].map(status_label)
    data = data[columns]

    fig = new_figure(1.5 + 0.45 * len(matrix))
    ax = fig.add_subplot()
    figure_title(fig, title)
    ax.set_xlabel("Number of actions")
    ax.set_ylabel(group_noun(label, capital=True))
    stacked_bars(fig, ax, matrix, horizontal=True, tick_labels=[wrapped(k, 30) for k in matrix.index])

    totals = matrix.sum(axis=1)
    top = totals.idxmax()
    alt = (
        f"Stacked bars of {counted(totals.sum(), 'action')} by {noun}{as_of_phrase(as_of)}: "
        f"{top} has the most ({totals[top]}: {breakdown(matrix.loc[top])}). Overall: {breakdown(matrix.sum(axis=0))}."
    )
    finding = _bars_finding(matrix, top)
    if missing in totals.index and top != missing:
        alt += f" {counted(totals[missing], 'action')} {has_or_have(totals[missing])} no {noun}."
        finding += f" {counted(totals[missing], 'action')} {has_or_have(totals[missing])} no {noun}."
    return Chart(fig, title, alt, data, finding)


@house_style
def status_by_snapshot(history: pd.DataFrame, *, title: str | None = None) -> Chart:
    """Stacked bars: one bar per snapshot (progress update) in date order, one segment per status."""
    title = title or "Action status at each progress update"
    columns = ["snapshot", "snapshot_date", "status", "status_label", "actions"]
    frame = usable_frame(history, ["snapshot", "snapshot_date", "status"], "status_by_snapshot", "history")
    if frame is not None:
        dates = pd.to_datetime(frame["snapshot_date"], errors="coerce")
        names = frame["snapshot"].astype("string").str.strip().replace("", pd.NA)
        names = names.fillna(dates.map(month_year).astype("string")).replace("", pd.NA)
        frame = pd.DataFrame({"snapshot": names, "snapshot_date": dates, "status": filled_codes(frame["status"], "not_stated")})
        frame = frame[frame["snapshot"].notna()]
    if frame is None or frame.empty:
        return nothing_to_show(title, "there are no progress updates", columns)

    order = (
        frame.groupby("snapshot", sort=False)["snapshot_date"].min().reset_index()
        .sort_values(["snapshot_date", "snapshot"], na_position="last", kind="stable")
    )
    statuses = ordered_values(frame["status"], STATUS_STYLE)
    matrix = count_matrix(frame, "snapshot", "status", order["snapshot"], statuses)
    data = long_form(matrix, "snapshot", "status", order)
    data["status_label"] = data["status"].map(status_label)
    data = data[columns]

    fig = new_figure(4.2)
    ax = fig.add_subplot()
    figure_title(fig, title)
    ax.set_xlabel("Progress update")
    ax.set_ylabel("Number of actions")
    stacked_bars(fig, ax, matrix, horizontal=False, tick_labels=[wrapped(s, 14) for s in matrix.index])

    first, last = matrix.index[0], matrix.index[-1]
    totals = matrix.sum(axis=1)
    if len(matrix) == 1:
        alt = f"One stacked bar of action status at {last}: {counted(totals[last], 'action')} ({breakdown(matrix.loc[last])})."
        finding = f"At {last}, the only progress update so far: {breakdown(matrix.loc[last])}."
    else:
        done = matrix["complete"] if "complete" in matrix else pd.Series(0, index=matrix.index)
        alt = (
            f"Stacked bars of action status at {len(matrix)} progress updates from {first} to {last}: "
            f"complete went from {done[first]} of {totals[first]} to {done[last]} of {totals[last]}; "
            f"at {last}: {breakdown(matrix.loc[last])}."
        )
        finding = (f"Complete went from {done[first]} of {totals[first]} actions at {first} to {done[last]} of "
                   f"{totals[last]} at {last}. At {last}: {breakdown(matrix.loc[last])}.")
    return Chart(fig, title, alt, data, finding)


@house_style
def council_kloe_heatmap(
    actions: pd.DataFrame, value: str = "pct_complete", *, as_of=None, title: str | None = None
) -> Chart:
    """Councils (rows) by KLOE (columns), every cell written out ("50%\\n2/4").

    ``value``: "pct_complete" (default), "pct_overdue" or "actions". For the percentages a
    council with no updates at all (every status no_update) shows "no updates", not 0%;
    a KLOE a council has no actions in shows "–".
    """
    if value not in HEATMAP_VALUES:
        raise ReportlibError(f"council_kloe_heatmap: value must be one of {', '.join(HEATMAP_VALUES)}, not {value!r}")
    measure, colour = HEATMAP_VALUES[value]
    as_of = as_of_date(as_of, actions)
    title = title or dated_title(f"{measure} by council and KLOE", as_of)
    columns = ["council", "kloe", "kloe_label", "actions", "complete", "overdue"]
    columns += ([value] if value != "actions" else []) + ["text"]
    needed = ["kloe", "status"] + (["timeliness"] if value == "pct_overdue" else [])
    frame = usable_frame(actions, needed, "council_kloe_heatmap", "actions", one_of=("council", "council_code"))
    if frame is None:
        return nothing_to_show(title, "there are no actions", columns)

    council = frame["council"] if "council" in frame else frame["council_code"]
    if "council" in frame and "council_code" in frame:
        council = council.fillna(frame["council_code"])
    timeliness = filled_codes(frame["timeliness"], "unknown") if "timeliness" in frame else pd.Series("unknown", index=frame.index)
    tidy = pd.DataFrame({
        "council": council.astype("string").str.strip().replace("", pd.NA).fillna("Council not named"),
        "kloe": kloe_codes(frame["kloe"]),
        "status": filled_codes(frame["status"], "not_stated"),
        "timeliness": timeliness,
    })
    tidy["kloe_label"] = kloe_labels(tidy["kloe"], frame.get("kloe_name"))
    kloes = kloe_order(tidy)
    councils = sorted(tidy["council"].unique())
    silent = {c for c, s in tidy.groupby("council")["status"] if s.isin(["no_update", "not_stated"]).all()}

    cells = (
        tidy.assign(complete=tidy["status"].eq("complete"), overdue=tidy["timeliness"].eq("overdue"))
        .groupby(["council", "kloe_label"])
        .agg(actions=("status", "size"), complete=("complete", "sum"), overdue=("overdue", "sum"))
    )
    grid = pd.MultiIndex.from_product([councils, kloes["kloe_label"]], names=["council", "kloe_label"])
    data = cells.reindex(grid, fill_value=0).astype(int).reset_index()
    data = data.merge(kloes, on="kloe_label", how="left")
    count_of = {"pct_complete": data["complete"], "pct_overdue": data["overdue"], "actions": data["actions"]}[value]
    if value == "actions":
        data["text"] = [str(n) if n else NA_TEXT for n in data["actions"]]
    else:
        data[value] = (100 * count_of / data["actions"].where(data["actions"] > 0)).astype("Float64")
        data["text"] = [
            NA_TEXT if total == 0 else NO_UPDATES if who in silent else f"{percent(part, total)}\n{part}/{total}"
            for who, part, total in zip(data["council"], count_of, data["actions"])
        ]
        data.loc[data["council"].isin(silent), value] = pd.NA
    data = data[columns]

    n_rows, n_cols = len(councils), len(kloes)
    row_height = min(0.62, (HEATMAP_MAX_HEIGHT - 2.2) / n_rows)  # never taller than an A4 page
    tight = row_height < 0.45  # too low for two lines: the percentage alone, and one "no updates" per row
    fig = new_figure(2.2 + row_height * n_rows)
    ax = fig.add_subplot()
    shown = data[value].where(data["actions"] > 0)  # "–" cells are blank, not a count of 0
    values = shown.astype(float).to_numpy().reshape(n_rows, n_cols)
    cmap = mcolors.LinearSegmentedColormap.from_list(value, ["#FFFFFF", colour]).with_extremes(bad="#FFFFFF")
    vmax = 100 if value != "actions" else max(1, int(data["actions"].max()))
    norm = mcolors.Normalize(0, vmax)
    # start the scale a little above white so 0% is visibly a cell, unlike "–"
    ax.imshow(np.ma.masked_invalid(values), cmap=cmap, norm=mcolors.Normalize(-0.08 * vmax, vmax),
              aspect="auto", interpolation="nearest")
    for (row, col), text in zip(np.ndindex(n_rows, n_cols), data["text"]):
        if text == NO_UPDATES:  # the words carry the meaning; the grey only sets the row apart
            ax.add_patch(Rectangle((col - 0.5, row - 0.5), 1, 1, facecolor="#E6E6E6", linewidth=0))
        if tight and text == NO_UPDATES:
            if col == 0:  # every cell of a council with no updates says so: once, across its row
                ax.text((n_cols - 1) / 2, row, NO_UPDATES, ha="center", va="center", fontsize=SMALL_TEXT,
                        color=MUTED, fontstyle="italic", gid="row")
            continue
        if tight:
            text = text.split("\n")[0]
        fill = "#FFFFFF" if math.isnan(values[row, col]) else cmap(norm(values[row, col]))
        ax.text(col, row, text, ha="center", va="center", fontsize=SMALL_TEXT, linespacing=1.15,
                color=MUTED if text in (NA_TEXT, NO_UPDATES) else ink_on(fill),
                fontstyle="italic" if text == NO_UPDATES else "normal", gid="cell")
    ax.set_xticks(range(n_cols), [short_kloe(code, label) for code, label in zip(kloes["kloe"], kloes["kloe_label"])])
    ax.set_yticks(range(n_rows), [c if tight else wrapped(c, 22) for c in councils],
                  **({"fontsize": SMALL_TEXT} if tight else {}))
    ax.tick_params(length=0)
    ax.set_xticks(np.arange(-0.5, n_cols), minor=True)
    ax.set_yticks(np.arange(-0.5, n_rows), minor=True)
    ax.grid(which="minor", color="#CCCCCC", linewidth=1)
    ax.tick_params(which="minor", length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    figure_title(fig, title)
    ax.set_ylabel("Council")
    ax.set_xlabel("KLOE", loc="left")
    lay_out(fig)
    room = ax.get_window_extent().width * 72 / fig.dpi
    key = wrapped("KLOE: " + "; ".join(k for k in kloes["kloe_label"] if k != NO_KLOE), int(room / (0.56 * SMALL_TEXT)))
    ax.set_xlabel(key, loc="left", fontsize=SMALL_TEXT, multialignment="left")
    if not tight:
        fit_cell_texts(fig, ax, n_cols)

    alt = _heatmap_alt(data, value, measure, councils, silent, kloes, as_of)
    finding = alt.split(": ", 1)[1] if ": " in alt else alt  # the alt text less "Heat map of ... for ...:"
    return Chart(fig, title, alt, data, finding[:1].upper() + finding[1:])


@house_style
def overdue_by_owner(actions: pd.DataFrame, *, as_of=None, title: str | None = None) -> Chart:
    """Horizontal bars: overdue actions per owner, most first, the count at each bar's end."""
    as_of = as_of_date(as_of, actions)
    title = title or dated_title("Overdue actions by owner", as_of)
    if "owner" in getattr(actions, "attrs", {}).get("withheld", ()):  # an external pack: owners are kept for internal readers
        return nothing_to_show(title, OWNERS_WITHHELD, ["owner", "overdue"])
    frame = usable_frame(actions, ["owner", "timeliness"], "overdue_by_owner", "actions")
    if frame is None:
        return nothing_to_show(title, "there are no actions", ["owner", "overdue"])
    overdue = frame[filled_codes(frame["timeliness"], "unknown").eq("overdue")]
    if overdue.empty:
        return nothing_to_show(title, f"no action is overdue{as_of_phrase(as_of)}", ["owner", "overdue"])
    distinct = len(overdue)  # overdue actions, each once (a joint one is a bar under each of its officers)
    overdue = each_officer(overdue, actions.attrs.get("owner_names"))  # joint owners: counted for each officer
    owner = overdue["owner"].astype("string").str.strip().replace("", pd.NA).fillna(NO_OWNER)
    data = (
        owner.value_counts().rename_axis("owner").reset_index(name="overdue")
        .sort_values(["overdue", "owner"], ascending=[False, True], kind="stable")
        .reset_index(drop=True)
    )
    data["overdue"] = data["overdue"].astype(int)

    fig = new_figure(1.4 + 0.36 * len(data))
    ax = fig.add_subplot()
    style = TIMELINESS_STYLE["overdue"]
    bars = ax.barh(range(len(data)), data["overdue"], height=0.65, color=style["color"], hatch=style["hatch"],
                   edgecolor=darker(style["color"]), linewidth=0.6, label=style["label"])
    ax.bar_label(bars, labels=[str(n) for n in data["overdue"]], padding=4, fontsize=10, color=INK)
    ax.set_yticks(range(len(data)), [wrapped(o, 32) for o in data["owner"]])
    ax.invert_yaxis()
    ax.set_xlim(0, data["overdue"].max() * 1.1)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.tick_params(axis="y", length=0)
    figure_title(fig, title)
    ax.set_xlabel("Number of overdue actions")
    ax.set_ylabel("Owner")

    top = int(data["overdue"].iloc[0])
    named = data["owner"] != NO_OWNER
    leaders = list(data.loc[named & (data["overdue"] == top), "owner"]) or [data["owner"].iloc[0]]
    rest = data[~data["owner"].isin(leaders)]
    if len(rest) > 3:  # the next three, and any owner with as many as the third of them
        rest = rest[rest["overdue"] >= rest["overdue"].iloc[2]]
    listed = ", ".join(f"{o} {n}" for o, n in zip(rest["owner"], rest["overdue"]))
    unlisted = len(data) - len(leaders) - len(rest)
    joint = ", joint owners counted for each" if int(data["overdue"].sum()) != distinct else ""
    who = " and ".join([", ".join(leaders[:-1]), leaders[-1]]) if len(leaders) > 1 else leaders[0]
    holds = "hold" if len(leaders) > 1 else "holds"
    each = f"{top} each" if len(leaders) > 1 else str(top)
    alt = (
        f"Horizontal bars of {counted(distinct, 'overdue action')}{as_of_phrase(as_of)} "
        f"across {counted(len(data), 'owner')}{joint}: {who} {holds} the most ({each})"
        + (f", then {listed}" if listed else "")
        + (f"; {counted(unlisted, 'more owner')} {'is' if unlisted == 1 else 'are'} shown" if unlisted else "")
        + "."
    )
    finding = (f"{who} {holds} the most overdue actions ({each} of {counted(distinct, 'overdue action')}"
               f"{as_of_phrase(as_of)}{joint})" + (f", then {listed}" if listed else "") + ".")
    if NO_OWNER in set(data["owner"]) and NO_OWNER not in leaders:
        unowned = int(data.loc[data["owner"] == NO_OWNER, "overdue"].iloc[0])
        alt += f" {counted(unowned, 'overdue action')} {has_or_have(unowned)} no owner named."
        finding += f" {counted(unowned, 'overdue action')} {has_or_have(unowned)} no owner named."
    return Chart(fig, title, alt, data, finding)


def _why_not_shown(undated: pd.DataFrame) -> str | None:
    """Why actions are off the timeline, in the headline's words: no target date at all, a target date
    that cannot be read, or a target not yet set ('TBC')."""
    tbc = int(target_not_set(undated).sum())
    unread = int(target_unreadable(undated).sum()) - tbc
    none = len(undated) - tbc - unread
    parts = ([f"{none} with no target date"] if none else []) \
        + ([f"{unread} whose target date cannot be read"] if unread else []) \
        + ([f"{tbc} whose target is not yet set ('TBC')"] if tbc else [])
    if not (tbc or unread):
        return None  # said the plain way: "N actions with no target date are not shown"
    return ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0]


@house_style
def targets_timeline(actions: pd.DataFrame, as_of, *, y: str = "kloe", title: str | None = None) -> Chart:
    """Each action's effective target date on a time axis, against a line at ``as_of``.

    ``y``: "kloe" (one row per KLOE, actions due the same day stacked), "council" (one row
    per council, named: councils compared) or "action" (one row per action). Marker shape
    and colour both follow timeliness, with a legend.
    """
    if y not in ("kloe", "council", "action"):
        raise ReportlibError(f"targets_timeline: y must be 'kloe', 'council' or 'action', not {y!r}")
    as_of = as_of_date(as_of, None)
    if as_of is None:
        raise ReportlibError("targets_timeline: as_of is required (a date such as '2010-07-31')")
    title = title or dated_title("Target dates", as_of)
    columns = ["action_id", "kloe", "kloe_label", "effective_target_date", "timeliness", "row", "position"]
    needed = ["timeliness"] + {"action": ["action_id"], "kloe": ["kloe"], "council": ["council_code"]}[y]
    frame = usable_frame(actions, needed, "targets_timeline", "actions",
                    one_of=("effective_target_date", "revised_target_date", "target_date"))
    if frame is None:
        return nothing_to_show(title, "there are no actions", columns)

    target = effective_target(frame)
    nothing = pd.Series(pd.NA, index=frame.index, dtype="string")
    tidy = pd.DataFrame({
        "action_id": frame["action_id"].astype("string") if "action_id" in frame else nothing,
        "kloe": kloe_codes(frame["kloe"]) if "kloe" in frame else nothing,
        "effective_target_date": target,
        "timeliness": filled_codes(frame["timeliness"], "unknown"),
    })
    tidy["kloe_label"] = kloe_labels(tidy["kloe"], frame.get("kloe_name"))
    by_group = y == "kloe" and not kloe_grouped(frame)  # a tracker's own groups (audit reports...), not KLOEs
    plan_label = actions.attrs.get("group_label") or DEFAULT_GROUP_LABEL
    if by_group:
        groups = frame["group"].astype("string").str.strip().replace("", pd.NA)
        tidy["kloe_label"] = groups.fillna(no_group(plan_label)).to_numpy()
    if y == "council":
        named = frame["council"].fillna(frame["council_code"]) if "council" in frame else frame["council_code"]
        tidy["council"] = named.astype("string").fillna("Council not named")
    undated = int(tidy["effective_target_date"].isna().sum())
    why_undated = _why_not_shown(frame[tidy["effective_target_date"].isna().to_numpy()])
    tidy = tidy[tidy["effective_target_date"].notna()]
    if tidy.empty:
        return nothing_to_show(title, "no action has a target date", columns)

    if y in ("kloe", "council"):
        if by_group:
            named = group_order(dict.fromkeys(tidy.loc[tidy["kloe_label"] != no_group(plan_label), "kloe_label"]))
            rows = named + ([no_group(plan_label)] if (tidy["kloe_label"] == no_group(plan_label)).any() else [])
            tidy = tidy.assign(row=tidy["kloe_label"])
        elif y == "kloe":
            rows = list(kloe_order(tidy)["kloe_label"])
            tidy = tidy.assign(row=tidy["kloe_label"])
        else:
            rows = sorted(tidy["council"].unique())
            tidy = tidy.assign(row=tidy["council"])
        tidy = tidy.sort_values(["effective_target_date", "action_id"], kind="stable", na_position="last")
        same = tidy.groupby(["row", "effective_target_date"])
        rank, size = same.cumcount(), same["row"].transform("size")
        step = np.minimum(0.22, 0.84 / size)  # markers due the same day sit side by side, not on top
        offset = (rank - (size - 1) / 2) * step
    else:
        tidy = tidy.sort_values(["effective_target_date", "action_id"], kind="stable")
        tidy = tidy.assign(row=tidy["action_id"].fillna("(no id)"))
        rows = list(dict.fromkeys(tidy["row"]))
        offset = 0.0
    tidy["position"] = tidy["row"].map({r: i for i, r in enumerate(rows)}) + offset
    data = tidy[columns].reset_index(drop=True)

    per_row = 0.24 if y == "action" else 0.5
    fig = new_figure(1.9 + per_row * len(rows))
    ax = fig.add_subplot()
    handles = []
    for value in ordered_values(data["timeliness"], TIMELINESS_STYLE):
        style = TIMELINESS_STYLE.get(value, OTHER_TIMELINESS)
        points = data[data["timeliness"] == value]
        label = f"{timeliness_label(value)} ({len(points)})"
        ax.scatter(points["effective_target_date"], points["position"], marker=style["marker"], s=46,
                   color=style["color"], edgecolors=darker(style["color"]), linewidths=0.6, zorder=3, label=label)
        handles.append(Line2D([], [], linestyle="none", marker=style["marker"], markersize=7, color=style["color"],
                              markeredgecolor=darker(style["color"]), label=label))
    as_of_text = f"as of {short_date(as_of)}"
    ax.axvline(as_of, color=INK, linestyle=(0, (4, 3)), linewidth=1.2, zorder=2, label=as_of_text, gid="as_of")
    ax.annotate(as_of_text, xy=(as_of, 1), xycoords=("data", "axes fraction"), xytext=(0, 3),
                textcoords="offset points", ha="center", va="bottom", fontsize=SMALL_TEXT, color=INK, gid="as_of")
    ax.set_yticks(range(len(rows)), [wrapped(r, 30) for r in rows])
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.grid(axis="y", color="#E6E6E6", linewidth=0.8)
    ax.set_axisbelow(True)
    ax.tick_params(axis="y", length=0)
    dates = pd.concat([data["effective_target_date"], pd.Series([as_of])])
    pad = max(pd.Timedelta(days=30), (dates.max() - dates.min()) * 0.06)
    ax.set_xlim(dates.min() - pad, dates.max() + pad)
    ax.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=3, maxticks=8))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: month_year(mdates.num2date(x)).replace(" ", "\n")))
    figure_title(fig, title)
    off_chart = (f"{counted(undated, 'action')} with no target date {is_or_are(undated)} not shown" if not why_undated
                 else f"{counted(undated, 'action')} {is_or_are(undated)} not shown: {why_undated}")
    ax.set_xlabel("Effective target date (the revised one where there is one)" + (f"\n{off_chart}" if undated else ""))
    ax.set_ylabel(group_noun(plan_label, capital=True) if by_group else {"kloe": "KLOE", "council": "Council", "action": "Action"}[y])
    top_legend(fig, ax, handles, gap=SMALL_TEXT + 8)  # room for the as-of label under it

    counts = data["timeliness"].value_counts()
    parts = [f"{counts[v]} {timeliness_label(v).lower()}" for v in ordered_values(data["timeliness"], TIMELINESS_STYLE)]
    alt = (
        f"Timeline of the effective target dates of {counted(len(data), 'action')}, from "
        f"{short_date(data['effective_target_date'].min())} to {short_date(data['effective_target_date'].max())}, "
        f"against the as-of date, {short_date(as_of)}: {', '.join(parts)}."
        + (f" {off_chart}." if undated else "")
    )
    total = len(data) + undated
    finding = (f"Of the {counted(len(data), 'action')} with a target date, {', '.join(parts)} at "
               f"{short_date(as_of)}; the targets run from {short_date(data['effective_target_date'].min())} to "
               f"{short_date(data['effective_target_date'].max())}.")
    if undated:
        finding += (f" {undated} of {total} actions {has_or_have(undated)} no target date and {is_or_are(undated)} "
                    "not shown" if not why_undated else f" {undated} of {total} actions {is_or_are(undated)} not shown: "
                    f"{why_undated}")
        if y == "council":  # which councils' actions they are
            every = frame["council"].fillna(frame["council_code"]) if "council" in frame else frame["council_code"]
            missing = every[effective_target(frame).isna()].value_counts()
            finding += " (" + "; ".join(f"{c}: {missing.get(c, 0)} of {n}"
                                        for c, n in every.value_counts().sort_index().items()) + ")"
        finding += "."
    return Chart(fig, title, alt, data, finding)


def _bars_finding(matrix: pd.DataFrame, top) -> str:
    """"12 of 56 actions are complete (21%): 12 complete, 23 in progress, ... 2.3 Good governance has
    the most actions (10: ...)." for the bars of status by group."""
    overall = matrix.sum(axis=0)
    total = int(overall.sum())
    done = int(overall.get("complete", 0))
    return (f"{done} of {counted(total, 'action')} {is_or_are(done)} complete ({percent(done, total)}): "
            f"{breakdown(overall)}. {top} has the most actions ({int(matrix.loc[top].sum())}: "
            f"{breakdown(matrix.loc[top])}).")


def _heatmap_alt(data, value, measure, councils, silent, kloes, as_of) -> str:
    scope = f"{counted(len(councils), 'council')} by {counted(len(kloes), 'KLOE')}{as_of_phrase(as_of)}"
    if value == "actions":
        per_council = "; ".join(f"{c} {int(data.loc[data['council'] == c, 'actions'].sum())}" for c in councils)
        return f"Heat map of the number of actions for {scope}: {per_council}."
    part = "complete" if value == "pct_complete" else "overdue"
    sentences = []
    for council in councils:
        rows = data[data["council"] == council]
        total, done = int(rows["actions"].sum()), int(rows[part].sum())
        if council in silent:
            sentences.append(f"{council} has no updates on any of its {total} actions")
            continue
        filled = rows[rows["actions"] > 0]
        best = filled.loc[filled[value].astype(float).idxmax()]
        sentences.append(
            f"{council} {done}/{total} {part} ({percent(done, total)}), highest in {best['kloe_label']} "
            f"({percent(int(best[part]), int(best['actions']))}, {int(best[part])}/{int(best['actions'])})"
        )
    return f"Heat map of {measure.lower()} for {scope}: " + "; ".join(sentences) + "."
