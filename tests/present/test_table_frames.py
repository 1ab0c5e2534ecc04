"""Lab: every report helper's table keeps its rows as a DataFrame (``.frame``) for the analyst to
sort, filter and plot; the published HTML stays a static table with no script."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

import reportlib
from reportlib.analysis import compare
from reportlib.present import report, tables

DATA = Path(__file__).resolve().parents[2] / "data"


def test_a_table_keeps_the_rows_it_shows_under_their_headings():
    df = pd.DataFrame({"days": [3, 12, 7], "who": ["a", "b", "c"], "hidden": [1, 2, 3]})
    shown = tables.table(df, {"who": "Owner", "days": "Days overdue"})
    assert list(shown.frame.columns) == ["Owner", "Days overdue"]
    assert shown.frame["Days overdue"].tolist() == [3, 12, 7]  # numbers, not text: they sort as numbers
    assert shown.frame.sort_values("Days overdue")["Owner"].tolist() == ["a", "c", "b"]
    shown.frame.loc[0, "Owner"] = "changed"  # the analyst's copy: the table shown is not altered
    assert ">a<" in shown.html and df.loc[0, "who"] == "a"


def test_report_helpers_hand_their_frames_on():
    plans = reportlib.load_plans([DATA]).council("WDC")
    p = reportlib.progress(plans, "2010-07-31")
    overdue = report.overdue_table(p)
    assert len(overdue.frame) == len(p.overdue()) and "Days overdue" in overdue.frame
    assert overdue.frame["Days overdue"].is_monotonic_decreasing
    by_owner = report.summary_table(p.summary("owner"), "owner", "Actions by responsible officer")
    assert by_owner.frame["Actions"].sum() >= len(p.actions)
    summary = report.summary(plans, p)
    assert summary.frame.set_index("Measure").loc["Overdue", "Now"] == len(p.overdue())
    for helper in (report.headline(p), summary, report.action_table(p), report.group_summary(p),
                   report.changes_table(compare.since_last(plans, "2010-07-31"))):
        assert isinstance(helper.frame, pd.DataFrame) and len(helper.frame)
        assert "<script" not in helper.html and helper._repr_html_() == helper.html
