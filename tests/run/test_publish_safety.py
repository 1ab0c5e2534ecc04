"""``reportlib.run.publish``: orphaned workers, file modes, links and other filesystems, lock files.

With real processes and real filesystems where the machine has them:

- a worker started with ``die_with_parent`` dies when its parent is SIGKILLed, and one that
  survives (it ignores SIGTERM) is refused by ``publish``: nothing is published;
- published folders and files get the modes the umask gives, not mkdtemp's 0700/0600;
- a symbolic link at ``<pack>/<as_of>`` is refused, naming it, and nothing is left behind;
- a symbolic link at ``<pack>`` fails the pack, naming the link and its target, and nothing
  outside is written or deleted; ``reports/`` itself may be a link (to another disk, ``/dev/shm``);
- ``<pack>`` on another filesystem (a mount point: rename fails with EXDEV) is published by
  copying there, and a failed copy names both paths;
- ``.<pack>.lock`` is gone when the run ends.
"""
from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest

from reportlib.core.files import current_umask
from reportlib.errors import RenderError
from reportlib.run import publish
from reportlib.run.staging import staged_publish

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="prctl, renameat2 and /proc as on Linux")

PACK = "wdc-executive"
AS_OF = "2010-07-31"


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    try:  # a zombie waiting for its new parent to reap it has gone too
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return True


def wait_for(condition, seconds: float) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def make_report(reports: Path, text: str) -> Path:
    """A finished render's temporary folder, created as ``render`` does (private modes)."""
    tmp = publish.temp_folder(reports, PACK)
    (tmp / "council_progress.html").write_text(text)
    handle, table = tempfile.mkstemp(suffix=".xlsx", dir=tmp)  # as a writer that uses mkstemp would
    os.write(handle, b"xlsx")
    os.close(handle)
    os.rename(table, tmp / "tables.xlsx")
    (tmp / "manifest.json").write_text(json.dumps({"pack": PACK, "as_of": AS_OF}))
    Path(tempfile.mkdtemp(dir=tmp)).rename(tmp / "figures")
    (tmp / "figures" / "a.csv").write_text("a,b\n")
    return tmp


# --- 3. workers die with their parent and never publish on their own ---------------------------------

PARENT = textwrap.dedent("""
    import multiprocessing, os, signal, sys, time
    from concurrent.futures import ProcessPoolExecutor
    from pathlib import Path
    from reportlib.run import publish

    def work(folder, survive):
        folder = Path(folder)
        if survive:  # a worker that outlives the SIGTERM (it ignores it) must still not publish
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
        (folder / "worker.pid").write_text(str(os.getpid()))
        start = os.getppid()
        while os.getppid() == start and time.monotonic() < START + 30:
            time.sleep(0.05)
        tmp = folder / "reports" / ".tmp-pack-1-abcdefgh"
        tmp.mkdir(parents=True)
        (tmp / "report.html").write_text("published by an orphan")
        try:
            publish.publish(tmp, folder / "reports" / "pack" / "2010-07-31")
            outcome = "published"
        except Exception as exc:
            outcome = f"{type(exc).__name__}: {exc}"
        (folder / "outcome.txt").write_text(outcome)
        os._exit(0)

    START = time.monotonic()
    if __name__ == "__main__":
        folder, survive = sys.argv[1], sys.argv[2] == "survive"
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(1, mp_context=context, initializer=publish.die_with_parent) as pool:
            pool.submit(work, folder, survive)
            time.sleep(120)
""")


def start_parent(tmp_path: Path, mode: str) -> tuple[subprocess.Popen, int]:
    script = tmp_path / "parent.py"
    script.write_text(PARENT)
    parent = subprocess.Popen([sys.executable, str(script), str(tmp_path), mode])
    pid_file = tmp_path / "worker.pid"
    assert wait_for(lambda: pid_file.exists() and pid_file.read_text(), 30), "the worker did not start"
    return parent, int(pid_file.read_text())


@pytest.mark.parametrize("mode", ["default", "survive"])
def test_a_worker_whose_parent_is_killed_dies_or_at_least_never_publishes(tmp_path, mode):
    parent, worker = start_parent(tmp_path, mode)
    try:
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(10)
        if mode == "default":
            assert wait_for(lambda: gone(worker), 3), "the worker outlived its parent"
            assert not (tmp_path / "outcome.txt").exists()
        else:  # it ignored SIGTERM: publish is the last line of defence
            assert wait_for(lambda: (tmp_path / "outcome.txt").exists(), 10)
            outcome = (tmp_path / "outcome.txt").read_text()
            assert outcome.startswith("ParentGone: ") and f"(pid {parent.pid}) has exited" in outcome
            assert "nothing was published" in outcome
            assert wait_for(lambda: gone(worker), 5)
        assert not (tmp_path / "reports" / "pack" / "2010-07-31").exists()
    finally:
        if not gone(worker):
            os.kill(worker, signal.SIGKILL)


def test_parent_gone_survives_pickling_and_the_main_process_publishes(tmp_path):
    import pickle

    error = pickle.loads(pickle.dumps(publish.ParentGone(123, 1)))
    assert isinstance(error, RenderError) and (error.parent_pid, error.current_parent) == (123, 1)
    publish.check_parent_alive()  # not a worker: nothing to check
    reports = tmp_path / "reports"
    reports.mkdir()
    publish.publish(make_report(reports, "new"), reports / PACK / AS_OF)
    assert (reports / PACK / AS_OF / "council_progress.html").read_text() == "new"


# --- 4. published files honour the umask -------------------------------------------------------------

@pytest.mark.parametrize("umask, folder_mode, file_mode", [(0o022, 0o755, 0o644), (0o027, 0o750, 0o640)])
def test_published_folders_and_files_get_the_umask_modes(tmp_path, umask, folder_mode, file_mode):
    reports = tmp_path / "reports"
    reports.mkdir()
    previous = os.umask(umask)
    try:
        assert current_umask() == umask
        for text in ("first", "second"):  # a first publish (rename), then a swap
            tmp = make_report(reports, text)
            assert stat.S_IMODE(tmp.stat().st_mode) == 0o700  # as mkdtemp makes it
            publish.publish(tmp, reports / PACK / AS_OF)
            shutil.rmtree(tmp, ignore_errors=True)  # the previous report, if any (as render does)
    finally:
        os.umask(previous)
    final = reports / PACK / AS_OF
    assert (final / "council_progress.html").read_text() == "second"
    for path in [final, *final.rglob("*")]:
        expected = folder_mode if path.is_dir() else file_mode
        assert stat.S_IMODE(path.stat().st_mode) == expected, (path, oct(path.stat().st_mode))


def test_share_like_umask_neither_follows_nor_changes_links(tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("x")
    outside.chmod(0o600)
    folder = tmp_path / "f"
    folder.mkdir(mode=0o700)
    (folder / "link").symlink_to(outside)
    (folder / "run.sh").write_text("#!/bin/sh\n")
    (folder / "run.sh").chmod(0o700)
    publish.share_like_umask(folder, umask=0o022)
    assert stat.S_IMODE(outside.stat().st_mode) == 0o600
    assert stat.S_IMODE((folder / "run.sh").stat().st_mode) == 0o755
    assert stat.S_IMODE(folder.stat().st_mode) == 0o755


# --- 6. links and other filesystems ------------------------------------------------------------------

@pytest.mark.parametrize("dangling", [False, True])
def test_a_link_at_the_report_folder_is_refused_and_nothing_is_left(tmp_path, dangling):
    reports = tmp_path / "reports"
    reports.mkdir()
    elsewhere = tmp_path / "elsewhere"
    if not dangling:
        elsewhere.mkdir()
        (elsewhere / "keep.txt").write_text("not ours")
    (reports / PACK).mkdir()
    final = reports / PACK / AS_OF
    final.symlink_to(elsewhere)
    tmp = make_report(reports, "new")
    with pytest.raises(RenderError) as caught:
        publish.publish(tmp, final)
    assert f"{final} is a symbolic link (to {elsewhere})" in str(caught.value)
    assert "nothing was published" in str(caught.value)
    assert final.is_symlink() and os.readlink(final) == str(elsewhere)
    if not dangling:
        assert [p.name for p in elsewhere.iterdir()] == ["keep.txt"]
    assert tmp.is_dir() and not tmp.is_symlink()  # the caller's rmtree removes it; no .tmp- link
    shutil.rmtree(tmp)
    leftovers = [p for p in reports.rglob(".*")]
    assert leftovers == []


def test_a_file_at_the_report_folder_is_refused(tmp_path):
    reports = tmp_path / "reports"
    (reports / PACK).mkdir(parents=True)
    (reports / PACK / AS_OF).write_text("a file")
    with pytest.raises(RenderError, match="is a file, not a report folder"):
        publish.publish(make_report(reports, "new"), reports / PACK / AS_OF)


def other_filesystem(tmp_path: Path) -> Path:
    shm = Path("/dev/shm")
    if not shm.is_dir() or not os.access(shm, os.W_OK) or shm.stat().st_dev == tmp_path.stat().st_dev:
        pytest.skip("no second writable filesystem (/dev/shm) here")
    folder = Path(tempfile.mkdtemp(prefix="reportlib-test-", dir=shm))
    return folder


def contents(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (links not followed), hidden ones too, with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("dangling", [False, True])
def test_a_link_at_the_pack_folder_fails_the_pack_and_nothing_outside_is_touched(tmp_path, dangling):
    """A render once published a whole pack into a folder outside the project through a link at
    ``reports/<pack>`` (and, before the swap, removed what looked like a killed run's folder there)."""
    outside = tmp_path / "outside"
    if not dangling:
        (outside / AS_OF).mkdir(parents=True)
        (outside / AS_OF / "precious.txt").write_text("not reportlib's")
        (outside / f".tmp-{PACK}-999999999-abcdefgh").mkdir()  # looks like a killed run's folder
        (outside / f".tmp-{PACK}-999999999-abcdefgh" / "keep.txt").write_text("not reportlib's either")
        before = contents(outside)
    reports = tmp_path / "project" / "reports"
    reports.mkdir(parents=True)
    link = reports / PACK
    link.symlink_to(outside, target_is_directory=True)
    with pytest.raises(RenderError) as caught:
        with staged_publish(reports, PACK, AS_OF) as folder:
            (folder / "council_progress.html").write_text("new report")
    message = str(caught.value)
    assert f"{link} is a symbolic link to {outside}" in message
    assert "link the whole reports folder" in message and "--reports" in message
    assert "nothing was published" in message and caught.value.pack == PACK
    assert link.is_symlink() and os.readlink(link) == str(outside)  # left as the user made it
    if not dangling:
        assert contents(outside) == before
    else:
        assert not outside.exists()
    assert [p.name for p in reports.iterdir()] == [PACK]  # no work folder, lock or _failed left behind
    with pytest.raises(RenderError, match="is a symbolic link to"):  # publish itself refuses too
        publish.publish(make_report(reports, "new"), link / AS_OF)


def test_a_reports_folder_that_is_a_link_to_another_disk_is_published_there(tmp_path):
    other = other_filesystem(tmp_path)
    try:
        project = tmp_path / "project"
        project.mkdir()
        (project / "reports").symlink_to(other, target_is_directory=True)  # the whole reports/ on another disk
        for text in ("first", "second"):
            with staged_publish(project / "reports", PACK, AS_OF) as folder:
                (folder / "council_progress.html").write_text(text)
        assert (other / PACK / AS_OF / "council_progress.html").read_text() == "second"
        assert sorted(p.name for p in other.iterdir()) == [PACK]  # no work folder or lock left there
        assert stat.S_IMODE((other / PACK / AS_OF).stat().st_mode) == 0o777 & ~current_umask()
    finally:
        shutil.rmtree(other, ignore_errors=True)


def cross_device_once(monkeypatch):
    """``_swap`` fails once as a rename across filesystems does (a pack folder that is a mount point)."""
    real, calls = publish._swap, []

    def swap(tmp, final):
        calls.append(tmp)
        if len(calls) == 1:
            raise OSError(errno.EXDEV, os.strerror(errno.EXDEV), str(final))
        return real(tmp, final)

    monkeypatch.setattr(publish, "_swap", swap)
    return calls


def test_a_pack_folder_on_another_filesystem_is_published_by_copying_there(tmp_path, monkeypatch):
    reports = tmp_path / "reports"
    reports.mkdir()
    final = reports / PACK / AS_OF
    calls = cross_device_once(monkeypatch)
    tmp = make_report(reports, "first")
    publish.publish(tmp, final)
    shutil.rmtree(tmp, ignore_errors=True)
    assert len(calls) == 2 and calls[1].parent == reports / PACK  # copied into the pack folder, then swapped
    assert (final / "council_progress.html").read_text() == "first"
    assert sorted(p.name for p in (reports / PACK).iterdir()) == [AS_OF]  # no staging folder left there
    assert stat.S_IMODE(final.stat().st_mode) == 0o777 & ~current_umask()


def test_a_failed_copy_to_another_filesystem_names_both_paths(tmp_path, monkeypatch):
    reports = tmp_path / "reports"
    reports.mkdir()
    final = reports / PACK / AS_OF
    tmp = make_report(reports, "first")
    publish.publish(tmp, final)
    shutil.rmtree(tmp, ignore_errors=True)

    def full_disk(source, target, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(target))

    cross_device_once(monkeypatch)
    monkeypatch.setattr(publish.shutil, "copytree", full_disk)
    tmp = make_report(reports, "second")
    with pytest.raises(RenderError) as caught:
        publish.publish(tmp, final)
    message = str(caught.value)
    assert str(tmp) in message and str(final) in message and "different filesystems" in message
    assert "No space left on device" in message and "nothing was published" in message
    assert caught.value.__cause__.errno == errno.ENOSPC  # so the runner can say "the disk is full"
    assert (final / "council_progress.html").read_text() == "first"
    assert sorted(p.name for p in (reports / PACK).iterdir()) == [AS_OF]


def test_clean_stale_removes_a_copy_left_in_the_pack_folder(tmp_path):
    reports = tmp_path / "reports"
    staged = reports / PACK / f".tmp-{PACK}-999999999-abcdefgh"
    staged.mkdir(parents=True)
    assert publish.clean_stale(reports, PACK) == [staged.name]
    assert not staged.exists()


# --- lock files --------------------------------------------------------------------------------------

def test_the_lock_file_is_removed_when_the_run_ends(tmp_path):
    lock = tmp_path / f".{PACK}.lock"
    with publish.pack_lock(tmp_path, PACK):
        assert lock.read_text().split()[0] == str(os.getpid())
    assert not lock.exists()
    with pytest.raises(ZeroDivisionError):
        with publish.pack_lock(tmp_path, PACK):
            raise ZeroDivisionError
    assert not lock.exists()
    lock.write_text("12345 2010-01-01T00:00:00Z\n")  # left by a run that was killed: taken over, then removed
    with publish.pack_lock(tmp_path, PACK):
        assert lock.read_text().split()[0] == str(os.getpid())
    assert not lock.exists()


def test_a_second_holder_is_still_refused(tmp_path):
    with publish.pack_lock(tmp_path, PACK):
        child = subprocess.run([sys.executable, "-c", textwrap.dedent(f"""
            from pathlib import Path
            from reportlib.run import publish
            try:
                with publish.pack_lock(Path({str(tmp_path)!r}), {PACK!r}):
                    print("locked")
            except Exception as exc:
                print(type(exc).__name__, exc)
        """)], capture_output=True, text=True, timeout=60)
        assert child.stdout.startswith("RenderError") and f"process {os.getpid()}" in child.stdout
        assert (tmp_path / f".{PACK}.lock").exists()  # the refused process leaves the holder's file alone
    assert not (tmp_path / f".{PACK}.lock").exists()
