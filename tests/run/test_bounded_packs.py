"""A pack's stages under its time limit, and the bytes it read described everywhere (issue #9).

- a stage past its limit (here the PDF) ends the pack with one line naming the pack,
  the notebook and the stage, and the last good report is kept;
- a data file replaced while a pack renders: the manifest, every footer and the
  data-quality page all give the hash of the bytes the report was built from.
"""
from __future__ import annotations

import hashlib
import re
import shutil
import time
from pathlib import Path

import pytest
import yaml

from reportlib.run import task
from reportlib.run.render import render_packs

pytestmark = pytest.mark.slow  # renders packs, starts kernels, browsers or processes

REPO = Path(__file__).resolve().parents[2]
WDC = "data/wdc_use_of_resources_action_plan.xlsx"
SDDC = "data/sddc_use_of_resources_action_plan_2010.xlsx"


def make_repo(root: Path, **values) -> Path:
    shutil.copytree(REPO / "notebooks", root / "notebooks")
    (root / "data").mkdir(parents=True)
    for name in (WDC, SDDC):
        shutil.copy(REPO / name, root / name)
    pack = {"pack": "bounded", "title": "Progress", "committee": "Audit Committee", "as_of": "2010-07-31",
            "data": [WDC], "formats": ["html"], "audience": "internal", "timeout": 300,
            "notebooks": [{"notebook": "notebooks/council_progress.ipynb", "parameters": {"council_code": "WDC"}},
                          {"notebook": "notebooks/data_quality.ipynb"}]}
    pack.update(values)
    path = root / "params" / "bounded.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(yaml.safe_dump(pack, sort_keys=False))
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_stage_past_its_limit_is_stopped_and_named(tmp_path, monkeypatch):
    pack = make_repo(tmp_path / "repo", formats=["html", "pdf"])
    reports = tmp_path / "repo" / "reports"
    [good] = render_packs([pack], reports_dir=reports, show_progress=False)
    assert good.ok, good.error
    raw = yaml.safe_load(pack.read_text())
    pack.write_text(yaml.safe_dump({**raw, "stage_timeouts": {"pdf": 2}}, sort_keys=False))
    before = {p.name: digest(p) for p in (reports / "bounded" / "2010-07-31").iterdir()}

    def stuck(*args, **kwargs):  # WeasyPrint caught in a layout that never ends
        time.sleep(60)

    monkeypatch.setattr(task, "html_to_pdf", stuck)
    start = time.monotonic()
    [result] = render_packs([pack], reports_dir=reports, show_progress=False)
    assert time.monotonic() - start < 30
    assert not result.ok and result.pack == "bounded"
    assert "writing council_progress.pdf (pdf stage) did not finish within 2 s and was stopped" in result.error
    assert {p.name: digest(p) for p in (reports / "bounded" / "2010-07-31").iterdir()} == before
    assert not list(reports.glob(".tmp-*"))


def test_tables_are_written_beside_the_notebooks_and_bounded_too(tmp_path, monkeypatch):
    pack = make_repo(tmp_path / "repo", stage_timeouts={"tables": 3})
    reports = tmp_path / "repo" / "reports"
    started = []

    def stuck(*args, **kwargs):  # a spreadsheet writer that never ends
        time.sleep(60)

    monkeypatch.setattr(task, "write_pack_tables", stuck)
    monkeypatch.setattr(task, "_render_notebook", lambda *a, **k: started.append(time.monotonic()) or {})
    start = time.monotonic()
    [result] = render_packs([pack], reports_dir=reports, show_progress=False)
    assert time.monotonic() - start < 30
    # both notebooks ran while the tables were being written, not after
    assert len(started) == 2 and started[0] - start < 2
    assert not result.ok
    assert "writing tables.xlsx (tables stage) did not finish within 3 s and was stopped" in result.error
    assert not (reports / "bounded").exists() and not list(reports.glob(".tmp-*"))


def test_stage_limits_are_checked_in_the_pack_file(tmp_path):
    from reportlib.errors import PackError
    from reportlib.run.packs import load_pack

    with pytest.raises(PackError, match=r"stage_timeouts.render: unknown stage \(stages: load, execute, html, pdf, tables\)"):
        load_pack(make_repo(tmp_path / "a", stage_timeouts={"render": 5}))
    with pytest.raises(PackError, match="stage_timeouts.pdf: expected a positive whole number"):
        load_pack(make_repo(tmp_path / "b", stage_timeouts={"pdf": 0}))


def test_a_data_file_replaced_mid_render_does_not_split_the_report(tmp_path, monkeypatch):
    pack = make_repo(tmp_path / "repo")
    root = tmp_path / "repo"
    original = digest(root / WDC)
    real_prepare = task.prepare

    def prepare_then_replace(p):
        prepared = real_prepare(p)
        shutil.copy(root / SDDC, root / WDC)  # someone saves another plan over the file mid-run
        return prepared

    monkeypatch.setattr(task, "prepare", prepare_then_replace)
    [result] = render_packs([pack], reports_dir=root / "reports", show_progress=False)
    assert result.ok, result.error
    assert digest(root / WDC) != original  # the file did change during the run
    out = root / "reports" / "bounded" / "2010-07-31"
    manifest = (out / "manifest.json").read_text()
    assert original in manifest and digest(root / WDC) not in manifest
    for page in ("council_progress.html", "data_quality.html"):
        html = (out / page).read_text()
        hashes = set(re.findall(r"\b[0-9a-f]{64}\b", html))
        assert hashes == {original}, page  # footer and "Sheets read" agree with the manifest
    progress = (out / "council_progress.html").read_text()
    assert "WDC-2009-001" in progress and "SDDC-2010-001" not in progress


def test_a_pack_file_of_yaml_aliases_is_refused_at_once(tmp_path):
    from reportlib.errors import PackError
    from reportlib.run.packs import load_pack

    pack = make_repo(tmp_path / "repo")
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f'{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},'
              f'*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]' for i in range(8)]
    pack.write_text("\n".join(lines) + "\n")
    start = time.monotonic()
    with pytest.raises(PackError, match="aliases and anchors"):
        load_pack(pack)
    assert time.monotonic() - start < 5


def test_a_notebook_stage_past_its_limit_fails_the_pack_even_when_no_cell_is(tmp_path):
    # found by a new user: with stage_timeouts {execute: 1} a notebook of quick cells ran 3.5 s and was published
    from conftest import build_notebook, build_sample_repo, write_pack

    root = tmp_path / "repo"
    build_sample_repo(root)
    parameters = ("parameters", "data_paths = []\nas_of = ''\ncouncil = ''\ncommittee = ''\n"
                                "pack_title = ''\naudience = ''\nsnapshot = ''")
    build_notebook(root / "notebooks" / "slow.ipynb",
                   cells=[parameters, *[("code", "import time; time.sleep(0.9)")] * 4])
    pack = write_pack(root, "slow", formats=["html"], notebooks=[{"notebook": "notebooks/slow.ipynb"}],
                      stage_timeouts={"execute": 2})
    [result] = render_packs([pack], reports_dir=root / "reports", show_progress=False)
    assert not result.ok
    assert re.search(r"running notebooks/slow.ipynb \(execute stage\) took \d+\.\d s, past its limit of 2 s; "
                     "the pack was not published", result.error), result.error
    assert not (root / "reports" / "slow").exists()
