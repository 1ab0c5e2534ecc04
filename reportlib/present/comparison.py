"""Councils compared, at any scale: what the comparison report shows, from 2 councils to 400.

Every piece reads at both ends of the range, and none grows past one A4 page:

* ``ranked``: councils ranked by % complete or % overdue, with the median and the
  quartiles marked; one named bar per council up to ``NAMED_LIMIT`` councils, above
  that a ranked profile (one thin bar per council) naming the highest and the lowest.
* ``by_kloe``: small multiples, one panel per KLOE; each council's % complete while
  there are few (``FEW`` or fewer), above that how the councils spread (a histogram).
* ``days_overdue``: how long overdue actions are overdue, in bands; with many councils
  also how the councils' median days overdue spread.
* ``top_and_bottom``: the top and bottom ``TOP_N`` councils by % complete (every
  council when there are few); the full ranked table is in the pack's ``tables.xlsx``.
* ``heatmap``, ``kloe_table``, ``priority_table``, ``targets``: the detailed views,
  shown while they still fit (the heat map up to ``HEATMAP_LIMIT`` councils), else a
  sentence saying where the figures are.

The figures come from ``compare.council_table`` and ``compare.council_kloe_table``; the
same frames make the comparison sheets of ``tables.xlsx`` (``reportlib.present.packtables``).
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, MaxNLocator

from reportlib.analysis import compare
from reportlib.errors import ReportlibError
from reportlib.model.vocab import long_date
from reportlib.present import charts, report
from reportlib.present.chartkit import (
    INK,
    MUTED,
    OKABE_ITO,
    SMALL_TEXT,
    TIMELINESS_STYLE,
    Chart,
    as_of_date,
    as_of_phrase,
    counted,
    darker,
    dated_title,
    figure_title,
    house_style,
    kloe_codes,
    kloe_labels,
    kloe_order,
    new_figure,
    nothing_to_show,
    percent,
    top_legend,
    wrapped,
)
from reportlib.present.packtables import COMPARISON_SHEETS
from reportlib.present.tables import SafeTable, table

#: Councils named one bar each in a ranked chart; above this, a ranked profile.
NAMED_LIMIT = 40
#: Councils shown one by one in each KLOE panel (and in the tables by council and KLOE or priority).
FEW = 8
#: Councils up to which a heat map of council by KLOE is drawn (it fits one page).
HEATMAP_LIMIT = 40
#: Councils listed at each end of the ranking.
TOP_N = 10
#: Fewest councils for which a median and quartiles are drawn or stated: of fewer they say little.
MIN_FOR_STATISTICS = 5
#: What a share or count of a field a council's plan does not record shows (never 0 or 0%).
NOT_RECORDED = "not recorded"
#: Inches: the tallest a chart may be and still share an A4 page (257 mm of text height) with its caption.
MAX_HEIGHT = 9.0
#: Where the full tables are, as the reader finds them (the sheets ``reportlib.present.packtables`` writes).
WORKBOOK = "tables.xlsx"
COUNCIL_SHEET, COUNCIL_KLOE_SHEET = COMPARISON_SHEETS
#: How long overdue, in bands a committee talks in: (upper bound in days, label).
OVERDUE_BANDS = ((30, "1–30 days"), (90, "31–90 days"), (182, "3–6 months"), (365, "6–12 months"),
                 (math.inf, "over a year"))
_MEASURES = {
    "pct_complete": ("% of actions complete", "complete", OKABE_ITO["bluish_green"]),
    "pct_overdue": ("% of actions overdue", "overdue", OKABE_ITO["vermillion"]),
}


def councils(progress) -> pd.DataFrame:
    """One row per council, ranked (``compare.council_table`` of the progress's actions)."""
    return compare.council_table(progress.actions)


# --- charts ---------------------------------------------------------------------------


@house_style
def ranked(council_table: pd.DataFrame, value: str = "pct_complete", *, as_of=None,
           title: str | None = None) -> Chart:
    """Councils ranked by ``value`` ("pct_complete" or "pct_overdue"), highest first, with
    the median and the quartiles marked. Councils with no updates have no % complete:
    they are left out of that ranking and counted in the axis label and the alt text."""
    if value not in _MEASURES:
        raise ReportlibError(f"ranked: value must be one of {', '.join(_MEASURES)}, not {value!r}")
    measure, part, colour = _MEASURES[value]
    as_of = as_of_date(as_of, council_table)
    title = title or dated_title(f"Councils ranked by {measure}", as_of)
    columns = ["position", "council_code", "council", value, part, "actions"]
    if council_table is None or council_table.empty:
        return nothing_to_show(title, "there are no councils", columns)
    frame = council_table[council_table[value].notna()]
    unranked = len(council_table) - len(frame)
    if frame.empty:
        return nothing_to_show(title, "no council has reported progress yet", columns)
    data = frame.sort_values([value, "council_code"], ascending=[False, True], kind="stable").reset_index(drop=True)
    data = data.assign(position=np.arange(1, len(data) + 1))
    data[value] = data[value].astype(float)
    data = data[columns]
    q1, median, q3 = compare.quartiles(data[value])

    named = len(data) <= NAMED_LIMIT
    height = min(MAX_HEIGHT, 1.9 + 0.24 * len(data)) if named else 4.4
    fig = new_figure(max(2.6, height))
    ax = fig.add_subplot()
    style = {"color": colour, "edgecolor": darker(colour), "linewidth": 0.4}
    if named:
        ax.barh(data["position"], data[value], height=0.7, **style)
        labels = [f"{percent(int(k), int(n))} ({int(k)}/{int(n)})" for k, n in zip(data[part], data["actions"])]
        fontsize = 10 if len(data) <= 20 else SMALL_TEXT
        for y, x, text in zip(data["position"], data[value], labels):
            ax.annotate(text, xy=(x, y), xytext=(4, 0), textcoords="offset points", va="center", ha="left",
                        fontsize=fontsize, color=INK, gid="value",
                        bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none"})
        ax.set_yticks(data["position"], [wrapped(c, 34) if len(data) <= 20 else str(c) for c in data["council"]],
                      fontsize=fontsize)
        ax.set_ylim(len(data) + 0.6, 0.4)
        ax.set_xlim(0, 118)  # room for the figures at the bars' ends
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:.0f}%" if x <= 100 else ""))
        ax.tick_params(axis="y", length=0)
        ax.set_xlabel(measure.capitalize() + _left_out(unranked))
        marks = ax.axvline
    else:
        # one bar per council, drawn as one filled outline: 400 separate bars cost seconds to lay out
        ax.stairs(data[value], np.arange(0.5, len(data) + 1), fill=True, color=colour, linewidth=0, baseline=0)
        ax.set_xlim(0.5, len(data) + 0.5)
        ax.set_ylim(0, max(5.0, float(data[value].max())) * 1.12)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _: f"{y:.0f}%"))
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=8))
        ax.set_ylabel(measure.capitalize())
        top, bottom = data.iloc[0], data.iloc[-1]
        ax.set_xlabel(f"Councils ranked from highest to lowest, one bar each ({counted(len(data), 'council')})"
                      + _left_out(unranked)
                      + f"\nhighest: {top['council']} ({top[value]:.0f}%); lowest: {bottom['council']} "
                      f"({bottom[value]:.0f}%)\nevery council's figures: {WORKBOOK}, sheet '{COUNCIL_SHEET}'")
        marks = ax.axhline
    statistics = len(data) >= MIN_FOR_STATISTICS  # a median of two councils says nothing
    if statistics:
        marks(median, color=INK, linewidth=1.6, gid="median")
        for q in (q1, q3):
            marks(q, color=INK, linewidth=1.1, linestyle=(0, (4, 3)), gid="quartile")
        handles = [Line2D([], [], color=INK, linewidth=1.6, label=f"Median {median:.0f}%"),
                   Line2D([], [], color=INK, linewidth=1.1, linestyle=(0, (4, 3)),
                          label=f"Quartiles {q1:.0f}% and {q3:.0f}%")]
    figure_title(fig, title)
    if statistics:
        top_legend(fig, ax, handles)

    top, bottom = data.iloc[0], data.iloc[-1]
    spread = (f"median {median:.0f}%, lower quartile {q1:.0f}%, upper quartile {q3:.0f}%. " if statistics else "")
    ends = (f"Highest {top['council']} ({_figure(top, value, part)}), lowest {bottom['council']} "
            f"({_figure(bottom, value, part)})." if len(data) > 1 else
            f"{top['council']} ({_figure(top, value, part)}) is the only council ranked.")
    alt = (f"{'Bars' if named else 'A ranked profile'} of {measure.lower()} for {counted(len(data), 'council')}"
           f"{as_of_phrase(as_of)}, highest first: {spread}{ends}")
    finding = ends
    if statistics:
        finding += (f" The median council has {median:.0f}% {part} (solid line); the middle half lie between "
                    f"{q1:.0f}% and {q3:.0f}% (dashed lines).")
    if unranked:
        left_out = f" {counted(unranked, 'council')} with no updates {'is' if unranked == 1 else 'are'} not ranked."
        alt += left_out
        finding += left_out
    return Chart(fig, title, alt, data, finding)


def _figure(row, value: str, part: str) -> str:
    """"21%, 12 of 56 actions": a council's share as the ranked chart's caption writes it."""
    return f"{row[value]:.0f}%, {int(row[part])} of {counted(int(row['actions']), 'action')}"


def _without_kloes(actions: pd.DataFrame) -> bool:
    """True for actions of plans that are not Use of Resources plans: no action has a KLOE."""
    return actions is not None and not actions.empty and ("kloe" not in actions or actions["kloe"].isna().all())


def group_heading(progress) -> SafeTable:
    """The heading of the by-KLOE section: "By KLOE" for Use of Resources plans. Plans grouped their
    own way (audit reports, themes) have no groups in common, so they are not compared group by
    group, and the section says so in their words."""
    if not _without_kloes(progress.actions):
        return report.heading("KLOE", "By {group}")
    return report.heading(progress, "By {group}", "Each council's plan has its own {groups}, so councils are not "
                                                  "compared {group} by {group}: each council's progress report "
                                                  "shows its progress by {group}.")


@house_style
def by_kloe(actions: pd.DataFrame, *, as_of=None, title: str | None = None) -> Chart:
    """Small multiples, one panel per KLOE, of the councils' % complete in it.

    Up to ``FEW`` councils each panel has one bar per council, with its figures written
    out ("no updates" where it has reported nothing in the KLOE, "no actions" where it has
    none); with more, each panel is a histogram of how many councils fall in each 10%
    band, with the median marked.
    """
    if _without_kloes(actions):  # not Use of Resources plans: see ``group_heading``
        return SafeTable("")
    as_of = as_of_date(as_of, actions)
    title = title or dated_title("% of actions complete by KLOE", as_of)
    columns = ["kloe", "kloe_label", "council_code", "actions", "complete", "pct_complete"]
    if actions is None or actions.empty:
        return nothing_to_show(title, "there are no actions", columns)
    tidy = compare.council_kloe_table(actions)
    tidy["kloe"] = kloe_codes(tidy["kloe"].where(tidy["kloe"] != "(none)"))
    tidy["kloe_label"] = kloe_labels(tidy["kloe"], None)
    kloes = kloe_order(tidy)
    data = tidy[columns].reset_index(drop=True)
    codes = sorted(data["council_code"].unique())
    few = len(codes) <= FEW

    ncols = 2
    nrows = math.ceil(len(kloes) / ncols)
    panel = (0.55 + 0.2 * len(codes)) if few else 1.45
    fig = new_figure(min(MAX_HEIGHT, 0.9 + nrows * panel))
    axes = fig.subplots(nrows, ncols, sharex=True, squeeze=False).ravel()
    colour = _MEASURES["pct_complete"][2]
    medians = {}
    for ax, (_code, label) in zip(axes, zip(kloes["kloe"], kloes["kloe_label"])):
        rows = data[data["kloe_label"] == label].set_index("council_code").reindex(codes)
        values = rows["pct_complete"].astype(float)
        medians[label] = compare.quartiles(values)[1]
        heading = wrapped(label, 40)
        if few:
            positions = np.arange(len(codes))
            ax.barh(positions, values.fillna(0), height=0.7, color=colour, edgecolor=darker(colour), linewidth=0.4)
            for y, (value, done, total) in enumerate(zip(values, rows["complete"], rows["actions"])):
                text = ("no actions" if pd.isna(total) else "no updates" if pd.isna(value)
                        else f"{percent(int(done), int(total))} ({int(done)}/{int(total)})")
                ax.annotate(text, xy=(0 if pd.isna(value) else value, y), xytext=(3, 0), textcoords="offset points",
                            va="center", ha="left", fontsize=SMALL_TEXT - 1, color=INK if pd.notna(value) else MUTED,
                            fontstyle="normal" if pd.notna(value) else "italic", gid="value")
            ax.set_yticks(positions, codes, fontsize=SMALL_TEXT)
            ax.set_ylim(len(codes) - 0.4, -0.6)
            ax.tick_params(axis="y", length=0)
            ax.set_xlim(0, 135)
        else:
            counts, _ = np.histogram(values.dropna().clip(0, 100), bins=np.arange(0, 101, 10))
            ax.bar(np.arange(5, 100, 10), counts, width=9.2, color=colour, edgecolor=darker(colour), linewidth=0.4)
            if not math.isnan(medians[label]):
                ax.axvline(medians[label], color=INK, linewidth=1.4, gid="median")
                heading += f"\nmedian {medians[label]:.0f}%"
            ax.set_xlim(0, 100)
            ax.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=3))
        ax.set_title(heading, fontsize=SMALL_TEXT, loc="left", color=INK)
        ax.tick_params(axis="both", labelsize=SMALL_TEXT)
    for ax in axes[len(kloes):]:
        ax.set_axis_off()
    for i, ax in enumerate(axes[:len(kloes)]):
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:.0f}%" if x <= 100 else ""))
        # the scale is the same in every panel: written under the lowest panel of each column only
        ax.xaxis.set_tick_params(labelbottom=i + ncols >= len(kloes))
    figure_title(fig, title)
    fig.supxlabel("% of the KLOE's actions complete" + ("" if few else
                  " (bars: number of councils in each 10% band; line: the median council)"), fontsize=SMALL_TEXT)

    known = {k: v for k, v in medians.items() if not math.isnan(v)}
    alt = f"Small multiples of % complete for {counted(len(kloes), 'KLOE')} and {counted(len(codes), 'council')}" \
          f"{as_of_phrase(as_of)}"
    if not known:
        finding = "No council has reported progress yet."
    elif few:  # each council's own furthest and least far KLOE: a median of a few councils says little
        finding = " ".join(_council_kloe_ends(data, code) for code in codes)
    else:
        best, worst = max(known, key=known.get), min(known, key=known.get)
        finding = (f"The median council is furthest on in {best} ({known[best]:.0f}%) and least far in "
                   f"{worst} ({known[worst]:.0f}%).")
    alt += ": " + finding[:1].lower() + finding[1:] if finding.startswith("The ") else ": " + finding
    return Chart(fig, title, alt, data, finding)


def _council_kloe_ends(data: pd.DataFrame, code: str) -> str:
    """"WDC is furthest on in 3.3 Workforce (67%, 4 of 6) and least far in 1.1 ... (0%, 0 of 9)."."""
    rows = data[(data["council_code"] == code) & data["pct_complete"].notna()]
    if rows.empty:
        return f"{code} has no updates yet."
    rows = rows.assign(value=rows["pct_complete"].astype(float))
    best, worst = rows.loc[rows["value"].idxmax()], rows.loc[rows["value"].idxmin()]
    said = lambda r: f"{r['kloe_label']} ({r['value']:.0f}%, {int(r['complete'])} of {int(r['actions'])})"  # noqa: E731
    if best["kloe_label"] == worst["kloe_label"]:
        return f"{code}: {said(best)} complete."
    return f"{code} is furthest on in {said(best)} and least far in {said(worst)}."


@house_style
def days_overdue(actions: pd.DataFrame, *, as_of=None, title: str | None = None) -> Chart:
    """How long the overdue actions are overdue, in bands (every council together); with
    more than ``FEW`` councils, a second panel shows how the councils' median days overdue spread."""
    as_of = as_of_date(as_of, actions)
    title = title or dated_title("How long overdue actions are overdue", as_of)
    columns = ["band", "overdue_actions", "councils"]
    if actions is None or actions.empty:
        return nothing_to_show(title, "there are no actions", columns)
    late = actions[actions["timeliness"] == "overdue"]
    if late.empty:
        return nothing_to_show(title, f"no action is overdue{as_of_phrase(as_of)}", columns)
    days = late["days_overdue"].astype(float)
    labels = [label for _, label in OVERDUE_BANDS]
    per_action = _banded(days).value_counts().reindex(labels, fill_value=0)
    council_medians = late.assign(days=days).groupby("council_code")["days"].median()
    per_council = _banded(council_medians).value_counts().reindex(labels, fill_value=0)
    data = pd.DataFrame({"band": labels, "overdue_actions": per_action.to_numpy(),
                         "councils": per_council.to_numpy()})
    many = actions["council_code"].nunique() > FEW

    fig = new_figure(5.4 if many else 2.8)
    panels = fig.subplots(2 if many else 1, 1, squeeze=False).ravel()
    style = TIMELINESS_STYLE["overdue"]
    for ax, column, what in zip(panels, ("overdue_actions", "councils"),
                                ("Overdue actions", "Councils with overdue actions, by their median days overdue")):
        bars = ax.barh(np.arange(len(labels)), data[column], height=0.65, color=style["color"], hatch=style["hatch"],
                       edgecolor=darker(style["color"]), linewidth=0.6)
        total = int(data[column].sum())
        ax.bar_label(bars, labels=[f"{n:,} ({percent(n, total)})" if n else "0" for n in data[column]],
                     padding=4, fontsize=SMALL_TEXT, color=INK)
        ax.set_yticks(np.arange(len(labels)), labels)
        ax.invert_yaxis()
        ax.set_xlim(0, max(1, int(data[column].max())) * 1.3)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:,.0f}"))
        ax.tick_params(axis="y", length=0)
        ax.set_xlabel(f"{what} ({total:,})")
    figure_title(fig, title)

    median = float(days.median())
    worst = late.loc[days.idxmax()]
    alt = (f"Bars of {counted(len(late), 'overdue action')}{as_of_phrase(as_of)} by how long overdue: "
           + ", ".join(f"{label} {n:,}" for label, n in zip(labels, data["overdue_actions"]))
           + f". Median {median:.0f} days; longest {int(worst['days_overdue'])} days ({worst['council_code']}).")
    if many:
        alt += (" Councils by their median days overdue: "
                + ", ".join(f"{label} {n:,}" for label, n in zip(labels, data["councils"])) + ".")
    most = data.loc[data["overdue_actions"].idxmax()]
    finding = (f"Of {counted(len(late), 'overdue action')}, most ({int(most['overdue_actions']):,}) "
               f"{'is' if int(most['overdue_actions']) == 1 else 'are'} overdue by {most['band']}; the longest by "
               f"{int(worst['days_overdue'])} days ({worst['council_code']})"
               + (f", and half by more than {median:.0f} days." if len(late) >= MIN_FOR_STATISTICS else "."))
    return Chart(fig, title, alt, data, finding)


def _banded(days: pd.Series) -> pd.Series:
    edges = [0] + [upper for upper, _ in OVERDUE_BANDS]
    return pd.cut(days, bins=edges, labels=[label for _, label in OVERDUE_BANDS], right=True).astype(object)


def _left_out(unranked: int) -> str:
    return f"; {counted(unranked, 'council')} with no updates not ranked" if unranked else ""


# --- tables and words ---------------------------------------------------------------


def overview(council_table: pd.DataFrame, progress) -> SafeTable:
    """A paragraph of the headline figures: councils, actions, and the spread of % complete and % overdue."""
    n = len(council_table)
    if n == 0:
        return report.text("There are no councils' actions in the data.")
    q_done = compare.quartiles(council_table["pct_complete"])
    q_late = compare.quartiles(council_table["pct_overdue"])
    silent = int(council_table["pct_complete"].isna().sum())
    words = (f"{counted(n, 'council')}, {int(council_table['actions'].sum()):,} actions, as of "
             f"{long_date(progress.as_of)}.")
    if n > 1:
        if int(council_table["pct_complete"].notna().sum()) >= MIN_FOR_STATISTICS:  # of fewer they say little
            words += (f" Across the councils, the median council has {q_done[1]:.0f}% of its actions complete "
                      f"(the middle half lie between {q_done[0]:.0f}% and {q_done[2]:.0f}%)")
            words += f" and {q_late[1]:.0f}% overdue (between {q_late[0]:.0f}% and {q_late[2]:.0f}%)."
        if silent:
            words += f" {counted(silent, 'council')} {'has' if silent == 1 else 'have'} no updates yet."
    if n > FEW:
        words += (f" Every council's figures are in {WORKBOOK}: sheet '{COUNCIL_SHEET}' (one row per council, "
                  f"ranked) and sheet '{COUNCIL_KLOE_SHEET}'.")
    return report.text(words)


_COUNCIL_COLUMNS = {"rank": "Rank", "council": "Council", "actions": "Actions", "complete_text": "Complete",
                    "overdue_text": "Overdue", "median_days_overdue": "Median days overdue",
                    "longest_overdue": "Longest overdue (days)", "quarter": "Quarter by % complete"}


def _readable(council_table: pd.DataFrame) -> pd.DataFrame:
    frame = council_table.copy()
    frame["complete_text"] = [
        "no updates" if pd.isna(p) else f"{percent(int(c), int(n))} ({int(c)}/{int(n)})"
        for p, c, n in zip(frame["pct_complete"], frame["complete"], frame["actions"])
    ]
    frame["overdue_text"] = [f"{percent(int(o), int(n))} ({int(o)}/{int(n)})"
                             for o, n in zip(frame["overdue"], frame["actions"])]
    frame["median_days_overdue"] = frame["median_days_overdue"].astype("Int64")
    return frame


def top_and_bottom(council_table: pd.DataFrame, n: int = TOP_N) -> SafeTable:
    """The ``n`` councils with the highest % complete and the ``n`` with the lowest; every
    council, ranked, when there are no more than ``2 * n``. Ties share a rank."""
    if council_table.empty:
        return report.text("There are no councils to rank.")
    frame = _readable(council_table)
    if len(frame) <= 2 * n:
        return table(frame, _COUNCIL_COLUMNS, caption=f"All {counted(len(frame), 'council')}, ranked by % complete")
    note = report.text(f"The {n} councils with the highest and the {n} with the lowest % complete, of "
                       f"{len(frame)}. Every council is in {WORKBOOK}, sheet '{COUNCIL_SHEET}'.")
    top = table(frame.head(n), _COUNCIL_COLUMNS, caption=f"Top {n} of {len(frame)} councils by % complete")
    bottom = table(frame.tail(n), _COUNCIL_COLUMNS, caption=f"Bottom {n} of {len(frame)} councils by % complete")
    return SafeTable(note.html + top.html + bottom.html)


def heatmap(actions: pd.DataFrame, *, as_of=None, value: str = "pct_complete"):
    """The heat map of council by KLOE up to ``HEATMAP_LIMIT`` councils; above, a sentence saying why not."""
    if _without_kloes(actions):  # not Use of Resources plans: see ``group_heading``
        return SafeTable("")
    count = actions["council_code"].nunique() if len(actions) else 0
    if count <= HEATMAP_LIMIT:
        return charts.council_kloe_heatmap(actions, value, as_of=as_of)
    return report.text(f"A heat map of {count} councils by KLOE would not fit a page, so it is drawn for up to "
                       f"{HEATMAP_LIMIT} councils. The small multiples above show the spread in each KLOE, and every "
                       f"council's figures by KLOE are in {WORKBOOK}, sheet '{COUNCIL_KLOE_SHEET}'.")


def kloe_table(actions: pd.DataFrame) -> SafeTable:
    """Councils by KLOE as a table while there are few councils; above ``FEW``, where the table is."""
    if _without_kloes(actions):  # not Use of Resources plans: see ``group_heading``
        return SafeTable("")
    count = actions["council_code"].nunique() if len(actions) else 0
    if count <= FEW:
        return report.comparison_table(compare.compare_councils(actions), unrecorded=_not_recorded(actions, "priority"))
    return report.text(f"The table of {count} councils by KLOE ({count} × {actions['kloe'].nunique()} rows) is in "
                       f"{WORKBOOK}, sheet '{COUNCIL_KLOE_SHEET}'.")


def _not_recorded(actions: pd.DataFrame, column: str) -> set:
    """The councils whose plans record nothing in ``column`` (a share or count of it is "not recorded", not 0)."""
    if column not in actions:
        return set(actions["council_code"].dropna())
    recorded = actions[column].notna() & actions[column].astype("string").str.strip().ne("")
    return set(actions.loc[~recorded.fillna(False), "council_code"]) - set(actions.loc[recorded.fillna(False), "council_code"])


def priority_table(progress) -> SafeTable:
    """Actions by council and priority while there are few councils; above ``FEW``, by priority alone.
    A council whose plan records no priority shows "not recorded" as its priority."""
    count = progress.actions["council_code"].nunique()
    if count <= FEW:
        return report.summary_table(progress.summary(["council_code", "priority"]), ["council_code", "priority"],
                                    "Actions by council and priority")
    return report.summary_table(progress.summary("priority"), "priority",
                                f"Actions by priority, all {count} councils together")


def targets(progress):
    """The target-date timeline while there are few councils (one marker per action); above
    ``FEW``, a sentence pointing to the distribution of days overdue."""
    count = progress.actions["council_code"].nunique()
    if count <= FEW:  # one row per council, named: which council each marker is
        return charts.targets_timeline(progress.actions, progress.as_of, y="council",
                                       title=dated_title("Target dates by council", progress.as_of))
    return report.text(f"With {count} councils, a marker per action ({len(progress.actions):,}) would hide itself; "
                       "how long overdue actions are overdue is shown above, band by band.")
