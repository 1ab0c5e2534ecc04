"""Write a synthetic set of council action plans for the loading benchmark.

400 councils (by default), about 50 actions each and three dated snapshots per action,
spread over three layouts that differ the way real plans do: Theme/KLOE heading rows
and owners written as suffixes; a tracker with a KLOE column, Excel target dates,
revised targets and a status column; a register with its header lower down, text
targets and continuation rows. The layouts are written beside the data as
``*.layout.yaml``, which is how a council with a new layout is added.

    .venv/bin/python benchmarks/make_synthetic.py --councils 400 --out benchmarks/out/synthetic
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
from pathlib import Path

import xlsxwriter

KLOES = ["1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "2.4", "3.1", "3.2", "3.3"]
KLOE_HEADINGS = {"1.1": "KLOE 1.1 - Planning for financial health", "1.2": "KLOE 1.2 - Understanding costs",
                 "1.3": "KLOE 1.3 - Financial reporting", "2.1": "KLOE 2.1 commissioning and procurement",
                 "2.2": "KLOE 2.2 data quality and use of information", "2.3": "KLOE 2.3 good governance",
                 "2.4": "KLOE 2.4 risk management", "3.1": "Managing natural resources",
                 "3.2": "Strategic asset management", "3.3": "Workforce management"}
OWNERS = ["HoF", "CMT", "IPM", "HRM", "A&RM", "DCEx(AJ)", "SFM", "PM", "HCIS", "Service Heads"]
UPDATES = ["Achieved", "Completed", "On-going", "Being progressed by the review group", "No further update",
           "March 2010 and ongoing", "Report to go to Executive in May 2010", "As above.", "", "No action",
           "Training sessions held in March 2010", "Awaiting audit of accounts", "Implemented by Feb '10"]
TARGETS = ["March 2010", "Q1 2010/11", "Nov/Dec 2009", "June 2010, ahead of 2009/10 closedown", "Ongoing",
           "end of financial year", "by 31st December 2010", "March 2010 and ongoing", "2010/11"]
STATUSES = ["On track", "Behind schedule", "Achieved", "Superseded", "Not started"]
SNAPSHOTS = [("December 2009", "2009-12-31"), ("March 2010", "2010-03-31"), ("July 2010", "2010-07-31")]
TITLE = r"- (?P<council>[A-Z][A-Za-z0-9 .]+? Council) \((?P<code>[A-Z0-9]+)\)"

LAYOUTS = {
    "synthetic-headings": f"""
name: synthetic-headings
title_pattern: '{TITLE}'
assessment: "2009"
reference_date: 2009-12-01
columns: {{recommendation: Issue, action: Action, owner: Responsible Officer, target: Target}}
required: [recommendation, action]
owner_suffix: [action]
sections: {{theme: '^\\s*theme\\s*[1-3]\\b', kloe: '\\bkloe\\b|natural resources|asset management|workforce'}}
snapshots:
""" + "".join(f"  - {{snapshot: {s}, date: {d}, column: {s} update}}\n" for s, d in SNAPSHOTS),
    "synthetic-tracker": f"""
name: synthetic-tracker
title_pattern: '{TITLE}'
assessment: "2010"
columns: {{ref: Ref, kloe: KLOE, recommendation: Recommendation, action: Agreed action, owner: Owner,
          priority: Priority, target: Target date, revised_target: Revised target date}}
required: [ref, recommendation, action, target]
snapshots:
  - {{snapshot: December 2009, date: 2009-12-31, column: Dec 09 comment}}
  - {{snapshot: March 2010, date: 2010-03-31, column: Mar 10 comment}}
  - {{snapshot: July 2010, date: 2010-07-31, column: Jul 10 comment, status: Jul 10 status}}
""",
    "synthetic-register": f"""
name: synthetic-register
title_pattern: '{TITLE}'
assessment: "2010"
reference_date: 2010-01-01
header_search_rows: 12
columns: {{ref: "No", recommendation: Finding, kloe: Key line of enquiry, action: Management response,
          owner: Lead officer, priority: Risk rating, target: Implementation date}}
required: [ref, recommendation, action]
continuation: {{blank: [ref]}}
snapshots:
""" + "".join(f"  - {{snapshot: {s}, date: {d}, column: Progress at {s}}}\n" for s, d in SNAPSHOTS),
}


def _council(i: int) -> tuple[str, str]:
    return f"Synthetic {i:03d} {'Borough' if i % 2 else 'District'} Council", f"SC{i:03d}"


def _headings(sheet, rng, n):
    sheet.write_row(3, 0, ["Issue", "Action", "Respons ible Officer", "Target"] + [f"{s} update" for s, _ in SNAPSHOTS])
    row, theme = 4, None
    for i in range(n):
        code = KLOES[i * len(KLOES) // n]
        if code[0] != theme:
            theme = code[0]
            sheet.write(row, 0, f"Theme {theme}")
            row += 1
        if i == 0 or KLOES[(i - 1) * len(KLOES) // n] != code:
            sheet.write(row, 0, KLOE_HEADINGS[code])
            row += 1
        sheet.write_row(row, 0, [f"Issue {i + 1}: strengthen arrangements. ", f"Agreed action {i + 1} - {rng.choice(OWNERS)}",
                                 "", rng.choice(TARGETS)] + [rng.choice(UPDATES) for _ in SNAPSHOTS])
        row += 1


def _tracker(sheet, rng, n, date_format):
    sheet.write_row(3, 0, ["Ref", "KLOE", "Recommendation", "Agreed action", "Owner", "Priority", "Target date",
                           "Revised target date", "Dec 09 comment", "Mar 10 comment", "Jul 10 comment", "Jul 10 status"])
    for i in range(n):
        r = 4 + i
        target = dt.date(2010, 1, 31) + dt.timedelta(days=30 * rng.randrange(12))
        sheet.write_row(r, 0, [i + 1, rng.choice(KLOES), f"Recommendation {i + 1}", f"Action {i + 1}",
                               rng.choice(OWNERS), rng.choice(["High", "Medium", "Low"])])
        sheet.write_datetime(r, 6, dt.datetime.combine(target, dt.time()), date_format)
        if rng.random() < 0.2:
            sheet.write_datetime(r, 7, dt.datetime.combine(target + dt.timedelta(days=90), dt.time()), date_format)
        sheet.write_row(r, 8, [rng.choice(UPDATES) for _ in SNAPSHOTS] + [rng.choice(STATUSES)])


def _register(sheet, rng, n):
    sheet.write_row(6, 0, ["No", "Key line of enquiry", "Finding", "Management response", "Lead officer", "Risk rating",
                           "Implementation date"] + [f"Progress at {s}" for s, _ in SNAPSHOTS])
    row = 7
    for i in range(n):
        sheet.write_row(row, 0, [i + 1, KLOE_HEADINGS[rng.choice(KLOES)], f"Finding {i + 1}", "Response",
                                 rng.choice(OWNERS), rng.choice(["H", "M", "L"]), rng.choice(TARGETS)]
                        + [rng.choice(UPDATES) for _ in SNAPSHOTS])
        row += 1
        if rng.random() < 0.1:  # a wrapped cell continued on the next row
            sheet.write_row(row, 0, ["", "", "continued finding text", "and the rest of the response"])
            row += 1


def make(out: Path, councils: int, actions_per_council: int = 50, seed: int = 2010) -> Path:
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    for name, text in LAYOUTS.items():
        (out / f"{name}.layout.yaml").write_text(text.lstrip())
    for i in range(councils):
        council, code = _council(i)
        book = xlsxwriter.Workbook(str(out / f"{code.lower()}_action_plan.xlsx"))
        sheet = book.add_worksheet("Action plan")
        sheet.write(0, 0, f"Use of Resources action plan - {council} ({code})")
        kind = i % 3
        if kind == 0:
            _headings(sheet, rng, actions_per_council)
        elif kind == 1:
            _tracker(sheet, rng, actions_per_council, book.add_format({"num_format": "dd/mm/yyyy"}))
        else:
            _register(sheet, rng, actions_per_council)
        book.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--councils", type=int, default=400)
    parser.add_argument("--actions", type=int, default=50, help="actions per council")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/out/synthetic"))
    args = parser.parse_args()
    make(args.out, args.councils, args.actions)
    print(f"wrote {args.councils} councils to {args.out}")


if __name__ == "__main__":
    main()
