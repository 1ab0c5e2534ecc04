"""Councils compared at any scale: the charts and tables read at 2 councils and at 400,
none grows past an A4 page, and the quartiles are the councils' own."""
from __future__ import annotations

import html as html_lib
import io
import re
import sys
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import papermill
import pytest
from PIL import Image

from reportlib.analysis import compare
from reportlib.present import comparison
from reportlib.present.packtables import COMPARISON_SHEETS, report_frames

REPO = Path(__file__).resolve().parents[2]
AS_OF = pd.Timestamp("2010-07-31")
KLOES = ["1.1", "1.2", "2.1", "2.4", "3.3"]
A4_INCHES = 9.0  # the tallest a chart may be on an A4 page with its caption
A4_PIXELS = (1400, 1800)  # at the charts' 200 dpi


def make_actions(councils: int, per_council: int = 10, seed: int = 1) -> pd.DataFrame:
    """``councils`` councils with ``per_council`` actions each, statuses and lateness drawn at random."""
    rng = np.random.default_rng(seed)
    rows = []
    for c in range(councils):
        code = f"C{c:03d}"
        for i in range(per_council):
            status = rng.choice(["complete", "in_progress", "planned", "no_update"])
            late = status != "complete" and rng.random() < 0.4
            days = int(rng.integers(1, 500)) if late else None
            target = AS_OF - pd.Timedelta(days=days) if late else AS_OF + pd.Timedelta(days=60)
            rows.append({"council": f"Council number {c:03d}", "council_code": code, "action_id": f"{code}-{i:03d}",
                         "kloe": KLOES[i % len(KLOES)], "kloe_name": None, "priority": "High" if i % 3 else "Low",
                         "status": status, "timeliness": "overdue" if late else "on_time", "days_overdue": days,
                         "target_date": target, "revised_target_date": pd.NaT, "effective_target_date": target})
    frame = pd.DataFrame(rows)
    frame["days_overdue"] = frame["days_overdue"].astype("Int64")
    frame.attrs["as_of"] = AS_OF
    return frame


def fixed(pcts_of_four: list[int]) -> pd.DataFrame:
    """One council per entry, with that many of its four actions complete (None: no updates at all)."""
    rows = []
    for c, done in enumerate(pcts_of_four):
        for i in range(4):
            status = "no_update" if done is None else "complete" if i < done else "in_progress"
            rows.append({"council": f"Council {c}", "council_code": f"C{c}", "action_id": f"C{c}-{i}",
                         "kloe": "2.1", "priority": "High", "status": status,
                         "timeliness": "overdue" if status != "complete" and i == 3 else "on_time",
                         "days_overdue": 40 if status != "complete" and i == 3 else None})
    frame = pd.DataFrame(rows)
    frame["days_overdue"] = frame["days_overdue"].astype("Int64")
    return frame


def png_size(chart) -> tuple[int, int]:
    return Image.open(io.BytesIO(chart.to_png())).size


@pytest.fixture(scope="module")
def two() -> pd.DataFrame:
    return make_actions(2)


@pytest.fixture(scope="module")
def many() -> pd.DataFrame:
    return make_actions(400)


# --- the figures ---------------------------------------------------------------------


def test_quartiles_are_the_councils_own_and_silent_councils_come_last_unranked():
    table = compare.council_table(fixed([0, 1, 2, 3, 4, None]))
    assert compare.quartiles(table["pct_complete"]) == (25.0, 50.0, 75.0)
    assert list(table["council_code"]) == ["C4", "C3", "C2", "C1", "C0", "C5"]
    assert list(table["rank"])[:5] == [1, 2, 3, 4, 5] and pd.isna(table["rank"].iloc[5])  # "no updates": no rank
    assert list(table["quarter"]) == ["top quarter", "middle half", "middle half", "middle half", "bottom quarter",
                                      "no updates"]
    assert pd.isna(table.loc[5, "pct_complete"]) and table.loc[5, "pct_overdue"] == 25.0
    assert compare.quartiles([10, 20]) == (12.5, 15.0, 17.5)  # two councils: interpolated, as Excel's QUARTILE.INC
    assert all(np.isnan(compare.quartiles([])))


def test_ties_share_a_rank():
    table = compare.council_table(fixed([2, 2, 1]))
    assert list(table["rank"]) == [1, 1, 3]


def test_council_kloe_table_counts_every_action_once(many):
    table = compare.council_kloe_table(many)
    assert len(table) == 400 * len(KLOES) and table["actions"].sum() == len(many)
    assert table["overdue"].sum() == (many["timeliness"] == "overdue").sum()


# --- charts at 2 and at 400 councils -----------------------------------------------


@pytest.mark.parametrize("value", ["pct_complete", "pct_overdue"])
def test_ranked_marks_the_median_and_quartiles_only_when_there_are_enough_councils(two, many, value):
    few = comparison.ranked(compare.council_table(two), value)  # a median of two councils says nothing
    assert not [line for line in few.figure.axes[0].lines if line.get_gid() in ("median", "quartile")]
    assert "median" not in few.alt_text.lower() and "quartile" not in few.finding.lower()
    assert not few.figure.legends  # no key to lines that are not drawn
    for actions in (fixed([0, 1, 2, 3, 4]), many):
        table = compare.council_table(actions)
        chart = comparison.ranked(table, value)
        q1, median, q3 = compare.quartiles(table[value])
        ax = chart.figure.axes[0]
        lines = {line.get_gid(): [] for line in ax.lines}
        for line in ax.lines:
            data = line.get_xdata() if len(actions["council_code"].unique()) <= comparison.NAMED_LIMIT \
                else line.get_ydata()
            lines[line.get_gid()].append(float(data[0]))
        assert lines["median"] == [pytest.approx(median)]
        assert sorted(lines["quartile"]) == [pytest.approx(q1), pytest.approx(q3)]
        assert f"median {median:.0f}%" in chart.alt_text
        assert chart.figure.get_figheight() <= A4_INCHES
        width, height = png_size(chart)
        assert width <= A4_PIXELS[0] and height <= A4_PIXELS[1]
        assert list(chart.data[value]) == sorted(chart.data[value], reverse=True)  # highest first


def test_ranked_names_each_council_when_few_and_the_ends_when_many(two, many):
    few = comparison.ranked(compare.council_table(two)).figure.axes[0]
    assert [t.get_text() for t in few.get_yticklabels()][:2] != ["", ""]
    assert len([t for t in few.texts if t.get_gid() == "value"]) == 2
    chart = comparison.ranked(compare.council_table(many))
    label = chart.figure.axes[0].get_xlabel()
    assert "400 councils" in label and "tables.xlsx" in label
    assert f"highest: {chart.data.iloc[0]['council']}" in label and f"lowest: {chart.data.iloc[-1]['council']}" in label
    assert not chart.figure.axes[0].texts  # no label per council: 400 would overprint


def test_ranked_leaves_out_councils_with_no_updates_and_says_so():
    chart = comparison.ranked(compare.council_table(fixed([1, 3, None])))
    assert len(chart.data) == 2 and "1 council with no updates is not ranked" in chart.alt_text


def test_small_multiples_one_panel_per_kloe_at_both_sizes(two, many):
    for actions in (two, many):
        chart = comparison.by_kloe(actions)
        panels = [ax for ax in chart.figure.axes if ax.axison]
        assert len(panels) == len(KLOES)
        assert chart.figure.get_figheight() <= A4_INCHES
        assert png_size(chart)[1] <= A4_PIXELS[1]
    few = comparison.by_kloe(two)
    assert [t.get_text() for t in few.figure.axes[0].get_yticklabels()] == ["C000", "C001"]
    medians = compare.council_kloe_table(many).groupby("kloe")["pct_complete"].median()
    titles = [ax.get_title(loc="left") for ax in comparison.by_kloe(many).figure.axes if ax.axison]
    assert titles[0].endswith(f"median {medians['1.1']:.0f}%")


def test_days_overdue_bands_count_every_overdue_action(two, many):
    for actions in (two, many):
        chart = comparison.days_overdue(actions)
        assert chart.data["overdue_actions"].sum() == (actions["timeliness"] == "overdue").sum()
        assert chart.figure.get_figheight() <= A4_INCHES
    # with many councils, also how their medians spread: every council with an overdue action counted once
    assert chart.data["councils"].sum() == many.loc[many["timeliness"] == "overdue", "council_code"].nunique()
    banded = comparison._banded(pd.Series([1.0, 30, 31, 90, 91, 365, 366]))
    assert list(banded) == ["1–30 days", "1–30 days", "31–90 days", "31–90 days", "3–6 months", "6–12 months",
                            "over a year"]


def test_heat_map_only_up_to_forty_councils_and_within_a_page():
    chart = comparison.heatmap(make_actions(40, 5), as_of=AS_OF)
    assert chart.figure.get_figheight() <= A4_INCHES and png_size(chart)[1] <= A4_PIXELS[1]
    note = comparison.heatmap(make_actions(41, 5), as_of=AS_OF)
    assert not hasattr(note, "figure") and "Councils by KLOE" in note.html and "41 councils" in note.html


def test_top_and_bottom_and_every_council_when_few(two, many):
    table = compare.council_table(many)
    html = comparison.top_and_bottom(table).html
    assert html.count("<tr") == 2 * (comparison.TOP_N + 1)  # two tables of ten, each with its header row
    assert table.iloc[0]["council"] in html and table.iloc[-1]["council"] in html
    assert table.iloc[200]["council"] not in html and "Councils compared" in html
    small = comparison.top_and_bottom(compare.council_table(fixed([1, None])))
    assert "All 2 councils" in small.html and "no updates" in small.html


def test_the_charts_of_400_councils_stay_light(many):
    table = compare.council_table(many)
    charts = [comparison.ranked(table), comparison.ranked(table, "pct_overdue"), comparison.by_kloe(many),
              comparison.days_overdue(many)]
    assert sum(len(c.to_png()) for c in charts) < 1_000_000


def test_pack_tables_add_the_comparison_for_several_councils():
    import reportlib

    plans = reportlib.load_plans(REPO / "data")
    frames = report_frames(plans, "2010-07-31")
    assert list(frames)[:2] == list(COMPARISON_SHEETS)
    councils = frames[COMPARISON_SHEETS[0]]
    assert list(councils["Council code"]) and set(councils["Council code"]) == {"WDC", "SDDC"}
    assert councils["Actions"].sum() == len(frames["Actions"])
    one = report_frames(plans.council("WDC"), "2010-07-31")
    assert not set(COMPARISON_SHEETS) & set(one)


# --- the notebook on a small synthetic set ---------------------------------------------


def test_comparison_notebook_reads_well_on_many_synthetic_councils(tmp_path):
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        from make_synthetic import make
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    data = make(tmp_path / "data", 45, actions_per_council=6)
    files = sorted(str(p) for p in data.glob("*.xlsx"))
    out = tmp_path / "compare.ipynb"
    papermill.execute_notebook(str(REPO / "notebooks" / "compare_councils.ipynb"), str(out),
                               parameters={"data_paths": files, "council": "45 synthetic councils"},
                               cwd=str(REPO / "notebooks"), kernel_name="python3", progress_bar=False,
                               log_output=False)
    executed = nbformat.read(out, as_version=4)
    outputs = [o for c in executed.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    html = "".join(o.data.get("text/html", "") for o in outputs if "data" in o)
    assert "45 councils" in html and "Top 10 of 45 councils" in html and "would not fit a page" in html
    images = [Image.open(io.BytesIO(__import__("base64").b64decode(o.data["image/png"])))
              for o in outputs if "data" in o and "image/png" in o.data]
    assert len(images) == 4 and all(w <= A4_PIXELS[0] and h <= A4_PIXELS[1] for w, h in (i.size for i in images))
    assert out.stat().st_size < 3_000_000


# --- words, not only pictures (issue #23) -------------------------------------------------


def test_the_targets_chart_says_which_council_each_dot_is(two):
    from reportlib.analysis.progress import Progress

    p = Progress(AS_OF, two, pd.DataFrame())
    chart = comparison.targets(p)
    ax = chart.figure.axes[0]
    assert sorted(t.get_text() for t in ax.get_yticklabels()) == ["Council number 000", "Council number 001"]
    assert set(chart.data["row"]) == {"Council number 000", "Council number 001"}


def test_charts_caption_their_finding_not_their_title(two):
    table = compare.council_table(two)
    for chart in (comparison.ranked(table), comparison.by_kloe(two), comparison.days_overdue(two)):
        caption = re.search(r"<figcaption>(.*?)</figcaption>", chart._repr_html_()).group(1)
        assert caption and caption != chart.title and chart.finding in html_lib.unescape(caption)
    top = comparison.ranked(table).data.iloc[0]
    assert f"{top['council']}" in comparison.ranked(table).finding


def test_priority_not_recorded_is_not_shown_as_zero():
    import reportlib

    plans = reportlib.load_plans(REPO / "data")
    p = reportlib.progress(plans, "2010-07-31")
    for piece in (comparison.kloe_table(p.actions), comparison.priority_table(p)):
        rows = re.findall(r"<tr>(.*?)</tr>", piece.html)
        wdc = [row for row in rows if "<td>WDC</td>" in row]   # Warwick's plan records no priorities
        sddc = [row for row in rows if "<td>SDDC</td>" in row]  # South Derbyshire's does
        assert wdc and all("not recorded" in row for row in wdc)
        assert not any(">0%<" in row or "(none)" in row for row in wdc)
        assert sddc and not any("not recorded" in row for row in sddc)
