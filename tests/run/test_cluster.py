"""Rendering on a real Dask cluster: ``dask scheduler`` and ``dask worker`` started as subprocesses on
127.0.0.1 (free ports), as a user would start them, with small html-only packs to stay quick.

- packs are rendered on the workers, each manifest says by which; a second run skips them;
- a worker killed mid-pack: the pack is retried on another worker, nothing half-written is published;
- an unreachable scheduler, a worker without reportlib, a worker that cannot see the data:
  one line naming the address, the worker, the path; exit 1.
"""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import SAMPLE_AS_OF, build_notebook, build_sample_repo, write_pack

from reportlib.cli import main
from reportlib.run import manifest
from reportlib.run.render import render_packs

pytestmark = [pytest.mark.skipif(sys.platform != "linux", reason="process groups and mount namespaces as on Linux"), pytest.mark.slow]
distributed = pytest.importorskip("distributed")

DASK = str(Path(sys.executable).parent / "dask")
PARAMETERS = ("parameters", "data_paths = []\nas_of = ''\ncouncil = ''\ncommittee = ''\n"
                            "pack_title = ''\naudience = ''\nsnapshot = ''\nseconds = 0")
CELL = ("code", "import time\ntime.sleep(seconds)\nprint('rendered on a worker')")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop(process: subprocess.Popen) -> None:
    """End a process we started, and its process group (a nanny's worker included)."""
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 10)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(wait)
            break
        except subprocess.TimeoutExpired:
            continue


@contextmanager
def cluster(log_dir: Path, workers: int = 2, worker_command=None):
    """A scheduler and ``workers`` workers; yields the scheduler's address. Always stopped after."""
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    started = []
    log_dir.mkdir(parents=True, exist_ok=True)

    def start(name, argv):
        log = open(log_dir / f"{name}.log", "w")
        started.append(subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, start_new_session=True))
        log.close()

    try:
        start("scheduler", [DASK, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"])
        for n in range(workers):
            argv = [address, "--nthreads", "1", "--host", "127.0.0.1", "--no-dashboard", "--death-timeout", "20",
                    "--name", f"w{n}"]
            start(f"worker{n}", (worker_command or [DASK, "worker"]) + argv)
        with distributed.Client(address, timeout=30, set_as_default=False) as client:
            client.wait_for_workers(workers, timeout=60)
        yield address
    finally:
        for process in reversed(started):
            stop(process)


def worker_pids(address: str) -> dict[int, str]:
    with distributed.Client(address, timeout=10, set_as_default=False) as client:
        return {pid: worker for worker, pid in client.run(os.getpid).items()}


def parent_pid(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[1])


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    root = tmp_path_factory.mktemp("cluster") / "repo"
    build_sample_repo(root)
    build_notebook(root / "notebooks" / "tiny.ipynb", cells=[PARAMETERS, ("markdown", "# Progress"), CELL])
    (root / "params" / "sample-pack.yaml").unlink()
    packs = [write_pack(root, name, formats=["html"], notebooks=[{"notebook": "notebooks/tiny.ipynb"}])
             for name in ("alpha", "beta")]
    slow = write_pack(root, "slow", formats=["html"],
                      notebooks=[{"notebook": "notebooks/tiny.ipynb", "parameters": {"seconds": 6}}])
    return root, packs, slow


@pytest.fixture(scope="module")
def address(tmp_path_factory):
    with cluster(tmp_path_factory.mktemp("dask-logs")) as address:
        yield address


def test_packs_render_on_the_workers_and_a_second_run_skips_them(repo, address, capsys):
    root, packs, _ = repo
    reports = root / "reports"
    results = render_packs(packs, reports_dir=reports, scheduler=address, show_progress=False)
    assert [r.pack for r in results] == ["alpha", "beta"] and all(r.ok for r in results), results
    workers = set(worker_pids(address).values())
    for result in results:
        written = manifest.read(reports / result.pack / SAMPLE_AS_OF)
        assert written.rendered_by.engine == "dask" and written.rendered_by.scheduler == address
        assert written.rendered_by.worker in workers
        assert "rendered on a worker" in (reports / result.pack / SAMPLE_AS_OF / "tiny.ipynb").read_text()
    assert (reports / "index.html").is_file()

    code = main(["render", *map(str, packs), "--reports", str(reports), "--scheduler", address])
    err = capsys.readouterr().err
    assert code == 0 and "up to date: alpha" in err and "up to date: beta" in err
    # with --scheduler the cluster is asked even when nothing needs rendering (a wrong address is said at once)
    assert re.search(r"0 of 2 pack\(s\) rendered in [0-9.]+ s, 2 up to date", err), err


FORK_PROBE = ("code", "import os, sys\n"
                      "print('kernel forked:', 'reportlib.present.charts' in sys.modules)\n"
                      "print('hash seed:', os.environ.get('PYTHONHASHSEED'))")


def test_a_workers_kernels_are_forked_as_the_commands_are_and_give_the_same_bytes(repo, address, tmp_path):
    """On a worker each notebook's kernel is forked from a process that imported reportlib once
    (``cluster.ForkedKernels``), as under ``reportlib render --jobs``, not started anew (about a
    second of CPU a notebook); and the report is the same bytes either way."""
    root, _, _ = repo
    build_notebook(root / "notebooks" / "probe.ipynb", cells=[PARAMETERS, ("markdown", "# Probe"), FORK_PROBE])
    pack = write_pack(root, "probe", formats=["html"], notebooks=[{"notebook": "notebooks/probe.ipynb"}])
    try:
        on_dask = tmp_path / "dask"
        [result] = render_packs([pack], reports_dir=on_dask, scheduler=address, show_progress=False)
        assert result.ok, result.error
        executed = (on_dask / "probe" / SAMPLE_AS_OF / "probe.ipynb").read_text()
        assert "kernel forked: True" in executed and "hash seed: 0" in executed
        local = tmp_path / "local"
        assert main(["render", str(pack), "--reports", str(local)]) == 0
        for name in ("probe.ipynb", "probe.html"):  # this test's own kernel was not forked: that line differs
            assert (on_dask / "probe" / SAMPLE_AS_OF / name).read_bytes() == (local / "probe" / SAMPLE_AS_OF / name) \
                .read_bytes().replace(b"kernel forked: False", b"kernel forked: True"), name
    finally:
        pack.unlink()


def test_a_worker_killed_mid_pack_is_retried_elsewhere_and_nothing_half_written_is_published(repo, address):
    root, _, slow = repo
    reports = root / "reports"
    reports.mkdir(exist_ok=True)
    lock = reports / ".slow.lock"
    outcome = {}
    thread = threading.Thread(target=lambda: outcome.update(
        results=render_packs([slow], reports_dir=reports, scheduler=address, show_progress=False)))
    thread.start()
    try:
        deadline = time.monotonic() + 60
        holder = None
        while holder is None:  # the worker rendering the pack holds its lock, and has begun writing
            assert time.monotonic() < deadline, "no worker started the pack"
            text = lock.read_text().split() if lock.exists() else []
            if text and list(reports.glob(f".tmp-slow-{text[0]}-*/tiny.ipynb")) or \
                    text and list(reports.glob(f".tmp-slow-{text[0]}-*/.work/run-snapshot")):
                holder = int(text[0])
            time.sleep(0.1)
        workers = worker_pids(address)
        # the worker's rendering process (``cluster.ForkedKernels``) holds it, or the worker itself
        worker_pid = holder if holder in workers else parent_pid(holder)
        assert worker_pid in workers, f"the lock is held by pid {holder}, not a worker or its process: {workers}"
        killed = workers[worker_pid]
        time.sleep(1.0)
        os.kill(worker_pid, signal.SIGKILL)
        assert not (reports / "slow").exists()  # nothing published by the dead worker
    finally:
        thread.join(120)
    assert "results" in outcome, "render_packs raised: see the captured log"
    [result] = outcome["results"]
    assert result.ok, result.error
    written = manifest.read(reports / "slow" / SAMPLE_AS_OF)
    assert written.rendered_by.worker != killed
    assert sorted(p.name for p in (reports / "slow" / SAMPLE_AS_OF).iterdir()) == sorted([*written.files(), "manifest.json"])
    assert not list(reports.glob(".tmp-slow-*"))  # the dead worker's folder was removed by the retry


def test_an_unreachable_scheduler_is_one_line_naming_it(repo, capsys, monkeypatch):
    root, packs, _ = repo
    monkeypatch.setenv("REPORTLIB_DASK_TIMEOUT", "2")
    nowhere = f"tcp://127.0.0.1:{free_port()}"
    code = main(["render", str(packs[0]), "--reports", str(root / "reports"), "--force", "--scheduler", nowhere])
    err = capsys.readouterr().err
    assert code == 1
    assert err.count("\n") == 1 and err.startswith(f"error: cannot reach the Dask scheduler at {nowhere}"), err
    # a nightly job with a wrong address hears of it even when every pack is up to date
    assert main(["render", str(packs[0]), "--reports", str(root / "reports")]) == 0
    capsys.readouterr()
    code = main(["render", str(packs[0]), "--reports", str(root / "reports"), "--scheduler", nowhere])
    assert code == 1 and f"cannot reach the Dask scheduler at {nowhere}" in capsys.readouterr().err


def test_a_worker_without_reportlib_is_named(repo, tmp_path, capsys):
    root, packs, _ = repo
    without = [sys.executable, "-c", "import sys; sys.modules['reportlib'] = None; "
                                     "from distributed.cli.dask_worker import main; main()", "--no-nanny"]
    with cluster(tmp_path / "logs", workers=1, worker_command=without) as address:
        [worker] = worker_pids(address).values()
        code = main(["render", str(packs[0]), "--reports", str(root / "reports"), "--force", "--scheduler", address])
    err = capsys.readouterr().err
    assert code == 1
    assert err.count("\n") == 1 and err.startswith(f"error: Dask worker {worker} cannot run reportlib"), err


def test_a_worker_that_cannot_see_the_data_is_named_with_the_path(repo, tmp_path, capsys):
    root, packs, _ = repo
    data = root / "data"
    if subprocess.run(["unshare", "-m", "true"], capture_output=True).returncode != 0:
        pytest.skip("no mount namespace here to hide the data from a worker")
    # the worker's own view of the filesystem has an empty data folder: as on a machine without the share
    hidden = ["unshare", "-m", "sh", "-c", 'mount -t tmpfs tmpfs "$0" && exec "$@"', str(data), DASK, "worker"]
    with cluster(tmp_path / "logs", workers=1, worker_command=hidden) as address:
        [worker] = worker_pids(address).values()
        code = main(["render", str(packs[0]), "--reports", str(root / "reports"), "--force", "--scheduler", address])
    err = capsys.readouterr().err
    assert code == 1
    [line, summary] = err.splitlines()
    assert line.startswith(f"error: pack alpha failed: worker {worker} cannot see {data.resolve() / 'plan.xlsx'}"), err
    assert summary.startswith("0 of 1 pack(s) rendered") and summary.endswith("failed: alpha")


def test_jobs_can_run_the_same_task_on_a_local_dask_cluster(repo, tmp_path):
    root, packs, _ = repo
    [result] = render_packs(packs[:1], reports_dir=tmp_path / "reports", jobs=1, engine="dask-local",
                            show_progress=False)
    assert result.ok, result.error
    written = manifest.read(tmp_path / "reports" / "alpha" / SAMPLE_AS_OF)
    assert written.rendered_by.engine == "dask-local" and written.rendered_by.worker.startswith("tcp://127.0.0.1:")


@pytest.mark.parametrize("kind", ["dashboard", "not-dask"])
def test_an_address_that_is_not_a_dask_scheduler_is_one_line(repo, capsys, monkeypatch, kind):
    # found by a new user: these printed a client's traceback (and "Unable to allocate 3.07 EiB")
    import socket
    import threading

    root, packs, _ = repo
    monkeypatch.setenv("REPORTLIB_DASK_TIMEOUT", "3")
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]

    def answer_nonsense():
        with server:
            server.settimeout(10)
            try:
                while True:
                    conn, _ = server.accept()
                    conn.sendall(b"HTTP/1.1 200 OK\r\n\r\n" + b"\xff" * 64)
                    conn.close()
            except OSError:
                return

    threading.Thread(target=answer_nonsense, daemon=True).start()
    address = f"http://127.0.0.1:{port}" if kind == "dashboard" else f"tcp://127.0.0.1:{port}"
    code = main(["render", str(packs[0]), "--reports", str(root / "reports"), "--force", "--scheduler", address])
    err = capsys.readouterr().err
    server.close()
    assert code == 1 and err.count("\n") == 1 and "Traceback" not in err, err
    expected = "is not a Dask scheduler address" if kind == "dashboard" else "but not as a Dask scheduler does"
    assert expected in err and address in err, err


def test_jobs_with_a_scheduler_is_refused_not_ignored(repo, capsys):
    # found by a new user: --jobs 4 --scheduler ... ran as if --jobs had not been given
    root, packs, _ = repo
    code = main(["render", str(packs[0]), "--reports", str(root / "reports"), "--jobs", "4",
                 "--scheduler", "tcp://127.0.0.1:8786"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "--jobs is for rendering on this machine" in err, err
