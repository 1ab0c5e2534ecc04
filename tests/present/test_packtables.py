"""reportlib.present.packtables: tables.xlsx holds the tables' values, text only as text, laid
out for reading (headers, widths, frozen header, filter), the same bytes for the same inputs."""
from __future__ import annotations

import datetime as dt
import math
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from reportlib.analysis import snapshot
from reportlib.analysis.plans import load_plans
from reportlib.present.export import EXCEL_CELL_LIMIT
from reportlib.present.packtables import report_frames, write_frames, write_pack_tables

REPO = Path(__file__).resolve().parents[2]
AS_OF = dt.date(2010, 3, 31)
CREATED = dt.datetime(2010, 3, 31, 12, 0)
#: text a spreadsheet might run, or that XML or Excel's own escapes would change, if written carelessly
HOSTILE = ["=HYPERLINK(\"https://example.org\",\"x\")", "+1", "-2", "@SUM(A1)", "＝1", "'quoted",
           "<r>bad & </r>", "<r><t>rich</t></r>", "_x0041_ stays as written", "a < b & c > d \"quoted\"",
           "  leading and trailing spaces  ", "two\nlines", "tab\tinside", "Ünïcode – “quotes” ✓ 🙂",
           "]]> <![CDATA[x]]>", "&amp; already escaped"]


def mixed_frame() -> pd.DataFrame:
    n = len(HOSTILE)
    return pd.DataFrame({
        "Text": HOSTILE,
        "Count": pd.array([3, None, 0, -7] + [1] * (n - 4), dtype="Int64"),
        "Share": [0.125, math.nan, 1 / 3, 1e-9] + [2.5] * (n - 4),
        "When": pd.to_datetime(["2010-03-31", None, "2009-12-31 10:30", "1999-01-01"] + ["2010-01-01"] * (n - 4),
                               format="ISO8601"),
        "Flag": [True, False] * (n // 2),
        "Mixed": ["text", 4, 2.5, dt.date(2010, 6, 30), None, True] + [None] * (n - 6),
        "Empty": [None] * n,
    })


def expected(frame: pd.DataFrame) -> list[list]:
    """The values a reader gets back: the header, then each row (None where the frame has none)."""
    rows = [list(frame.columns)]
    for record in frame.itertuples(index=False):
        row = []
        for value in record:
            if value is None or value is pd.NA or value is pd.NaT or value == "" or (
                    isinstance(value, float) and math.isnan(value)):
                row.append(None)
            elif isinstance(value, (bool, np.bool_)):
                row.append(bool(value))
            elif isinstance(value, (int, float, np.integer, np.floating)):
                row.append(float(value))
            elif isinstance(value, dt.date):
                row.append(pd.Timestamp(value).to_pydatetime())
            else:
                row.append(value)
        rows.append(row)
    return rows


def by_openpyxl(path: Path, sheet: str) -> list[list]:
    book = openpyxl.load_workbook(path)
    rows = [[float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None if v == "" else v
             for v in row] for row in book[sheet].iter_rows(values_only=True)]  # an empty text: an empty cell
    return rows


def by_calamine(path: Path, sheet: str) -> list[list]:
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    out = []
    for row in rows:
        cells = []
        for v in row:
            if v == "":
                v = None
            elif isinstance(v, dt.date) and not isinstance(v, dt.datetime):
                v = dt.datetime.combine(v, dt.time())
            elif isinstance(v, int) and not isinstance(v, bool):
                v = float(v)
            cells.append(v)
        out.append(cells)
    return out


def padded(rows: list[list], width: int) -> list[list]:
    return [row + [None] * (width - len(row)) for row in rows]


@pytest.mark.parametrize("reader", [by_openpyxl, by_calamine])
def test_every_value_reads_back_as_written(tmp_path, reader):
    frame = mixed_frame()
    path = write_frames({"Sheet one": frame, "Second": frame.iloc[::-1]}, tmp_path / "t.xlsx", created=CREATED)
    for name, shown in (("Sheet one", frame), ("Second", frame.iloc[::-1])):
        got = padded(reader(path, name), len(frame.columns))
        assert got[0] == list(frame.columns)
        for want_row, got_row in zip(expected(shown)[1:], got[1:], strict=True):
            for want, value in zip(want_row, got_row, strict=True):
                if isinstance(want, dt.datetime):
                    assert abs(value - want) < dt.timedelta(seconds=1), (name, want, value)
                else:
                    assert value == want, (name, want, value)


def test_text_is_never_a_formula_and_keeps_its_characters(tmp_path):
    path = write_frames({"Actions": mixed_frame()}, tmp_path / "t.xlsx", created=CREATED)
    with zipfile.ZipFile(path) as book:
        assert not any("<f>" in book.read(n).decode() for n in book.namelist() if n.startswith("xl/worksheets/"))
    sheet = openpyxl.load_workbook(path)["Actions"]
    texts = [c.value for c in sheet["A"][1:]]
    assert texts == HOSTILE  # as written: not run, not prefixed, not unescaped
    assert {c.data_type for c in sheet["A"][1:]} == {"s"}


@pytest.mark.parametrize("dtype", ["str", object])
def test_a_text_longer_than_a_cell_is_cut_with_a_note(tmp_path, dtype):
    frame = pd.DataFrame({"Latest update": pd.Series(["x" * (EXCEL_CELL_LIMIT + 10), "short"], dtype=dtype)})
    path = write_frames({"Updates": frame}, tmp_path / "t.xlsx", created=CREATED)
    value = openpyxl.load_workbook(path)["Updates"]["A2"].value
    assert len(value) <= EXCEL_CELL_LIMIT and value.endswith("the full text is in the HTML report]")


def test_headers_widths_frozen_header_and_filter(tmp_path):
    frame = pd.DataFrame({"ID": ["A1", "A2"], "Latest update": ["word " * 40, "w"], "Target date":
                          pd.to_datetime(["2010-03-31", None])})
    path = write_frames({"Actions": frame, "Empty": frame.iloc[:0]}, tmp_path / "t.xlsx", created=CREATED)
    book = openpyxl.load_workbook(path)
    sheet = book["Actions"]
    header = sheet["A1"]
    assert header.font.bold and header.alignment.wrap_text and header.fill.fgColor.rgb.endswith("DCE6F0")
    assert sheet.row_dimensions[1].height == 30
    assert sheet.freeze_panes == "B2" and sheet.auto_filter.ref == "A1:C3"
    assert sheet.column_dimensions["B"].width > sheet.column_dimensions["A"].width
    assert sheet["B2"].alignment.wrap_text and not sheet["A2"].alignment.wrap_text
    assert sheet["C2"].number_format == "dd mmm yyyy" and sheet["C2"].value == dt.datetime(2010, 3, 31)
    assert sheet["C3"].value is None
    empty = book["Empty"]
    assert [c.value for c in empty[1]] == ["ID", "Latest update", "Target date"] and empty.max_row == 1
    assert empty.freeze_panes == "B2"


def test_the_same_frames_give_the_same_bytes(tmp_path):
    frames = {"Actions": mixed_frame(), "Updates": mixed_frame().iloc[::-1]}
    first = write_frames(frames, tmp_path / "a.xlsx", created=CREATED).read_bytes()
    second = write_frames(frames, tmp_path / "b.xlsx", created=CREATED).read_bytes()
    assert first == second


def test_a_pack_of_the_shipped_plans_reads_back_as_its_tables(tmp_path):
    plans = snapshot.cut(load_plans(REPO / "data" / "wdc_use_of_resources_action_plan.xlsx"), AS_OF, "internal")
    frames = report_frames(plans, AS_OF)
    path = write_pack_tables(plans, tmp_path / "tables.xlsx", as_of=AS_OF)
    again = write_pack_tables(plans, tmp_path / "again.xlsx", as_of=AS_OF)
    assert path.read_bytes() == again.read_bytes()
    assert CalamineWorkbook.from_path(str(path)).sheet_names == list(frames)
    for name, frame in frames.items():
        want = expected(frame)
        for got in (by_calamine(path, name), by_openpyxl(path, name)):
            got = padded(got, len(frame.columns))
            assert len(got) == len(want), name
            for want_row, got_row in zip(want, got):
                assert [w.date() if isinstance(w, dt.datetime) else w for w in want_row] == \
                       [g.date() if isinstance(g, dt.datetime) else g for g in got_row], name
