"""reportlib.present.tables: spreadsheet text shown safely, lists kept as lists, dates and NA readable."""
from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd
import pytest

from reportlib.errors import ReportlibError, TableError
from reportlib.present import tables


def cells(html: str) -> list[str]:
    return re.findall(r"<td[^>]*>(.*?)</td>", html, flags=re.DOTALL)


def test_plain_text_is_escaped_and_newlines_break():
    frame = pd.DataFrame({"action": ["Publish <script>alert(1)</script> & report\nsecond line"]})
    html = tables.table(frame)._repr_html_()
    assert "<script" not in html
    assert cells(html) == ["Publish &lt;script&gt;alert(1)&lt;/script&gt; &amp; report<br>second line"]


def test_headings_and_caption_are_escaped():
    frame = pd.DataFrame({"<b>Owner</b>": ["HoF"]})
    html = tables.table(frame, caption="Actions <i>due</i>").html
    assert "<th scope=\"col\">&lt;b&gt;Owner&lt;/b&gt;</th>" in html
    assert "<caption>Actions &lt;i&gt;due&lt;/i&gt;</caption>" in html


def test_rich_columns_keep_lists_and_safe_links_only():
    response = ('<ul><li>Agreed</li><li>See <a href="https://example.org/plan" target="_blank" '
                'onclick="steal()">the plan</a> and <a href="javascript:alert(1)">this</a></li></ul>'
                '<script>alert(2)</script><img src="x" onerror="alert(3)"><p style="color:red">'
                '<strong>Done</strong> <em>now</em> <a href="mailto:audit@example.org">mail</a></p>'
                '<iframe src="https://evil.example"></iframe>')
    html = tables.table(pd.DataFrame({"Management response": [response]}), rich=["Management response"]).html
    [cell] = cells(html)
    assert "<ul><li>Agreed</li><li>See " in cell
    assert '<a href="https://example.org/plan" rel="noopener noreferrer">the plan</a>' in cell
    assert '<a href="mailto:audit@example.org" rel="noopener noreferrer">mail</a>' in cell
    assert "<strong>Done</strong> <em>now</em>" in cell
    for banned in ('<a href="javascript:', "<script", "<img", "onclick", "target=", "style=", "<iframe"):
        assert banned not in cell
    # markup outside the allow-list is shown as the literal text it is, never deleted with its contents
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in cell and '&lt;img src="x" onerror="alert(3)"&gt;' in cell
    assert '&lt;a href="javascript:alert(1)"&gt;this&lt;/a&gt;' in cell  # a link to a script, likewise
    assert '&lt;iframe src="https://evil.example"&gt;&lt;/iframe&gt;' in cell


def test_rich_plain_text_keeps_its_line_breaks():
    html = tables.table(pd.DataFrame({"r": ["first\nsecond"]}), rich=["r"]).html
    assert cells(html) == ["first<br>second"]


def test_dates_na_and_numbers_read_well():
    frame = pd.DataFrame({
        "target_date": pd.to_datetime(["2010-03-31", None]),
        "day": [dt.date(2010, 4, 1), None],
        "count": pd.array([1234, None], dtype="Int64"),
        "share": [0.5, np.nan],
        "text": ["x", None],
        "recurring": [np.True_, False],
    })
    html = tables.table(frame).html
    assert cells(html) == ["31 Mar 2010", "1 Apr 2010", "1,234", "0.50", "x", "Yes",
                           "–", "–", "–", "–", "–", "No"]


def test_dates_do_not_wrap_and_numbers_align_right():
    frame = pd.DataFrame({"target_date": pd.to_datetime(["2010-03-31"]), "n": [3], "text": ["x"]})
    html = tables.table(frame).html
    assert '<td class="rl-date">31 Mar 2010</td><td class="rl-num">3</td><td>x</td>' in html


def test_columns_pick_order_and_rename():
    frame = pd.DataFrame({"a": [1], "b": [2], "c": [3]})
    html = tables.table(frame, columns={"c": "Third", "a": "First"}).html
    assert re.findall(r"<th scope=\"col\">(.*?)</th>", html) == ["Third", "First"]
    assert cells(html) == ["3", "1"]
    assert cells(tables.table(frame, columns=["b"]).html) == ["2"]


def test_unknown_columns_are_refused():
    frame = pd.DataFrame({"a": [1]})
    with pytest.raises(TableError, match="'missing'"):
        tables.table(frame, columns=["missing"])
    with pytest.raises(ReportlibError, match="rich column 'z'"):
        tables.table(frame, rich=["z"])


def test_no_inline_script_or_style_and_no_index():
    frame = pd.DataFrame({"a": ["x"]}, index=["SECRET-INDEX"])
    html = tables.table(frame).html
    assert "style" not in html and "<script" not in html and "SECRET-INDEX" not in html
    assert html.startswith('<table class="rl-table">') and "<thead>" in html


def test_safe_table_displays_in_jupyter():
    table = tables.table(pd.DataFrame({"a": [1]}))
    assert table._repr_html_() == table.html == str(table)
