"""A PDF is the same bytes for the same report, whenever it is written: its embedded fonts carry
the report's date, not the clock (``verify`` compares PDFs byte for byte)."""
from __future__ import annotations

import datetime as dt
import os
import time

from reportlib.present.pdf import html_to_pdf, pdf_bytes

HTML = "<html><body><h1>Progress</h1><p>12 actions, 3 overdue at 31 July 2010.</p></body></html>"


def test_a_dated_pdf_is_the_same_bytes_a_second_later(tmp_path):
    first = pdf_bytes(HTML, running_header="x", dated=dt.date(2010, 7, 31))
    time.sleep(1.1)  # the fonts' time stamps count seconds
    second = html_to_pdf(HTML, tmp_path / "b.pdf", running_header="x", dated=dt.date(2010, 7, 31)).read_bytes()
    assert first == second


def test_dating_a_pdf_leaves_the_process_environment_as_it_was():
    before = os.environ.get("SOURCE_DATE_EPOCH")
    pdf_bytes(HTML, running_header="x", dated=dt.date(2010, 7, 31))
    assert os.environ.get("SOURCE_DATE_EPOCH") == before
