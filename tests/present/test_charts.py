"""Charts: content, not pixels. Small frames are built in code."""
from __future__ import annotations

import base64
import html
import re

import matplotlib
import pandas as pd
import pytest
from matplotlib.figure import Figure

from reportlib.analysis.status import STATUSES
from reportlib.errors import ReportlibError
from reportlib.present import charts
from reportlib.present.charts import (
    Chart,
    council_kloe_heatmap,
    overdue_by_owner,
    progress_by_kloe,
    status_by_snapshot,
    targets_timeline,
)

AS_OF = pd.Timestamp("2010-07-31")


def make_actions(rows) -> pd.DataFrame:
    """rows: (council_code, kloe, status, timeliness, owner, target) tuples."""
    names = {"WDC": "Warwick District Council", "SDDC": "South Derbyshire District Council"}
    records = []
    for i, (code, kloe, status, timeliness, owner, target) in enumerate(rows):
        target = pd.Timestamp(target) if target else pd.NaT
        records.append({
            "council": names[code], "council_code": code, "assessment": "2010",
            "action_id": f"{code}-2010-{i:03d}",
            "theme": int(kloe[0]) if kloe else pd.NA, "kloe": kloe, "kloe_name": None,
            "owner": owner, "priority": "High",
            "target_date": target, "revised_target_date": pd.NaT, "effective_target_date": target,
            "status": status, "timeliness": timeliness,
            "days_overdue": (AS_OF - target).days if timeliness == "overdue" else pd.NA,
            "rag": "Red" if timeliness == "overdue" else "Green",
        })
    frame = pd.DataFrame(records)
    frame["theme"] = frame["theme"].astype("Int64")
    frame["days_overdue"] = frame["days_overdue"].astype("Int64")
    return frame


@pytest.fixture
def actions() -> pd.DataFrame:
    return make_actions([
        ("WDC", "2.1", "complete", "complete", "HoF", "2010-03-31"),
        ("WDC", "2.1", "complete", "complete", "HoF", "2010-03-31"),
        ("WDC", "2.1", "in_progress", "overdue", "HoF", "2010-06-30"),
        ("WDC", "2.1", "needs_review", "overdue", None, "2010-03-31"),
        ("WDC", "1.1", "in_progress", "due_soon", "Chief Executive", "2010-08-31"),
        ("WDC", "1.1", "planned", "on_time", "Chief Executive", "2011-03-31"),
        ("WDC", None, "in_progress", "overdue", "Chief Executive", "2010-05-31"),
        ("WDC", "3.3", "no_update", "no_target", "HoF", None),
        ("SDDC", "2.1", "no_update", "overdue", "Head of Corporate Services", "2010-03-31"),
        ("SDDC", "3.1", "no_update", "on_time", None, "2010-12-31"),
    ])


@pytest.fixture
def history() -> pd.DataFrame:
    rows = []
    # listed out of date order on purpose
    for snapshot, date, statuses in [
        ("July 2010", "2010-07-31", ["complete", "complete", "complete", "in_progress"]),
        ("December 2009", "2009-12-31", ["planned", "planned", "in_progress", "no_update"]),
        ("March 2010", "2010-03-31", ["complete", "in_progress", "in_progress", "needs_review"]),
    ]:
        for i, status in enumerate(statuses):
            rows.append({"council_code": "WDC", "action_id": f"WDC-2010-{i:03d}", "snapshot": snapshot,
                         "snapshot_date": pd.Timestamp(date), "status": status})
    return pd.DataFrame(rows)


def texts(ax, gid=None) -> list[str]:
    return [t.get_text() for t in ax.texts if gid is None or t.get_gid() == gid]


def legend_labels(ax) -> list[str]:
    return [t.get_text() for t in ax.get_legend().get_texts()]


def tick_labels(ticks) -> list[str]:
    return [" ".join(t.get_text().split()) for t in ticks]


def segments(ax, horizontal=True) -> dict[str, list[float]]:
    """Legend label -> the segment sizes of that status, one per bar."""
    size = (lambda p: p.get_width()) if horizontal else (lambda p: p.get_height())
    return {c.get_label(): [size(p) for p in c.patches] for c in ax.containers}


# --- the Chart object -----------------------------------------------------------------


def test_chart_is_a_figure_made_without_pyplot(actions):
    chart = progress_by_kloe(actions)
    assert isinstance(chart, Chart)
    assert isinstance(chart.figure, Figure)
    assert chart.figure.canvas.manager is None  # pyplot never saw it: nothing will auto-display it


def test_repr_html_is_self_contained_with_escaped_alt_text(actions):
    chart = progress_by_kloe(actions, title="Progress <b>& more</b>")
    chart.alt_text = 'Bars "quoted" <script>alert(1)</script> & more'
    page = chart._repr_html_()
    mime, data = chart.image_data()
    assert page.startswith(f'<figure class="chart"><img src="data:{mime};base64,')
    assert 'alt="Bars &quot;quoted&quot; &lt;script&gt;alert(1)&lt;/script&gt; &amp; more"' in page
    assert "<script>" not in page
    caption = re.search(r"<figcaption>(.*?)</figcaption>", page).group(1)
    assert caption == html.escape(chart.finding) and "<b>" not in caption  # the finding, escaped
    assert "max-width:100%" in page
    assert not re.search(r"(?:src|href)=\"(?!data:)", page)  # no external URL
    assert "http" not in page
    encoded = re.search(r'src="data:image/(?:png|svg\+xml);base64,([^"]+)"', page).group(1)
    assert base64.b64decode(encoded) == data
    png, svg = chart.to_png(), chart.to_svg()
    # the 200 dpi PNG (a 7 in wide figure is 1400 px wide), the one drawn for the notebook
    assert (mime, data) == ("image/png", png)
    assert png.startswith(b"\x89PNG") and int.from_bytes(png[16:20], "big") == 1400
    assert svg.lstrip().startswith(b"<?xml") and b"<script" not in svg


def test_the_svg_is_drawn_only_until_it_cannot_be_the_smaller(actions):
    chart = progress_by_kloe(actions)
    svg = chart.to_svg()
    assert chart.to_svg(limit=len(svg) + 1) == svg          # under the limit: the whole SVG
    assert chart.to_svg(limit=len(svg) // 2) is None         # past it: stopped, nothing returned
    png = chart.to_png()
    assert chart.to_png() == png and chart.to_svg() == svg   # a stopped SVG leaves the figure as it was


def test_a_report_shows_the_png_the_notebook_has_and_draws_no_svg(actions, monkeypatch):
    """The HTML (and so the PDF) embeds the 200 dpi PNG drawn once for the notebook: drawing an
    SVG as well, to see whether it is smaller, cost a fifth of a chart's time, and on every
    shipped and synthetic chart the PNG was the smaller (``benchmarks/bench_chart_formats.py``)."""
    chart = progress_by_kloe(actions)
    png = chart._repr_png_()

    def no_svg(*args, **kwargs):
        raise AssertionError("an SVG was drawn")

    monkeypatch.setattr(type(chart), "to_svg", no_svg)
    assert chart.image_data() == ("image/png", png)
    assert base64.b64encode(png).decode() in chart._repr_html_()


def test_repr_png_and_save(actions, tmp_path):
    chart = overdue_by_owner(actions)
    assert chart._repr_png_().startswith(b"\x89PNG")
    for name in ("chart.png", "chart.pdf", "chart.svg"):
        path = chart.save(tmp_path / name)
        assert path.exists() and path.stat().st_size > 0
    assert (tmp_path / "chart.pdf").read_bytes().startswith(b"%PDF")


def test_house_style_is_not_left_behind(actions):
    before = dict(matplotlib.rcParams)
    progress_by_kloe(actions).to_png()
    assert dict(matplotlib.rcParams) == before


def test_every_status_has_a_style_and_a_hatch_or_is_complete():
    assert set(charts.STATUS_STYLE) == set(STATUSES)
    hatches = [s["hatch"] for s in charts.STATUS_STYLE.values()]
    colours = [s["color"] for s in charts.STATUS_STYLE.values()]
    assert len(set(hatches)) == len(hatches) and len(set(colours)) == len(colours)
    markers = [s["marker"] for s in charts.TIMELINESS_STYLE.values()]
    assert len(set(markers)) == len(markers)


# --- progress_by_kloe -----------------------------------------------------------------


def test_progress_by_kloe_bars_match_counts(actions):
    chart = progress_by_kloe(actions, as_of=AS_OF)
    ax = chart.figure.axes[0]
    assert tick_labels(ax.get_yticklabels()) == [
        "1.1 Planning for financial health",
        "2.1 Commissioning and procurement",
        "3.1 Natural resources",
        "3.3 Workforce",
        "No KLOE",
    ]
    # legend: the statuses present, in the fixed order
    assert legend_labels(ax) == ["Complete", "In progress", "Planned", "No update", "Needs review"]
    assert segments(ax) == {
        "Complete": [0, 2, 0, 0, 0],
        "In progress": [1, 1, 0, 0, 1],
        "Planned": [1, 0, 0, 0, 0],
        "No update": [0, 1, 1, 1, 0],
        "Needs review": [0, 1, 0, 0, 0],
    }
    # segments stack: each starts where the one before ended
    lefts = [p.get_x() for p in ax.containers[1].patches]
    assert lefts == [0, 2, 0, 0, 0]
    assert texts(ax, "total") == ["2", "5", "1", "1", "1"]
    assert "2" in texts(ax, "segment")
    assert chart.figure.get_suptitle() == "Action status by KLOE, as of 31 Jul 2010"
    assert ax.get_xlabel() == "Number of actions" and ax.get_ylabel() == "KLOE"


def test_progress_by_kloe_data_and_alt_text(actions):
    chart = progress_by_kloe(actions, as_of="2010-07-31")
    data = chart.data
    assert list(data.columns) == ["kloe", "kloe_label", "status", "status_label", "actions"]
    wdc_21 = data[data["kloe_label"] == "2.1 Commissioning and procurement"]
    assert dict(zip(wdc_21["status"], wdc_21["actions"])) == {"complete": 2, "in_progress": 1, "no_update": 1, "needs_review": 1}
    assert data["actions"].sum() == len(actions)
    assert data.loc[data["kloe_label"] == "No KLOE", "kloe"].isna().all()
    assert chart.alt_text.startswith("Stacked bars of 10 actions by KLOE as of 31 Jul 2010: ")
    assert "2.1 Commissioning and procurement has the most (5: 2 complete, 1 in progress, 1 no update, 1 needs review)" in chart.alt_text
    assert "1 action has no KLOE" in chart.alt_text


def test_progress_by_kloe_reads_as_of_from_attrs(actions):
    actions.attrs["as_of"] = "2010-07-31"
    assert "as of 31 Jul 2010" in progress_by_kloe(actions).title


def test_small_segments_are_not_labelled():
    rows = [("WDC", "2.1", "complete", "complete", "HoF", "2010-03-31")] * 60
    rows += [("WDC", "2.1", "planned", "on_time", "HoF", "2011-03-31")]
    ax = progress_by_kloe(make_actions(rows)).figure.axes[0]
    assert texts(ax, "segment") == ["60"]  # the single planned action is too thin to hold "1"
    assert texts(ax, "total") == ["61"]


def test_unknown_status_is_shown_not_dropped():
    frame = make_actions([("WDC", "2.1", "complete", "complete", "HoF", "2010-03-31"),
                          ("WDC", "2.1", "Deferred", "on_time", "HoF", "2011-03-31")])
    chart = progress_by_kloe(frame)
    assert legend_labels(chart.figure.axes[0]) == ["Complete", "Deferred"]
    assert chart.data["actions"].sum() == 2


# --- status_by_snapshot ---------------------------------------------------------------


def test_status_by_snapshot_bars_in_date_order(history):
    chart = status_by_snapshot(history)
    ax = chart.figure.axes[0]
    assert tick_labels(ax.get_xticklabels()) == ["December 2009", "March 2010", "July 2010"]
    assert legend_labels(ax) == ["Complete", "In progress", "Planned", "No update", "Needs review"]
    assert segments(ax, horizontal=False) == {
        "Complete": [0, 1, 3],
        "In progress": [1, 2, 1],
        "Planned": [2, 0, 0],
        "No update": [1, 0, 0],
        "Needs review": [0, 1, 0],
    }
    assert list(chart.data.columns) == ["snapshot", "snapshot_date", "status", "status_label", "actions"]
    assert list(chart.data["snapshot"].unique()) == ["December 2009", "March 2010", "July 2010"]
    assert "3 progress updates from December 2009 to July 2010" in chart.alt_text
    assert "complete went from 0 of 4 to 3 of 4" in chart.alt_text
    assert "at July 2010: 3 complete, 1 in progress" in chart.alt_text
    assert ax.get_xlabel() and ax.get_ylabel() == "Number of actions"


# --- council_kloe_heatmap -------------------------------------------------------------


def test_heatmap_cells(actions):
    chart = council_kloe_heatmap(actions)
    ax = chart.figure.axes[0]
    assert tick_labels(ax.get_yticklabels()) == ["South Derbyshire District Council", "Warwick District Council"]
    assert tick_labels(ax.get_xticklabels()) == ["1.1", "2.1", "3.1", "3.3", "No KLOE"]
    cells = [" ".join(t.split()) for t in texts(ax, "cell")]
    # row by row: SDDC has actions only in 2.1 and 3.1, and no updates at all
    assert cells[:5] == ["–", "no updates", "no updates", "–", "–"]
    assert cells[5:] == ["0% 0/2", "50% 2/4", "–", "0% 0/1", "0% 0/1"]
    data = chart.data.set_index(["council", "kloe_label"])
    cell = data.loc[("Warwick District Council", "2.1 Commissioning and procurement")]
    assert (cell["actions"], cell["complete"], cell["pct_complete"], cell["text"]) == (4, 2, 50.0, "50%\n2/4")
    assert pd.isna(data.loc[("South Derbyshire District Council", "2.1 Commissioning and procurement"), "pct_complete"])
    assert "South Derbyshire District Council has no updates on any of its 2 actions" in chart.alt_text
    assert "Warwick District Council 2/8 complete (25%), highest in 2.1 Commissioning and procurement (50%, 2/4)" in chart.alt_text
    assert "KLOE" in ax.get_xlabel() and "2.1 Commissioning and procurement" in ax.get_xlabel()
    assert ax.get_ylabel() == "Council"


def test_heatmap_other_values(actions):
    overdue = council_kloe_heatmap(actions, value="pct_overdue")
    cells = [" ".join(t.split()) for t in texts(overdue.figure.axes[0], "cell")]
    assert cells[5:] == ["0% 0/2", "50% 2/4", "–", "0% 0/1", "100% 1/1"]
    counts = council_kloe_heatmap(actions, value="actions")
    assert texts(counts.figure.axes[0], "cell") == ["–", "1", "1", "–", "–", "2", "4", "–", "1", "1"]
    with pytest.raises(ReportlibError, match="value must be one of"):
        council_kloe_heatmap(actions, value="rag")


def test_heatmap_no_updates_fits_many_columns():
    kloes = ["1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "2.4", "3.1", "3.2", "3.3", None]
    frame = make_actions([("SDDC", k, "no_update", "on_time", "HoF", "2011-03-31") for k in kloes]
                         + [("WDC", k, "complete", "complete", "HoF", "2010-03-31") for k in kloes])
    ax = council_kloe_heatmap(frame).figure.axes[0]
    cells = texts(ax, "cell")
    assert [" ".join(t.split()) for t in cells[:11]] == ["no updates"] * 11
    assert cells[11:] == ["100%\n1/1"] * 11


def test_percent_never_rounds_to_all_or_none():
    assert charts.percent(199, 200) == "99%"
    assert charts.percent(1, 300) == "1%"
    assert charts.percent(1, 8) == "13%"  # half up, not to even
    assert charts.percent(2, 2) == "100%"


# --- overdue_by_owner -----------------------------------------------------------------


def test_overdue_by_owner(actions):
    chart = overdue_by_owner(actions, as_of=AS_OF)
    ax = chart.figure.axes[0]
    owners = ["Chief Executive", "Head of Corporate Services", "HoF", "No owner named"]  # ties A-Z
    assert tick_labels(ax.get_yticklabels()) == owners
    assert [p.get_width() for p in ax.containers[0].patches] == [1, 1, 1, 1]
    assert texts(ax) == ["1", "1", "1", "1"]
    assert chart.data.to_dict("list") == {"owner": owners, "overdue": [1, 1, 1, 1]}


def test_overdue_by_owner_sorted_descending():
    frame = make_actions(
        [("WDC", "2.1", "in_progress", "overdue", "HoF", "2010-03-31")] * 3
        + [("WDC", "2.1", "in_progress", "overdue", None, "2010-03-31")] * 2
        + [("WDC", "2.1", "in_progress", "overdue", "  ", "2010-03-31")]
        + [("WDC", "2.1", "in_progress", "Overdue", "Chief Executive", "2010-03-31")]
        + [("WDC", "2.1", "complete", "complete", "Chief Executive", "2010-03-31")] * 5
    )
    chart = overdue_by_owner(frame, as_of=AS_OF)
    ax = chart.figure.axes[0]
    assert list(chart.data["owner"]) == ["HoF", "No owner named", "Chief Executive"]
    assert list(chart.data["overdue"]) == [3, 3, 1]
    assert tick_labels(ax.get_yticklabels()) == ["HoF", "No owner named", "Chief Executive"]
    assert [p.get_width() for p in ax.containers[0].patches] == [3, 3, 1]
    assert texts(ax) == ["3", "3", "1"]
    assert chart.alt_text == (
        "Horizontal bars of 7 overdue actions as of 31 Jul 2010 across 3 owners: HoF holds the most (3), "
        "then No owner named 3, Chief Executive 1. 3 overdue actions have no owner named."
    )
    assert ax.get_xlabel() == "Number of overdue actions" and ax.get_ylabel() == "Owner"


def test_overdue_by_owner_with_none_overdue(actions):
    chart = overdue_by_owner(actions[actions["timeliness"] != "overdue"], as_of=AS_OF)
    assert chart.alt_text == "Nothing to show: no action is overdue as of 31 Jul 2010."
    assert texts(chart.figure.axes[0]) == [chart.alt_text]


# --- targets_timeline -----------------------------------------------------------------


def test_targets_timeline(actions):
    chart = targets_timeline(actions, "2010-07-31")
    ax = chart.figure.axes[0]
    line = [found for found in ax.get_lines() if found.get_gid() == "as_of"][0]
    assert line.get_label() == "as of 31 Jul 2010"
    assert pd.Timestamp(line.get_xdata()[0]) == AS_OF
    assert "as of 31 Jul 2010" in texts(ax, "as_of")
    # marker shape AND colour by timeliness, with counts in the legend
    assert legend_labels(ax) == ["Overdue (4)", "Due soon (1)", "On time (2)", "Complete (2)"]
    handles = ax.get_legend().legend_handles
    assert [h.get_marker() for h in handles] == ["X", "D", "o", "s"]
    assert len({h.get_markerfacecolor() for h in handles}) == 4
    collections = {c.get_label(): len(c.get_offsets()) for c in ax.collections}
    assert collections == {"Overdue (4)": 4, "Due soon (1)": 1, "On time (2)": 2, "Complete (2)": 2}
    assert tick_labels(ax.get_yticklabels()) == [
        "1.1 Planning for financial health", "2.1 Commissioning and procurement",
        "3.1 Natural resources", "No KLOE",
    ]
    # the undated action (3.3, no target) is not plotted but is said
    assert len(chart.data) == 9 and "3.3" not in set(chart.data["kloe"].dropna())
    assert "1 action with no target date is not shown" in ax.get_xlabel()
    assert chart.alt_text == (
        "Timeline of the effective target dates of 9 actions, from 31 Mar 2010 to 31 Mar 2011, against the as-of date, "
        "31 Jul 2010: 4 overdue, 1 due soon, 2 on time, 2 complete. 1 action with no target date is not shown."
    )
    # two WDC 2.1 actions due 31 Mar 2010 (complete) and one SDDC 2.1 overdue the same day are stacked, not hidden
    same_day = chart.data[(chart.data["kloe"] == "2.1") & (chart.data["effective_target_date"] == "2010-03-31")]
    assert same_day["position"].nunique() == len(same_day) == 4


def test_targets_timeline_by_action_and_fallback_dates(actions):
    frame = actions.drop(columns=["effective_target_date"])
    frame.loc[0, "revised_target_date"] = pd.Timestamp("2010-09-30")
    chart = targets_timeline(frame, AS_OF, y="action")
    ax = chart.figure.axes[0]
    assert ax.get_ylabel() == "Action"
    first = chart.data[chart.data["action_id"] == "WDC-2010-000"].iloc[0]
    assert first["effective_target_date"] == pd.Timestamp("2010-09-30")
    assert len(ax.get_yticklabels()) == 9
    with pytest.raises(ReportlibError, match="as_of is required"):
        targets_timeline(actions, None)


def test_unknown_timeliness_is_plotted_with_its_own_name():
    frame = make_actions([("WDC", "2.1", "in_progress", "slipping", "HoF", "2010-09-30")])
    chart = targets_timeline(frame, AS_OF)
    assert legend_labels(chart.figure.axes[0]) == ["Slipping (1)"]
    assert chart.alt_text.startswith("Timeline of the effective target dates of 1 action, from 30 Sep 2010")


# --- empty input and mutation ---------------------------------------------------------


EMPTY_CASES = [
    (progress_by_kloe, {}, "Nothing to show: there are no actions."),
    (council_kloe_heatmap, {}, "Nothing to show: there are no actions."),
    (overdue_by_owner, {}, "Nothing to show: there are no actions."),
    (targets_timeline, {"as_of": AS_OF}, "Nothing to show: there are no actions."),
]


@pytest.mark.parametrize("function, kwargs, message", EMPTY_CASES)
def test_empty_inputs_say_nothing_to_show(actions, function, kwargs, message):
    for frame in (actions.iloc[0:0], pd.DataFrame(), actions.map(lambda _: pd.NA), None):
        chart = function(frame, **kwargs)
        assert chart.alt_text == message
        assert texts(chart.figure.axes[0]) == [message]
        assert chart.data.empty
        page = chart._repr_html_()  # a sentence, not a picture of one
        assert "<img" not in page and "Nothing to show" not in page and page.startswith("<p")
        assert message.split(": ", 1)[1].rstrip(".").lower() in html.unescape(page).lower()
        assert chart._repr_png_() is None


def test_empty_history_and_timeline_without_dates(history, actions):
    chart = status_by_snapshot(history.iloc[0:0])
    assert chart.alt_text == "Nothing to show: there are no progress updates."
    assert status_by_snapshot(pd.DataFrame()).alt_text == chart.alt_text
    undated = actions.assign(effective_target_date=pd.NaT, target_date=pd.NaT)
    assert targets_timeline(undated, AS_OF).alt_text == "Nothing to show: no action has a target date."


def test_missing_columns_are_named(actions):
    with pytest.raises(ReportlibError, match="no column status"):
        progress_by_kloe(actions.drop(columns=["status"]))


def test_inputs_are_not_mutated(actions, history):
    actions.attrs["as_of"] = "2010-07-31"
    before, history_before = actions.copy(deep=True), history.copy(deep=True)
    dtypes = actions.dtypes.copy()
    progress_by_kloe(actions)
    council_kloe_heatmap(actions)
    council_kloe_heatmap(actions, value="pct_overdue")
    overdue_by_owner(actions)
    targets_timeline(actions, AS_OF)
    targets_timeline(actions, AS_OF, y="action")
    status_by_snapshot(history)
    pd.testing.assert_frame_equal(actions, before)
    pd.testing.assert_frame_equal(history, history_before)
    assert actions.dtypes.equals(dtypes)
    assert actions.attrs == {"as_of": "2010-07-31"}


# --- charts that say it in words (issue #23) -----------------------------------------------


def _caption(chart) -> str:
    return html.unescape(re.search(r"<figcaption>(.*?)</figcaption>", chart._repr_html_()).group(1))


def test_every_chart_captions_its_finding_not_its_title(actions, history):
    shown = [progress_by_kloe(actions), charts.progress_by_group(actions.assign(group=actions["kloe"])),
             status_by_snapshot(history), council_kloe_heatmap(actions), overdue_by_owner(actions),
             targets_timeline(actions, AS_OF)]
    for chart in shown:
        caption = _caption(chart)
        assert caption == chart.finding and caption != chart.title
        assert re.search(r"\d", caption)  # it states figures
    assert "HoF" in _caption(overdue_by_owner(actions))  # who holds the most overdue actions


def test_actions_without_a_target_date_are_said_in_words(actions):
    chart = targets_timeline(actions, AS_OF)
    undated = int(actions["effective_target_date"].isna().sum())
    verb = "has" if undated == 1 else "have"
    assert undated and f"{undated} of {len(actions)} actions {verb} no target date" in _caption(chart)


# --- Eastmoor trial: a tracker's groups, joint owners -----------------------------------


def test_the_targets_chart_of_a_tracker_uses_its_group_label_not_kloe():
    frame = make_actions([("WDC", None, "in_progress", "overdue", "HoF", "2010-03-31"),
                          ("WDC", None, "planned", "on_time", "HoF", "2011-03-31"),
                          ("WDC", None, "planned", "on_time", "HoF", "2011-01-31")])
    frame["group"] = ["Council Tax 2025/26", "Payroll 2025/26", None]
    frame.attrs["group_label"] = "Audit report"
    chart = targets_timeline(frame, AS_OF)
    ax = chart.figure.axes[0]
    assert ax.get_ylabel() == "Audit report"
    assert tick_labels(ax.get_yticklabels()) == ["Council Tax 2025/26", "Payroll 2025/26", "No audit report"]
    assert "KLOE" not in " ".join([chart.alt_text, chart.finding, *tick_labels(ax.get_yticklabels())])


def test_the_overdue_by_owner_caption_counts_actions_not_joint_owner_entries_and_leaves_out_no_tie():
    frame = make_actions([("WDC", "2.1", "in_progress", "overdue", "HoF/ICT Mgr", "2010-03-31"),
                          ("WDC", "2.1", "in_progress", "overdue", "ICT Mgr", "2010-03-31"),
                          ("WDC", "2.1", "in_progress", "overdue", "Rev Mgr", "2010-03-31"),
                          ("WDC", "2.1", "in_progress", "overdue", "Rev Mgr", "2010-03-31"),
                          ("WDC", "2.1", "in_progress", "overdue", "H&S Adv", "2010-03-31"),
                          ("WDC", "2.1", "in_progress", "overdue", "Creditors Mgr", "2010-03-31")])
    chart = overdue_by_owner(frame, as_of=AS_OF)
    assert list(chart.data["overdue"]) == [2, 2, 1, 1, 1]  # joint owners: once under each officer
    assert chart.finding.startswith("ICT Mgr and Rev Mgr hold the most overdue actions (2 each of 6 overdue "
                                    "actions as of 31 Jul 2010, joint owners counted for each)")
    assert "then Creditors Mgr 1, H&S Adv 1, HoF 1." in chart.finding  # equal counts: none left out
    assert "of 7" not in chart.finding and "7 overdue" not in chart.alt_text
    assert "Horizontal bars of 6 overdue actions" in chart.alt_text
