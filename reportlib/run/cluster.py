"""Rendering packs on Dask: an existing cluster (``--scheduler tcp://host:port``) or a LocalCluster.

Each pack is one task, ``task.render_pack_task(pack_path, reports_dir)``: a pure function
of the pack file, the files it names and the reports folder, so it can run on any worker
that has the same environment and sees the same files at the same paths (a shared
filesystem). Before submitting, every worker is asked which reportlib it has; a worker
without it, or with another version, stops the run with one line naming the worker.

A worker that dies mid-pack (killed, out of memory) loses nothing: the scheduler gives the
task to another worker (up to Dask's ``distributed.scheduler.allowed-failures`` times), the
dead worker's temporary folder is never published and is removed by the next render of
the pack, and the last good report stays in place until a complete one replaces it.

On each worker the packs are rendered in a process of its own (``ForkedKernels``, a worker
plugin ``render_on_dask`` registers, or ``dask worker --preload reportlib.run.cluster``):
started once, with the hash seed kernels must have, it imports reportlib and what the
notebooks import, so each notebook's kernel is forked from it (``forkkernel``) as under
``reportlib render --jobs``, instead of starting as a new process (about a second of CPU
a notebook). The reports are the same bytes either way.

Dask marks its worker processes daemonic; reportlib's stages run in child processes of
their own (``reportlib.run.bounded``), which a daemonic process may not start. On a worker
the task lifts that mark for itself: those children already die with the worker
(``PR_SET_PDEATHSIG``), which is what the mark is for.
"""
from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import socket
import sys
import uuid
from pathlib import Path

from reportlib.errors import RenderError

try:
    from distributed.diagnostics.plugin import WorkerPlugin
except ImportError:  # without distributed there is no cluster to render on
    WorkerPlugin = object

log = logging.getLogger(__name__)
#: Seconds to wait for a scheduler to answer (REPORTLIB_DASK_TIMEOUT overrides).
CONNECT_TIMEOUT = 10
#: Seconds to wait for a scheduler to have at least one worker.
WORKER_TIMEOUT = 30


class ClusterError(RenderError):
    """The Dask cluster cannot be used: ``address`` is the scheduler or the worker concerned."""

    def __init__(self, address: str, reason: str):
        self.address, self.reason = address, reason
        super().__init__(reason)



def connect(address: str, timeout: float | None = None):
    """A ``distributed.Client`` for the scheduler at ``address``; ``ClusterError`` naming it if it cannot be reached.

    The address must be Dask's own (``tcp://HOST:PORT`` or ``tls://HOST:PORT``; a bare
    ``HOST:PORT`` is read as tcp). It is first reached with a plain connection, so a wrong
    host or port is one line within ``timeout`` seconds, not a client's traceback.
    """
    timeout = timeout or float(os.environ.get("REPORTLIB_DASK_TIMEOUT", CONNECT_TIMEOUT))
    host, port = _host_port(address)
    try:
        socket.create_connection((host, port), timeout=timeout).close()
    except OSError as exc:
        reason = exc.strerror or (type(exc).__name__ if not str(exc) else str(exc))
        waited = f" within {timeout:g} s" if isinstance(exc, TimeoutError) else ""
        raise ClusterError(address, f"cannot reach the Dask scheduler at {address}{waited} "
                                    f"({reason}); is `dask scheduler` running there?") from None
    from distributed import Client

    try:
        return Client(address, timeout=timeout, set_as_default=False)
    except Exception as exc:  # noqa: BLE001 - something answers there, but not a Dask scheduler
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    _forget_quietly()  # after the except block: its traceback no longer holds the half-made client
    raise ClusterError(address, f"cannot reach the Dask scheduler at {address} within {timeout:g} s: something "
                                f"answers at {host}:{port}, but not as a Dask scheduler does ({reason[:120]}); "
                                "is `dask scheduler` running there, on that port?")


def _host_port(address: str) -> tuple[str, int]:
    """(host, port) of a Dask scheduler address; ``ClusterError`` for anything else (a dashboard's http:// URL)."""
    scheme, _, rest = address.rpartition("://")
    if scheme and scheme not in ("tcp", "tls"):
        raise ClusterError(address, f"{address} is not a Dask scheduler address: give tcp://HOST:PORT, the address "
                                    "`dask scheduler` prints (port 8786 unless it was given another; "
                                    "http://...:8787 is its dashboard)")
    host, _, port = rest.rstrip("/").rpartition(":")
    if not host or not port.isdigit():
        host, port = rest.rstrip("/"), "8786"
    return host.strip("[]"), int(port)


def _forget_quietly() -> None:
    """A client that failed to start complains from its ``__del__``: collect it now, unheard."""
    hook = sys.unraisablehook
    sys.unraisablehook = lambda _: None
    try:
        gc.collect()
    finally:
        sys.unraisablehook = hook


def check_workers(client, address: str) -> dict[str, dict]:
    """Every worker's reportlib; ``ClusterError`` naming the first worker that cannot render.

    reportlib is compared by version and the digest of its code (``fingerprint.reportlib_digest``):
    a worker with other code would render other reports, and record other fingerprints.
    """
    try:
        client.wait_for_workers(1, timeout=WORKER_TIMEOUT)
    except Exception:  # noqa: BLE001 - TimeoutError, by version
        raise ClusterError(address, f"the Dask scheduler at {address} has no workers (waited {WORKER_TIMEOUT} s); "
                                    f"start some with `dask worker {address}`") from None
    answers = client.run(_probe(), on_error="return")
    ours = _installed()
    for worker, answer in sorted(answers.items()):
        if isinstance(answer, BaseException) or "error" in answer:
            what = answer.get("error") if isinstance(answer, dict) else f"{type(answer).__name__}: {answer}"
            raise ClusterError(worker, f"Dask worker {worker} cannot run reportlib ({what}); every worker needs "
                                       "the same environment as this machine, with reportlib installed")
        if answer["reportlib"] != ours["reportlib"]:
            raise ClusterError(worker, f"Dask worker {worker} has reportlib {answer['reportlib']}, this machine "
                                       f"{ours['reportlib']}; every worker needs the same environment")
    return answers


def _installed() -> dict:
    from reportlib.run.fingerprint import reportlib_digest

    return {"reportlib": reportlib_digest()}


_PROBE = '''
def reportlib_probe():
    """Run on each worker by value (it must not need reportlib to be unpickled)."""
    try:
        import reportlib.run.task  # noqa: F401
        from reportlib.run.fingerprint import reportlib_digest
        return {"reportlib": reportlib_digest()}
    except Exception as exc:
        return {"error": f"{type(exc).__name__}: {exc}"}
'''


def _probe():
    namespace = {"__name__": "reportlib_probe"}  # not an importable module: pickled by value
    exec(_PROBE, namespace)
    return namespace["reportlib_probe"]


def pack_task(pack_path: str, reports_dir: str, force: bool, engine: str, scheduler: str | None):
    """``render_pack_task`` on a Dask worker: in its ``ForkedKernels`` process where it has one."""
    from distributed import get_worker

    from reportlib.run.task import render_pack_task

    worker = get_worker()
    plugin = worker.plugins.get(PLUGIN_NAME)
    if isinstance(plugin, ForkedKernels):
        result = plugin.render(pack_path, reports_dir, force, engine, scheduler, worker.address)
        if result is not None:
            return result
    _lift_daemon_mark()
    return render_pack_task(pack_path, reports_dir, force=force, engine=engine, scheduler=scheduler)


def _lift_daemon_mark() -> None:
    process = multiprocessing.current_process()
    if process._config.get("daemon"):  # see the module docstring
        process._config["daemon"] = False


#: The name ``ForkedKernels`` is registered under on the workers.
PLUGIN_NAME = "reportlib-forked-kernels"


class ForkedKernels(WorkerPlugin):
    """A worker plugin: the worker's packs rendered in a process whose kernels are forked.

    On ``setup`` it starts one process per worker thread (a ``ProcessPoolExecutor``, spawned
    with ``determinism.HASH_SEED`` as the hash seed, dying with the worker), which imports
    what the ``reportlib`` command imports before its first kernel and calls
    ``forkkernel.enable()``. ``pack_task`` hands it each pack. Should that process die (out
    of memory), the pack fails as under ``--jobs`` and later packs render in the worker
    itself, with kernels started as new processes.
    """

    name = PLUGIN_NAME

    def __init__(self):
        self._pool = None

    def setup(self, worker) -> None:
        """Start the rendering process now, from the worker's own thread (it lives as long as the
        worker, and a process started by a thread that ends would be signalled to end)."""
        from concurrent.futures import ProcessPoolExecutor

        from reportlib.run.determinism import HASH_SEED
        from reportlib.run.publish import die_with_parent

        _lift_daemon_mark()
        threads = getattr(getattr(worker, "state", None), "nthreads", None) or getattr(worker, "nthreads", 1)
        pool = ProcessPoolExecutor(max(1, threads), mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_start_rendering, initargs=(die_with_parent,))
        before = os.environ.get("PYTHONHASHSEED")
        os.environ["PYTHONHASHSEED"] = HASH_SEED  # the spawned processes start with it; the worker keeps its own
        try:
            ready = [pool.submit(_forking) for _ in range(max(1, threads))]  # each process is spawned here
        finally:
            if before is None:
                os.environ.pop("PYTHONHASHSEED", None)
            else:
                os.environ["PYTHONHASHSEED"] = before
        self._pool, self._ready = pool, ready

    def ready(self, timeout: float | None = None) -> bool:
        """Wait until each rendering process has imported what its kernels are forked from
        (its start-up, begun by ``setup``); whether every one now forks them."""
        return self._pool is not None and all(future.result(timeout=timeout) for future in self._ready)

    def teardown(self, worker) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:  # its processes are waited for: they end with the worker, not after it
            pool.shutdown(wait=True, cancel_futures=True)

    def render(self, pack_path, reports_dir, force, engine, scheduler, worker_address):
        """The pack's ``PackResult`` from the rendering process; None if there is none (render here)."""
        from concurrent.futures.process import BrokenProcessPool

        from reportlib.run.task import PackResult

        pool = self._pool
        if pool is None:
            return None
        try:
            return pool.submit(render_in_process, pack_path, reports_dir, force, engine, scheduler,
                               worker_address).result()
        except BrokenProcessPool as exc:
            self._pool = None
            log.warning("reportlib: the rendering process of worker %s ended (%s); its packs render in the worker "
                        "from now on, with kernels started as new processes", worker_address, exc)
            return PackResult(Path(pack_path).stem, False, [], f"its rendering process on worker {worker_address} "
                              f"died ({exc}); nothing was published", pack_file=str(pack_path),
                              rendered_by={"engine": engine, "scheduler": scheduler, "worker": worker_address})


def _start_rendering(die_with_parent) -> None:
    """In a ``ForkedKernels`` process: die with the worker, import what the command imports, fork kernels."""
    die_with_parent()
    # as the command does (``cli``): jsonschema's optional URI grammar, a second to build, is never needed here
    sys.modules.setdefault("rfc3987_syntax", None)
    from reportlib.analysis import status
    from reportlib.present.exporters import shared_exporter
    from reportlib.run import forkkernel

    shared_exporter()
    status.warm()
    forkkernel.enable()


def _forking() -> bool:
    from reportlib.run import forkkernel

    return forkkernel.enabled()


def render_in_process(pack_path, reports_dir, force, engine, scheduler, worker_address):
    """``render_pack_task`` in a ``ForkedKernels`` process; SIGTERM (the worker ending) cleans up first."""
    from reportlib.run.publish import Interrupted, sigterm_interrupts
    from reportlib.run.task import render_pack_task

    try:
        with sigterm_interrupts():
            return render_pack_task(pack_path, reports_dir, force=force, engine=engine, scheduler=scheduler,
                                    worker=worker_address)
    except Interrupted as exc:
        os._exit(exc.exit_code)  # not back to the pool: it must not start another pack


def dask_setup(worker) -> None:
    """``dask worker --preload reportlib.run.cluster``: the rendering process starts with the worker."""
    worker.plugins[PLUGIN_NAME] = plugin = ForkedKernels()
    plugin.setup(worker)


def _has_plugin(dask_worker) -> bool:
    return isinstance(dask_worker.plugins.get(PLUGIN_NAME), ForkedKernels)


def use_forked_kernels(client) -> None:
    """Register ``ForkedKernels`` on the workers that do not have it yet (and on workers to come)."""
    have = client.run(_has_plugin, on_error="return")
    if not all(value is True for value in have.values()):
        client.register_plugin(ForkedKernels(), name=PLUGIN_NAME)


def render_on_dask(pack_paths: list[Path], reports_dir: Path, finished, *, force: bool, scheduler: str | None,
                   jobs: int, order: list[int], submitted=None) -> None:
    """Render ``pack_paths`` as Dask tasks, calling ``finished(i, PackResult)`` as each ends
    (and ``submitted(i, number, total)`` as each is sent, if given).

    With ``scheduler``, on that cluster; else on a LocalCluster of ``jobs`` one-thread workers
    started for this run. ``order``: pack indexes, the first to start first.
    """
    from distributed import LocalCluster, as_completed

    from reportlib.errors import ReportlibError
    from reportlib.run.packs import load_pack
    from reportlib.run.task import PackResult

    waiting = []
    for i in order:  # a pack that is wrong here is wrong everywhere: said without a worker
        try:
            load_pack(pack_paths[i])
            waiting.append(i)
        except ReportlibError as exc:
            finished(i, PackResult(pack_paths[i].stem, False, [], str(exc), pack_file=str(pack_paths[i])))
    if not waiting:
        return
    order = waiting
    local = None
    if scheduler:
        client, engine, address = connect(scheduler), "dask", scheduler
    else:
        local = LocalCluster(n_workers=max(1, jobs), threads_per_worker=1, processes=True, dashboard_address=":0",
                             silence_logs=logging.ERROR)
        client, engine, address = local.get_client(), "dask-local", local.scheduler_address
    futures = {}
    try:
        check_workers(client, address)
        if _forks_kernels():
            use_forked_kernels(client)
        reports = str(Path(reports_dir).resolve())
        for rank, i in enumerate(order):
            path = Path(pack_paths[i]).resolve()
            future = client.submit(pack_task, str(path), reports, force, engine, scheduler, pure=False,
                                   key=f"render-{path.stem}-{uuid.uuid4().hex[:12]}", priority=len(order) - rank)
            futures[future] = i
            if submitted is not None:
                submitted(i, rank + 1, len(order))
        for future in as_completed(list(futures), loop=client.loop):
            i = futures[future]
            try:
                finished(i, future.result())
            except Exception as exc:  # noqa: BLE001 - the task itself failed: workers died, or could not run it
                finished(i, PackResult(pack_paths[i].stem, False, [], _task_failure(exc), pack_file=str(pack_paths[i]),
                                       rendered_by={"engine": engine, "scheduler": scheduler, "worker": None}))
    except BaseException:
        client.cancel(list(futures), force=True)
        raise
    finally:
        client.close()
        if local is not None:
            local.close()


def _forks_kernels() -> bool:
    """Whether workers should fork their kernels: as the command would here (``REPORTLIB_FORK_KERNEL``)."""
    from reportlib.run import forkkernel

    return forkkernel.supported()


def _task_failure(exc: BaseException) -> str:
    name = type(exc).__name__
    if name == "KilledWorker":
        return (f"the Dask workers rendering it died each time it was tried ({exc}); nothing was published "
                "(the last good report, if any, is unchanged)")
    return f"its Dask task failed: {name}: {str(exc).splitlines()[0] if str(exc) else ''}"
