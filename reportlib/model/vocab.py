"""The vocabularies every stage speaks, each in one place.

Statuses and the words a reader sees for them, timeliness, RAG, the committee's date
style ("2 August 2010") and the kinds of file a plan may come in. Reports, charts,
exports and the command line read these; none of them spells them again.
"""
from __future__ import annotations

import datetime as dt
import re

#: The kinds of plan file the loader reads, and that a report's footer hashes.
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".csv")
PAPER_SUFFIXES = (".docx", ".pdf")
PLAN_SUFFIXES = SPREADSHEET_SUFFIXES + PAPER_SUFFIXES
#: Analysts' decisions, kept beside the data (``reportlib.analysis.decisions``): never a plan.
DECISIONS_FILE = "decisions.csv"
#: Why an external pack has no chart or table by owner: the council marks owners internal.
OWNERS_WITHHELD = "owners are not named in this report (the council keeps them for its own officers)"
#: What a spreadsheet cell shows when its formula could not give a value (a lookup that found
#: nothing shows "#N/A"). Such a cell holds no value a plan meant: the loader warns and names it.
SPREADSHEET_ERROR = re.compile(
    r"^#(?:N/A|REF!|VALUE!|DIV/0!|NAME\?|NULL!|NUM!|SPILL!|CALC!|FIELD!|BLOCKED!|BUSY!|CONNECT!|UNKNOWN!"
    r"|GETTING_DATA)$", re.IGNORECASE)


#: The word a reader sees for each status, in the house order; "no_action" is closed without the
#: action being done (declined, superseded or no longer required), never an open action.
STATUS_LABELS = {"complete": "Complete", "in_progress": "In progress", "planned": "Planned",
                 "no_action": "Closed without action", "no_update": "No update", "needs_review": "Needs review"}
#: The same statuses said in full, where a figure stands alone (the headline, how to read a report).
STATUS_EXPLAINED = {"complete": "Complete", "in_progress": "In progress",
                    "planned": "Planned (a date given, no progress reported)",
                    "no_action": "Closed without action (declined, superseded or no longer required)",
                    "no_update": "No update yet",
                    "needs_review": "Needs review (update text not understood, or at odds with the stated status)"}
#: The priorities reports count (the share of High priority), highest first; a council's own grades
#: reach them through its layout's ``priority_words``.
PRIORITIES = ("High", "Medium", "Low")
#: "closed": complete or closed without action, not judged for timeliness (neither on time nor late).
TIMELINESS_LABELS = {"overdue": "Overdue", "due_soon": "Due soon", "on_time": "On time", "no_target": "No target",
                     "closed": "Closed"}
CHANGE_LABELS = {"newly_complete": "Newly complete", "newly_closed_without_action": "Newly closed without action",
                 "newly_overdue": "Newly overdue",
                 "gone_backwards": "Status gone backwards",
                 "no_longer_reads_complete": "Update no longer reads as complete", "rated_worse": "Rated worse (RAG)",
                 "new_in_plan": "New in the plan", "left_plan": "Left the plan",
                 "no_update_this_time": "No update this time"}


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


def long_date(day: dt.date) -> str:
    """A date as a committee paper writes it, whatever the locale: "2 August 2010"."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def short_date(day: dt.date) -> str:
    """The same where space is short (a table cell, a chart's axis): "2 Aug 2010"."""
    return f"{day.day} {_MONTHS[day.month - 1][:3]} {day.year}"
