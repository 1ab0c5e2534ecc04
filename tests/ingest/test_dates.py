"""Target phrasing -> end-of-period dates, UK financial-year meaning, never a guess."""
import datetime as dt

import pandas as pd
import pytest
from workbooks import write_xlsx

from reportlib import inspect_plans
from reportlib.ingest.dates import parse_target, snapshot_date, target_in_prose

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


# --- a modern internal-audit tracker: years as written, never invented -----------------------

MODERN = dt.date(2024, 4, 1)


@pytest.mark.parametrize("value, expected", [
    ("Mar-24", "2024-03-31"),  # the year written, not the next March after the reference date
    ("Jun-25", "2025-06-30"),
    ("Jul-24", "2024-07-31"),
    ("Jul-23", "2023-07-31"),
    ("Mar 24", "2024-03-31"),
    ("30.06.24", "2024-06-30"),
    ("31/03/2024", "2024-03-31"),
    ("31/03/24", "2024-03-31"),
    ("Q3 2023/24", "2023-12-31"),
    ("end of June 2024", "2024-06-30"),
    ("June 2024", "2024-06-30"),
    ("31 July 2024", "2024-07-31"),
    ("31-Mar-24", "2024-03-31"),  # Excel's dd-mmm-yy as text
    ("Phase 2 - March 2024", "2024-03-31"),  # the end of March, not its 2nd day
    (45382, "2024-03-31"),  # an Excel serial number
    (dt.datetime(2024, 3, 31), "2024-03-31"),  # an Excel date cell
])
def test_a_modern_tracker_reads_the_year_written(value, expected):
    target = parse_target(value, MODERN)
    assert (target.date, target.kind) == (dt.date.fromisoformat(expected), "date")


@pytest.mark.parametrize("text, expected", [
    ("Mar-09", "2009-03-31"), ("31/03/09", "2009-03-31"), ("30.06.10", "2010-06-30"), ("Mar-99", "1999-03-31"),
])
def test_two_digit_years_are_read_as_written_with_a_fixed_pivot(text, expected):
    # 00-68 are 2000-2068, 69-99 are 1969-1999 (as Python's %y); read without a reference date
    assert parse_target(text).date == dt.date.fromisoformat(expected)


@pytest.mark.parametrize("value", ["March 2101", "31 July 20101", "December 3010", "31/07/2101", "Mar-2101",
                                   dt.datetime(2101, 7, 31)])
def test_a_mistyped_year_is_never_guessed(value):
    for reference in (REF, None):
        target = parse_target(value, reference)
        assert target.date is None and target.kind == "implausible", (value, reference)
        assert "year" in target.problem


def test_a_year_far_from_the_reference_date_is_not_taken():
    far = parse_target("March 2042", MODERN)  # 2024 mistyped: more than 15 years after 1 April 2024
    assert far.date is None and far.kind == "implausible"
    assert "2042" in far.problem and "2009" in far.problem and "2039" in far.problem
    assert parse_target("March 2039", MODERN).date == dt.date(2039, 3, 31)
    assert parse_target("Mar-99", MODERN).kind == "implausible"  # 1999: the pivot reads it, the window refuses it


def test_a_month_without_a_year_takes_the_reference_year_and_says_so():
    for text, expected in (("Jan/Feb", "2010-02-28"), ("end of March", "2010-03-31"), ("March", "2010-03-31")):
        target = parse_target(text, REF)
        assert target.date == dt.date.fromisoformat(expected) and target.year_assumed, text
    assert not parse_target("March 2010", REF).year_assumed


def test_a_snapshot_date_with_a_mistyped_year_is_not_read():
    assert snapshot_date("31 July 2101", dt.date(2010, 1, 1)) is None
    assert snapshot_date("31 July 2101") is None
    assert snapshot_date("2101-07-31") is None
    assert snapshot_date("31 July 2010", dt.date(2010, 1, 1)) == dt.date(2010, 7, 31)


# --- the same through the loader, on a sheet built in code -----------------------------------

MODERN_LAYOUT = """
name: nbc-tracker
council: Newtown Borough Council
council_code: NBC
assessment: "2024"
reference_date: 2024-04-01
columns:
  ref: Ref
  recommendation: Recommendation
  action: Management response
  target: Target date
  revised_target: Revised date
required: [ref, recommendation, action]
snapshots:
  - {column_pattern: 'Progress at (?P<date>.+)', status: Status}
"""
MODERN_HEADER = ["Ref", "Recommendation", "Management response", "Target date", "Revised date"]


def _tracker(tmp_path, rows, *, layout=MODERN_LAYOUT, progress="Progress at 30 Jun 2024"):
    folder = tmp_path / "plans"
    folder.mkdir(exist_ok=True)
    (folder / "nbc.layout.yaml").write_text(layout)
    header = MODERN_HEADER + [progress, "Status"]
    full = [[f"R{i}", f"Finding {i}.", f"Response {i}.", target, revised, "Progress noted.", "On track"]
            for i, (target, revised) in enumerate(rows, start=1)]
    write_xlsx(folder / "tracker.xlsx", {"Tracker": [["Newtown Borough Council internal audit tracker"], header] + full})
    return folder


def _dates(plans, column):
    return [None if pd.isna(d) else d.date() for d in plans.actions.sort_values("source_rows")[column]]


def test_a_modern_tracker_loads_the_years_written(tmp_path):
    plans = inspect_plans(_tracker(tmp_path, [("Mar-24", "Jul-24"), ("Jun-25", "Sep-25"), ("30.06.24", None),
                                              ("Q3 2023/24", None), (dt.datetime(2024, 3, 31), "31/03/25")]))
    assert plans.findings == []
    assert _dates(plans, "target_date") == [dt.date(2024, 3, 31), dt.date(2025, 6, 30), dt.date(2024, 6, 30),
                                            dt.date(2023, 12, 31), dt.date(2024, 3, 31)]
    assert _dates(plans, "revised_target_date") == [dt.date(2024, 7, 31), dt.date(2025, 9, 30), None, None,
                                                    dt.date(2025, 3, 31)]


def test_a_mistyped_year_is_a_warning_naming_the_cell_and_leaves_the_date_empty(tmp_path):
    plans = inspect_plans(_tracker(tmp_path, [("March 2101", None), ("31 July 20101", None),
                                              ("Mar-24", "December 3010"), ("March 2042", None)]))
    assert _dates(plans, "target_date") == [None, None, dt.date(2024, 3, 31), None]
    assert _dates(plans, "revised_target_date") == [None, None, None, None]
    found = [(f.severity, f.code, f.location.file, f.location.sheet, f.location.row, f.location.column)
             for f in plans.findings]
    assert found == [("warning", "implausible_year", "tracker.xlsx", "Tracker", 3, "D ('Target date')"),
                     ("warning", "implausible_year", "tracker.xlsx", "Tracker", 4, "D ('Target date')"),
                     ("warning", "implausible_year", "tracker.xlsx", "Tracker", 5, "E ('Revised date')"),
                     ("warning", "implausible_year", "tracker.xlsx", "Tracker", 6, "D ('Target date')")]
    assert "'March 2101'" in plans.findings[0].message and "left empty" in plans.findings[0].message


def test_without_a_reference_date_the_plan_s_own_dates_set_the_window(tmp_path):
    layout = MODERN_LAYOUT.replace("reference_date: 2024-04-01\n", "")
    plans = inspect_plans(_tracker(tmp_path, [("Mar-24", None), ("Jun-24", None), ("Sep-25", None),
                                              ("March 2042", None), ("March 2101", None)], layout=layout))
    assert _dates(plans, "target_date") == [dt.date(2024, 3, 31), dt.date(2024, 6, 30), dt.date(2025, 9, 30),
                                            None, None]
    found = sorted(plans.findings, key=lambda f: f.location.row)
    assert [(f.code, f.location.row, f.location.column) for f in found] == [
        ("implausible_year", 6, "D ('Target date')"), ("implausible_year", 7, "D ('Target date')")]
    assert "2042" in found[0].message and "reference_date" in found[0].message


def test_a_month_without_a_year_is_a_warning_naming_the_cell(tmp_path):
    plans = inspect_plans(_tracker(tmp_path, [("end of March", None), ("Mar-25", None)]))
    assert _dates(plans, "target_date") == [dt.date(2025, 3, 31), dt.date(2025, 3, 31)]
    [warning] = plans.findings
    assert (warning.severity, warning.code, warning.location.row, warning.location.column) == (
        "warning", "year_assumed", 3, "D ('Target date')")
    assert "2024-04-01" in warning.message and "2025" in warning.message


def test_a_snapshot_header_with_a_mistyped_year_is_a_located_error_not_a_2010_date(tmp_path):
    plans = inspect_plans(_tracker(tmp_path, [("Mar-24", None)], progress="Progress at 31 July 2101"))
    [error] = plans.errors
    assert (error.code, error.location.file, error.location.sheet, error.location.row, error.location.column) == (
        "snapshot_date", "tracker.xlsx", "Tracker", 2, "F")
    assert "2101" in error.message and "year" in error.message
    assert plans.updates.empty


def test_a_far_off_year_in_the_prose_a_plan_dates_by_is_one_warning_and_no_date(tmp_path):
    layout = (MODERN_LAYOUT.replace("  target: Target date\n  revised_target: Revised date\n",
                                    "  details: Target date\ncontinuation:\n  blank: [ref]\n")
              + "target_in_prose: details\n")
    rows = [("Report to committee in June 2024.", None), ("Review in March 2024, policy live by March 2042.", None)]
    folder = _tracker(tmp_path, rows, layout=layout)
    sheet = [["Newtown Borough Council internal audit tracker"], MODERN_HEADER + ["Progress at 30 Jun 2024", "Status"],
             ["R1", "Finding 1.", "Response 1.", rows[0][0], None, "Progress noted.", "On track"],
             ["R2", "Finding 2.", "Response 2.", rows[1][0], None, "Progress noted.", "On track"],
             [None, None, None, "Training to follow.", None, None, None]]  # R2's prose runs on
    write_xlsx(folder / "tracker.xlsx", {"Tracker": sheet})
    plans = inspect_plans(folder)
    assert _dates(plans, "target_date") == [dt.date(2024, 6, 30), None]  # never the earlier March 2024
    [warning] = plans.findings
    assert (warning.code, warning.location.row, warning.location.column) == ("implausible_year", 4, "D ('Target date')")
    assert "March 2042" in warning.message


@pytest.mark.parametrize("text, expected", [("Q4 25/26", dt.date(2026, 3, 31)), ("q2 24/25", dt.date(2024, 9, 30)),
                                            ("Q3 2024/25", dt.date(2024, 12, 31))])
def test_a_financial_year_quarter_reads_with_two_digit_years_too(text, expected):
    assert parse_target(text).date == expected


def test_a_quarter_whose_years_are_not_one_financial_year_is_not_a_date():
    assert parse_target("Q4 25/27").date is None
