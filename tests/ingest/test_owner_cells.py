"""An owner cell holding a date (columns shifted by one, or a date typed in the wrong column) is not an
officer: reports would chart "31/03/2026" as the owner with the most overdue actions. The loader
warns, naming the cell, and leaves the owner empty."""
from __future__ import annotations

import datetime as dt

import pytest
from quarters import plan_folder, quarter_row, write_quarter

import reportlib


@pytest.mark.parametrize("owner", [dt.datetime(2026, 3, 31), "31/03/2026", "2026-03-31", "31.03.26"])
def test_a_date_in_the_owner_column_is_warned_and_not_taken_as_an_officer(tmp_path, owner):
    folder = plan_folder(tmp_path)
    write_quarter(folder, "q1.xlsx", ["Progress at 30 Jun 2010"], [
        quarter_row(1, owner=owner, target=dt.datetime(2010, 12, 31), progress=["Started."], status="On track"),
        quarter_row(2, owner="Head of Finance", target=dt.datetime(2010, 12, 31), progress=["Started."],
                    status="On track")])
    plans = reportlib.inspect_plans(folder)
    told = [f for f in plans.findings if f.code == "owner_is_a_date"]
    assert len(told) == 1 and told[0].location.row == 6 and told[0].location.column.startswith("D")
    owners = plans.actions.set_index("action_id")["owner"]
    assert owners.isna()["TBC-2010-001"] and owners["TBC-2010-002"] == "Head of Finance"


@pytest.mark.parametrize("owner", ["Head of Finance (from 01/04/2026)", "S151 Officer", "Team 2020"])
def test_an_owner_that_mentions_a_date_is_still_an_owner(tmp_path, owner):
    folder = plan_folder(tmp_path)
    write_quarter(folder, "q1.xlsx", ["Progress at 30 Jun 2010"], [
        quarter_row(1, owner=owner, target=dt.datetime(2010, 12, 31), progress=["Started."], status="On track")])
    plans = reportlib.inspect_plans(folder)
    assert not [f for f in plans.findings if f.code == "owner_is_a_date"]
    assert plans.actions["owner"].iloc[0] == owner
