"""The vocabularies every stage speaks, each in one place.

Statuses and the words a reader sees for them, timeliness, RAG, the committee's date
style ("2 August 2010") and the kinds of file a plan may come in. Reports, charts,
exports and the command line read these; none of them spells them again.
"""
from __future__ import annotations

import datetime as dt

#: The kinds of plan file the loader reads, and that a report's footer hashes.
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".csv")
PAPER_SUFFIXES = (".docx", ".pdf")
PLAN_SUFFIXES = SPREADSHEET_SUFFIXES + PAPER_SUFFIXES
#: Analysts' decisions, kept beside the data (``reportlib.analysis.decisions``): never a plan.
DECISIONS_FILE = "decisions.csv"


def long_date(day: dt.date) -> str:
    """A date as a committee paper writes it: "2 August 2010"."""
    return f"{day.day} {day:%B %Y}"
