"""A notebook's parameters are checked the same way in Lab, papermill and ``reportlib render``:
nothing runs with a window or a date it would misread, or under another council's name."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from reportlib.analysis.parameters import ParameterError, check_parameters

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
NOTEBOOKS = ROOT / "notebooks"


@pytest.mark.parametrize("name, value, said", [
    ("as_of", "March 2010", "YYYY-MM-DD"),
    ("as_of", "2010-02-30", "YYYY-MM-DD"),
    ("due_soon_days", -5, "0 or more"),
    ("due_soon_days", "30", "whole number"),
    ("due_soon_days", 100000000000000000000, "at most 3660"),  # a trial: "due in the next 1e20 days" published
    ("audience", "public", "internal"),
    ("council_code", "", "council code"),
])
def test_a_value_it_would_misread_is_refused_naming_the_parameter(name, value, said):
    with pytest.raises(ParameterError) as info:
        check_parameters({"as_of": "2010-07-31", name: value})
    assert info.value.parameter == name
    assert f"'{name}'" in str(info.value) and said in str(info.value) and str(value) in str(info.value)


def test_good_values_pass_and_a_council_not_given_is_named_from_the_data():
    checked = check_parameters({"data_paths": [str(DATA)], "snapshot": "", "as_of": "2010-07-31",
                                "council": "", "council_code": "SDDC", "due_soon_days": 0})
    assert checked.council == "South Derbyshire District Council"
    every = check_parameters({"data_paths": [str(DATA)], "snapshot": "", "as_of": "2010-07-31", "council": ""})
    assert every.council == "South Derbyshire District Council and Warwick District Council"


def test_a_council_name_that_does_not_name_the_data_is_refused():
    with pytest.raises(ParameterError) as info:
        check_parameters({"data_paths": [str(DATA)], "snapshot": "", "as_of": "2010-07-31",
                          "council": "Warwick District Council", "council_code": "SDDC"})
    assert info.value.parameter == "council" and "South Derbyshire District Council" in str(info.value)


def test_an_unknown_council_code_is_refused_with_the_codes_in_the_data():
    with pytest.raises(ParameterError) as info:
        check_parameters({"data_paths": [str(DATA)], "snapshot": "", "as_of": "2010-07-31", "council_code": "SDC"})
    assert info.value.parameter == "council_code" and "SDDC" in str(info.value)


def _cells(notebook: Path):
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert "parameters" in code[0]["metadata"].get("tags", [])
    return "".join(code[0]["source"]), "".join(code[1]["source"])


def _run_first_cells(notebook: Path, **given) -> dict:
    """What the notebook's parameters cell and the first code cell after it leave, with ``given``
    injected as papermill injects parameters (after the parameters cell)."""
    parameters, first = _cells(notebook)
    namespace: dict = {}
    exec(parameters, namespace)
    namespace.update(data_paths=[str(DATA)], **given)
    exec(first, namespace)
    return namespace


def test_papermill_council_code_alone_gives_that_councils_name():
    """``papermill -p council_code SDDC`` once gave South Derbyshire's figures headed Warwick."""
    ran = _run_first_cells(NOTEBOOKS / "council_progress.ipynb", council_code="SDDC")
    assert ran["council"] == "South Derbyshire District Council"


@pytest.mark.parametrize("notebook", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.stem)
def test_every_notebook_checks_its_parameters_in_its_first_cell(notebook):
    with pytest.raises(ParameterError) as info:
        _run_first_cells(notebook, as_of="March 2010")
    assert info.value.parameter == "as_of"
    parameters, _ = _cells(notebook)
    assert 'council: str = ""' in parameters  # no council named unless given: the data names it


def test_papermill_run_converted_alone_is_headed_with_the_datas_council(tmp_path):
    """The title block of a notebook run by papermill and converted on its own names the council
    the figures are for, when no council was given."""
    import nbformat

    from reportlib.present.exporters import provenance_from_notebook

    nb = nbformat.read(NOTEBOOKS / "council_progress.ipynb", as_version=4)
    nb.metadata["papermill"] = {"parameters": {"council_code": "SDDC", "data_paths": [str(DATA)]}}
    assert provenance_from_notebook(nb).council == "South Derbyshire District Council"


def test_owner_parameter_makes_the_report_one_officers_actions():
    import reportlib

    ran = _run_first_cells(NOTEBOOKS / "council_progress.ipynb", owner="HoF")
    plans = reportlib.plans_for_report(ran["data_paths"], ran["snapshot"], as_of=ran["as_of"],
                                       audience=ran["audience"]).council(ran["council_code"])
    assert len(plans.actions) == 12  # 7 alone and 5 shared with other officers
    with pytest.raises(ParameterError) as info:
        _run_first_cells(NOTEBOOKS / "council_progress.ipynb", owner="Nobody")
    assert info.value.parameter == "owner" and "HoF" in str(info.value)
