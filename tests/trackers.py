"""A modern internal-audit recommendations tracker, built in code: two quarters of one plan
(Q3 and Q4 2024/25) whose stated-status columns carry their date in the header ("Status at
30/09/24"), five audit headings no layout section pattern names, two footnote rows (a
priority key and a RAG key), and one "Responsible officer" cell merged down over two
recommendations. The same Q3 plan is drawn as a workbook, a Word appendix and a PDF
(``papers_fixtures``), so the three can be compared."""
from __future__ import annotations

from pathlib import Path

from papers_fixtures import Plan
from workbooks import write_xlsx

LAYOUT = r"""
name: tbc-ia-tracker
council: Testborough Council
council_code: TBC
assessment: "2024/25"
reference_date: 2024-04-01
columns:
  ref: Ref
  recommendation: Recommendation
  priority: Priority
  action: Agreed action
  owner: Responsible officer
  target: Target date
required: [ref, recommendation, action]
snapshots:
  - {column_pattern: 'Progress at (?P<date>.+)', status_pattern: 'Status at (?P<date>.+)'}
continuation:
  blank: [ref]
"""
TITLE = ["Testborough Council – Internal Audit recommendations tracker", "Audit and Standards Committee"]
BASE = ["Ref", "Recommendation", "Priority", "Agreed action", "Responsible officer", "Target date"]
Q3_COLUMNS = ["Progress at 30 Sep 2024", "Status at 30/09/24"]
Q4_COLUMNS = ["Progress at 30 Sep 2024", "Status at 30/09/24", "Progress at 31 Dec 2024", "Status at 31/12/24"]
AUDITS = ["Payroll 2024/25 – Reasonable assurance", "Creditors 2024/25 – Limited assurance",
          "Cyber security 2024/25 – Limited assurance", "Housing rents 2024/25 – Substantial assurance",
          "Procurement 2024/25 – Reasonable assurance"]
FOOTNOTES = ["Priority key: H = high risk, act within 1 month; M = medium, 3 months; L = low, 6 months.",
             "RAG: G = on track, A = at risk of slipping, R = overdue."]
OWNERS = ["Head of Finance", "Payroll Manager", "ICT Manager", "Housing Manager", "Procurement Lead"]
#: The recommendation whose owner cell is merged down over it and the next one (its row, 0-based, in ``rows``).
MERGED_REF = "2"
PER_AUDIT = (6, 5, 6, 4, 5)  # 26 recommendations


def _text(ref: int, what: str, words: int) -> str:
    filler = ("so that the control is applied consistently across every service and its operation can be "
              "evidenced to the auditors at the next review").split()
    return f"{what} {ref}: " + " ".join(filler[i % len(filler)] for i in range(words)) + "."


def recommendations(quarter: str = "Q3") -> list[dict]:
    """The 26 recommendations, each with its audit heading, owner and the quarter's columns."""
    out, ref = [], 0
    for audit, count, owner in zip(AUDITS, PER_AUDIT, OWNERS):
        for _ in range(count):
            ref += 1
            long = 30 + (ref * 7) % 45  # some rows long enough to run over a page break in the PDF
            item = {"audit": audit, "Ref": str(ref), "Recommendation": _text(ref, "Recommendation", long),
                    "Priority": "HML"[ref % 3], "Agreed action": _text(ref, "Agreed action", long // 2),
                    "Responsible officer": owner, "Target date": "31 March 2025",
                    "Progress at 30 Sep 2024": f"Work under way on recommendation {ref}; testing began in August.",
                    "Status at 30/09/24": "In progress" if ref % 4 else "Not started"}
            if quarter == "Q4":
                item["Progress at 31 Dec 2024"] = (
                    "No further progress this quarter; the audit is now scheduled for July 2025." if ref == 7
                    else f"Recommendation {ref} implemented in November 2024.")
                item["Status at 31/12/24"] = "Delayed" if ref == 7 else "Implemented"
            out.append(item)
    return out


def plan(quarter: str = "Q3", *, merged: bool = True) -> tuple[Plan, dict[tuple[int, int], int]]:
    """The quarter's plan as rows (audit headings and footnotes among them), and the cells merged
    down: ``{(row, column): rows spanned}``; a merged cell's text is in its top row only.
    ``merged=False``: the owner written in each row instead (as an unruled PDF can only show it)."""
    header = BASE + (Q3_COLUMNS if quarter == "Q3" else Q4_COLUMNS)
    rows: list[list[str]] = []
    spans: dict[tuple[int, int], int] = {}
    audit = None
    owner_col = header.index("Responsible officer")
    for item in recommendations(quarter):
        if item["audit"] != audit:
            audit = item["audit"]
            rows.append([audit] + [""] * (len(header) - 1))
        row = [item.get(h, "") for h in header]
        if item["Ref"] == MERGED_REF and merged:
            spans[(len(rows), owner_col)] = 2
        if item["Ref"] == str(int(MERGED_REF) + 1) and merged:
            row[owner_col] = ""
        rows.append(row)
    rows += [[note] + [""] * (len(header) - 1) for note in FOOTNOTES]
    return Plan(TITLE + [f"Position at {'30 September' if quarter == 'Q3' else '31 December'} 2024"], header,
                rows), spans


def write_workbook(path: Path, quarter: str = "Q3") -> Path:
    """The quarter's tracker as a workbook: title rows, the header, the rows; the owner cell merged down."""
    the_plan, merged = plan(quarter)
    top = len(the_plan.title) + 1  # the header's row number
    sheet = [[line] for line in the_plan.title] + [the_plan.header] + [[v or None for v in r] for r in the_plan.rows]
    ranges = [f"{chr(65 + c)}{top + 1 + r}:{chr(65 + c)}{top + r + n}" for (r, c), n in merged.items()]
    return write_xlsx(path, {"Tracker": sheet}, {"Tracker": ranges})


def write_layout(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "tbc.layout.yaml"
    path.write_text(LAYOUT)
    return path
