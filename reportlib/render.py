"""The committee-pack runner: pack files -> run snapshot -> executed notebooks -> HTML -> PDF.

Split the way nbconvert and papermill split the work:

- ``render_pack_task(pack_path, reports_dir)``: one pack, start to finish, as one pure
  task (its result depends on the pack file, the files it names and ``reports_dir``
  only). The same function runs in this process, in a process pool (``--jobs``) and on
  a Dask worker (``reportlib.cluster``); it returns a ``PackResult`` and never raises
  for the pack's own failures.
- ``reportlib.prepare``: the pack's data read, checked and cut once (the run snapshot).
- ``reportlib.execute``: each notebook run by papermill; failures carry their cell.
- ``reportlib.htmlreport`` / ``reportlib.pdf``: HTML and PDF; every stage is bounded in
  time (``reportlib.bounded``, ``Budget``).
- ``reportlib.staging.staged_publish``: the lock, the temporary folder, the swap into
  ``reports/<pack>/<as_of>/`` and failure handling (a failing notebook's executed copy
  goes to ``reports/_failed/<pack>/<as_of>/``; the last good report is never replaced).
- ``reportlib.manifest``: the typed ``manifest.json``.

``render_packs`` is the batch: packs that are up to date (``reportlib.fingerprint``) are
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
import platform
import shutil
import socket
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

import nbformat
from tqdm import tqdm

from reportlib import determinism, runlog  # reproducible outputs, quiet run log
from reportlib import fingerprint as fingerprints
from reportlib.fingerprint import sha256_file
from reportlib import manifest as manifests
from reportlib.bounded import StageTimeout, run_bounded, start_bounded
from reportlib.errors import RenderError, ReportlibError
from reportlib.execute import execute_notebook
from reportlib.exporters import METADATA_KEY, provenance_metadata
from reportlib.htmlreport import (Provenance, export_html, external_loads, notebook_title, pack_links, scrub_paths,
                                  shared_exporter, write_index)
from reportlib.packtables import write_pack_tables
from reportlib.packs import Pack, load_pack
from reportlib.pdf import html_to_pdf
from reportlib.prepare import Prepared, prepare
from reportlib.sources import shown_name
from reportlib.publish import Interrupted, check_writable, describe_os_error, die_with_parent, sigterm_interrupts
from reportlib.staging import FAILED_DIR, explain, staged_publish

log = logging.getLogger(__name__)
#: The run snapshot's folder inside the staging folder (the kernels' working folder); not published.
SNAPSHOT_DIR = "run-snapshot"
#: The notebooks' working folder inside the staging folder, holding the run snapshot. What a
#: notebook writes there is never published (nor can it replace the pack's own outputs).
WORK_DIR = ".work"
#: Seconds the execute stage may run past its cell timeout before its process is stopped.
EXECUTE_GRACE = 10
#: Seconds a pack's task on Dask waits for the pack's lock before it is refused.
CLUSTER_LOCK_WAIT = 10.0
_VERSIONED = ("reportlib", "papermill", "nbconvert", "nbformat", "weasyprint", "pandas")
#: Engines: ``process`` (this process, or a local process pool), ``dask-local`` (a Dask
#: LocalCluster started for the run), ``dask`` (an existing cluster, ``--scheduler``).
ENGINES = ("process", "dask-local", "dask")
__all__ = ["PackResult", "render_packs", "render_pack_task", "Budget", "FAILED_DIR", "SNAPSHOT_DIR"]


@dataclass(frozen=True)
class PackResult:
    """How one pack went. ``outputs``: published files; ``error``: why it failed.

    ``up_to_date``: the pack was skipped because nothing it depends on changed since its
    last good render (``ok`` is then True and ``outputs`` are that render's files).
    ``rendered_by``: ``{engine, scheduler, worker}`` of the render (None when skipped).
    """

    pack: str
    ok: bool
    outputs: list[str] = field(default_factory=list)
    error: str | None = None
    seconds: float = 0.0
    pack_file: str = ""
    output_seconds: dict[str, float] = field(default_factory=dict)
    up_to_date: bool = False
    rendered_by: dict | None = None


def render_packs(pack_paths, *, reports_dir="reports", jobs: int = 1, show_progress: bool | None = None,
                 force: bool = False, scheduler: str | None = None, engine: str | None = None) -> list[PackResult]:
    """Render every pack file; one failure never stops the others. Results in input order.

    A pack that is up to date (``reportlib.fingerprint``) is skipped, keeping its published
    files, unless ``force``. The rest are rendered by ``engine``: ``dask`` on the existing
    cluster at ``scheduler`` (``tcp://host:port``; implied by giving one); with ``jobs`` > 1,
    ``LOCAL_ENGINE`` (the faster locally, as measured: see the README); else in this process.
    ``show_progress``: True for a tqdm bar over notebooks, False for a line as each pack starts and ends,
    None to choose by whether stderr is a terminal. Raises ``RenderError`` if ``reports_dir``
    cannot be written or the cluster cannot be used (``reportlib.cluster.ClusterError``),
    and ``Interrupted`` on SIGTERM (after stopping kernels and removing temporary folders;
    published reports stay as they were).
    """
    pack_paths = [Path(p) for p in pack_paths]
    reports_dir = Path(reports_dir)
    check_writable(reports_dir)
    runlog.warm_font_cache()  # no "building the font cache" in a first run's notebooks
    shared_exporter()  # the HTML templates compiled once, here: every stage forked from now on has them
    engine = engine or ("dask" if scheduler else LOCAL_ENGINE if jobs > 1 and len(pack_paths) > 1 else "process")
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    results: list[PackResult | None] = [None] * len(pack_paths)
    todo = []
    names = [fingerprints.pack_name(p) for p in pack_paths]  # each pack file read once here
    clashes = _name_clashes(pack_paths, names)  # two pack files, one reports/<pack>/ folder: neither is rendered
    for i, path in enumerate(pack_paths):
        results[i] = clashes.get(i) or (None if force else _if_up_to_date(path, reports_dir))
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
                for k, i in enumerate(todo):
                    finished(i, _render_pack(pack_paths[i], reports_dir, on_notebook=bar.update if bar else None,
                                             announce=None if bar else (k + 1, len(todo))))
            elif engine == "process":
                _render_in_workers(paths, reports_dir, jobs, lambda k, r: finished(todo[k], r), force,
                                   announce=not bar)
            elif not paths and scheduler:  # nothing to render: still say at once if the cluster is unreachable
                from reportlib import cluster

                cluster.connect(scheduler).close()
            else:
                from reportlib import cluster

                def submitted(k: int, number: int, total: int) -> None:
                    log.info(runlog.submitted_line(names[todo[k]] or paths[k].stem, number, total))

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


def _shown_name(pack_path: Path) -> str:
    """The pack's own name (``pack:``) for the run log, or its file's name if it has none."""
    return fingerprints.pack_name(pack_path) or pack_path.stem


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


def render_pack_task(pack_path, reports_dir, force: bool = False, engine: str = "process",
                     scheduler: str | None = None, announce=None) -> PackResult:
    """Render one pack; a pure function of the pack file (and what it names) and ``reports_dir``.

    Skips the pack if it is up to date (unless ``force``), so running it twice, as a Dask
    retry may, publishes once. Any failure of the pack is a not-ok ``PackResult``. On a
    Dask worker, a pack file, data file, notebook or reports folder the worker cannot see
    fails the pack naming the path and the worker.
    """
    pack_path, reports_dir = Path(pack_path), Path(reports_dir)
    skipped = None if force else _if_up_to_date(pack_path, reports_dir)
    return skipped or _render_pack(pack_path, reports_dir, engine=engine, scheduler=scheduler, announce=announce)


def _if_up_to_date(pack_path: Path, reports_dir: Path) -> PackResult | None:
    """The pack's result as skipped (its published files) when it is up to date, else None."""
    last = fingerprints.up_to_date(pack_path, reports_dir)
    if last is None:
        return None
    folder = reports_dir / last.pack / last.as_of
    return PackResult(last.pack, True, [str(folder / f) for f in last.files()], None, 0.0, str(pack_path),
                      up_to_date=True)


def _render_in_workers(pack_paths: list[Path], reports_dir: Path, jobs: int, finished, force: bool,
                       announce: bool = False) -> None:
    order = _longest_first(pack_paths, reports_dir)
    # fork where there is one: workers start with reportlib already imported (spawn re-imports it, ~2 s each)
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    # workers die with this process, and never publish once it has gone (publish checks)
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context(method), initializer=die_with_parent) as pool:
        futures = {pool.submit(_render_pack_in_worker, pack_paths[i], reports_dir, force,
                               (n + 1, len(pack_paths)) if announce else None): i for n, i in enumerate(order)}
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


def _render_pack(pack_path: Path, reports_dir: Path, *, engine: str = "process", scheduler: str | None = None,
                 on_notebook=None, announce=None) -> PackResult:
    """Render one pack under its lock (whether or not it is up to date); any failure becomes a not-ok result.

    ``announce``: (number, total) to log a line as the pack starts (when there is no bar)."""
    start = time.monotonic()
    name = _shown_name(pack_path)
    if announce:  # one line as each pack starts
        log.info(runlog.started_line(name, *announce))
    rendered_by = manifests.RenderedBy(engine, scheduler, _worker_name())
    try:
        if engine != "process":
            _check_visible(pack_path, reports_dir, rendered_by.worker)
        found = fingerprints.fingerprint(pack_path)  # before anything is read: a change during the render shows next time
        pack = load_pack(pack_path)
        name = pack.pack
        # on a cluster this may be a retry: the worker that died may hold the lock a moment longer
        lock_wait = CLUSTER_LOCK_WAIT if engine != "process" else 0.0
        with staged_publish(reports_dir, pack.pack, pack.as_of.isoformat(), lock_wait) as tmp:
            timings = _build(pack, tmp, reports_dir, on_notebook, found, rendered_by)
        # timings stay out of the published (verified) folder: reports/_timings/<pack>.json
        determinism.write_timings(reports_dir, pack.pack, pack.as_of, timings, time.monotonic() - start)
        final = pack.output_dir(reports_dir)
        return PackResult(name, True, [str(final / f) for f in timings], None,
                          time.monotonic() - start, str(pack_path),
                          {str(final / f): s for f, s in timings.items()},
                          rendered_by=rendered_by.as_dict())
    except Exception as exc:  # one pack's failure must not stop the others
        return PackResult(name, False, [], explain(exc, reports_dir), time.monotonic() - start, str(pack_path),
                          rendered_by=rendered_by.as_dict())


def _worker_name() -> str:
    """The Dask worker's address when running on one, else ``<host>:pid<pid>``."""
    if "distributed" in sys.modules:
        try:
            from distributed import get_worker

            return get_worker().address
        except (ValueError, ImportError):
            pass
    return f"{socket.gethostname()}:pid{os.getpid()}"


def _check_visible(pack_path: Path, reports_dir: Path, worker: str) -> None:
    """On a cluster: every path the pack needs must be visible on this worker, at the same place."""
    for path in [pack_path, *fingerprints.needed_files(pack_path)]:
        if not path.is_file():
            raise RenderError(f"worker {worker} cannot see {path}: every worker needs the data, notebooks, "
                              "params and reports folders at the same paths as the machine that submits "
                              "(a shared filesystem)")
    if not reports_dir.is_dir():
        raise RenderError(f"worker {worker} cannot see the reports folder {reports_dir}: every worker needs it "
                          "at the same path (a shared filesystem)")


def _build(pack: Pack, tmp: Path, reports_dir: Path, on_notebook, found, rendered_by) -> dict[str, float]:
    """Render every output into ``tmp`` and write the manifest; returns {file name: seconds}."""
    generated_at = datetime.now(timezone.utc).replace(microsecond=0)
    budget = Budget(pack)
    # refused here, before any kernel starts
    prepared = run_bounded(prepare, pack, **budget.stage("load", "loading the data"))
    prepared.write_snapshot(tmp / WORK_DIR / SNAPSHOT_DIR, pack)
    timings: dict[str, float] = {}
    # tables.xlsx is written beside the notebooks, in a stage of its own: on a second core
    # it costs the pack no time (400 councils: 1.2 million cells, 8 s)
    start = time.monotonic()
    tables = start_bounded(write_pack_tables, prepared.plans, tmp / "tables.xlsx", as_of=pack.as_of,
                           due_soon_days=_due_soon_days(pack), **budget.stage("tables", "writing tables.xlsx"))
    try:
        for spec in pack.notebooks:
            timings.update(_render_notebook(pack, spec, tmp, reports_dir, prepared, budget))
            if on_notebook:
                on_notebook(1)
        tables.result()
    finally:
        tables.cancel()  # a notebook failed: the tables stage stops with the pack
    timings["tables.xlsx"] = time.monotonic() - start
    shutil.rmtree(tmp / WORK_DIR)  # the snapshot, and whatever the notebooks wrote
    _manifest(pack, tmp, prepared, timings, generated_at, found, rendered_by).write(tmp)
    timings[manifests.FILE_NAME] = 0.0
    return timings


class Budget:
    """The pack's time limit, shared by its stages: each stage may run for what is left of
    ``timeout``, or for its own ``stage_timeouts`` limit if that is shorter."""

    def __init__(self, pack: Pack):
        self.pack = pack
        self.deadline = time.monotonic() + pack.timeout

    def stage(self, stage: str, what: str) -> dict:
        """``run_bounded`` keywords for one run of ``stage`` (``what`` names it in messages)."""
        left = self.deadline - time.monotonic()
        own = self.pack.stage_timeouts.get(stage)
        name = f"{what} ({stage} stage)"
        if left <= 0:
            raise StageTimeout(name, self.pack.timeout, pack=self.pack.pack)
        return {"seconds": min(left, own) if own else left, "stage": name}


def _due_soon_days(pack: Pack) -> int:
    """The window the pack's reports use for "due soon" (30 days unless a notebook sets another)."""
    for spec in pack.notebooks:
        if "due_soon_days" in spec.declared:
            return int(spec.value("due_soon_days"))
    return 30


def _parameters_for(pack: Pack, spec, prepared: Prepared) -> dict:
    """What papermill injects: the notebook's own parameters from the pack, then the pack's,
    each only if the notebook declares it (so papermill never warns of an unknown one)."""
    given = {**spec.parameters, **pack.injected_parameters(prepared.council, SNAPSHOT_DIR)}
    return {name: value for name, value in given.items() if name in spec.declared}


def _render_notebook(pack: Pack, spec, tmp: Path, reports_dir: Path, prepared: Prepared, budget: Budget) -> dict:
    """Execute one notebook, then write its HTML and PDF, each stage bounded; returns {file name: seconds}."""
    timings = {}
    executed = tmp / f"{spec.stem}.ipynb"
    name = pack.relative(spec.notebook)
    start = time.monotonic()
    limits = budget.stage("execute", f"running {name}")
    # the kernel's cell timeout comes first, so the message names the cell; the stage's own
    # bound, a little later, catches what a cell timeout cannot (a hung papermill or nbclient)
    run_bounded(execute_notebook, spec.notebook, executed, parameters=_parameters_for(pack, spec, prepared),
                cwd=tmp / WORK_DIR, cell_seconds=limits["seconds"], name=name, reports_dir=reports_dir,
                environment=determinism.kernel_environment(pack.as_of),
                limit_seconds=pack.timeout, pack=pack.pack,
                seconds=limits["seconds"] + EXECUTE_GRACE, stage=limits["stage"])
    timings[executed.name] = time.monotonic() - start
    if timings[executed.name] > limits["seconds"]:  # within the grace, but past the limit: not published
        raise RenderError(f"{limits['stage']} took {timings[executed.name]:.1f} s, past its limit of "
                          f"{limits['seconds']:g} s; the pack was not published", pack=pack.pack)
    replacements = [(pack.root, ""), (reports_dir.resolve(), reports_dir.name), (Path.home(), "~")]

    start = time.monotonic()
    nb = nbformat.read(executed, as_version=4)
    determinism.settle_notebook(nb)  # no run timings, no random cell id
    provenance = Provenance(
        title=pack.title, council=prepared.council, committee=pack.committee, as_of=pack.as_of,
        pack=pack.pack, notebook=spec.notebook.name, heading=notebook_title(nb) or pack.title,
        inputs=tuple((i["file"], i["sha256"], i["bytes"]) for i in prepared.inputs),
        parameters=_shown_parameters(pack, spec, prepared), version=_version("reportlib"),
        links=pack_links([s.stem for s in pack.notebooks], spec.stem, pack.formats),
    )
    html = run_bounded(export_html, nb, provenance, notebook_dir=spec.notebook.parent,
                       **budget.stage("html", f"writing {spec.stem}.html"))
    html = scrub_paths(html, replacements)
    loads = external_loads(html)
    if loads:
        raise RenderError(f"{spec.stem}.html would load from outside the report: {'; '.join(loads[:5])}",
                          pack=pack.pack, output=f"{spec.stem}.html")
    if "html" in pack.formats:
        (tmp / f"{spec.stem}.html").write_text(html, encoding="utf-8")
        timings[f"{spec.stem}.html"] = time.monotonic() - start
    if "pdf" in pack.formats:
        start = time.monotonic()
        run_bounded(html_to_pdf, html, tmp / f"{spec.stem}.pdf", running_header=provenance.running_header,
                    **budget.stage("pdf", f"writing {spec.stem}.pdf"))
        timings[f"{spec.stem}.pdf"] = time.monotonic() - start

    final = pack.output_dir(reports_dir) / executed.name
    nb.metadata[METADATA_KEY] = provenance_metadata(provenance)  # `nbconvert --to reportlib-html` of this copy
    nb.metadata.setdefault("papermill", {}).update(  # output_path: relative to the report's own folder, which
        input_path=pack.relative(spec.notebook), output_path=final.name)  # verifies wherever it is copied to
    executed.write_text(scrub_paths(nbformat.writes(nb), replacements), encoding="utf-8")
    return timings


def _manifest(pack: Pack, folder: Path, prepared: Prepared, timings, generated_at, found,
              rendered_by: manifests.RenderedBy) -> manifests.Manifest:
    return manifests.Manifest(
        pack=pack.pack, title=pack.title, council=prepared.council, committee=pack.committee,
        as_of=pack.as_of.isoformat(), audience=pack.audience, formats=tuple(pack.formats),
        pack_file={"path": pack.relative(pack.path), "sha256": sha256_file(pack.path)},
        inputs=tuple(prepared.inputs), withheld=tuple(prepared.plans.withheld),
        notebooks=tuple({"notebook": pack.relative(s.notebook), "sha256": sha256_file(s.notebook),
                         "parameters": _parameters_for(pack, s, prepared)} for s in pack.notebooks),
        # no timings here (they are in reports/_timings/<pack>.json): the manifest is reproducible
        outputs=tuple(manifests.Output(name, Path(name).suffix.lstrip("."), "ok", None,
                                       sha256_file(folder / name), (folder / name).stat().st_size)
                      for name in timings),
        versions={**{n: _version(n) for n in _VERSIONED}, "python": platform.python_version()},
        generated_at=generated_at.isoformat().replace("+00:00", "Z"),
        fingerprint=found.as_dict() if found is not None else None,
        rendered_by=rendered_by,
    )


def _shown_parameters(pack: Pack, spec, prepared: Prepared) -> dict[str, str]:
    shown = {**_parameters_for(pack, spec, prepared), "data_paths": [shown_name(p.name) for p in pack.data]}
    shown.pop("snapshot", None)
    return {k: ", ".join(map(str, v)) if isinstance(v, (list, tuple)) else str(v) for k, v in shown.items()}


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "unknown"


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
