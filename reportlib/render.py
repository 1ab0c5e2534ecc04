"""The committee-pack runner: pack files -> executed notebooks -> HTML -> PDF.

``render_packs`` renders each pack, under its lock, into ``reports/.tmp-<pack>-<pid>-<random>``
and swaps it into ``reports/<pack>/<as_of>/`` only when every output succeeded, so the
last good report is never replaced by a broken one (locking, temporary folders and the
atomic swap are in ``reportlib.publish``). A failing notebook's executed copy is kept
under ``reports/_failed/<pack>/<as_of>/``. Results come back as ``PackResult``s; the
caller (the CLI) decides the exit status. Nothing here prints except the progress
display (a tqdm bar on a terminal, else one line as each pack starts and as it finishes).

Unattended runs: a cell running longer than the pack's ``timeout`` fails the pack with
the notebook, cell and its first line named; SIGTERM raises ``publish.Interrupted`` after
the kernel is stopped and the temporary folder removed; a full disk or unwritable
``reports/`` is reported as such, naming the folder; what killed runs left is cleaned up.
"""
from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import os
import platform
import shutil
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

import nbformat
import papermill
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from papermill.execute import ERROR_MARKER_TAG
from tqdm import tqdm

from reportlib import determinism, runlog  # issue 12: reproducible outputs, quiet run log
from reportlib.bounded import StageTimeout, run_bounded
from reportlib.errors import RenderError, ReportlibError
from reportlib.exporters import METADATA_KEY, provenance_metadata
from reportlib.htmlreport import (Provenance, export_html, external_loads, notebook_title, pack_links, scrub_paths,
                                  write_index)
from reportlib.packtables import write_pack_tables
from reportlib.packs import Pack, load_pack
from reportlib.pdf import html_to_pdf
from reportlib.prepare import Prepared, prepare
from reportlib.sources import shown_name
from reportlib.publish import (Interrupted, check_writable, clean_stale, describe_os_error, die_with_parent,
                               keep_failed, pack_lock, publish, remove_stale_failure, sigterm_interrupts,
                               temp_folder)

log = logging.getLogger(__name__)
#: The kernelspec `make setup` installs (with this interpreter, so reportlib imports).
KERNEL_NAME = "reportlib"
#: The kernel's own start-up chatter (e.g. its transport warning) stays out of the run log;
#: what the notebook writes to stderr is in the executed notebook as always.
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=CRITICAL"]
FAILED_DIR = "_failed"
#: The run snapshot's folder inside the staging folder (the kernels' working folder); not published.
SNAPSHOT_DIR = "run-snapshot"
#: Seconds the execute stage may run past its cell timeout before its process is stopped.
EXECUTE_GRACE = 10
_VERSIONED = ("reportlib", "papermill", "nbconvert", "nbformat", "weasyprint", "pandas")


@dataclass(frozen=True)
class PackResult:
    """How one pack went. ``outputs``: published files; ``error``: why it failed."""

    pack: str
    ok: bool
    outputs: list[str] = field(default_factory=list)
    error: str | None = None
    seconds: float = 0.0
    pack_file: str = ""
    output_seconds: dict[str, float] = field(default_factory=dict)


def render_packs(pack_paths, *, reports_dir="reports", jobs: int = 1,
                 show_progress: bool | None = None) -> list[PackResult]:
    """Render every pack file; one failure never stops the others. Results in input order.

    ``jobs`` > 1 renders packs in parallel processes. ``show_progress``: True for a
    tqdm bar over notebooks, False for one log line as each pack starts and finishes, None to choose by
    whether stderr is a terminal. Raises ``RenderError`` if ``reports_dir`` cannot be
    written, and ``Interrupted`` on SIGTERM (after stopping kernels and removing
    temporary folders; published reports stay as they were).
    """
    pack_paths = [Path(p) for p in pack_paths]
    reports_dir = Path(reports_dir)
    check_writable(reports_dir)
    runlog.warm_font_cache()  # issue 12: no "building the font cache" in a first run's notebooks
    show_bar = sys.stderr.isatty() if show_progress is None else show_progress
    expected = [_notebook_count(p) for p in pack_paths] if show_bar else []
    bar = tqdm(total=sum(expected), unit="notebook", desc="rendering", file=sys.stderr) if show_bar else None
    if not show_bar:
        _show_log_lines()
    results: list[PackResult | None] = [None] * len(pack_paths)

    def finished(i: int, result: PackResult) -> None:
        results[i] = result
        if bar is not None:  # catch up for notebooks not counted one by one
            bar.update(sum(expected[j] for j, r in enumerate(results) if r) - bar.n)
            return
        log.info(runlog.finished_line(result))  # issue 12: one line as each pack finishes

    try:
        with sigterm_interrupts():
            if jobs <= 1 or len(pack_paths) <= 1:
                for i, path in enumerate(pack_paths):
                    finished(i, _render_pack(path, reports_dir, on_notebook=bar.update if bar else None,
                                             announce=None if bar else (i + 1, len(pack_paths))))
            else:
                _render_in_workers(pack_paths, reports_dir, jobs, finished, announce=not bar)
    finally:
        if bar is not None:
            bar.close()
    if any(r.ok for r in results):  # nothing published: the index (and its date) stays as it was
        _write_index(reports_dir, results)
    return results


def _render_in_workers(pack_paths: list[Path], reports_dir: Path, jobs: int, finished, announce: bool) -> None:
    # Longest first, so the last pack started is a short one and the workers end together.
    order = sorted(range(len(pack_paths)), key=lambda i: -_expected_seconds(pack_paths[i], reports_dir))
    # fork where there is one: workers start with reportlib already imported (spawn re-imports it, ~2 s each)
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    # workers die with this process, and never publish once it has gone (publish checks)
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context(method), initializer=die_with_parent) as pool:
        futures = {pool.submit(_render_pack_in_worker, pack_paths[i], reports_dir,
                               (i + 1, len(pack_paths)) if announce else None): i for i in order}
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


def _expected_seconds(pack_path: Path, reports_dir: Path) -> float:
    """How long a pack is likely to take: its last render's timings, else 10 s a notebook."""
    last = determinism.last_timings(reports_dir, pack_path.stem)  # issue 12: _timings/, not the manifest
    return last if last is not None else 10.0 * _notebook_count(pack_path)


def _render_pack_in_worker(pack_path: Path, reports_dir: Path, announce=None) -> PackResult:
    """``_render_pack`` in a worker process: SIGTERM cleans up as in the main process, then ends it."""
    try:
        with sigterm_interrupts():
            return _render_pack(pack_path, reports_dir, announce=announce)
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


def _render_pack(pack_path: Path, reports_dir: Path, on_notebook=None, announce=None) -> PackResult:
    """Render one pack under its lock; any failure becomes a not-ok result.

    ``announce``: (number, total) to log a line as the pack starts (when there is no bar)."""
    start = time.monotonic()
    name = pack_path.stem
    if announce:  # issue 12: one line as each pack starts
        log.info(runlog.started_line(name, *announce))
    try:
        pack = load_pack(pack_path)
        name = pack.pack
        with pack_lock(reports_dir, pack.pack):
            for leftover in clean_stale(reports_dir, pack.pack):
                log.info("removed %s, left in %s by a run that was killed", leftover, reports_dir)
            timings = _build_and_publish(pack, reports_dir, on_notebook)
            # issue 12: timings stay out of the published (verified) folder
            determinism.write_timings(reports_dir, pack.pack, pack.as_of, timings, time.monotonic() - start)
        final = pack.output_dir(reports_dir)
        return PackResult(name, True, [str(final / f) for f in timings], None,
                          time.monotonic() - start, str(pack_path),
                          {str(final / f): s for f, s in timings.items()})
    except Exception as exc:  # one pack's failure must not stop the others
        return PackResult(name, False, [], _explain(exc, reports_dir), time.monotonic() - start, str(pack_path))


def _explain(exc: Exception, reports_dir: Path) -> str:
    if isinstance(exc, RenderError):
        return str(exc)
    disk = describe_os_error(exc, reports_dir)
    if disk:
        return f"{disk}; nothing was published (the last good report, if any, is unchanged)"
    return str(exc) if isinstance(exc, ReportlibError) else f"{type(exc).__name__}: {exc}"


def _build_and_publish(pack: Pack, reports_dir: Path, on_notebook) -> dict[str, float]:
    """Render every output into a temporary folder, write the manifest, swap it into place.

    On any failure the executed notebooks so far (papermill marks the failing cell) go
    to ``reports/_failed/<pack>/<as_of>/`` (unless the disk is full) and the published
    folder is left alone. On ``Interrupted`` only the temporary folder is removed.
    """
    generated_at = datetime.now(timezone.utc).replace(microsecond=0)
    budget = Budget(pack)
    # refused here, before any kernel starts and before anything is written
    prepared = run_bounded(prepare, pack, **budget.stage("load", "loading the data"))
    tmp = temp_folder(reports_dir, pack.pack)
    failed = reports_dir / FAILED_DIR / pack.pack / pack.as_of.isoformat()
    try:
        prepared.write_snapshot(tmp / SNAPSHOT_DIR, pack)
        timings: dict[str, float] = {}
        for spec in pack.notebooks:
            timings.update(_render_notebook(pack, spec, tmp, reports_dir, prepared, budget))
            if on_notebook:
                on_notebook(1)
        shutil.rmtree(tmp / SNAPSHOT_DIR)
        start = time.monotonic()
        write_pack_tables(prepared.plans, tmp / "tables.xlsx", as_of=pack.as_of,
                          due_soon_days=_due_soon_days(pack))
        timings["tables.xlsx"] = time.monotonic() - start
        _write_manifest(pack, tmp, prepared, timings, generated_at)
        timings["manifest.json"] = 0.0
        publish(tmp, pack.output_dir(reports_dir))  # tmp now holds the previous report, if any
    except Exception as exc:
        kept = None if describe_os_error(exc, reports_dir) else keep_failed(tmp, failed, exc)
        where = f" (executed notebooks kept in {kept})" if kept else ""
        raise RenderError(_explain(exc, reports_dir) + where, pack=pack.pack) from exc
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    remove_stale_failure(failed)
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
    run_bounded(_execute, pack, spec, executed, tmp, reports_dir, _parameters_for(pack, spec, prepared),
                limits["seconds"], seconds=limits["seconds"] + EXECUTE_GRACE, stage=limits["stage"])
    timings[executed.name] = time.monotonic() - start
    replacements = [(pack.root, ""), (reports_dir.resolve(), reports_dir.name), (Path.home(), "~")]

    start = time.monotonic()
    nb = nbformat.read(executed, as_version=4)
    determinism.settle_notebook(nb)  # issue 12: no run timings, no random cell id
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
    nb.metadata.setdefault("papermill", {}).update(
        input_path=pack.relative(spec.notebook), output_path=f"{reports_dir.name}/{final.relative_to(reports_dir)}")
    executed.write_text(scrub_paths(nbformat.writes(nb), replacements), encoding="utf-8")
    return timings


def _execute(pack: Pack, spec, executed: Path, cwd: Path, reports_dir: Path, parameters: dict,
             cell_seconds: float) -> None:
    """Run one notebook through papermill (in the execute stage's own process)."""
    papermill_log = logging.getLogger("papermill")
    papermill_log.setLevel(logging.WARNING)  # its INFO lines would crowd the one line per output
    papermill_log.addFilter(_below_error)  # nbclient's "Timeout waiting…": the pack's error says it
    os.environ.update(determinism.kernel_environment(pack.as_of))  # issue 12: this stage's own process
    try:
        papermill.execute_notebook(
            str(spec.notebook), str(executed), parameters=parameters, kernel_name=_kernel_name(),
            execution_timeout=max(1, int(cell_seconds)), cwd=str(cwd), progress_bar=False, log_output=False,
            extra_arguments=KERNEL_ARGUMENTS,
        )
    except Exception as exc:
        if describe_os_error(exc, reports_dir):
            raise  # a full disk or unwritable folder, not the notebook's fault: said by the caller
        raise RenderError(_notebook_failure(exc, executed, pack, spec), pack=pack.pack) from None


def _kernel_name() -> str:
    """``reportlib`` where that kernelspec is installed, else this environment's own ``python3``."""
    from jupyter_client.kernelspec import KernelSpecManager

    return KERNEL_NAME if KERNEL_NAME in KernelSpecManager().find_kernel_specs() else "python3"


def _write_manifest(pack: Pack, folder: Path, prepared: Prepared, timings, generated_at) -> None:
    # issue 12: no timings here (they are in reports/_timings/<pack>.json): the manifest is reproducible
    outputs = [{"file": name, "kind": Path(name).suffix.lstrip("."), "status": "ok",
                "sha256": _sha256(folder / name), "bytes": (folder / name).stat().st_size} for name in timings]
    manifest = {
        "pack": pack.pack, "title": pack.title, "council": prepared.council, "committee": pack.committee,
        "as_of": pack.as_of.isoformat(), "audience": pack.audience, "formats": list(pack.formats),
        "pack_file": {"path": pack.relative(pack.path), "sha256": _sha256(pack.path)},
        "inputs": list(prepared.inputs),
        "withheld": list(prepared.plans.withheld),
        "notebooks": [{"notebook": pack.relative(s.notebook), "sha256": _sha256(s.notebook),
                       "parameters": _parameters_for(pack, s, prepared)}
                      for s in pack.notebooks],
        "outputs": outputs,
        "versions": {**{n: _version(n) for n in _VERSIONED}, "python": platform.python_version()},
        "generated_at": generated_at.isoformat().replace("+00:00", "Z"),
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2, default=str) + "\n", encoding="utf-8")


def _shown_parameters(pack: Pack, spec, prepared: Prepared) -> dict[str, str]:
    shown = {**_parameters_for(pack, spec, prepared), "data_paths": [shown_name(p.name) for p in pack.data]}
    shown.pop("snapshot", None)
    return {k: ", ".join(map(str, v)) if isinstance(v, (list, tuple)) else str(v) for k, v in shown.items()}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "unknown"


def _notebook_failure(exc: Exception, executed: Path, pack: Pack, spec) -> str:
    """``notebooks/x.ipynb, cell 7 (`report.headline(p)`): ValueError: ...``, without the traceback.

    Cells are numbered from 1 as in the notebook file (markdown cells count, the cell
    papermill injects does not); the executed copy kept under ``_failed/`` has the rest.
    """
    name = pack.relative(spec.notebook)
    if isinstance(exc, papermill.PapermillExecutionError):
        what, index = f"{exc.ename}: {_first_line(exc.evalue)}", exc.cell_index
    elif isinstance(exc, CellTimeoutError):
        what, index = (f"timed out after {pack.timeout} s (the pack's time limit; a stage's own limit in "
                       "stage_timeouts may be shorter)"), None
    elif isinstance(exc, DeadKernelError):
        what, index = "the kernel died (out of memory, or killed)", None
    else:
        return f"{name}: {type(exc).__name__}: {_first_line(str(exc))}"
    cell = _which_cell(executed, index)
    return f"{name}, {cell}: {what}" if cell else f"{name}: {what}"


def _which_cell(executed: Path, index: int | None) -> str | None:
    """"cell 7 (`first line`)" for cell ``index`` of the executed notebook (None: the last one started)."""
    try:
        nb = nbformat.read(executed, as_version=4)
    except (OSError, ValueError):
        return None
    tags = [c.metadata.get("tags", []) for c in nb.cells]
    cells = [(c, t) for c, t in zip(nb.cells, tags) if ERROR_MARKER_TAG not in t]
    if index is None:
        started = [i for i, (c, _) in enumerate(cells) if c.metadata.get("papermill", {}).get("start_time")]
        index = started[-1] if started else None
    if index is None or index >= len(cells):
        return None
    cell, cell_tags = cells[index]
    if "injected-parameters" in cell_tags:
        return "the cell of parameters injected from the pack"
    number = sum("injected-parameters" not in t for _, t in cells[:index + 1])
    first = _first_line(cell.source)
    return f"cell {number} (`{first if len(first) <= 60 else first[:59] + '…'}`)"


def _below_error(record: logging.LogRecord) -> bool:
    return record.levelno < logging.ERROR


def _first_line(text: str) -> str:
    lines = [line.strip() for line in str(text).splitlines() if line.strip()]
    return lines[0] + (" …" if len(lines) > 1 else "") if lines else ""


def _show_log_lines() -> None:
    """Without a bar, the progress display is INFO lines as packs start and finish: make them show."""
    if log.level == logging.NOTSET:
        log.setLevel(logging.INFO)
    if not log.hasHandlers():
        log.addHandler(logging.StreamHandler(sys.stderr))


def _notebook_count(pack_path: Path) -> int:
    try:
        return len(load_pack(pack_path).notebooks)
    except ReportlibError:
        return 1
