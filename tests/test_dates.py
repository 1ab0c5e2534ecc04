"""Target phrasing -> end-of-period dates, UK financial-year meaning, never a guess."""
import datetime as dt

import pytest

from reportlib.ingest.dates import parse_target, target_in_prose

REF = dt.date(2009, 12, 1)


@pytest.mark.parametrize("text, expected, recurring", [
    ("March 2010", "2010-03-31", False),
    ("Nov/Dev 2009", "2009-12-31", False),
    ("Januray 2010", "2010-01-31", False),
    ("Jan/Feb", "2010-02-28", False),  # no year: the next February after the reference date
    ("June 2010, ahead of 2009/10 closedown", "2010-06-30", False),
    ("Q1 2010/11", "2010-06-30", False),
    ("Q4 2010/11", "2011-03-31", False),
    ("2009/10", "2010-03-31", False),
    ("end of financial year", "2010-03-31", False),
    ("by 31st December 2010", "2010-12-31", False),
    ("March 2010 and ongoing", "2010-03-31", True),
    ("Implemented by Feb '10", "2010-02-28", False),
    ("31/03/2010", "2010-03-31", False),
    ("Meetings held Nov/Dec 2009, Jan/Feb 2010", "2010-02-28", False),  # the latest date named
])
def test_phrases_mean_the_end_of_the_period(text, expected, recurring):
    target = parse_target(text, REF)
    assert target.date == dt.date.fromisoformat(expected)
    assert target.recurring is recurring
    assert target.text == text


def test_excel_date_cells_and_serials():
    assert parse_target(dt.datetime(2010, 3, 31, 0, 0)).date == dt.date(2010, 3, 31)
    assert parse_target(40268).date == dt.date(2010, 3, 31)
    assert parse_target(7).kind == "unreadable"


def test_ongoing_has_no_date_and_is_recurring():
    target = parse_target("Ongoing")
    assert (target.date, target.recurring, target.kind) == (None, True, "ongoing")
    assert parse_target("On-going").kind == "ongoing"


def test_statuses_in_a_target_column_are_not_targets():
    assert parse_target("Achieved").kind == "status"
    assert parse_target("No action").kind == "status"


@pytest.mark.parametrize("text", ["when resources allow", "WFP meetings by", "31/02/2010", "Q1 2010/12"])
def test_unreadable_text_gives_no_date(text):
    target = parse_target(text, REF)
    assert target.date is None and target.kind == "unreadable"


def test_month_without_year_needs_a_reference_date():
    assert parse_target("Jan/Feb", None).date is None


def test_prose_takes_the_latest_committed_date_and_ignores_bare_months():
    text = ("The bids will be evaluated in February/March 2010 with a preferred partner approved by the end of "
            "April 2010. The contract commencement date is scheduled by the 1 July 2010.")
    found = target_in_prose(text)
    assert found.date == dt.date(2010, 7, 1) and found.text == "1 July 2010"
    assert target_in_prose("We may review this.").kind == "none"
    assert target_in_prose("Potential projects for 2010 include").kind == "none"
