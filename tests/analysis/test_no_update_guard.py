"""An update that says "no further progress" and then says something new is not ``no_update``:
the report must show it as the latest position, not fall back to the previous quarter's text."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from reportlib.analysis import status


def _classify(texts):
    frame = pd.DataFrame({"action_id": [f"A{i}" for i in range(len(texts))], "snapshot": "December 2024",
                          "snapshot_date": dt.date(2024, 12, 31), "text": texts, "stated_status": None,
                          "source_file": "q4.xlsx", "source_sheet": "Tracker", "source_row": range(len(texts))})
    return status.classify(frame)


@pytest.mark.parametrize("text", [
    "No further progress this quarter; the audit is now scheduled for July 2025.",
    "No further progress since the last report. The review is now scheduled for July 2025.",
    "No further update - the policy goes to Cabinet in March 2025.",
    "Nothing further to report: the new system is now scheduled to go live in July 2025.",
])
def test_an_update_with_real_content_is_never_no_update(text):
    assert _classify([text]).iloc[0]["status"] != "no_update"


@pytest.mark.parametrize("text", [
    "No further progress this quarter.", "No further update.", "Nothing further to report this quarter.",
    "No further progress since the last report.", "Update to follow.", "No update",
])
def test_an_update_that_says_nothing_new_is_still_no_update(text):
    got = _classify([text]).iloc[0]
    assert (got["status"], got["status_source"]) == ("no_update", "no_update.no_further_update")
