"""The committee-pack runner: pack files -> run snapshot -> executed notebooks -> HTML -> PDF.

One pack, start to finish, is ``reportlib.run.task.render_pack_task``; this module is the
batch around it.

``render_packs`` is the batch: packs that are up to date (``reportlib.run.fingerprint``) are
skipped unless ``force``; the rest are rendered by the engine chosen. Nothing here prints
except the progress display (a tqdm bar on a terminal, else one line as each pack starts and
as it finishes).

Unattended runs: a cell running longer than the pack's ``timeout`` fails the pack with
the notebook, cell and its first line named; SIGTERM raises ``publish.Interrupted`` after
the kernel is stopped and the temporary folder removed; a full disk or unwritable
``reports/`` is reported as such, naming the folder; what killed runs left is cleaned up.
"""
from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from tqdm import tqdm

from reportlib.analysis import status
from reportlib.errors import RenderError, ReportlibError
from reportlib.present.exporters import shared_exporter
from reportlib.run import determinism, runlog
from reportlib.run import fingerprint as fingerprints
from reportlib.run.index import write_index
from reportlib.run.packs import load_pack
from reportlib.run.publish import Interrupted, check_writable, describe_os_error, die_with_parent, sigterm_interrupts
from reportlib.run.task import PackResult, render_pack, render_pack_task, up_to_date_result

log = logging.getLogger(__name__)
#: Engines: ``process`` (this process, or a local process pool), ``dask-local`` (a Dask
#: LocalCluster started for the run), ``dask`` (an existing cluster, ``--scheduler``).
ENGINES = ("process", "dask-local", "dask")
__all__ = ["render_packs", "ENGINES", "LOCAL_ENGINE"]


def render_packs(pack_paths, *, reports_dir="reports", jobs: int = 1, show_progress: bool | None = None,
                 force: bool = False, scheduler: str | None = None, engine: str | None = None) -> list[PackResult]:
    """Render every pack file; one failure never stops the others. Results in input order.

    A pack that is up to date (``reportlib.run.fingerprint``) is skipped, keeping its published
    files, unless ``force``. The rest are rendered by ``engine``: ``dask`` on the existing
    cluster at ``scheduler`` (``tcp://host:port``; implied by giving one); with ``jobs`` > 1,
    ``LOCAL_ENGINE`` (the faster locally, as measured: see the README); else in this process.
    ``show_progress``: True for a tqdm bar over notebooks, False for a line as each pack starts and ends,
    None to choose by whether stderr is a terminal. Raises ``RenderError`` if ``reports_dir``
    cannot be written or the cluster cannot be used (``reportlib.run.cluster.ClusterError``),
    and ``Interrupted`` on SIGTERM (after stopping kernels and removing temporary folders;
    published reports stay as they were).
    """
    pack_paths = [Path(p) for p in pack_paths]
    reports_dir = Path(reports_dir)
    check_writable(reports_dir)
    runlog.warm_font_cache()  # no "building the font cache" in a first run's notebooks
    shared_exporter()  # the HTML templates compiled once, here: every stage forked from now on has them
    status.warm()  # and the status rules, compiled once
    engine = engine or ("dask" if scheduler else LOCAL_ENGINE if jobs > 1 and len(pack_paths) > 1 else "process")
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    results: list[PackResult | None] = [None] * len(pack_paths)
    todo = []
    names = [fingerprints.pack_name(p) for p in pack_paths]  # each pack file read once here
    clashes = _name_clashes(pack_paths, names)  # two pack files, one reports/<pack>/ folder: neither is rendered
    for i, path in enumerate(pack_paths):
        results[i] = clashes.get(i) or (None if force else up_to_date_result(path, reports_dir))
        if results[i] is None:
            todo.append(i)
    show_bar = sys.stderr.isatty() if show_progress is None else show_progress
    expected = {i: _notebook_count(pack_paths[i]) for i in todo} if show_bar else {}
    bar = tqdm(total=sum(expected.values()), unit="notebook", desc="rendering", file=sys.stderr) \
        if show_bar and todo else None
    if not show_bar:
        _show_log_lines()

    def finished(i: int, result: PackResult) -> None:
        results[i] = result
        if bar is not None:  # catch up for notebooks not counted one by one
            bar.update(sum(expected[j] for j in todo if results[j] is not None) - bar.n)
            return
        log.info(runlog.finished_line(result))  # one line as each pack finishes

    paths = [pack_paths[i] for i in todo]
    try:
        with sigterm_interrupts():
            if engine == "process" and (jobs <= 1 or len(paths) <= 1):
                for i in todo:  # numbered over the whole run: "pack 4 of 4" when three were up to date
                    finished(i, render_pack(pack_paths[i], reports_dir, on_notebook=bar.update if bar else None,
                                             announce=None if bar else (i + 1, len(pack_paths))))
            elif engine == "process":
                _render_in_workers(paths, reports_dir, jobs, lambda k, r: finished(todo[k], r), force,
                                   announce=None if bar else [(i + 1, len(pack_paths)) for i in todo])
            elif not paths and scheduler:  # nothing to render: still say at once if the cluster is unreachable
                from reportlib.run import cluster

                cluster.connect(scheduler).close()
            else:
                from reportlib.run import cluster

                def submitted(k: int, number: int, total: int) -> None:
                    log.info(runlog.submitted_line(names[todo[k]] or paths[k].stem, todo[k] + 1, len(pack_paths)))

                cluster.render_on_dask(paths, reports_dir, lambda k, r: finished(todo[k], r), force=force,
                                       scheduler=scheduler, jobs=jobs, order=_longest_first(paths, reports_dir),
                                       submitted=None if bar else submitted)
    except Interrupted:  # packs that finished before the signal are published: the index lists them
        done = [r for r in results if r is not None]
        if any(r.ok and not r.up_to_date for r in done):
            with contextlib.suppress(RenderError):
                _write_index(reports_dir, done)
        raise
    finally:
        if bar is not None:
            bar.close()
    if any(r.ok and not r.up_to_date for r in results):  # nothing published: the index stays as it was
        _write_index(reports_dir, results)
    return results


def _name_clashes(pack_paths: list[Path], names: list[str | None]) -> dict[int, PackResult]:
    """Failed results for pack files that give the same ``pack:`` name (``names``) as another in the
    run: each would publish into the other's folder, and the report would flip with every run."""
    by_name: dict[str, list[int]] = {}
    for i, name in enumerate(names):
        if name is not None:
            by_name.setdefault(name, []).append(i)
    clashes = {}
    for name, indexes in by_name.items():
        if len({pack_paths[i].resolve() for i in indexes}) < 2:
            continue
        for i in indexes:
            others = ", ".join(str(pack_paths[j]) for j in indexes if j != i)
            clashes[i] = PackResult(name, False, [], f"{pack_paths[i]}: pack: {name!r} is also the name of {others}; "
                                    "each pack needs a name of its own (it is the pack's folder under reports/), "
                                    "so neither was rendered", pack_file=str(pack_paths[i]))
    return clashes


#: What ``--jobs N`` uses on one machine: measured faster than a Dask LocalCluster here
#: (README, "Measured"), as both run the same ``render_pack_task``.
LOCAL_ENGINE = "process"


def _render_in_workers(pack_paths: list[Path], reports_dir: Path, jobs: int, finished, force: bool,
                       announce: list[tuple[int, int]] | None = None) -> None:
    """``announce``: each pack's (number, total) in the whole run, to log as it starts (None: no lines)."""
    order = _longest_first(pack_paths, reports_dir)
    # fork where there is one: workers start with reportlib already imported (spawn re-imports it, ~2 s each)
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    # workers die with this process, and never publish once it has gone (publish checks)
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context(method), initializer=die_with_parent) as pool:
        futures = {pool.submit(_render_pack_in_worker, pack_paths[i], reports_dir, force,
                               announce[i] if announce else None): i for i in order}
        try:
            for future in as_completed(futures):
                i = futures[future]
                try:
                    finished(i, future.result())
                except Exception as exc:  # the worker process itself died
                    finished(i, PackResult(pack_paths[i].stem, False, [], f"worker failed: {exc!r}",
                                           pack_file=str(pack_paths[i])))
        except BaseException:  # interrupted: packs not started stay so; running ones clean up as here
            workers = list((pool._processes or {}).values())  # no public way before Python 3.14
            pool.shutdown(wait=False, cancel_futures=True)
            for worker in workers:
                worker.terminate()  # SIGTERM
            for worker in workers:
                worker.join()
            raise


def _longest_first(pack_paths: list[Path], reports_dir: Path) -> list[int]:
    """Pack indexes, longest first, so the last pack started is a short one and the workers end together."""
    return sorted(range(len(pack_paths)), key=lambda i: -_expected_seconds(pack_paths[i], reports_dir))


def _expected_seconds(pack_path: Path, reports_dir: Path) -> float:
    """How long a pack is likely to take: its last render's timings, else 10 s a notebook."""
    last = determinism.last_timings(reports_dir, pack_path.stem)  # reports/_timings/: not in the manifest
    return last if last is not None else 10.0 * _notebook_count(pack_path)


def _render_pack_in_worker(pack_path: Path, reports_dir: Path, force: bool = False, announce=None) -> PackResult:
    """``render_pack_task`` in a worker process: SIGTERM cleans up as in the main process, then ends it."""
    try:
        with sigterm_interrupts():
            return render_pack_task(pack_path, reports_dir, force=force, announce=announce)
    except Interrupted as exc:
        os._exit(exc.exit_code)  # not back to the pool: it must not start another pack


def _write_index(reports_dir: Path, results: list[PackResult]) -> None:
    try:
        write_index(reports_dir)
    except OSError as exc:
        Path(reports_dir, f".index-{os.getpid()}.html").unlink(missing_ok=True)
        published = sum(r.ok for r in results)
        reason = describe_os_error(exc, reports_dir) or f"{type(exc).__name__}: {exc}"
        raise RenderError(f"{published} of {len(results)} pack(s) published, but "
                          f"{Path(reports_dir, 'index.html')} could not be updated: {reason}") from exc


def _show_log_lines() -> None:
    """Without a bar, the progress display is one INFO line per output: make it show."""
    if log.level == logging.NOTSET:
        log.setLevel(logging.INFO)
    if not log.hasHandlers():
        log.addHandler(logging.StreamHandler(sys.stderr))


def _notebook_count(pack_path: Path) -> int:
    try:
        return len(load_pack(pack_path).notebooks)
    except ReportlibError:
        return 1
