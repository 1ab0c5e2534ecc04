"""Words, not codes (issue #23): what a reader sees says "In progress", never `in_progress`, and the
external data-quality report says what was found, not how an analyst works the review queue."""
from __future__ import annotations

import html as html_lib
import re
from pathlib import Path

import pytest

import reportlib
from reportlib.analysis import compare
from reportlib.analysis.decisions import queue
from reportlib.present import report

REPO = Path(__file__).resolve().parents[2]
WDC = str(REPO / "data/wdc_use_of_resources_action_plan.xlsx")
#: a snake_case word (``in_progress``, ``needs_review.query``), not part of a file name (``wdc_plan.xlsx``)
CODE = re.compile(r"\b[a-z]+(?:_[a-z]+)+(?:\.[a-z_]+)?\b(?!\.(?:xlsx|xlsm|csv|docx|pdf|ipynb)\b)")


def _text(piece) -> str:
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", str(piece))).split())


def _codes(piece) -> list[str]:
    return [code for code in CODE.findall(_text(piece)) if not re.search(r"\.(xlsx|csv|docx|pdf)$", code)]


@pytest.fixture(scope="module", params=["internal", "external"])
def wdc(request):
    plans = reportlib.plans_for_report([WDC], "", as_of="2010-07-31", audience=request.param, strict=False)
    return plans


def test_the_years_compared_say_statuses_in_words(wdc):
    plans = wdc.council("WDC")
    p = reportlib.progress(plans, "2010-07-31")
    years = compare.compare_assessments(p.actions, "WDC", label=p.group_label)
    shown = report.carried_forward_table(p, years)
    assert not _codes(shown)
    assert "In progress" in _text(shown) or "Needs review" in _text(shown)


def test_the_review_queue_and_findings_say_why_in_words(wdc):
    for piece in (report.review_table(wdc), report.findings_table(wdc)):
        assert not _codes(piece), _codes(piece)
    assert "asks a question" in _text(report.review_table(wdc))  # was the rule id "needs_review.query"


def test_the_external_data_quality_report_says_what_was_found_not_how_to_work_the_queue():
    internal = reportlib.plans_for_report([WDC], "", as_of="2010-07-31", audience="internal", strict=False)
    external = reportlib.plans_for_report([WDC], "", as_of="2010-07-31", audience="external", strict=False)
    for_analyst, for_auditor = _text(report.review_table(internal)), _text(report.review_table(external))
    assert "reportlib review" in for_analyst and "decisions.csv" in for_analyst  # the analyst is told how
    assert "reportlib review" not in for_auditor and "decisions.csv" not in for_auditor
    assert "Row" not in for_auditor.split() and "Column" not in for_auditor.split()  # no cell-by-cell queue
    waiting = len(queue(external))
    assert f"{waiting} progress updates" in for_auditor  # what was found, counted
