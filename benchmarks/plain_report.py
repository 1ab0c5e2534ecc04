"""The council progress report without notebooks: the same analysis, tables and charts as
notebooks/council_progress.ipynb, written to HTML (the house CSS) and PDF (WeasyPrint).

The baseline the notebook render is measured against (benchmarks/bench_render.py).

    .venv/bin/python benchmarks/plain_report.py OUT_DIR [--council WDC] [--as-of 2010-03-31]
"""
from __future__ import annotations

import argparse
from pathlib import Path

import reportlib
from reportlib.analysis import compare
from reportlib.present import charts, report
from reportlib.present.htmlreport import TEMPLATES_DIR
from reportlib.present.pdf import html_to_pdf

DATA = Path(__file__).resolve().parents[1] / "data" / "wdc_use_of_resources_action_plan.xlsx"


def build(council_code: str, as_of: str) -> str:
    plans = reportlib.plans_for_report([DATA], as_of=as_of).council(council_code)
    p = reportlib.progress(plans, as_of)
    parts = [
        ("Headline figures", report.headline(p)),
        ("Progress by KLOE", charts.progress_by_kloe(p.actions, as_of=as_of)),
        (None, report.summary_table(p.summary("kloe"), "kloe", "Actions by KLOE")),
        ("Status at each snapshot", charts.status_by_snapshot(p.standing)),
        ("Overdue actions", report.overdue_table(p)),
        (None, charts.overdue_by_owner(p.actions, as_of=as_of)),
        (None, report.summary_table(p.summary("owner"), "owner", "Actions by responsible officer")),
        ("Targets against the as-of date", charts.targets_timeline(p.actions, as_of)),
        ("Changes since the previous snapshot", report.changes_table(compare.since_last(plans, as_of))),
        ("All actions", report.action_table(p)),
    ]
    css = (TEMPLATES_DIR / "reportlib" / "static" / "report.css").read_text()
    body = "".join((f"<h2>{heading}</h2>" if heading else "") + piece._repr_html_() for heading, piece in parts)
    return f"<!DOCTYPE html><html><head><meta charset='utf-8'><style>{css}</style></head><body>{body}</body></html>"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--council", default="WDC")
    parser.add_argument("--as-of", default="2010-03-31")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    html = build(args.council, args.as_of)
    (args.out / "council_progress.html").write_text(html, encoding="utf-8")
    html_to_pdf(html, args.out / "council_progress.pdf", running_header=f"{args.council} · as of {args.as_of}")


if __name__ == "__main__":
    main()
