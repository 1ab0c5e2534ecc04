"""A cell holding a spreadsheet error ("#N/A" from a lookup that found nothing) is not a value the
plan meant. calamine gives such a cell as empty, so before this it vanished without a word
(stranger trial 8). Now it is read as Excel shows it, and a warning names the cell: in an xlsx
error cell, in a csv export where the error is text, and in a sheet read by openpyxl's streaming
reader."""
from __future__ import annotations

import csv
import datetime as dt

import pytest
from quarters import BASE, TITLE, plan_folder, quarter_row, write_quarter

import reportlib
from reportlib.ingest import sources


def _rows():
    return [
        quarter_row(1, owner="#N/A", target=dt.datetime(2010, 12, 31), progress=["Procedure being drafted."],
                    status="On track"),
        quarter_row(2, owner="Head of Finance", target=dt.datetime(2010, 12, 31), progress=["#REF!"],
                    status="On track"),
    ]


def _errors(plans):
    return sorted((f.location.row, f.location.column, f.message.split("'")[1])
                  for f in plans.findings if f.code == "spreadsheet_error")


def test_error_cells_in_a_workbook_are_named_and_kept_as_excel_shows_them(tmp_path):
    folder = plan_folder(tmp_path)
    write_quarter(folder, "q1.xlsx", ["Progress at 30 Sep 2010"], _rows())  # openpyxl writes "#N/A" as an error cell
    plans = reportlib.inspect_plans(folder)
    assert _errors(plans) == [(6, "D", "#N/A"), (7, "G", "#REF!")]
    acts = plans.actions.set_index("action_id")
    assert acts.at["TBC-2010-001", "owner"] == "#N/A"  # not an empty owner: the reader sees what Excel shows


def test_error_text_in_a_csv_export_is_named_too(tmp_path):
    folder = plan_folder(tmp_path)
    header = BASE + ["Progress at 30 Sep 2010", "Status"]
    with open(folder / "q1.csv", "w", newline="") as out:
        writer = csv.writer(out)
        for row in [*TITLE, header, ["Theme 1 - Managing finances"], *_rows()]:
            writer.writerow(["" if v is None else (v.strftime("%d/%m/%Y") if isinstance(v, dt.datetime) else v)
                             for v in row])
    assert _errors(reportlib.inspect_plans(folder)) == [(6, "D", "#N/A"), (7, "G", "#REF!")]


def test_error_cells_are_named_when_a_sheet_is_streamed_by_openpyxl(tmp_path, monkeypatch):
    folder = plan_folder(tmp_path)
    write_quarter(folder, "q1.xlsx", ["Progress at 30 Sep 2010"], _rows())
    monkeypatch.setattr(sources, "CELL_BUDGET", 100)  # 7 rows x A-Z is "too large": openpyxl streams it
    streamed = []
    real = sources._openpyxl_rows
    monkeypatch.setattr(sources, "_openpyxl_rows", lambda data, name: streamed.append(name) or real(data, name))
    plans = reportlib.inspect_plans(folder)
    assert streamed == ["Plan"] and not [f for f in plans.findings if f.severity == "error"]
    assert _errors(plans) == [(6, "D", "#N/A"), (7, "G", "#REF!")]


@pytest.mark.parametrize("text", ["N/A", "n/a", "#1 priority", "# see note"])
def test_text_that_only_looks_like_an_error_is_not_one(tmp_path, text):
    folder = plan_folder(tmp_path)
    write_quarter(folder, "q1.xlsx", ["Progress at 30 Sep 2010"], [
        quarter_row(1, owner=text, target=dt.datetime(2010, 12, 31), progress=["Drafted."], status="On track")])
    assert _errors(reportlib.inspect_plans(folder)) == []


def test_an_item_number_that_is_a_spreadsheet_error_makes_no_id_of_it(tmp_path):
    # stranger trial 10: an "#N/A" item number became the id NMB-2024-N-A (two of them, a duplicate id)
    folder = plan_folder(tmp_path)
    write_quarter(folder, "q1.xlsx", ["Progress at 30 Sep 2010"], [
        quarter_row("#N/A", target=dt.datetime(2010, 12, 31), progress=["Drafted."], status="On track"),
        quarter_row("#N/A", target=dt.datetime(2010, 12, 31), progress=["Started."], status="On track")])
    plans = reportlib.inspect_plans(folder)
    assert plans.errors == []
    assert list(plans.actions["action_id"]) == ["TBC-2010-001", "TBC-2010-002"]
    told = [f for f in plans.findings if f.location.row in (6, 7) and "#N/A" in f.message]
    assert [f.code for f in told] == ["no_item_number", "no_item_number"]  # one warning a cell
    assert all("spreadsheet error '#N/A'" in f.message for f in told)
