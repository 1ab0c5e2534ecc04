"""``reportlib render`` checks a pack's notebook parameters with the function the notebooks call,
before any kernel starts; a pack may report on one officer's actions."""
from __future__ import annotations

import shutil

import pytest
from conftest import SAMPLE_WORKBOOK, build_notebook, write_pack

from reportlib.errors import PackError
from reportlib.run.packs import load_pack
from reportlib.run.prepare import prepare

CELLS = [("parameters", 'data_paths = []\nas_of = ""\ncouncil = ""\ncommittee = ""\npack_title = ""\n'
                        'audience = "internal"\ncouncil_code = "WDC"\ndue_soon_days = 30\nsnapshot = ""'),
         ("code", "x = 1")]


@pytest.fixture
def repo(tmp_path):
    (tmp_path / "data").mkdir()
    shutil.copy(SAMPLE_WORKBOOK, tmp_path / "data" / "plan.xlsx")
    build_notebook(tmp_path / "notebooks" / "sample_report.ipynb", cells=CELLS)
    return tmp_path


def test_a_negative_due_soon_window_is_refused_before_rendering(repo):
    pack = load_pack(write_pack(repo, notebooks=[{"notebook": "notebooks/sample_report.ipynb",
                                                  "parameters": {"council_code": "WDC", "due_soon_days": -5}}]))
    with pytest.raises(PackError) as info:
        prepare(pack)
    assert info.value.key == "notebooks[0].parameters.due_soon_days"
    assert "-5" in info.value.reason and "0 or more" in info.value.reason


def test_a_pack_for_one_officer_holds_that_officers_actions_only(repo):
    prepared = prepare(load_pack(write_pack(repo, owner="HoF")))
    assert len(prepared.plans.actions) == 12
    assert set(prepared.plans.updates["action_id"]) <= set(prepared.plans.actions["action_id"])
    assert load_pack(write_pack(repo, owner="HoF")).injected_parameters()["owner"] == "HoF"


def test_an_owner_the_plan_does_not_name_is_refused(repo):
    with pytest.raises(PackError) as info:
        prepare(load_pack(write_pack(repo, owner="Head of Nothing")))
    assert info.value.key == "owner" and "HoF" in info.value.reason
