"""One pack's render, start to finish, as one task: the unit every engine runs.

``render_pack_task(pack_path, reports_dir)`` is a pure function of the pack file, the
files it names and ``reports_dir``: the same task runs in this process, in a process
pool (``--jobs``) and on a Dask worker (``reportlib.run.cluster``). It returns a
``PackResult`` and never raises for the pack's own failures.

Inside, under the pack's lock (``staging.staged_publish``): the data checked and cut
once (``prepare``), ``tables.xlsx`` written in a stage of its own, each notebook run
(``execute``) and converted to HTML and PDF (``reportlib.present``), every stage bounded
in time (``bounded``, ``Budget``), then ``manifest.json``; a failing notebook's executed
copy goes to ``reports/_failed/<pack>/<as_of>/`` and the last good report stays.
"""
from __future__ import annotations

import logging
import os
import platform
import shutil
import socket
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import nbformat

from reportlib.core.files import sha256_file
from reportlib.core.limits import DEFAULT_MEMORY
from reportlib.core.version import version
from reportlib.errors import RenderError
from reportlib.ingest.sources import shown_name
from reportlib.present.exporters import METADATA_KEY, export_html, provenance_metadata
from reportlib.present.htmlreport import Provenance, external_loads, notebook_title, pack_links, scrub_paths
from reportlib.present.packtables import write_pack_tables
from reportlib.present.pdf import html_to_pdf
from reportlib.run import determinism, runlog
from reportlib.run import fingerprint as fingerprints
from reportlib.run import manifest as manifests
from reportlib.run.bounded import StageTimeout, run_bounded, start_bounded
from reportlib.run.execute import execute_notebook
from reportlib.run.packs import Pack, load_pack
from reportlib.run.prepare import Prepared, prepare
from reportlib.run.publish import clear_leftovers
from reportlib.run.staging import explain, staged_publish

log = logging.getLogger("reportlib.run.render")  # one logger for the run's lines, as before the split

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


def _shown_name(pack_path: Path) -> str:
    """The pack's own name (``pack:``) for the run log, or its file's name if it has none."""
    return fingerprints.pack_name(pack_path) or pack_path.stem


def render_pack_task(pack_path, reports_dir, force: bool = False, engine: str = "process",
                     scheduler: str | None = None, announce=None, worker: str | None = None) -> PackResult:
    """Render one pack; a pure function of the pack file (and what it names) and ``reports_dir``.

    Skips the pack if it is up to date (unless ``force``), so running it twice, as a Dask
    retry may, publishes once. Any failure of the pack is a not-ok ``PackResult``. On a
    Dask worker, a pack file, data file, notebook or reports folder the worker cannot see
    fails the pack naming the path and the worker. ``worker``: the Dask worker's address, for a
    task run in a process the worker started (``cluster.ForkedKernels``).
    """
    pack_path, reports_dir = Path(pack_path), Path(reports_dir)
    skipped = None if force else up_to_date_result(pack_path, reports_dir)
    return skipped or render_pack(pack_path, reports_dir, engine=engine, scheduler=scheduler, announce=announce,
                                  worker=worker)


def up_to_date_result(pack_path: Path, reports_dir: Path) -> PackResult | None:
    """The pack's result as skipped (its published files) when it is up to date, else None. What a
    killed render of the pack left in ``reports/`` is cleared here too (``publish.clear_leftovers``)."""
    last = fingerprints.up_to_date(pack_path, reports_dir)
    if last is None:
        return None
    clear_leftovers(reports_dir, last.pack)
    folder = reports_dir / last.pack / last.as_of
    return PackResult(last.pack, True, [str(folder / f) for f in last.files()], None, 0.0, str(pack_path),
                      up_to_date=True)


def render_pack(pack_path: Path, reports_dir: Path, *, engine: str = "process", scheduler: str | None = None,
                 on_notebook=None, announce=None, worker: str | None = None) -> PackResult:
    """Render one pack under its lock (whether or not it is up to date); any failure becomes a not-ok result.

    ``announce``: (number, total) to log a line as the pack starts (when there is no bar)."""
    start = time.monotonic()
    name = _shown_name(pack_path)
    if announce:  # one line as each pack starts
        log.info(runlog.started_line(name, *announce))
    rendered_by = manifests.RenderedBy(engine, scheduler, worker or _worker_name())
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
    generated_at = datetime.now(UTC).replace(microsecond=0)
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
    ``timeout``, or for its own ``stage_timeouts`` limit if that is shorter; and each may take
    ``stage_memory`` (default ``core.limits.DEFAULT_MEMORY``) more memory than it starts with."""

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
        return {"seconds": min(left, own) if own else left, "stage": name,
                "memory": self.pack.stage_memory.get(stage, DEFAULT_MEMORY),
                "advice": f"if the data is genuine, allow more with the pack's timeout, stage_timeouts.{stage} "
                          f"(seconds) or stage_memory.{stage} (MiB)"}


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
                seconds=limits["seconds"] + EXECUTE_GRACE, stage=limits["stage"], memory=limits["memory"],
                advice=limits["advice"])
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
        parameters=_shown_parameters(pack, spec, prepared), version=version("reportlib"),
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
        run_bounded(html_to_pdf, html, tmp / f"{spec.stem}.pdf", running_header=provenance.running_header, dated=pack.as_of,
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
        pack_file={"path": pack.recorded_path(), "sha256": sha256_file(pack.path)},
        inputs=tuple(prepared.inputs), withheld=tuple(prepared.plans.withheld),
        notebooks=tuple({"notebook": pack.relative(s.notebook), "sha256": sha256_file(s.notebook),
                         "parameters": _parameters_for(pack, s, prepared)} for s in pack.notebooks),
        # no timings here (they are in reports/_timings/<pack>.json): the manifest is reproducible
        outputs=tuple(manifests.Output(name, Path(name).suffix.lstrip("."), "ok", None,
                                       sha256_file(folder / name), (folder / name).stat().st_size)
                      for name in timings),
        versions={**{n: version(n) for n in _VERSIONED}, "python": platform.python_version()},
        generated_at=generated_at.isoformat().replace("+00:00", "Z"),
        fingerprint=found.as_dict() if found is not None else None,
        rendered_by=rendered_by,
    )


def _shown_parameters(pack: Pack, spec, prepared: Prepared) -> dict[str, str]:
    shown = {**_parameters_for(pack, spec, prepared), "data_paths": [shown_name(p.name) for p in pack.data]}
    shown.pop("snapshot", None)
    return {k: ", ".join(map(str, v)) if isinstance(v, (list, tuple)) else str(v) for k, v in shown.items()}
