"""A short table too wide for the page is found before the report is laid out, not after:
the report is laid out once, and its PDF is the one that laying it out again would give."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from reportlib.present import pdf, pdffit, tables
from reportlib.present.exporters import export_html
from reportlib.present.htmlreport import Provenance

PROVENANCE = Provenance(
    title="Audit recommendations – progress report", council="Testshire District Council",
    committee="Audit & Governance Committee", as_of=dt.date(2025, 3, 31), pack="fit-pack",
    notebook="report.ipynb", heading="Audit recommendations – progress report",
    inputs=(("plan.xlsx", "a" * 64, 100),), parameters={}, version="0.1.0")
#: Eleven columns of counts: too wide for a portrait page in Liberation Sans and in DejaVu Sans alike
#: (with only nine, the table fits in Liberation Sans), and within it once set smaller and hyphenated.
COUNTS = ["Actions", "Complete", "In progress", "Planned", "Closed without action", "No update",
          "Needs review", "Overdue", "% complete", "Implemented", "Outstanding"]


def _output(html: str):
    return new_code_cell("t", outputs=[new_output("display_data", data={"text/html": html, "text/plain": "t"})])


def report(group_names: list[str], *, prose_pages: int = 4, counts: list[str] = COUNTS) -> str:
    """A report like a council's: a progress-by-group table of ten columns, then pages of actions."""
    by_group = pd.DataFrame([[name, *range(len(counts))] for name in group_names], columns=["Group", *counts])
    actions = pd.DataFrame({"Ref": [f"R{i}" for i in range(40 * prose_pages)],
                            "Action": ["Reconcile the payroll to the ledger each month and report "
                                       "exceptions to the finance manager"] * 40 * prose_pages,
                            "Status": ["In progress"] * 40 * prose_pages})
    nb = new_notebook()
    nb.cells = [new_markdown_cell("## Progress by group"), _output(tables.table(by_group).html),
                new_markdown_cell("## Every action"), _output(tables.table(actions).html)]
    return export_html(nb, PROVENANCE, notebook_dir=".")


@pytest.fixture
def layouts(monkeypatch):
    """The page counts of every layout WeasyPrint is asked for."""
    seen = []
    real = pdf.weasyprint.HTML.render

    def render(self, *args, **kwargs):
        document = real(self, *args, **kwargs)
        seen.append(len(document.pages))
        return document

    monkeypatch.setattr(pdf.weasyprint.HTML, "render", render)
    return seen


def without_trial(monkeypatch):
    monkeypatch.setattr(pdffit, "fallbacks_alone", lambda html, render: {})


LONG_WORDS = ["Commissioning and procurement", "Understanding costs and achieving efficiencies",
              "Workforce planning and organisational development"]


def test_a_short_table_too_wide_is_found_alone_and_the_report_laid_out_once(monkeypatch, layouts):
    html = report(LONG_WORDS)
    marks = spy_marks(monkeypatch)
    document = pdf.layout(html, running_header="Testshire")
    full = len(document.pages)
    assert full >= 4 and pdffit.overflowing_tables(document) == set()
    assert layouts.count(full) == 1  # the whole report laid out once
    assert all(pages < full for pages in layouts if pages != full)  # the trial: the short table's section only
    assert set(marks[0]) == {0}  # the table was given its fallback before the report was laid out


def test_the_pdf_is_the_same_bytes_with_or_without_the_trial(monkeypatch):
    html = report(LONG_WORDS)
    dated = dt.date(2025, 3, 31)
    with_trial = pdf.pdf_bytes(html, running_header="Testshire", dated=dated)
    without_trial(monkeypatch)
    assert pdf.pdf_bytes(html, running_header="Testshire", dated=dated) == with_trial


def spy_marks(monkeypatch) -> list[dict]:
    """The fallbacks given at each layout of the whole report (not of a trial of some of its sections)."""
    marks = []
    real = pdffit.mark_tables

    def mark(html, given):
        if "<footer" in html:  # the report's provenance footer: a trial stops at the end of <main>
            marks.append(dict(given))
        return real(html, given)

    monkeypatch.setattr(pdffit, "mark_tables", mark)
    return marks


def test_a_table_that_fits_is_not_marked_and_the_report_is_laid_out_once(monkeypatch, layouts):
    marks = spy_marks(monkeypatch)
    document = pdf.layout(report(["Payroll", "Debtors", "Creditors"], counts=COUNTS[:6]), running_header="Testshire")
    assert layouts.count(len(document.pages)) == 1
    assert all(not given for given in marks)  # no table given a fallback


def test_the_wide_table_is_marked_when_other_tables_come_before_it(monkeypatch):
    html = report(LONG_WORDS)
    fits = tables.table(pd.DataFrame({"Measure": ["Actions"], "Figure": [3]})).html
    opened = pdffit.MAIN_OPEN.search(html)
    first_cell = html.index("<div", opened.end())
    html = html[:first_cell] + f'<div class="jp-Cell">{fits}{fits}</div>' + html[first_cell:]
    marks = spy_marks(monkeypatch)
    document = pdf.layout(html, running_header="Testshire")
    assert pdffit.overflowing_tables(document) == set()
    assert marks and set(marks[0]) == {2}  # the third table in the text, not the first


def test_a_style_in_the_body_leaves_the_decision_to_the_full_layout(monkeypatch, layouts):
    html = report(LONG_WORDS)
    opened = pdffit.MAIN_OPEN.search(html)
    html = html[:opened.end()] + "<style>main table { font-size: 5pt }</style>" + html[opened.end():]
    marks = spy_marks(monkeypatch)
    document = pdf.layout(html, running_header="Testshire")
    assert layouts.count(len(document.pages)) == 1 and len(layouts) == 1  # no trial: only the report
    assert all(not given for given in marks)  # at 5 pt the table fits: nothing is set smaller
    assert pdffit.overflowing_tables(document) == set()


def test_a_table_in_a_comment_does_not_shift_which_table_is_marked(monkeypatch):
    html = report(LONG_WORDS)
    opened = pdffit.MAIN_OPEN.search(html)
    first_cell = html.index("<div", opened.end())
    html = html[:first_cell] + "<div><!-- <table> --></div>" + html[first_cell:]
    marks = spy_marks(monkeypatch)
    document = pdf.layout(html, running_header="Testshire")
    assert set(marks[0]) == {0}  # the real table, not the one in the comment
    assert pdffit.overflowing_tables(document) == set()


def test_a_table_the_trial_misses_is_still_caught_after_layout(monkeypatch, layouts):
    without_trial(monkeypatch)
    document = pdf.layout(report(LONG_WORDS), running_header="Testshire")
    assert pdffit.overflowing_tables(document) == set()
    assert layouts.count(len(document.pages)) >= 2  # laid out, found too wide, laid out again


def test_a_table_still_too_wide_when_hyphenated_is_broken_anywhere(monkeypatch):
    marks = spy_marks(monkeypatch)
    words = ["Q" + "ZX" * 9 + str(i) for i in range(3)]  # words no hyphenation can split
    by_group = pd.DataFrame([[w, *(w for _ in COUNTS)] for w in words], columns=["Group", *COUNTS])
    nb = new_notebook()
    nb.cells = [_output(tables.table(by_group).html)]
    document = pdf.layout(export_html(nb, PROVENANCE, notebook_dir="."), running_header="Testshire")
    assert pdffit.overflowing_tables(document) == set()
    assert marks[-1] == {0: "anywhere"}  # hyphenated was not enough


def _liberation_installed() -> bool:
    return pdffit.font_scale("Complete In progress Needs review", "Liberation Sans") < 0.98


@pytest.mark.skipif(not _liberation_installed(), reason="needs Liberation Sans, the reports' first font")
def test_in_liberation_sans_a_table_that_only_dejavu_sans_sets_too_wide_is_not_tried(layouts):
    """Nine columns of counts fit a portrait page in Liberation Sans: the report is laid out once, with no
    trial layout first (in DejaVu Sans they do not fit, and the trial is what saves a layout there)."""
    document = pdf.layout(report(LONG_WORDS, counts=COUNTS[:9]), running_header="Testshire")
    assert pdffit.overflowing_tables(document) == set()
    assert layouts == [len(document.pages)]


def test_where_the_reports_are_set_in_dejavu_sans_the_same_table_is_tried_alone(monkeypatch, layouts):
    monkeypatch.setattr(pdffit, "REPORT_FONTS", "DejaVu Sans")
    document = pdf.layout(report(LONG_WORDS, counts=COUNTS[:9]), running_header="Testshire")
    full = len(document.pages)
    assert len(layouts) >= 2 and layouts[0] < full  # its section laid out alone first


def test_the_font_scale_is_the_first_installed_font_of_the_list_against_dejavu_sans():
    text = "Closed without action Needs review Overdue % complete"
    assert pdffit.font_scale(text, "DejaVu Sans") == pytest.approx(1.0)
    assert pdffit.font_scale(text, "No Such Font 123, DejaVu Sans") == pytest.approx(1.0)
    if _liberation_installed():
        assert 0.8 < pdffit.font_scale(text) < 0.95  # Liberation Sans (Arial's widths) is narrower
    assert pdffit.font_scale("", "DejaVu Sans") == 1.0
