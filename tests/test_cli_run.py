"""The command as cron and people run it: --quiet, readable one-line errors, packs numbered over
the whole run, export at a date with the umask's modes, and review blaming the right thing."""
from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from reportlib import cli
from reportlib.run import render
from reportlib.run.task import PackResult

DATA = Path(__file__).resolve().parents[1] / "data"


def run(capsys, *argv):
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def _packs(tmp_path, n):
    (tmp_path / "reports").mkdir()
    paths = []
    for i in range(n):
        path = tmp_path / "params" / f"p{i}.yaml"
        path.parent.mkdir(exist_ok=True)
        path.write_text(f"pack: p{i}\n")
        paths.append(path)
    return paths


class _Last:
    def __init__(self, pack):
        self.pack = pack


def test_quiet_render_prints_nothing_when_every_pack_is_up_to_date(tmp_path, capsys, monkeypatch):
    packs = _packs(tmp_path, 2)
    monkeypatch.setattr("reportlib.run.fingerprint.up_to_date", lambda pack, reports: _Last(Path(pack).stem))
    code, out, err = run(capsys, "render", *packs, "--reports", tmp_path / "reports", "--quiet")
    assert code == 0 and out == "" and err == ""
    code, _, err = run(capsys, "render", *packs, "--reports", tmp_path / "reports")
    assert code == 0 and "up to date" in err  # without --quiet it still says so


def test_quiet_render_says_what_changed_and_every_failure(tmp_path, capsys, monkeypatch):
    packs = _packs(tmp_path, 3)
    results = [PackResult("p0", True, [], None, 1.0, up_to_date=True), PackResult("p1", True, ["x.html"], None, 2.0),
               PackResult("p2", False, [], "the data has 2 errors", 1.0)]
    monkeypatch.setattr(render, "render_packs", lambda *a, **k: results)
    code, out, err = run(capsys, "render", *packs, "--reports", tmp_path / "reports", "--quiet")
    assert code == 1 and out == ""
    assert "pack p2 failed: the data has 2 errors" in err and "1 of 3 pack(s) rendered" in err
    assert "up to date: p0" not in err  # what did not change is not said


def test_quiet_render_is_silent_when_every_result_was_up_to_date(tmp_path, capsys, monkeypatch):
    packs = _packs(tmp_path, 1)
    monkeypatch.setattr(render, "render_packs", lambda *a, **k: [PackResult("p0", True, [], None, up_to_date=True)])
    code, out, err = run(capsys, "render", *packs, "--reports", tmp_path / "reports", "--quiet", "--force")
    assert code == 0 and out == "" and err == ""


def test_a_yaml_error_in_a_pack_reads_as_one_line_naming_where(tmp_path, capsys):
    from reportlib.errors import PackError
    from reportlib.run.packs import load_pack

    path = tmp_path / "params" / "bad.yaml"
    path.parent.mkdir()
    path.write_text("pack: x\ntitle: [unclosed\n")
    with pytest.raises(PackError) as info:
        load_pack(path)
    message = str(info.value)
    assert "\n" not in message and "line 2" in message and "column" in message
    assert "\\n" not in cli.one_line(message)


def test_packs_are_numbered_over_the_whole_run(tmp_path, monkeypatch, caplog):
    """A run of 4 with 3 up to date numbered the one it rendered "pack 1 of 1"."""
    packs = _packs(tmp_path, 4)
    announced = []
    monkeypatch.setattr(render.runlog, "warm_font_cache", lambda: None)
    monkeypatch.setattr(render, "shared_exporter", lambda: None)
    monkeypatch.setattr(render, "_write_index", lambda *a: None)
    monkeypatch.setattr(render, "up_to_date_result", lambda path, reports: None if path.stem == "p3" else
                        PackResult(path.stem, True, [], None, up_to_date=True))

    def fake_render(path, reports, on_notebook=None, announce=None):
        announced.append(announce)
        return PackResult(path.stem, False, [], "failed")

    monkeypatch.setattr(render, "render_pack", fake_render)
    render.render_packs(packs, reports_dir=tmp_path / "reports", show_progress=False)
    assert announced == [(4, 4)]


def test_export_as_of_leaves_out_later_updates(tmp_path, capsys):
    code, out, _ = run(capsys, "export", DATA, "--out", tmp_path / "out", "--as-of", "2010-03-31")
    assert code == 0
    updates = pd.read_csv(tmp_path / "out" / "updates.csv")
    assert len(updates) and (pd.to_datetime(updates["snapshot_date"]) <= "2010-03-31").all()
    code, _, err = run(capsys, "export", DATA, "--out", tmp_path / "out2", "--as-of", "March 2010")
    assert code == 2 and "--as-of" in err and "YYYY-MM-DD" in err
    assert not (tmp_path / "out2").exists()


def test_export_writes_files_with_the_modes_the_umask_gives(tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / "actions.csv").write_text("old")
    os.chmod(out / "actions.csv", 0o600)  # left by an earlier export
    old = os.umask(0o022)
    try:
        assert run(capsys, "export", DATA, "--out", out)[0] == 0
    finally:
        os.umask(old)
    for name in ("actions.csv", "updates.csv", "plans.xlsx"):
        assert (out / name).stat().st_mode & 0o777 == 0o644, name


@pytest.mark.parametrize("flags, blamed", [
    (["--action", "WDC-2009-999", "--snapshot", "July 2010", "--status", "complete"], "--action"),
    (["--action", "WDC-2009-001", "--snapshot", "Sept 2010", "--status", "complete"], "--snapshot"),
    (["--action", "WDC-2009-001", "--snapshot", "July 2010", "--status", "done"], "--status"),
])
def test_review_blames_the_flag_not_the_decisions_file(tmp_path, capsys, flags, blamed):
    code, out, err = run(capsys, "review", DATA, *flags, "--reviewer", "A. Analyst")
    assert code == 2 and out == ""
    assert blamed in err and "decisions.csv" not in err
    assert not (DATA / "decisions.csv").exists()



def test_a_yaml_error_in_a_layout_reads_as_one_line(tmp_path, capsys):
    import shutil

    shutil.copy(DATA / "wdc_use_of_resources_action_plan.xlsx", tmp_path)
    (tmp_path / "bad.layout.yaml").write_text("name: x\ncolumns: [a\n")
    code, out, _ = run(capsys, "validate", tmp_path)
    [line] = [line for line in out.splitlines() if "bad.layout.yaml" in line]
    assert code == 1 and "\\n" not in line and "line 2, column 10" in line
