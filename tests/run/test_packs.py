"""Pack files: a valid pack loads; every kind of mistake is refused naming the file and key."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml
from conftest import build_notebook, write_pack

from reportlib.errors import PackError, ReportlibError
from reportlib.run.packs import PACK_SCHEMA, Pack, load_pack


@pytest.fixture
def repo(tmp_path) -> Path:
    """params/, a notebook and a data file; no pack file yet."""
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "plan.xlsx").write_bytes(b"not really a workbook")
    build_notebook(tmp_path / "notebooks" / "sample_report.ipynb",
                   cells=[("parameters", 'council_code = "WDC"\ndue_soon_days = 30\nsnapshot = ""'), ("code", "x = 1")])
    return tmp_path


def refused(path: Path) -> PackError:
    with pytest.raises(PackError) as info:
        load_pack(path)
    assert isinstance(info.value, ReportlibError)
    assert path.name in str(info.value)
    return info.value


def test_valid_pack_loads(repo):
    pack = load_pack(write_pack(repo))
    assert isinstance(pack, Pack)
    assert pack.pack == "sample-pack" and pack.as_of == date(2010, 7, 31)
    assert pack.data == (repo / "data" / "plan.xlsx",)
    assert pack.formats == ("html", "pdf") and pack.timeout == 120 and pack.audience == "external"
    [notebook] = pack.notebooks
    assert notebook.notebook == repo / "notebooks" / "sample_report.ipynb"
    assert dict(notebook.parameters) == {"council_code": "WDC"}
    assert pack.output_dir("reports") == Path("reports/sample-pack/2010-07-31")
    injected = pack.injected_parameters()
    assert injected["data_paths"] == ["data/plan.xlsx"]  # relative: no absolute path enters a notebook
    assert injected["as_of"] == "2010-07-31" and injected["pack_title"] == pack.title


def test_stage_memory_is_read_in_mib_or_as_a_size(repo):
    path = write_pack(repo)
    raw = yaml.safe_load(path.read_text()) | {"stage_memory": {"load": 512, "pdf": "4GiB"}}
    path.write_text(yaml.safe_dump(raw))
    assert dict(load_pack(path).stage_memory) == {"load": 512 * 2**20, "pdf": 4 * 2**30}


def test_pack_is_frozen(repo):
    pack = load_pack(write_pack(repo))
    with pytest.raises(AttributeError):
        pack.pack = "other"


def test_defaults_fill_optional_keys(repo):
    path = write_pack(repo)
    raw = yaml.safe_load(path.read_text())
    for key in ("formats", "timeout", "audience"):
        del raw[key]
    path.write_text(yaml.safe_dump(raw))
    pack = load_pack(path)
    assert pack.formats == ("html", "pdf") and pack.timeout == 600 and pack.audience == "external"


def test_as_of_may_be_a_yaml_date_or_quoted_iso_text(repo):
    path = write_pack(repo, as_of=date(2010, 7, 31))
    assert "as_of: 2010-07-31\n" in path.read_text()
    assert load_pack(path).as_of == date(2010, 7, 31)
    assert load_pack(write_pack(repo, as_of="2010-07-31")).as_of == date(2010, 7, 31)


def test_schema_is_data():
    assert PACK_SCHEMA["as_of"]["required"] and PACK_SCHEMA["timeout"]["type"] is int
    assert set(PACK_SCHEMA) >= {"pack", "title", "council", "committee", "as_of", "data", "formats",
                                "timeout", "audience", "notebooks"}


@pytest.mark.parametrize("overrides, key", [
    ({"colour": "blue"}, "colour"),                                           # unknown key at top level
    ({"notebooks": [{"notebook": "notebooks/sample_report.ipynb", "params": {}}]}, "notebooks[0].params"),
    ({"timeout": "ten minutes"}, "timeout"),                                  # wrong types
    ({"timeout": True}, "timeout"),
    ({"timeout": 0}, "timeout"),
    ({"title": ["a", "list"]}, "title"),
    ({"data": "data/plan.xlsx"}, "data"),
    ({"notebooks": [{"notebook": "notebooks/sample_report.ipynb", "parameters": ["x"]}]},
     "notebooks[0].parameters"),
    ({"data": ["data/missing.xlsx"]}, "data[0]"),                            # missing files
    ({"data": ["/etc/passwd"]}, "data[0]"),
    ({"notebooks": [{"notebook": "notebooks/missing.ipynb"}]}, "notebooks[0].notebook"),
    ({"notebooks": [{"notebook": "data/plan.xlsx"}]}, "notebooks[0].notebook"),
    ({"notebooks": []}, "notebooks"),
    ({"stage_memory": {"render": 512}}, "stage_memory.render"),              # memory limits
    ({"stage_memory": {"load": 0}}, "stage_memory.load"),
    ({"stage_memory": {"load": "lots"}}, "stage_memory.load"),
    ({"as_of": "31/07/2010"}, "as_of"),                                       # not ISO dates
    ({"as_of": "2010-02-30"}, "as_of"),
    ({"as_of": "July 2010"}, "as_of"),
    ({"pack": "../escape"}, "pack"),                                          # slugs escaping reports/
    ({"pack": "a/b"}, "pack"),
    ({"pack": "/abs"}, "pack"),
    ({"pack": ".hidden"}, "pack"),
    ({"pack": "_failed"}, "pack"),
    ({"pack": "Has Spaces"}, "pack"),
    ({"formats": ["html", "docx"]}, "formats"),                               # formats outside {html, pdf}
    ({"formats": []}, "formats"),
    ({"audience": "everyone"}, "audience"),
    ({"notebooks": [{"notebook": "notebooks/sample_report.ipynb", "parameters": {"as_of": "2011-01-01"}}]},
     "notebooks[0].parameters.as_of"),                                        # injected by the pack
])
def test_mistakes_are_refused_naming_the_key(repo, overrides, key):
    error = refused(write_pack(repo, **overrides))
    assert error.key == key
    assert f"{key}:" in str(error)


@pytest.mark.parametrize("key", ["pack", "title", "committee", "as_of", "data", "notebooks"])
def test_missing_required_key_is_named(repo, key):
    path = write_pack(repo)
    raw = yaml.safe_load(path.read_text())
    del raw[key]
    path.write_text(yaml.safe_dump(raw))
    error = refused(path)
    assert error.key == key and "missing" in error.reason


def test_missing_notebook_key_is_named(repo):
    error = refused(write_pack(repo, notebooks=[{"parameters": {"council_code": "WDC"}}]))
    assert error.key == "notebooks[0].notebook" and "missing" in error.reason


def test_two_notebooks_with_one_name_are_refused(repo):
    build_notebook(repo / "other" / "sample_report.ipynb", cells=[("code", "x = 1")])
    error = refused(write_pack(repo, notebooks=[{"notebook": "notebooks/sample_report.ipynb"},
                                                {"notebook": "other/sample_report.ipynb"}]))
    assert error.key == "notebooks[1].notebook"


def test_datetime_as_of_is_refused(repo):
    path = write_pack(repo)
    path.write_text(path.read_text().replace("as_of: '2010-07-31'", "as_of: 2010-07-31 10:00:00"))
    assert refused(path).key == "as_of"


def test_not_a_mapping_and_not_yaml(repo):
    path = repo / "params" / "broken.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text("- just\n- a list\n")
    assert "mapping" in str(refused(path))
    path.write_text("pack: [unclosed\n")
    assert "YAML" in str(refused(path))
    assert "cannot read" in str(refused(repo / "params" / "absent.yaml"))


def test_data_may_be_a_folder_and_is_found_under_the_data_root(repo, tmp_path_factory, monkeypatch):
    elsewhere = tmp_path_factory.mktemp("shared-drive")
    (elsewhere / "tbc").mkdir()
    for name in ("q1.xlsx", "q2.xlsx"):
        (elsewhere / "tbc" / name).write_bytes(b"x")
    (elsewhere / "tbc" / "decisions.csv").write_text("action_id\n")
    monkeypatch.delenv("REPORTLIB_DATA_ROOT", raising=False)
    pack = load_pack(write_pack(repo, data=["tbc"], data_root=str(elsewhere)))
    assert pack.data == (elsewhere / "tbc" / "q1.xlsx", elsewhere / "tbc" / "q2.xlsx")  # decisions.csv is not a plan
    assert load_pack(write_pack(repo, data=["data"])).data == (repo / "data" / "plan.xlsx",)
    error = refused(write_pack(repo, data=[str(elsewhere / "tbc")], data_root=None))
    assert "is absolute" in str(error) and "data_root" in str(error)


def test_a_pack_file_outside_params_finds_the_notebooks_of_the_current_project(repo, tmp_path_factory, monkeypatch):
    """``reportlib render /tmp/x/pack.yaml``: its notebooks are the project's, not the grandparent folder's."""
    elsewhere = tmp_path_factory.mktemp("x")
    moved = elsewhere / "pack.yaml"
    write_pack(repo).rename(moved)
    monkeypatch.chdir(repo)
    pack = load_pack(moved)
    assert pack.root == repo
    assert pack.notebooks[0].notebook == repo / "notebooks" / "sample_report.ipynb"
    assert pack.data == (repo / "data" / "plan.xlsx",)


def test_a_pack_file_outside_params_uses_the_packages_notebooks_when_the_current_folder_has_none(
        tmp_path_factory, monkeypatch):
    from conftest import REPO

    elsewhere = tmp_path_factory.mktemp("x")
    raw = {"pack": "shipped", "title": "T", "committee": "C", "as_of": "2010-03-31",
           "data": ["data/wdc_use_of_resources_action_plan.xlsx"],
           "notebooks": [{"notebook": "notebooks/council_progress.ipynb", "parameters": {"council_code": "WDC"}}]}
    (elsewhere / "pack.yaml").write_text(yaml.safe_dump(raw))
    monkeypatch.chdir(elsewhere)
    pack = load_pack(elsewhere / "pack.yaml")
    assert pack.notebooks[0].notebook == REPO / "notebooks" / "council_progress.ipynb"


def test_a_notebook_not_found_names_the_folder_searched(repo, tmp_path_factory, monkeypatch):
    elsewhere = tmp_path_factory.mktemp("x")
    moved = elsewhere / "pack.yaml"
    write_pack(repo, notebooks=[{"notebook": "notebooks/missing.ipynb"}]).rename(moved)
    monkeypatch.chdir(repo)
    error = refused(moved)
    assert "notebooks[0].notebook" in str(error)
    assert str(repo / "notebooks") in str(error)
