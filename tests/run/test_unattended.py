"""Unattended runs (cron, CI) that lose nothing, each checked with the real mechanism:

- a second ``reportlib render`` of a pack that is rendering (a real second process) is refused;
- a render killed with a real SIGTERM or SIGKILL mid-notebook leaves the last good report
  byte for byte, and the next render removes what the dead run left;
- a cell that never ends is stopped by the pack's ``timeout``; a cell that raises is named;
- an unwritable ``reports/`` (a file in the way, ``/proc``, a read-only mount) and a full
  disk (a real 256 KiB tmpfs) are reported naming the folder, with nothing half-written.

Mounting needs root (or CAP_SYS_ADMIN); where ``mount`` is refused the read-only case is
skipped and the full disk is simulated by making one write raise ENOSPC (said in the test).
"""
from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import HOLDING_CELL, PARAMETERS, SAMPLE_AS_OF, build_notebook, build_sample_repo, write_pack

from reportlib.cli import main
from reportlib.errors import RenderError
from reportlib.run import publish
from reportlib.run.render import render_packs

pytestmark = [pytest.mark.skipif(sys.platform != "linux", reason="signals, flock and renameat2 as on Linux"), pytest.mark.slow]

PACK = "unattended"
@dataclass
class Repo:
    root: Path
    reports: Path
    pack_file: Path
    hung_file: Path
    raises_file: Path

    @property
    def out_dir(self) -> Path:
        return self.reports / PACK / SAMPLE_AS_OF


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Repo:
    """A repo with three packs (html only, to be quick), and the first one rendered once."""
    root = tmp_path_factory.mktemp("unattended") / "repo"
    build_sample_repo(root)
    build_notebook(root / "notebooks" / "holding.ipynb",
                   cells=[PARAMETERS, ("markdown", "# Progress"), ("code", HOLDING_CELL)])
    build_notebook(root / "notebooks" / "hung.ipynb",
                   cells=[PARAMETERS, ("markdown", "# Progress"), ("code", "total = 1"),
                          ("code", "while True:\n    total += 1")])
    build_notebook(root / "notebooks" / "raises.ipynb",
                   cells=[PARAMETERS, ("code", "total = 1"),
                          ("code", "raise ValueError('totals do not add up')\nprint('never')")])
    pack_file = write_pack(root, PACK, formats=["html"], notebooks=[{"notebook": "notebooks/holding.ipynb"}])
    hung = write_pack(root, "hung", formats=["html"], timeout=2, notebooks=[{"notebook": "notebooks/hung.ipynb"}])
    raises = write_pack(root, "raises", formats=["html"], notebooks=[{"notebook": "notebooks/raises.ipynb"}])
    repo = Repo(root, root / "reports", pack_file, hung, raises)
    [result] = render_packs([pack_file], reports_dir=repo.reports, show_progress=False)
    assert result.ok, result.error
    return repo


def contents(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def leftovers(reports: Path) -> list[str]:
    return sorted(p.name for p in reports.iterdir() if p.name.startswith((".tmp-", ".old-", ".index-")))


def cli(*argv, env=None, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reportlib.cli", *map(str, argv)], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=120)


def gone(pid: int, within: float = 10.0) -> bool:
    """True once ``pid`` has exited (a zombie counts as exited) within ``within`` seconds."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError):
            return True
        if state in ("Z", "X"):
            return True
        time.sleep(0.1)
    return False


def dead_pid() -> int:
    """The pid of a process that has run and been reaped."""
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


@dataclass
class Background:
    process: subprocess.Popen
    kernel_pid: int

    def stop(self, sig: int) -> tuple[int, str]:
        os.kill(self.process.pid, sig)
        _, err = self.process.communicate(timeout=60)
        return self.process.returncode, err


@contextmanager
def rendering_in_background(repo: Repo, marker: Path):
    """``reportlib render PACK`` in its own process, held inside the notebook's cell."""
    env = {**os.environ, "REPORTLIB_TEST_HOLD": str(marker)}
    process = subprocess.Popen([sys.executable, "-m", "reportlib.cli", "render", str(repo.pack_file),
                                "--reports", str(repo.reports), "--force"], cwd=repo.root, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    background = None
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert process.poll() is None, f"render ended early: {process.communicate()[1]}"
            assert time.monotonic() < deadline, "the notebook never reached its holding cell"
            time.sleep(0.05)
        background = Background(process, int(marker.read_text()))
        yield background
    finally:  # whatever the test did, leave no process of ours behind
        if process.poll() is None:
            process.kill()
            process.communicate()
        if background and not gone(background.kernel_pid, within=5):
            os.kill(background.kernel_pid, signal.SIGKILL)


# --- 1. lock ---------------------------------------------------------------------------------------

def test_second_render_of_a_pack_being_rendered_is_refused(repo, tmp_path):
    before = contents(repo.out_dir)
    with rendering_in_background(repo, tmp_path / "kernel.pid") as first:
        lock = repo.reports / f".{PACK}.lock"
        assert lock.read_text().split()[0] == str(first.process.pid)  # how to tell whose it is
        second = cli("render", repo.pack_file, "--reports", repo.reports, "--force", cwd=repo.root)
        assert second.returncode == 1
        assert (f"pack '{PACK}' is already being rendered by process {first.process.pid}"
                in second.stderr), second.stderr
        assert str(lock) in second.stderr and "not starting a second render" in second.stderr
        assert "Traceback" not in second.stderr
        assert first.process.poll() is None  # the first render was not disturbed
        first.stop(signal.SIGTERM)
    assert contents(repo.out_dir) == before


# --- 2. killed mid-way -----------------------------------------------------------------------------

def test_sigterm_stops_the_kernel_removes_the_temp_folder_and_keeps_the_last_report(repo, tmp_path):
    before = contents(repo.out_dir)
    with rendering_in_background(repo, tmp_path / "kernel.pid") as render:
        assert [n for n in leftovers(repo.reports) if n.startswith(f".tmp-{PACK}-{render.process.pid}-")]
        code, err = render.stop(signal.SIGTERM)
        assert code == 128 + signal.SIGTERM, err
        assert "interrupted by SIGTERM" in err and "Traceback" not in err
        assert gone(render.kernel_pid), "the kernel outlived the render"
    assert contents(repo.out_dir) == before
    assert leftovers(repo.reports) == []
    assert {p.name for p in (repo.reports / PACK).iterdir()} == {SAMPLE_AS_OF}  # nothing half-published
    assert not (repo.reports / "_failed" / PACK).exists()  # an interruption is not a failed notebook


def test_sigkill_leaves_the_last_report_and_the_next_render_cleans_up(repo, tmp_path):
    before = contents(repo.out_dir)
    live, dead = os.getpid(), dead_pid()
    for name in (f".tmp-other-pack-{live}-abcd1234", f".tmp-other-pack-{dead}-abcd1234"):
        (repo.reports / name).mkdir()
    with rendering_in_background(repo, tmp_path / "kernel.pid") as render:
        code, _ = render.stop(signal.SIGKILL)
        assert code == -signal.SIGKILL
        assert gone(render.kernel_pid), "the kernel outlived the render"  # ipykernel watches its parent
    assert contents(repo.out_dir) == before
    assert {p.name for p in (repo.reports / PACK).iterdir()} == {SAMPLE_AS_OF}
    killed = [n for n in leftovers(repo.reports) if n.startswith(f".tmp-{PACK}-{render.process.pid}-")]
    assert killed  # SIGKILL cannot be handled: the dead run's folder is still there

    [result] = render_packs([repo.pack_file], reports_dir=repo.reports, show_progress=False, force=True)
    assert result.ok, result.error  # the lock died with its holder
    assert leftovers(repo.reports) == [f".tmp-other-pack-{live}-abcd1234"]  # its owner still runs
    assert json.loads((repo.out_dir / "manifest.json").read_text())["pack"] == PACK
    (repo.reports / f".tmp-other-pack-{live}-abcd1234").rmdir()


def test_publish_swaps_in_one_step_and_a_report_set_aside_is_put_back(tmp_path):
    reports = tmp_path / "reports"
    final = reports / PACK / SAMPLE_AS_OF
    reports.mkdir()
    for content in ("first", "second"):
        tmp = publish.temp_folder(reports, PACK)
        (tmp / "manifest.json").write_text(json.dumps({"pack": PACK, "as_of": SAMPLE_AS_OF, "v": content}))
        publish.publish(tmp, final)
    assert json.loads((final / "manifest.json").read_text())["v"] == "second"
    assert json.loads((tmp / "manifest.json").read_text())["v"] == "first"  # the old one, to delete
    # where no atomic exchange exists, a run killed between its two renames leaves the old
    # report aside as .old-*; the next run puts it back
    aside = reports / f".old-{PACK}-{dead_pid()}-abcd1234"
    final.rename(aside)
    assert publish.clean_stale(reports, "another-pack") == []
    assert json.loads((final / "manifest.json").read_text())["v"] == "second" and not aside.exists()


# --- 3. hung cell, raising cell --------------------------------------------------------------------

def test_hung_and_raising_cells_are_named_by_notebook_cell_and_first_line(repo):
    start = time.monotonic()
    hung, raises = render_packs([repo.hung_file, repo.raises_file], reports_dir=repo.reports,
                                show_progress=False)
    assert time.monotonic() - start < 30
    assert not hung.ok and hung.error.startswith(
        "notebooks/hung.ipynb, cell 4 (`while True: …`): timed out after 2 s")
    assert not raises.ok and raises.error.startswith(
        "notebooks/raises.ipynb, cell 3 (`raise ValueError('totals do not add up') …`): "
        "ValueError: totals do not add up")
    for result in (hung, raises):
        assert "Traceback" not in result.error and f"_failed/{result.pack}/{SAMPLE_AS_OF}" in result.error
        assert not (repo.reports / result.pack).exists() and leftovers(repo.reports) == []

    run = cli("render", repo.hung_file, repo.raises_file, "--reports", repo.reports, cwd=repo.root)
    assert run.returncode == 1
    assert f"error: pack hung failed: {hung.error}" in run.stderr
    assert f"error: pack raises failed: {raises.error}" in run.stderr
    assert "Traceback" not in run.stderr and "Timeout waiting" not in run.stderr, run.stderr


# --- 4. unwritable reports folder, full disk -------------------------------------------------------

@pytest.mark.parametrize("where", ["a file", "under a file", "/proc"])
def test_unwritable_reports_folder_is_named_and_nothing_is_written(repo, tmp_path, capsys, where):
    blocker = tmp_path / "reports-is-a-file"
    blocker.write_text("not a folder")
    reports = {"a file": blocker, "under a file": blocker / "reports", "/proc": Path("/proc/reportlib-test")}[where]
    code = main(["render", str(repo.pack_file), "--reports", str(reports)])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("error: cannot ") and f"the reports folder {reports}" in err, err
    assert "nothing was rendered" in err and "Traceback" not in err
    assert blocker.read_text() == "not a folder" and list(tmp_path.iterdir()) == [blocker]


@pytest.fixture
def small_disk(tmp_path):
    """A real 256 KiB tmpfs, or None where mounting is not allowed."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(disk)],
                             capture_output=True).returncode == 0
    yield disk if mounted else None
    if mounted:
        subprocess.run(["umount", "-l", str(disk)], check=True)


def test_full_disk_and_read_only_disk_keep_the_last_report(repo, tmp_path, small_disk, monkeypatch):
    reports = (small_disk or tmp_path) / "reports"
    [good] = render_packs([repo.pack_file], reports_dir=reports, show_progress=False)
    assert good.ok, good.error
    out_dir = reports / PACK / SAMPLE_AS_OF
    before = contents(out_dir)

    if small_disk is not None:  # the notebook's output no longer fits: a real ENOSPC
        monkeypatch.setenv("REPORTLIB_TEST_PAD", str(400_000))
    else:  # mount refused: the one simulated failure in this module
        def no_space(plans, path, **_):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        monkeypatch.setattr("reportlib.run.task.write_pack_tables", no_space)
    [full] = render_packs([repo.pack_file], reports_dir=reports, show_progress=False, force=True)
    assert not full.ok
    assert full.error.startswith(f"the disk is full: no space left in {reports.resolve()}"), full.error
    assert "last good report, if any, is unchanged" in full.error
    assert contents(out_dir) == before
    assert leftovers(reports) == [] and not (reports / "_failed").exists()
    monkeypatch.delenv("REPORTLIB_TEST_PAD", raising=False)

    if small_disk is None:
        pytest.skip("mount refused: no read-only filesystem to try")
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    with pytest.raises(RenderError, match=f"cannot write to the reports folder {reports.resolve()}: "
                                          "Read-only file system; nothing was rendered"):
        render_packs([repo.pack_file], reports_dir=reports, show_progress=False)
    assert contents(out_dir) == before


def test_packs_finished_before_sigterm_are_listed_in_the_index(repo, tmp_path):
    quick = write_pack(repo.root, "quick-before-sigterm", formats=["html"],
                       notebooks=[{"notebook": "notebooks/holding.ipynb"}])
    marker = tmp_path / "kernel.pid"
    env = {**os.environ, "REPORTLIB_TEST_HOLD": str(marker)}
    try:
        # the quick pack's notebook holds too, until the marker it writes is taken away
        process = subprocess.Popen([sys.executable, "-m", "reportlib.cli", "render", str(quick), str(repo.pack_file),
                                    "--reports", str(repo.reports), "--force"], cwd=repo.root, env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert time.monotonic() < deadline and process.poll() is None
            time.sleep(0.05)
        first = int(marker.read_text())
        marker.unlink()  # the quick pack's cell lets go and the pack is published
        while not marker.exists():  # the second pack holds
            assert time.monotonic() < deadline and process.poll() is None
            time.sleep(0.05)
        assert (repo.reports / "quick-before-sigterm" / SAMPLE_AS_OF / "manifest.json").exists()
        os.kill(process.pid, signal.SIGTERM)
        _, err = process.communicate(timeout=60)
        assert process.returncode == 128 + signal.SIGTERM, err
        assert "quick-before-sigterm" in (repo.reports / "index.html").read_text()
        assert "running kernels were stopped" in err
        assert gone(first) and gone(int(marker.read_text()))
    finally:
        quick.unlink()
        if process.poll() is None:
            process.kill()
            process.communicate()
