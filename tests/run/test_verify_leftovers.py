"""``reportlib verify`` renders again in ``$TMPDIR/reportlib-verify-<pid>-<random>/``; a verify
killed with SIGKILL cannot remove it, so the next verify removes the folders of verifies whose
process is gone, and nothing else."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from conftest import HOLDING_CELL, PARAMETERS, SAMPLE_AS_OF, build_notebook, build_sample_repo, write_pack

from reportlib.run import verify
from reportlib.run.verify import VerifyError, verify_report


def dead_pid() -> int:
    """The pid of a process that has run and been reaped."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


@pytest.fixture
def scratch(tmp_path, monkeypatch) -> Path:
    """This test's own temporary folder, standing for /tmp."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    monkeypatch.setenv("TMPDIR", str(folder))
    return folder


def partial_render(scratch: Path, name: str) -> Path:
    """A folder as a killed verify leaves it: mode 0700, half a render inside."""
    folder = scratch / name
    (folder / "reports" / "p" / ".tmp-p-1-abcdefgh").mkdir(parents=True)
    (folder / "reports" / "p" / ".tmp-p-1-abcdefgh" / "council_progress.html").write_text("<html>half")
    folder.chmod(0o700)
    return folder


def test_leftovers_of_dead_verifies_are_removed_and_nothing_else(scratch, tmp_path):
    dead = dead_pid()
    left = partial_render(scratch, f"reportlib-verify-{dead}-abcd1234")
    running = partial_render(scratch, f"reportlib-verify-{os.getpid()}-efgh5678")  # a verify running now
    unlike = [partial_render(scratch, name) for name in
              (f"reportlib-verify-{dead}", "reportlib-verify-abcd1234", f"someone-else-{dead}-abcd1234")]
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "keep.txt").write_text("not reportlib's")
    link = scratch / f"reportlib-verify-{dead}-linkxxxx"
    link.symlink_to(precious, target_is_directory=True)  # named like one, but no verify makes a link

    assert verify.clear_leftovers() == [left.name]
    assert not left.exists() and running.is_dir() and all(p.is_dir() for p in unlike)
    assert link.is_symlink() and (precious / "keep.txt").read_text() == "not reportlib's"


def test_verify_clears_dead_verifies_leftovers_even_when_it_cannot_verify(scratch, tmp_path):
    left = partial_render(scratch, f"reportlib-verify-{dead_pid()}-abcd1234")
    folder = tmp_path / "proj" / "reports" / "p" / SAMPLE_AS_OF
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text(json.dumps({
        "pack": "p", "as_of": SAMPLE_AS_OF, "pack_file": {"path": "params/p.yaml", "sha256": "0" * 64},
        "inputs": [], "notebooks": [], "outputs": [], "generated_at": "2010-08-01T09:30:00Z",
        "rendered_by": {"engine": "process", "scheduler": None, "worker": "host:pid123"}}))
    with pytest.raises(VerifyError):  # no pack file: nothing to verify, but the leftover goes all the same
        verify_report(folder, root=tmp_path / "proj")
    assert not left.exists()


@pytest.mark.slow  # renders a pack, then kills a real verify mid-render
@pytest.mark.skipif(sys.platform != "linux", reason="SIGKILL as on Linux")
def test_a_verify_killed_with_sigkill_leaves_a_folder_the_next_verify_removes(scratch, tmp_path, monkeypatch):
    from reportlib.run.render import render_packs

    root = tmp_path / "proj"
    build_sample_repo(root)
    build_notebook(root / "notebooks" / "holding.ipynb", cells=[PARAMETERS, ("code", HOLDING_CELL)])
    pack = write_pack(root, "held", formats=["html"], notebooks=[{"notebook": "notebooks/holding.ipynb"}])
    [rendered] = render_packs([pack], reports_dir=root / "reports", show_progress=False)
    assert rendered.ok, rendered.error
    marker = tmp_path / "kernel.pid"
    process = subprocess.Popen([sys.executable, "-m", "reportlib.cli", "verify", f"reports/held/{SAMPLE_AS_OF}"],
                               cwd=root, env={**os.environ, "REPORTLIB_TEST_HOLD": str(marker)},
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    kernel = None
    try:
        deadline = time.monotonic() + 90
        while not marker.exists():
            assert process.poll() is None, f"verify ended early: {process.communicate()}"
            assert time.monotonic() < deadline, "the render again never reached its holding cell"
            time.sleep(0.05)
        kernel = int(marker.read_text())
        os.kill(process.pid, signal.SIGKILL)
        process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
        marker.unlink(missing_ok=True)  # lets a kernel left behind end its cell
        if kernel is not None:
            try:
                os.kill(kernel, signal.SIGKILL)
            except ProcessLookupError:
                pass
    [left] = [p for p in scratch.iterdir() if p.name.startswith("reportlib-verify-")]
    assert left.name.startswith(f"reportlib-verify-{process.pid}-")  # whose it was
    assert (left.stat().st_mode & 0o777) == 0o700

    monkeypatch.chdir(root)
    result = verify_report(root / "reports" / "held" / SAMPLE_AS_OF)
    assert result.ok, result.differences
    assert not left.exists()
    assert not [p for p in scratch.iterdir() if p.name.startswith("reportlib-verify-")]  # nor its own
