"""Strangers' input, round three, around the reports folder and ``review``: a decisions file that
is a link, what a killed render left when the next one finds the pack up to date, and links
planted where reportlib writes its own files. Every "outside" file is made inside ``tmp_path``."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest
from conftest import SAMPLE_AS_OF, build_notebook, build_sample_repo, write_pack
from quarters import plan_folder, q1

import reportlib
from reportlib.cli import main
from reportlib.run import determinism
from reportlib.run.index import write_index
from reportlib.run.publish import clear_leftovers, pack_lock
from reportlib.run.task import up_to_date_result

PACK = "wdc-executive"


def dead_pid() -> int:
    """The pid of a process that has exited (as a render killed with SIGKILL has)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


# -- 4. review refuses a decisions file that is a link out of its folder, naming it --------------------

def test_review_into_a_folder_whose_decisions_file_is_a_link_names_the_link(tmp_path, capsys):
    folder = plan_folder(tmp_path)
    q1(folder)
    update = reportlib.inspect_plans(folder).updates.iloc[0]
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "decisions.csv").write_text("not reportlib's\n")
    (folder / "decisions.csv").symlink_to(outside / "decisions.csv")
    code = main(["review", str(folder), "--action", update["action_id"], "--snapshot", update["snapshot"],
                 "--status", "complete", "--reviewer", "A. Analyst"])
    err = capsys.readouterr().err
    assert code == 1, err
    assert str(folder / "decisions.csv") in err and "symbolic link" in err
    assert "no action in the data has that id" not in err  # the action is there: the link is the problem
    assert (outside / "decisions.csv").read_text() == "not reportlib's\n"
    assert (folder / "decisions.csv").is_symlink()  # refused, not replaced


# -- 5. an up-to-date render clears what a killed render left -------------------------------------------

PARAMETERS = ("parameters", "data_paths = []\nas_of = ''\ncouncil = ''\ncommittee = ''\n"
                            "pack_title = ''\naudience = ''\nsnapshot = ''")


@pytest.mark.slow
def test_a_render_finding_the_pack_up_to_date_removes_a_killed_renders_lock_and_work_folder(tmp_path, capsys):
    root = tmp_path / "repo"
    build_sample_repo(root)
    build_notebook(root / "notebooks" / "tiny.ipynb", cells=[PARAMETERS, ("markdown", "# Progress")])
    pack = write_pack(root, "tiny", formats=["html"], notebooks=[{"notebook": "notebooks/tiny.ipynb"}])
    reports = root / "reports"
    assert main(["render", str(pack), "--reports", str(reports)]) == 0
    pid = dead_pid()
    lock, work = reports / ".tiny.lock", reports / f".tmp-tiny-{pid}-abcd1234"
    lock.write_text(f"{pid} 2026-01-01T00:00:00Z\n")  # as a render killed with -9 leaves them
    work.mkdir()
    (work / "tiny.ipynb").write_text("{}")
    capsys.readouterr()
    assert main(["render", str(pack), "--reports", str(reports)]) == 0
    assert "1 up to date" in capsys.readouterr().err
    assert not lock.exists() and not work.exists()
    assert (reports / "tiny" / SAMPLE_AS_OF / "tiny.html").is_file()
    # the batch's own check (render --all, --jobs, a Dask task) clears them too
    lock.write_text(f"{pid} 2026-01-01T00:00:00Z\n")
    work.mkdir()
    assert up_to_date_result(pack, reports).up_to_date
    assert not lock.exists() and not work.exists()


def test_what_a_running_render_holds_is_never_cleared_as_a_leftover(tmp_path):
    reports = tmp_path / "reports"
    reports.mkdir()
    with pack_lock(reports, "tiny"):  # a render of the pack is running
        mine = reports / f".tmp-tiny-{os.getpid()}-abcd1234"
        mine.mkdir()
        assert clear_leftovers(reports, "tiny") == []
        assert mine.is_dir() and (reports / ".tiny.lock").is_file()
    dead = reports / f".tmp-tiny-{dead_pid()}-abcd1234"
    dead.mkdir()
    assert dead.name in clear_leftovers(reports, "tiny") and not dead.exists()  # once the lock is free


# -- 6. links planted at the timings file and the index are replaced, with a warning -------------------

def test_a_link_planted_at_a_packs_timings_file_is_replaced_with_a_warning(tmp_path, caplog):
    reports, outside = tmp_path / "reports", tmp_path / "outside.json"
    (reports / "_timings").mkdir(parents=True)
    outside.write_text('{"outputs": {"a.html": 9999.0}}')
    link = reports / "_timings" / f"{PACK}.json"
    link.symlink_to(outside)
    determinism.write_timings(reports, PACK, dt.date(2010, 7, 31), {"a.html": 1.5}, 2.0)
    assert not link.is_symlink() and determinism.last_timings(reports, PACK) == 1.5
    assert outside.read_text() == '{"outputs": {"a.html": 9999.0}}'
    assert str(link) in caplog.text and "symbolic link" in caplog.text


def test_a_link_planted_at_the_index_is_replaced_with_a_warning(tmp_path, caplog):
    reports, outside = tmp_path / "reports", tmp_path / "outside.html"
    reports.mkdir()
    outside.write_text("not reportlib's\n")
    (reports / "index.html").symlink_to(outside)
    index = write_index(reports)
    assert index.is_file() and not index.is_symlink()
    assert outside.read_text() == "not reportlib's\n"
    assert str(reports / "index.html") in caplog.text and "symbolic link" in caplog.text

