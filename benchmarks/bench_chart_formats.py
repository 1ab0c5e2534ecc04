"""Measure each shipped chart as PNG (what the reports embed) and as SVG, to choose the format.

Prints, per chart of the council progress and comparison reports on the shipped data,
the bytes of the 200 dpi PNG and of the SVG matplotlib writes (text as paths, as the
house style draws it), and the time each takes. Run:

    .venv/bin/python benchmarks/bench_chart_formats.py
"""
from __future__ import annotations

import io
import time
from pathlib import Path

import matplotlib as mpl

import reportlib
from reportlib.present import charts
from reportlib.present.chartkit import HOUSE_STYLE

ROOT = Path(__file__).resolve().parents[1]


def measure(chart) -> tuple[int, float, int, float]:
    start = time.perf_counter()
    png = chart.to_png()
    png_seconds = time.perf_counter() - start
    buffer = io.BytesIO()
    start = time.perf_counter()
    with mpl.rc_context(HOUSE_STYLE):
        chart.figure.savefig(buffer, format="svg", metadata={"Date": None})
    return len(png), png_seconds, len(buffer.getvalue()), time.perf_counter() - start


def main() -> None:
    plans = reportlib.load_plans(ROOT / "data")
    as_of = "2010-07-31"
    p = reportlib.progress(plans, as_of)
    wdc = reportlib.progress(plans.council("WDC"), as_of)
    made = {
        "progress_by_kloe (WDC)": charts.progress_by_kloe(wdc.actions, as_of=as_of),
        "status_by_snapshot (WDC)": charts.status_by_snapshot(wdc.standing),
        "overdue_by_owner (WDC)": charts.overdue_by_owner(wdc.actions, as_of=as_of),
        "targets_timeline (WDC)": charts.targets_timeline(wdc.actions, as_of),
        "council_kloe_heatmap (both)": charts.council_kloe_heatmap(p.actions, as_of=as_of),
        "targets_timeline (both)": charts.targets_timeline(p.actions, as_of),
    }
    print(f"{'chart':32} {'PNG bytes':>10} {'PNG s':>6} {'SVG bytes':>10} {'SVG s':>6}  smaller")
    totals = [0, 0]
    for name, chart in made.items():
        png, png_s, svg, svg_s = measure(chart)
        totals[0] += png
        totals[1] += svg
        print(f"{name:32} {png:>10,} {png_s:>6.2f} {svg:>10,} {svg_s:>6.2f}  {'PNG' if png <= svg else 'SVG'}")
    print(f"{'total':32} {totals[0]:>10,} {'':>6} {totals[1]:>10,}")


if __name__ == "__main__":
    main()
