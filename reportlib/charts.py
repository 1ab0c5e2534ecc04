"""House-style charts for committee reports.

Each function takes a table from ``reportlib.progress`` and returns a ``Chart``: a
matplotlib figure made without pyplot (so a notebook never shows it twice), a title,
alt text that states the numbers, and the tidy frame that was plotted.

The house look lives here and nowhere else: ``HOUSE_STYLE`` (rcParams: fonts and
sizes for an A4 page, no chart junk), ``STATUS_STYLE`` and ``TIMELINESS_STYLE`` (one
Okabe-Ito colour per value plus a hatch or marker, so meaning never rests on colour
alone). An empty input gives a "Nothing to show: <reason>" chart, never an exception.
"""
from __future__ import annotations

import base64
import functools
import html
import io
import math
import textwrap
from dataclasses import dataclass
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pandas as pd
from cycler import cycler
from matplotlib import colors as mcolors
from matplotlib import dates as mdates
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.ticker import FuncFormatter, MaxNLocator
from matplotlib.transforms import ScaledTranslation

from reportlib import kloe as _kloe
from reportlib.errors import ReportlibError
from reportlib.tables import NA_TEXT

__all__ = [
    "Chart",
    "progress_by_kloe",
    "status_by_snapshot",
    "council_kloe_heatmap",
    "overdue_by_owner",
    "targets_timeline",
]

# --- the house style ------------------------------------------------------------------

OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "grey": "#999999",
}

FIGURE_WIDTH = 7.0  # inches: the A4 text width, so a point on screen is a point on paper
PNG_DPI = 200  # sharp in the PDF
SMALL_TEXT = 9  # the smallest text on any chart (counts in segments, heat-map cells)
INK = "#1A1A1A"
MUTED = "#4D4D4D"

HOUSE_STYLE = {
    "font.family": "DejaVu Sans",  # ships with matplotlib: the same on every machine
    "font.size": 10,
    "figure.titlesize": 12,
    "figure.titleweight": "bold",
    "axes.labelsize": 10,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "legend.fontsize": 10,
    "legend.frameon": False,
    "legend.handlelength": 1.6,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": MUTED,
    "axes.labelcolor": INK,
    "axes.grid": False,
    "axes.prop_cycle": cycler(color=[OKABE_ITO[k] for k in (
        "blue", "orange", "bluish_green", "vermillion", "sky_blue", "reddish_purple", "yellow", "black")]),
    "xtick.color": MUTED,
    "ytick.color": MUTED,
    "xtick.labelcolor": INK,
    "ytick.labelcolor": INK,
    "text.color": INK,
    "text.parse_math": False,  # "$" in an owner's name is text, not mathtext
    "hatch.linewidth": 0.8,
    "figure.dpi": 100,
    "figure.facecolor": "white",
    "savefig.dpi": PNG_DPI,
    "savefig.facecolor": "white",
    "pdf.fonttype": 42,
    "svg.hashsalt": "reportlib",
}

# Fixed order, label, colour and hatch per status (DESIGN.md vocabulary).
STATUS_STYLE = {
    "complete": {"label": "Complete", "color": OKABE_ITO["bluish_green"], "hatch": ""},
    "in_progress": {"label": "In progress", "color": OKABE_ITO["sky_blue"], "hatch": "//"},
    "planned": {"label": "Planned", "color": OKABE_ITO["blue"], "hatch": ".."},
    "no_action": {"label": "No action", "color": OKABE_ITO["reddish_purple"], "hatch": "\\\\"},
    "no_update": {"label": "No update", "color": OKABE_ITO["grey"], "hatch": "--"},
    "needs_review": {"label": "Needs review", "color": OKABE_ITO["vermillion"], "hatch": "xx"},
}
_OTHER_STATUS = {"color": "#FFFFFF", "hatch": "oo"}  # any value outside the vocabulary

# Fixed order, label, colour, marker and hatch per timeliness.
TIMELINESS_STYLE = {
    "overdue": {"label": "Overdue", "color": OKABE_ITO["vermillion"], "marker": "X", "hatch": "xx"},
    "due_soon": {"label": "Due soon", "color": OKABE_ITO["orange"], "marker": "D", "hatch": ".."},
    "on_time": {"label": "On time", "color": OKABE_ITO["blue"], "marker": "o", "hatch": ""},
    "complete": {"label": "Complete", "color": OKABE_ITO["bluish_green"], "marker": "s", "hatch": ""},
    "no_target": {"label": "No target", "color": OKABE_ITO["grey"], "marker": "^", "hatch": "--"},
}
_OTHER_TIMELINESS = {"color": OKABE_ITO["black"], "marker": "v", "hatch": "oo"}

# Sequential scales for the heat map: white to the colour of what is being counted.
_HEATMAP_VALUES = {
    "pct_complete": ("% of actions complete", OKABE_ITO["bluish_green"]),
    "pct_overdue": ("% of actions overdue", OKABE_ITO["vermillion"]),
    "actions": ("Number of actions", OKABE_ITO["blue"]),
}
NO_UPDATES = "no updates"
NO_KLOE = "No KLOE"
NO_OWNER = "No owner named"
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


# --- the chart ------------------------------------------------------------------------


@dataclass(eq=False, repr=False)
class Chart:
    """A finished chart: ``figure`` (made without pyplot), ``title``, ``alt_text``
    (what the figure shows, with its numbers) and ``data`` (the tidy frame plotted)."""

    figure: Figure
    title: str
    alt_text: str
    data: pd.DataFrame

    def __repr__(self) -> str:
        return f"Chart(title={self.title!r}, alt_text={self.alt_text!r})"

    def to_png(self, dpi: int = PNG_DPI) -> bytes:
        """The figure as PNG bytes (200 dpi by default)."""
        buffer = io.BytesIO()
        with mpl.rc_context(HOUSE_STYLE):
            self.figure.savefig(buffer, format="png", dpi=dpi)
        return buffer.getvalue()

    def _repr_png_(self) -> bytes:
        return self.to_png()

    def _repr_html_(self) -> str:
        image = base64.b64encode(self.to_png()).decode("ascii")
        width = round(self.figure.get_figwidth() * 96)  # CSS pixels: shown at its design size
        return (
            '<figure class="chart">'
            f'<img src="data:image/png;base64,{image}" alt="{html.escape(self.alt_text, quote=True)}"'
            f' width="{width}" style="max-width:100%;height:auto">'
            f"<figcaption>{html.escape(self.title)}</figcaption>"
            "</figure>"
        )

    def save(self, path, dpi: int = PNG_DPI) -> Path:
        """Write the figure to ``path``; the suffix picks the format (png, pdf, svg)."""
        path = Path(path)
        fmt = path.suffix.lstrip(".").lower() or "png"
        metadata = {"pdf": {"CreationDate": None}, "svg": {"Date": None}}.get(fmt)
        with mpl.rc_context(HOUSE_STYLE):
            self.figure.savefig(path, format=fmt, dpi=dpi, metadata=metadata)
        return path


def _house_style(function):
    """Build the chart under the house rcParams (fonts, colours, sizes)."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with mpl.rc_context(HOUSE_STYLE):
            return function(*args, **kwargs)

    return wrapper


# --- the charts -----------------------------------------------------------------------


@_house_style
def progress_by_kloe(actions: pd.DataFrame, *, as_of=None, title: str | None = None) -> Chart:
    """Stacked horizontal bars: one bar per KLOE, one segment per status (fixed order).

    ``as_of`` (optional, default ``actions.attrs["as_of"]``) is named in the title and alt text.
    """
    as_of = _as_of(as_of, actions)
    title = title or _dated("Action status by KLOE", as_of)
    columns = ["kloe", "kloe_label", "status", "status_label", "actions"]
    frame = _usable(actions, ["kloe", "status"], "progress_by_kloe", "actions")
    if frame is None:
        return _nothing_to_show(title, "there are no actions", columns)

    tidy = pd.DataFrame({"kloe": _kloe_codes(frame["kloe"]), "status": _codes(frame["status"], "not_stated")})
    tidy["kloe_label"] = _kloe_labels(tidy["kloe"], frame.get("kloe_name"))
    kloes = _kloe_order(tidy)
    statuses = _ordered(tidy["status"], STATUS_STYLE)
    matrix = _count_matrix(tidy, "kloe_label", "status", kloes["kloe_label"], statuses)
    data = _long(matrix, "kloe_label", "status", kloes)
    data["status_label"] = data["status"].map(_status_label)
    data = data[columns]

    fig = _new_figure(1.5 + 0.45 * len(matrix))
    ax = fig.add_subplot()
    _title(fig, title)
    ax.set_xlabel("Number of actions")
    ax.set_ylabel("KLOE")
    _stacked_bars(fig, ax, matrix, horizontal=True, tick_labels=[_wrap(k, 30) for k in matrix.index])

    totals = matrix.sum(axis=1)
    top = totals.idxmax()
    overall = matrix.sum(axis=0)
    alt = (
        f"Stacked bars of {_n(totals.sum(), 'action')} by KLOE{_as_of_phrase(as_of)}: "
        f"{top} has the most ({totals[top]}: {_breakdown(matrix.loc[top])}). Overall: {_breakdown(overall)}."
    )
    if NO_KLOE in totals.index and top != NO_KLOE:
        alt += f" {_n(totals[NO_KLOE], 'action')} {_has(totals[NO_KLOE])} no KLOE."
    return Chart(fig, title, alt, data)


@_house_style
def status_by_snapshot(history: pd.DataFrame, *, title: str | None = None) -> Chart:
    """Stacked bars: one bar per snapshot (progress update) in date order, one segment per status."""
    title = title or "Action status at each progress update"
    columns = ["snapshot", "snapshot_date", "status", "status_label", "actions"]
    frame = _usable(history, ["snapshot", "snapshot_date", "status"], "status_by_snapshot", "history")
    if frame is not None:
        dates = pd.to_datetime(frame["snapshot_date"], errors="coerce")
        names = frame["snapshot"].astype("string").str.strip().replace("", pd.NA)
        names = names.fillna(dates.map(_month_year).astype("string")).replace("", pd.NA)
        frame = pd.DataFrame({"snapshot": names, "snapshot_date": dates, "status": _codes(frame["status"], "not_stated")})
        frame = frame[frame["snapshot"].notna()]
    if frame is None or frame.empty:
        return _nothing_to_show(title, "there are no progress updates", columns)

    order = (
        frame.groupby("snapshot", sort=False)["snapshot_date"].min().reset_index()
        .sort_values(["snapshot_date", "snapshot"], na_position="last", kind="stable")
    )
    statuses = _ordered(frame["status"], STATUS_STYLE)
    matrix = _count_matrix(frame, "snapshot", "status", order["snapshot"], statuses)
    data = _long(matrix, "snapshot", "status", order)
    data["status_label"] = data["status"].map(_status_label)
    data = data[columns]

    fig = _new_figure(4.2)
    ax = fig.add_subplot()
    _title(fig, title)
    ax.set_xlabel("Progress update")
    ax.set_ylabel("Number of actions")
    _stacked_bars(fig, ax, matrix, horizontal=False, tick_labels=[_wrap(s, 14) for s in matrix.index])

    first, last = matrix.index[0], matrix.index[-1]
    totals = matrix.sum(axis=1)
    if len(matrix) == 1:
        alt = f"One stacked bar of action status at {last}: {_n(totals[last], 'action')} ({_breakdown(matrix.loc[last])})."
    else:
        done = matrix["complete"] if "complete" in matrix else pd.Series(0, index=matrix.index)
        alt = (
            f"Stacked bars of action status at {len(matrix)} progress updates from {first} to {last}: "
            f"complete went from {done[first]} of {totals[first]} to {done[last]} of {totals[last]}; "
            f"at {last}: {_breakdown(matrix.loc[last])}."
        )
    return Chart(fig, title, alt, data)


@_house_style
def council_kloe_heatmap(
    actions: pd.DataFrame, value: str = "pct_complete", *, as_of=None, title: str | None = None
) -> Chart:
    """Councils (rows) by KLOE (columns), every cell written out ("50%\\n2/4").

    ``value``: "pct_complete" (default), "pct_overdue" or "actions". For the percentages a
    council with no updates at all (every status no_update) shows "no updates", not 0%;
    a KLOE a council has no actions in shows "–".
    """
    if value not in _HEATMAP_VALUES:
        raise ReportlibError(f"council_kloe_heatmap: value must be one of {', '.join(_HEATMAP_VALUES)}, not {value!r}")
    measure, colour = _HEATMAP_VALUES[value]
    as_of = _as_of(as_of, actions)
    title = title or _dated(f"{measure} by council and KLOE", as_of)
    columns = ["council", "kloe", "kloe_label", "actions", "complete", "overdue"]
    columns += ([value] if value != "actions" else []) + ["text"]
    needed = ["kloe", "status"] + (["timeliness"] if value == "pct_overdue" else [])
    frame = _usable(actions, needed, "council_kloe_heatmap", "actions", one_of=("council", "council_code"))
    if frame is None:
        return _nothing_to_show(title, "there are no actions", columns)

    council = frame["council"] if "council" in frame else frame["council_code"]
    if "council" in frame and "council_code" in frame:
        council = council.fillna(frame["council_code"])
    timeliness = _codes(frame["timeliness"], "unknown") if "timeliness" in frame else pd.Series("unknown", index=frame.index)
    tidy = pd.DataFrame({
        "council": council.astype("string").str.strip().replace("", pd.NA).fillna("Council not named"),
        "kloe": _kloe_codes(frame["kloe"]),
        "status": _codes(frame["status"], "not_stated"),
        "timeliness": timeliness,
    })
    tidy["kloe_label"] = _kloe_labels(tidy["kloe"], frame.get("kloe_name"))
    kloes = _kloe_order(tidy)
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
            NA_TEXT if total == 0 else NO_UPDATES if who in silent else f"{_percent(part, total)}\n{part}/{total}"
            for who, part, total in zip(data["council"], count_of, data["actions"])
        ]
        data.loc[data["council"].isin(silent), value] = pd.NA
    data = data[columns]

    n_rows, n_cols = len(councils), len(kloes)
    fig = _new_figure(2.2 + 0.62 * n_rows)
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
        fill = "#FFFFFF" if math.isnan(values[row, col]) else cmap(norm(values[row, col]))
        ax.text(col, row, text, ha="center", va="center", fontsize=SMALL_TEXT, linespacing=1.15,
                color=MUTED if text in (NA_TEXT, NO_UPDATES) else _ink_on(fill),
                fontstyle="italic" if text == NO_UPDATES else "normal", gid="cell")
    ax.set_xticks(range(n_cols), [_short_kloe(code, label) for code, label in zip(kloes["kloe"], kloes["kloe_label"])])
    ax.set_yticks(range(n_rows), [_wrap(c, 22) for c in councils])
    ax.tick_params(length=0)
    ax.set_xticks(np.arange(-0.5, n_cols), minor=True)
    ax.set_yticks(np.arange(-0.5, n_rows), minor=True)
    ax.grid(which="minor", color="#CCCCCC", linewidth=1)
    ax.tick_params(which="minor", length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    _title(fig, title)
    ax.set_ylabel("Council")
    ax.set_xlabel("KLOE", loc="left")
    fig.draw_without_rendering()
    room = ax.get_window_extent().width * 72 / fig.dpi
    key = _wrap("KLOE: " + "; ".join(k for k in kloes["kloe_label"] if k != NO_KLOE), int(room / (0.56 * SMALL_TEXT)))
    ax.set_xlabel(key, loc="left", fontsize=SMALL_TEXT, multialignment="left")
    _fit_cell_texts(fig, ax, n_cols)

    alt = _heatmap_alt(data, value, measure, councils, silent, kloes, as_of)
    return Chart(fig, title, alt, data)


@_house_style
def overdue_by_owner(actions: pd.DataFrame, *, as_of=None, title: str | None = None) -> Chart:
    """Horizontal bars: overdue actions per owner, most first, the count at each bar's end."""
    as_of = _as_of(as_of, actions)
    title = title or _dated("Overdue actions by owner", as_of)
    frame = _usable(actions, ["owner", "timeliness"], "overdue_by_owner", "actions")
    if frame is None:
        return _nothing_to_show(title, "there are no actions", ["owner", "overdue"])
    overdue = frame[_codes(frame["timeliness"], "unknown").eq("overdue")]
    if overdue.empty:
        return _nothing_to_show(title, f"no action is overdue{_as_of_phrase(as_of)}", ["owner", "overdue"])

    owner = overdue["owner"].astype("string").str.strip().replace("", pd.NA).fillna(NO_OWNER)
    data = (
        owner.value_counts().rename_axis("owner").reset_index(name="overdue")
        .sort_values(["overdue", "owner"], ascending=[False, True], kind="stable")
        .reset_index(drop=True)
    )
    data["overdue"] = data["overdue"].astype(int)

    fig = _new_figure(1.4 + 0.36 * len(data))
    ax = fig.add_subplot()
    style = TIMELINESS_STYLE["overdue"]
    bars = ax.barh(range(len(data)), data["overdue"], height=0.65, color=style["color"], hatch=style["hatch"],
                   edgecolor=_darker(style["color"]), linewidth=0.6, label=style["label"])
    ax.bar_label(bars, labels=[str(n) for n in data["overdue"]], padding=4, fontsize=10, color=INK)
    ax.set_yticks(range(len(data)), [_wrap(o, 32) for o in data["owner"]])
    ax.invert_yaxis()
    ax.set_xlim(0, data["overdue"].max() * 1.1)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.tick_params(axis="y", length=0)
    _title(fig, title)
    ax.set_xlabel("Number of overdue actions")
    ax.set_ylabel("Owner")

    lead = data.iloc[0]
    listed = ", ".join(f"{o} {n}" for o, n in zip(data["owner"].iloc[1:4], data["overdue"].iloc[1:4]))
    alt = (
        f"Horizontal bars of {_n(data['overdue'].sum(), 'overdue action')}{_as_of_phrase(as_of)} "
        f"across {_n(len(data), 'owner')}: {lead['owner']} holds the most ({lead['overdue']})"
        + (f", then {listed}" if listed else "")
        + (f"; {_n(len(data) - 4, 'more owner')} {'is' if len(data) == 5 else 'are'} shown" if len(data) > 4 else "")
        + "."
    )
    if NO_OWNER in set(data["owner"]) and lead["owner"] != NO_OWNER:
        unowned = int(data.loc[data["owner"] == NO_OWNER, "overdue"].iloc[0])
        alt += f" {_n(unowned, 'overdue action')} {_has(unowned)} no owner named."
    return Chart(fig, title, alt, data)


@_house_style
def targets_timeline(actions: pd.DataFrame, as_of, *, y: str = "kloe", title: str | None = None) -> Chart:
    """Each action's effective target date on a time axis, against a line at ``as_of``.

    ``y``: "kloe" (one row per KLOE, actions due the same day stacked) or "action" (one
    row per action). Marker shape and colour both follow timeliness, with a legend.
    """
    if y not in ("kloe", "action"):
        raise ReportlibError(f"targets_timeline: y must be 'kloe' or 'action', not {y!r}")
    as_of = _as_of(as_of, None)
    if as_of is None:
        raise ReportlibError("targets_timeline: as_of is required (a date such as '2010-07-31')")
    title = title or _dated("Target dates", as_of)
    columns = ["action_id", "kloe", "kloe_label", "effective_target_date", "timeliness", "row", "position"]
    needed = ["timeliness"] + (["action_id"] if y == "action" else ["kloe"])
    frame = _usable(actions, needed, "targets_timeline", "actions",
                    one_of=("effective_target_date", "revised_target_date", "target_date"))
    if frame is None:
        return _nothing_to_show(title, "there are no actions", columns)

    target = _effective_target(frame)
    nothing = pd.Series(pd.NA, index=frame.index, dtype="string")
    tidy = pd.DataFrame({
        "action_id": frame["action_id"].astype("string") if "action_id" in frame else nothing,
        "kloe": _kloe_codes(frame["kloe"]) if "kloe" in frame else nothing,
        "effective_target_date": target,
        "timeliness": _codes(frame["timeliness"], "unknown"),
    })
    tidy["kloe_label"] = _kloe_labels(tidy["kloe"], frame.get("kloe_name"))
    undated = int(tidy["effective_target_date"].isna().sum())
    tidy = tidy[tidy["effective_target_date"].notna()]
    if tidy.empty:
        return _nothing_to_show(title, "no action has a target date", columns)

    if y == "kloe":
        kloes = _kloe_order(tidy)
        rows = list(kloes["kloe_label"])
        tidy = tidy.assign(row=tidy["kloe_label"])
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

    per_row = 0.5 if y == "kloe" else 0.24
    fig = _new_figure(1.9 + per_row * len(rows))
    ax = fig.add_subplot()
    handles = []
    for value in _ordered(data["timeliness"], TIMELINESS_STYLE):
        style = TIMELINESS_STYLE.get(value, _OTHER_TIMELINESS)
        points = data[data["timeliness"] == value]
        label = f"{_timeliness_label(value)} ({len(points)})"
        ax.scatter(points["effective_target_date"], points["position"], marker=style["marker"], s=46,
                   color=style["color"], edgecolors=_darker(style["color"]), linewidths=0.6, zorder=3, label=label)
        handles.append(Line2D([], [], linestyle="none", marker=style["marker"], markersize=7, color=style["color"],
                              markeredgecolor=_darker(style["color"]), label=label))
    as_of_text = f"as of {_date(as_of)}"
    ax.axvline(as_of, color=INK, linestyle=(0, (4, 3)), linewidth=1.2, zorder=2, label=as_of_text, gid="as_of")
    ax.annotate(as_of_text, xy=(as_of, 1), xycoords=("data", "axes fraction"), xytext=(0, 3),
                textcoords="offset points", ha="center", va="bottom", fontsize=SMALL_TEXT, color=INK, gid="as_of")
    ax.set_yticks(range(len(rows)), [_wrap(r, 30) for r in rows])
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.grid(axis="y", color="#E6E6E6", linewidth=0.8)
    ax.set_axisbelow(True)
    ax.tick_params(axis="y", length=0)
    dates = pd.concat([data["effective_target_date"], pd.Series([as_of])])
    pad = max(pd.Timedelta(days=30), (dates.max() - dates.min()) * 0.06)
    ax.set_xlim(dates.min() - pad, dates.max() + pad)
    ax.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=3, maxticks=8))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: _month_year(mdates.num2date(x)).replace(" ", "\n")))
    _title(fig, title)
    ax.set_xlabel("Effective target date (the revised one where there is one)"
                  + (f"\n{_n(undated, 'action')} with no target date {_is(undated)} not shown" if undated else ""))
    ax.set_ylabel("KLOE" if y == "kloe" else "Action")
    _top_legend(fig, ax, handles, gap=SMALL_TEXT + 8)  # room for the as-of label under it

    counts = data["timeliness"].value_counts()
    parts = [f"{counts[v]} {_timeliness_label(v).lower()}" for v in _ordered(data["timeliness"], TIMELINESS_STYLE)]
    alt = (
        f"Timeline of the effective target dates of {_n(len(data), 'action')}, from "
        f"{_date(data['effective_target_date'].min())} to {_date(data['effective_target_date'].max())}, "
        f"against the as-of date, {_date(as_of)}: {', '.join(parts)}."
        + (f" {_n(undated, 'action')} with no target date {_is(undated)} not shown." if undated else "")
    )
    return Chart(fig, title, alt, data)


# --- drawing helpers ------------------------------------------------------------------


def _new_figure(height: float) -> Figure:
    """A figure at A4 text width; never through pyplot, so nothing auto-displays it."""
    return Figure(figsize=(FIGURE_WIDTH, max(1.6, height)), layout="constrained")


def _nothing_to_show(title: str, reason: str, columns) -> Chart:
    message = f"Nothing to show: {reason}."
    fig = _new_figure(1.6)
    ax = fig.add_subplot()
    ax.set_axis_off()
    _title(fig, title)
    ax.text(0.5, 0.45, message, ha="center", va="center", transform=ax.transAxes, fontsize=11, color=MUTED)
    return Chart(fig, title, message, pd.DataFrame(columns=list(columns)))


def _stacked_bars(fig, ax, matrix: pd.DataFrame, *, horizontal: bool, tick_labels) -> None:
    """Bars stacked by status: one container per column of ``matrix`` (labelled for the
    legend), counts written on the segments that can hold them, each bar's total at its end."""
    positions = np.arange(len(matrix))
    base = np.zeros(len(matrix))
    draw = ax.barh if horizontal else ax.bar
    for column in matrix.columns:
        style = STATUS_STYLE.get(column, _OTHER_STATUS)
        counts = matrix[column].to_numpy()
        start = {"left": base} if horizontal else {"bottom": base}
        draw(positions, counts, 0.68, **start, color=style["color"], hatch=style["hatch"],
             edgecolor=_darker(style["color"]), linewidth=0.6, label=_status_label(column))
        base = base + counts
    totals = base
    value_axis = ax.xaxis if horizontal else ax.yaxis
    value_axis.set_major_locator(MaxNLocator(integer=True))
    (ax.set_xlim if horizontal else ax.set_ylim)(0, max(1, totals.max()) * 1.08)
    if horizontal:
        ax.set_yticks(positions, tick_labels)
        ax.invert_yaxis()
    else:
        ax.set_xticks(positions, tick_labels)
    ax.tick_params(axis="y" if horizontal else "x", length=0)
    for position, total in zip(positions, totals):
        xy, offset = ((total, position), (4, 0)) if horizontal else ((position, total), (0, 3))
        ax.annotate(str(int(total)), xy=xy, xytext=offset, textcoords="offset points", fontsize=10, fontweight="bold",
                    ha="left" if horizontal else "center", va="center" if horizontal else "bottom", gid="total")
    _top_legend(fig, ax)
    _label_segments(fig, ax, horizontal)


def _title(fig, title: str) -> None:
    """The chart title, top left of the figure (long titles wrap)."""
    fig.suptitle(_wrap(title, 64), x=0.01, ha="left", multialignment="left")


def _top_legend(fig, ax, handles=None, gap: float = 4) -> None:
    """A frameless legend just above the plot, left-aligned with it, in as few rows as
    fit its width: it never covers data. ``gap`` (points) is the space below it."""
    fig.draw_without_rendering()
    room = ax.get_window_extent().width
    entries = len(handles) if handles is not None else len(ax.get_legend_handles_labels()[1])
    above = ax.transAxes + ScaledTranslation(0, gap / 72, fig.dpi_scale_trans)
    for rows in range(1, entries + 1):
        ncols = math.ceil(entries / rows)
        options = {"handles": handles} if handles is not None else {}
        legend = ax.legend(**options, loc="lower left", bbox_to_anchor=(0, 1), bbox_transform=above, borderaxespad=0,
                           borderpad=0, ncols=ncols, handlelength=1.4, columnspacing=1.2, handletextpad=0.5)
        legend.set_in_layout(False)  # measuring a too-wide trial must not squeeze the plot
        fig.draw_without_rendering()
        if legend.get_window_extent().width <= room:
            break
    legend.set_in_layout(True)


def _label_segments(fig, ax, horizontal: bool) -> None:
    """Write each segment's count on it, where the segment is big enough to hold it."""
    fig.draw_without_rendering()  # run the layout so the axes has its final size
    box = ax.get_window_extent()
    points_per_pixel = 72 / fig.dpi
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    x_scale = box.width * points_per_pixel / abs(x1 - x0)
    y_scale = box.height * points_per_pixel / abs(y1 - y0)
    for container in ax.containers:
        for patch in container.patches:
            count = patch.get_width() if horizontal else patch.get_height()
            if count <= 0:
                continue
            text = str(int(round(count)))
            text_width = 0.62 * SMALL_TEXT * len(text) + 4
            text_height = SMALL_TEXT + 3
            width_pt = patch.get_width() * x_scale
            height_pt = patch.get_height() * y_scale
            if width_pt < text_width or height_pt < text_height:
                continue
            fill = patch.get_facecolor()
            backing = {"boxstyle": "round,pad=0.12", "facecolor": fill, "edgecolor": "none"}  # hides the hatch
            ax.text(patch.get_x() + patch.get_width() / 2, patch.get_y() + patch.get_height() / 2, text,
                    ha="center", va="center", fontsize=SMALL_TEXT, color=_ink_on(fill), gid="segment",
                    bbox=backing if patch.get_hatch() else None)


def _fit_cell_texts(fig, ax, n_cols: int) -> None:
    """Make "no updates" fit a heat-map cell: on one line, else on two, else turned upright."""
    cells = [t for t in ax.texts if t.get_text() == NO_UPDATES]
    if not cells:
        return
    fig.draw_without_rendering()
    cell_width = ax.get_window_extent().width / max(1, n_cols) - 4 * fig.dpi / 72
    for text, rotation in ((NO_UPDATES, 0), (NO_UPDATES.replace(" ", "\n"), 0), (NO_UPDATES.replace(" ", "\n"), 90)):
        cells[0].set_text(text)
        cells[0].set_rotation(rotation)
        if cells[0].get_window_extent().width <= cell_width:
            break
    for cell in cells[1:]:
        cell.set_text(text)
        cell.set_rotation(rotation)


def _darker(colour, factor: float = 0.55):
    """The outline and hatch colour for a fill: the same hue, darker."""
    r, g, b = mcolors.to_rgb(colour)
    if (r, g, b) == (1.0, 1.0, 1.0):
        return MUTED
    return (r * factor, g * factor, b * factor)


def _ink_on(fill) -> str:
    """Black or white text, whichever contrasts more with ``fill`` (WCAG luminance)."""
    channels = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in mcolors.to_rgb(fill)]
    luminance = 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]
    return "#000000" if (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) else "#FFFFFF"


def _wrap(text: str, width: int) -> str:
    return textwrap.fill(str(text), width=width, break_long_words=False, break_on_hyphens=False)


# --- data helpers ---------------------------------------------------------------------


def _usable(frame, required, function: str, name: str, one_of=()) -> pd.DataFrame | None:
    """The rows worth charting (a copy), or None when there are none.

    An empty or all-NA frame is None (a "Nothing to show" chart); a frame with rows but
    without the columns the chart needs is a mistake, and says which columns.
    """
    if frame is None:
        return None
    if not isinstance(frame, pd.DataFrame):
        raise ReportlibError(f"{function}: {name} must be a DataFrame, not {type(frame).__name__}")
    if frame.empty:
        return None
    missing = [c for c in required if c not in frame.columns]
    if one_of and not any(c in frame.columns for c in one_of):
        missing.append(" or ".join(one_of))
    if missing:
        has = ", ".join(map(str, frame.columns))
        raise ReportlibError(f"{function}: {name} has no column {', '.join(missing)} (it has: {has})")
    subset = [c for c in (*required, *one_of, "action_id") if c in frame.columns]
    frame = frame.dropna(how="all", subset=subset)
    return frame if len(frame) else None


def _codes(values: pd.Series, missing: str) -> pd.Series:
    """Vocabulary codes as written by reportlib.status ("In progress" -> "in_progress")."""
    codes = values.astype("string").str.strip().str.lower().str.replace(r"[\s\-]+", "_", regex=True)
    return codes.replace("", pd.NA).fillna(missing).astype(object)


def _kloe_codes(values: pd.Series) -> pd.Series:
    codes = values.astype("string").str.strip().str.replace(r"^kloe\s*", "", case=False, regex=True)
    return codes.replace("", pd.NA)


def _kloe_labels(codes: pd.Series, names: pd.Series | None) -> pd.Series:
    """ "2.1 Commissioning and procurement" from the framework; "No KLOE" when there is none."""
    names = names.astype("string") if names is not None else pd.Series(pd.NA, index=codes.index, dtype="string")
    labels = []
    for code, name in zip(codes, names):
        if pd.isna(code):
            labels.append(NO_KLOE)
        elif code in _kloe.FRAMEWORK:
            labels.append(_kloe.label(code))
        else:  # outside the framework: say what the data says
            labels.append(f"{code} {name}".strip() if pd.notna(name) else str(code))
    return pd.Series(labels, index=codes.index, dtype=object)


def _kloe_order(tidy: pd.DataFrame) -> pd.DataFrame:
    """One row per KLOE label present, in framework order, "No KLOE" last."""
    kloes = tidy[["kloe", "kloe_label"]].drop_duplicates("kloe_label")

    def key(row):
        code, label = row
        if label == NO_KLOE:
            return (2, (), label)
        parts = str(code).split(".")
        if all(p.isdigit() for p in parts):
            return (0, tuple(int(p) for p in parts), label)
        return (1, (), label)

    ordered = sorted(zip(kloes["kloe"], kloes["kloe_label"]), key=key)
    return pd.DataFrame(ordered, columns=["kloe", "kloe_label"]).astype({"kloe": "string"})


def _short_kloe(code, label: str) -> str:
    return NO_KLOE.replace(" ", "\n") if label == NO_KLOE else str(code)


def _ordered(values: pd.Series, styles: dict) -> list[str]:
    """The values present, the known ones in the house order, then any others A-Z."""
    present = set(values.dropna())
    return [v for v in styles if v in present] + sorted(present - set(styles))


def _count_matrix(tidy, rows: str, columns: str, row_order, column_order) -> pd.DataFrame:
    counts = tidy.groupby([rows, columns]).size().unstack(fill_value=0)
    return counts.reindex(index=list(row_order), columns=list(column_order), fill_value=0).astype(int)


def _long(matrix: pd.DataFrame, rows: str, columns: str, keys: pd.DataFrame) -> pd.DataFrame:
    """The matrix as tidy rows (non-zero counts), with the row keys (kloe code, date) joined."""
    long = matrix.stack().rename("actions").reset_index()
    long.columns = [rows, columns, "actions"]
    long = long[long["actions"] > 0]
    return long.merge(keys, on=rows, how="left").reset_index(drop=True)


def _effective_target(frame: pd.DataFrame) -> pd.Series:
    """``effective_target_date``, or the revised target falling back to the original."""
    target = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    for column in ("effective_target_date", "revised_target_date", "target_date"):
        if column in frame:
            target = target.fillna(pd.to_datetime(frame[column], errors="coerce"))
    return target


def _as_of(value, frame) -> pd.Timestamp | None:
    """The as-of date given, else ``frame.attrs["as_of"]``, else None."""
    if value is None and isinstance(frame, pd.DataFrame):
        value = frame.attrs.get("as_of")
    if value is None:
        return None
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError) as error:
        raise ReportlibError(f"as_of is not a date: {value!r}") from error
    return None if pd.isna(stamp) else stamp.normalize()


def _status_label(code: str) -> str:
    return STATUS_STYLE.get(code, {}).get("label") or _human(code)


def _timeliness_label(code: str) -> str:
    return TIMELINESS_STYLE.get(code, {}).get("label") or _human(code)


def _human(code: str) -> str:
    return str(code).replace("_", " ").capitalize()


# --- words ----------------------------------------------------------------------------


def _date(stamp) -> str:
    """ "31 Jul 2010", whatever the locale."""
    return f"{stamp.day} {_MONTHS[stamp.month - 1]} {stamp.year}"


def _month_year(stamp) -> str:
    return "" if pd.isna(stamp) else f"{_MONTHS[stamp.month - 1]} {stamp.year}"


def _dated(title: str, as_of) -> str:
    return f"{title}, as of {_date(as_of)}" if as_of is not None else title


def _as_of_phrase(as_of) -> str:
    return f" as of {_date(as_of)}" if as_of is not None else ""


def _n(count, noun: str) -> str:
    count = int(count)
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _has(count) -> str:
    return "has" if int(count) == 1 else "have"


def _is(count) -> str:
    return "is" if int(count) == 1 else "are"


def _breakdown(counts: pd.Series) -> str:
    """ "3 complete, 4 in progress, 1 needs review" (non-zero counts, in house order)."""
    return ", ".join(f"{int(n)} {_status_label(code).lower()}" for code, n in counts.items() if n)


def _percent(part: int, total: int) -> str:
    """Rounded half up, but never "100%" unless all, nor "0%" unless none."""
    value = math.floor(100 * part / total + 0.5)
    if part < total:
        value = min(value, 99)
    if part > 0:
        value = max(value, 1)
    return f"{value}%"


def _heatmap_alt(data, value, measure, councils, silent, kloes, as_of) -> str:
    scope = f"{_n(len(councils), 'council')} by {_n(len(kloes), 'KLOE')}{_as_of_phrase(as_of)}"
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
            f"{council} {done}/{total} {part} ({_percent(done, total)}), highest in {best['kloe_label']} "
            f"({_percent(int(best[part]), int(best['actions']))}, {int(best[part])}/{int(best['actions'])})"
        )
    return f"Heat map of {measure.lower()} for {scope}: " + "; ".join(sentences) + "."
