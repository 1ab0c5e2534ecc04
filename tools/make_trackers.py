#!/usr/bin/env python
"""Write the sample audit-recommendation trackers in data/trackers/.

Two shapes councils use today beside the 2010 Use of Resources plans:

* an internal-audit recommendations tracker, as an Audit & Governance Committee
  appendix, kept quarter by quarter (Q2 and Q3 of 2024/25): recommendations grouped
  under the audit report they came from, a priority, the management response, the
  responsible officer, original and revised targets typed in mixed formats, and the
  council's own status and progress columns whose headers carry the quarter's date;
* an external-audit (value for money) recommendations follow-up: the auditor's
  recommendations with the council's response and a RAG-style status.

The councils, officers and texts are invented for the sample; nothing here is any
council's real tracker. The figures a committee should read from them are in
data/README.md.

Run:  .venv/bin/python tools/make_trackers.py
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import xlsxwriter

OUT = Path(__file__).resolve().parents[1] / "data" / "trackers"
D = dt.datetime

TRACKER_HEADER = ["Rec No", "Recommendation", "Priority", "Management Response", "Responsible Officer",
                  "Original Target Date", "Revised Target Date"]

# (audit report, [(ref, recommendation, priority, response, officer, target, revised)])
REPORTS = [
    ("Payroll 2023/24", [
        ("PAY-01", "Starters should not be paid until a signed contract and right-to-work check are on file.",
         "High", "Payroll will hold the first payment until HR confirms both documents.", "Payroll Manager",
         D(2024, 6, 30), None),
        ("PAY-02", "Overtime claims above 20 hours a month should be approved by a second manager.", "Medium",
         "A second approval step will be added to the claims workflow.", "Head of HR", "Sep-24", "Mar-25"),
        ("PAY-03", "Leavers' final pay should be reconciled to the leaver form before release.", "Medium",
         "Reconciliation checklist to be introduced.", "Payroll Manager", "31/12/2024", None),
        ("PAY-04", "Access to the payroll system should be reviewed every quarter.", "Low",
         "Quarterly access review to be scheduled with ICT.", "Payroll Manager", D(2024, 9, 30), None),
    ]),
    ("Cyber Security 2023/24", [
        ("CYB-01", "Multi-factor authentication should be enforced for all remote access.", "High",
         "MFA roll-out to remaining users planned.", "Head of ICT", "Jun-24", "Dec-24"),
        ("CYB-02", "Backups should be tested by a full restore at least twice a year.", "High",
         "Restore tests to be added to the ICT calendar.", "Head of ICT", D(2024, 12, 31), None),
        ("CYB-03", "Unsupported server operating systems should be replaced or isolated.", "High",
         "Replacement project in the capital programme.", "Head of ICT", "Mar-25", None),
        ("CYB-04", "All staff should complete the annual cyber awareness course.", "Medium",
         "Course to be made mandatory in the learning system.", "Head of HR", "Q3 2024/25", None),
        ("CYB-05", "The incident response plan should be exercised with the senior team.", "Medium",
         "Tabletop exercise to be arranged.", "Head of ICT", "Jul-24", "Jan-25"),
    ]),
    ("Procurement Cards 2024/25", [
        ("PCD-01", "Cardholders should attach a receipt for every transaction.", "Medium",
         "Reminder to cardholders and monthly spot checks.", "Finance Manager", D(2024, 10, 31), None),
        ("PCD-02", "Card limits should be reviewed against actual spend each year.", "Low",
         "Annual review to be done with budget setting.", "Finance Manager", "Feb-25", None),
        ("PCD-03", "Cards of leavers should be cancelled on their last day.", "High",
         "HR leaver process to notify Finance.", "Finance Manager", D(2024, 8, 31), None),
    ]),
    ("Housing Rents 2023/24", [
        ("HR-01", "Write-offs above £1,000 should be approved by the Section 151 Officer.", "High",
         "Delegation scheme to be updated.", "Head of Housing", D(2024, 5, 31), None),
        ("HR-02", "Former tenant arrears should be reviewed for recovery every quarter.", "Medium",
         "Quarterly review to be built into the income team plan.", "Income Manager", "30.09.24", None),
        ("HR-03", "Rent accounts with credit balances should be refunded or cleared.", "Low",
         "Exercise to clear credit balances.", "Income Manager", "Mar-25", None),
        ("HR-04", "Rent charges should be reconciled to the housing system each month.", "Medium",
         "Monthly reconciliation to restart.", "Income Manager", D(2024, 7, 31), None),
    ]),
    ("Risk Management 2024/25", [
        ("RM-01", "The corporate risk register should be reviewed by the senior team each quarter.", "Medium",
         "Standing item on the senior team agenda.", "Chief Finance Officer", D(2024, 9, 30), None),
        ("RM-02", "Each service plan should name its top risks and their owners.", "Low",
         "Service plan template to be revised.", "Chief Finance Officer", "end of March 2025", None),
    ]),
]

# The council's status word and progress text at each quarter end, by ref.
Q2 = {
    "PAY-01": ("Implemented", "Implemented. No starter paid without both documents since May 2024."),
    "PAY-02": ("Not implemented", "Not implemented. Workflow change delayed by the system upgrade; revised date agreed."),
    "PAY-03": ("Partially implemented", "Checklist drafted and in use for two of the three payrolls."),
    "PAY-04": ("Implemented", "First quarterly review done in September 2024."),
    "CYB-01": ("Partially implemented", "MFA live for 80% of users; remaining devices need replacing first."),
    "CYB-02": ("Not yet due", "Restore test booked for November."),
    "CYB-03": ("Not yet due", "Business case approved; procurement under way."),
    "CYB-04": ("Partially implemented", "Course launched; 62% of staff completed so far."),
    "CYB-05": ("Not implemented", "No action taken to date. Exercise now scheduled for January 2025."),
    "PCD-01": ("Not yet due", "Reminder issued in August; spot checks start in October."),
    "PCD-02": ("Not yet due", "Will be done with the 2025/26 budget."),
    "PCD-03": ("Implemented", "Leaver process changed; Finance notified automatically."),
    "HR-01": ("Not implemented", "Update requested from service – not received."),
    "HR-02": ("Implemented", "First quarterly review completed in September."),
    "HR-03": ("Not yet due", "Exercise planned for Q4."),
    "HR-04": ("Implemented", "Monthly reconciliation restarted in July."),
    "RM-01": ("Implemented", "Standing item since June 2024."),
    "RM-02": ("Not yet due", "Template revision in progress."),
}
Q3 = {
    "PAY-01": ("Implemented", "Implemented. No further action required."),
    "PAY-02": ("Partially implemented", "Workflow change built; in testing until February."),
    "PAY-03": ("Implemented", "Checklist in use for all payrolls since November."),
    "CYB-01": ("Implemented", "MFA enforced for all remote access from 2 December 2024."),
    "CYB-02": ("Not implemented", "Restore test postponed: the backup contract is being retendered."),
    "CYB-03": ("Not yet due", "Two of five servers replaced; the rest are isolated until March."),
    "CYB-04": ("Implemented", "Course mandatory; 96% of staff completed."),
    "CYB-05": ("Not implemented", "No further progress; now scheduled for July 2025."),
    "PCD-01": ("Implemented", "Spot checks monthly since October; receipts attached for 98% of spend."),
    "PCD-02": ("Not yet due", "Will be done with the 2025/26 budget."),
    "PCD-03": ("Implemented", "Implemented."),
    "HR-01": ("Not implemented", "Not implemented. Service has not had capacity; delegation scheme to Council in March."),
    "HR-02": ("Implemented", "Quarterly reviews continuing."),
    "HR-03": ("Not yet due", "Exercise started in December."),
    "HR-04": ("Implemented", "Reconciliations monthly."),
    "RM-01": ("Implemented", "Standing item; register reviewed in December."),
    "RM-02": ("Partially implemented", "Template revised; services to use it for 2025/26 plans."),
    "RM-03": ("Not yet due", "New recommendation from the December follow-up."),
}
# PAY-04 was closed and removed from the tracker in Q3; RM-03 was added in Q3.
RM_03 = ("RM-03", "Risk appetite statements should be agreed for each corporate risk.", "Medium",
         "Appetite statements to be drafted with risk owners.", "Chief Finance Officer", "Jun-25", None)
KEY_ROWS = [["Priority key: High – fundamental control weakness; Medium – significant; Low – good practice."],
            ["Status key: Implemented / Partially implemented / Not implemented / Not yet due."]]


def tracker(path: Path, quarter_end: dt.date, statuses: dict, *, drop=(), add=()) -> None:
    stamp = f"{quarter_end:%d/%m/%y}"
    header = TRACKER_HEADER + [f"Status at {stamp}", f"Progress at {stamp}"]
    book = xlsxwriter.Workbook(str(path), {"default_date_format": "dd/mm/yyyy"})
    bold = book.add_format({"bold": True})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    day = book.add_format({"num_format": "dd/mm/yyyy", "valign": "top"})
    sheet = book.add_worksheet("Tracker")
    sheet.write(0, 0, "Northmoor Borough Council", bold)
    sheet.write(1, 0, f"Internal audit recommendations tracker – position at {quarter_end.day} "
                      f"{quarter_end:%B %Y}", bold)
    sheet.write_row(3, 0, header, bold)
    row = 4
    for report, recs in REPORTS:
        recs = [r for r in recs if r[0] not in drop] + [r for r in add if r[0].split("-")[0] == recs[0][0].split("-")[0]]
        sheet.merge_range(row, 0, row, len(header) - 1, report, bold)
        row += 1
        for ref, rec, priority, response, officer, target, revised in recs:
            status, text = statuses[ref]
            for col, value in enumerate([ref, rec, priority, response, officer, target, revised, status, text]):
                if isinstance(value, dt.datetime):
                    sheet.write_datetime(row, col, value, day)
                elif value is not None:
                    sheet.write(row, col, value, wrap)
            row += 1
    row += 1
    for key in KEY_ROWS:
        sheet.write(row, 0, key[0])
        row += 1
    summary = book.add_worksheet("Summary")
    summary.write_row(0, 0, ["Status", "Count"], bold)
    counts: dict[str, int] = {}
    for status, _ in statuses.values():
        counts[status] = counts.get(status, 0) + 1
    for i, (status, count) in enumerate(sorted(counts.items()), start=1):
        summary.write_row(i, 0, [status, count])
    book.close()


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    tracker(OUT / "nmb_internal_audit_tracker_2024q2.xlsx", dt.date(2024, 9, 30),
            {k: v for k, v in Q2.items()})
    tracker(OUT / "nmb_internal_audit_tracker_2024q3.xlsx", dt.date(2024, 12, 31),
            Q3, drop=("PAY-04",), add=(RM_03,))


if __name__ == "__main__":
    main()
