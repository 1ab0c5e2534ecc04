"""The committee-pack runner: pack files -> executed notebooks -> HTML -> PDF.

``render_packs`` renders each pack into ``reports/.tmp-<pack>-<random>`` and swaps it
into ``reports/<pack>/<as_of>/`` only when every output succeeded, so the last good
report is never replaced by a broken one. A failing notebook's executed copy is kept
under ``reports/_failed/<pack>/<as_of>/``. Results come back as ``PackResult``s; the
caller (the CLI) decides the exit status. Nothing here prints except the progress
display (a tqdm bar on a terminal, else one log line per output).
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import multiprocessing
import os
import platform
import secrets
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

import nbformat
import papermill
from tqdm import tqdm

from reportlib.errors import RenderError, ReportlibError
from reportlib.htmlreport import Provenance, export_html, external_loads, scrub_paths, write_index
from reportlib.packs import Pack, load_pack
from reportlib.pdf import html_to_pdf

log = logging.getLogger(__name__)
KERNEL_NAME = "python3"
#: The kernel's own start-up chatter (e.g. its transport warning) stays out of the run log;
#: what the notebook writes to stderr is in the executed notebook as always.
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=CRITICAL"]
FAILED_DIR = "_failed"
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
    tqdm bar over notebooks, False for one log line per output, None to choose by
    whether stderr is a terminal.
    """
    pack_paths = [Path(p) for p in pack_paths]
    reports_dir = Path(reports_dir)
    reports_dir.mkdir(parents=True, exist_ok=True)
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
        for path, seconds in result.output_seconds.items():
            log.info("rendered %s (%.1f s)", path, seconds)

    if jobs <= 1 or len(pack_paths) <= 1:
        for i, path in enumerate(pack_paths):
            finished(i, _render_pack(path, reports_dir, on_notebook=bar.update if bar else None))
    else:
        with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
            futures = {pool.submit(_render_pack, path, reports_dir): i for i, path in enumerate(pack_paths)}
            for future in as_completed(futures):
                i = futures[future]
                try:
                    finished(i, future.result())
                except Exception as exc:  # the worker process itself died
                    finished(i, PackResult(pack_paths[i].stem, False, [], f"worker failed: {exc!r}",
                                           pack_file=str(pack_paths[i])))
    if bar is not None:
        bar.close()
    write_index(reports_dir)
    return results


def _render_pack(pack_path: Path, reports_dir: Path, on_notebook=None) -> PackResult:
    """Render one pack under its lock; any failure becomes a not-ok result."""
    start = time.monotonic()
    name = pack_path.stem
    try:
        pack = load_pack(pack_path)
        name = pack.pack
        with _pack_lock(reports_dir, pack.pack):
            timings = _build_and_publish(pack, reports_dir, on_notebook)
        final = pack.output_dir(reports_dir)
        return PackResult(name, True, [str(final / f) for f in timings], None,
                          time.monotonic() - start, str(pack_path),
                          {str(final / f): s for f, s in timings.items()})
    except Exception as exc:  # one pack's failure must not stop the others
        message = str(exc) if isinstance(exc, ReportlibError) else f"{type(exc).__name__}: {exc}"
        return PackResult(name, False, [], message, time.monotonic() - start, str(pack_path))


def _build_and_publish(pack: Pack, reports_dir: Path, on_notebook) -> dict[str, float]:
    """Render every output into a temporary folder, write the manifest, swap it into place.

    On any failure the executed notebooks so far (papermill marks the failing cell) go
    to ``reports/_failed/<pack>/<as_of>/`` and the published folder is left alone.
    """
    generated_at = datetime.now(timezone.utc).replace(microsecond=0)
    inputs = [_file_record(pack, path) for path in pack.data]
    tmp = Path(tempfile.mkdtemp(prefix=f".tmp-{pack.pack}-", dir=reports_dir))
    failed = reports_dir / FAILED_DIR / pack.pack / pack.as_of.isoformat()
    try:
        timings: dict[str, float] = {}
        for spec in pack.notebooks:
            timings.update(_render_notebook(pack, spec, tmp, reports_dir, inputs, generated_at))
            if on_notebook:
                on_notebook(1)
        start = time.monotonic()
        _write_tables([str(p) for p in pack.data], tmp / "tables.xlsx")
        timings["tables.xlsx"] = time.monotonic() - start
        _write_manifest(pack, tmp, inputs, timings, generated_at)
        timings["manifest.json"] = 0.0
        _publish(tmp, pack.output_dir(reports_dir))
    except Exception as exc:
        kept = _keep_failed(tmp, failed, exc)
        message = str(exc) if isinstance(exc, ReportlibError) else f"{type(exc).__name__}: {exc}"
        where = f" (executed notebooks kept in {kept})" if kept else ""
        raise RenderError(message + where, pack=pack.pack) from exc
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    _remove_stale_failure(failed)
    return timings


def _render_notebook(pack: Pack, spec, tmp: Path, reports_dir: Path, inputs, generated_at) -> dict:
    """Execute one notebook, then write its HTML and PDF; returns {file name: seconds}."""
    timings = {}
    executed = tmp / f"{spec.stem}.ipynb"
    start = time.monotonic()
    papermill_log, level = logging.getLogger("papermill"), logging.getLogger("papermill").level
    papermill_log.setLevel(logging.WARNING)  # its INFO lines would crowd the one line per output
    try:
        papermill.execute_notebook(
            str(spec.notebook), str(executed),
            parameters={**spec.parameters, **pack.injected_parameters()},
            kernel_name=KERNEL_NAME, execution_timeout=pack.timeout, cwd=str(spec.notebook.parent),
            progress_bar=False, log_output=False, extra_arguments=KERNEL_ARGUMENTS,
        )
    except Exception as exc:
        raise RenderError(f"notebook {pack.relative(spec.notebook)} failed: {_short(exc)}",
                          pack=pack.pack) from exc
    finally:
        papermill_log.setLevel(level)
    timings[executed.name] = time.monotonic() - start
    replacements = [(pack.root, ""), (reports_dir.resolve(), reports_dir.name), (Path.home(), "~")]

    start = time.monotonic()
    nb = nbformat.read(executed, as_version=4)
    provenance = Provenance(
        title=pack.title, council=pack.council, committee=pack.committee, as_of=pack.as_of,
        pack=pack.pack, notebook=spec.notebook.name,
        inputs=tuple((i["file"], i["sha256"], i["bytes"]) for i in inputs),
        parameters=_shown_parameters(pack, spec), version=_version("reportlib"), generated_at=generated_at,
    )
    html = scrub_paths(export_html(nb, provenance, notebook_dir=spec.notebook.parent), replacements)
    loads = external_loads(html)
    if loads:
        raise RenderError(f"{spec.stem}.html would load from outside the report: {'; '.join(loads[:5])}",
                          pack=pack.pack, output=f"{spec.stem}.html")
    if "html" in pack.formats:
        (tmp / f"{spec.stem}.html").write_text(html, encoding="utf-8")
        timings[f"{spec.stem}.html"] = time.monotonic() - start
    if "pdf" in pack.formats:
        start = time.monotonic()
        html_to_pdf(html, tmp / f"{spec.stem}.pdf", running_header=provenance.running_header)
        timings[f"{spec.stem}.pdf"] = time.monotonic() - start

    final = pack.output_dir(reports_dir) / executed.name
    nb.metadata.setdefault("papermill", {}).update(
        input_path=pack.relative(spec.notebook), output_path=f"{reports_dir.name}/{final.relative_to(reports_dir)}")
    executed.write_text(scrub_paths(nbformat.writes(nb), replacements), encoding="utf-8")
    return timings


def _write_tables(data_paths: list[str], path: Path) -> None:
    """The canonical tables of the pack's data, as one workbook."""
    from reportlib.export import write_xlsx
    from reportlib.load import load_plans

    write_xlsx(load_plans(data_paths), path)


def _write_manifest(pack: Pack, folder: Path, inputs, timings, generated_at) -> None:
    outputs = [{"file": name, "kind": Path(name).suffix.lstrip("."), "status": "ok",
                "seconds": round(seconds, 3), "sha256": _sha256(folder / name),
                "bytes": (folder / name).stat().st_size} for name, seconds in timings.items()]
    manifest = {
        "pack": pack.pack, "title": pack.title, "council": pack.council, "committee": pack.committee,
        "as_of": pack.as_of.isoformat(), "audience": pack.audience, "formats": list(pack.formats),
        "pack_file": {"path": pack.relative(pack.path), "sha256": _sha256(pack.path)},
        "inputs": inputs,
        "notebooks": [{"notebook": pack.relative(s.notebook), "sha256": _sha256(s.notebook),
                       "parameters": {**s.parameters, **pack.injected_parameters(),
                                      "data_paths": [pack.relative(p) for p in pack.data]}}
                      for s in pack.notebooks],
        "outputs": outputs,
        "versions": {**{n: _version(n) for n in _VERSIONED}, "python": platform.python_version()},
        "generated_at": generated_at.isoformat().replace("+00:00", "Z"),
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2, default=str) + "\n", encoding="utf-8")


@contextmanager
def _pack_lock(reports_dir: Path, pack: str):
    """Refuse a second render of the same pack while one runs (``reports/.<pack>.lock``)."""
    path = reports_dir / f".{pack}.lock"
    with open(path, "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RenderError(f"pack {pack!r} is already being rendered by another process "
                              f"({path} is locked); not starting a second render", pack=pack) from None
        try:
            handle.truncate(0)
            handle.write(f"{os.getpid()}\n")
            handle.flush()
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _publish(tmp: Path, final: Path) -> None:
    """Swap ``tmp`` into ``final``: old aside, new in, old deleted."""
    final.parent.mkdir(parents=True, exist_ok=True)
    aside = None
    if final.exists():
        aside = tmp.parent / f".old-{final.parent.name}-{secrets.token_hex(4)}"
        os.rename(final, aside)
    try:
        os.rename(tmp, final)
    except OSError:
        if aside is not None:
            os.rename(aside, final)
        raise
    if aside is not None:
        shutil.rmtree(aside, ignore_errors=True)


def _keep_failed(tmp: Path, failed: Path, exc: Exception) -> str | None:
    """Replace ``failed`` with the executed notebooks in ``tmp`` and the error, for inspection."""
    notebooks = sorted(tmp.glob("*.ipynb"))
    if not notebooks:
        return None
    shutil.rmtree(failed, ignore_errors=True)
    failed.mkdir(parents=True)
    for notebook in notebooks:
        shutil.copy2(notebook, failed / notebook.name)
    (failed / "error.txt").write_text(f"{exc}\n", encoding="utf-8")
    return str(failed)


def _remove_stale_failure(failed: Path) -> None:
    """A good render makes an old failure of the same pack and date moot: remove it."""
    shutil.rmtree(failed, ignore_errors=True)
    for folder in (failed.parent, failed.parent.parent):  # _failed/<pack>, then _failed
        try:
            folder.rmdir()
        except OSError:  # not empty (or already gone)
            break


def _file_record(pack: Pack, path: Path) -> dict:
    return {"file": path.name, "path": pack.relative(path), "sha256": _sha256(path),
            "bytes": path.stat().st_size}


def _shown_parameters(pack: Pack, spec) -> dict[str, str]:
    shown = {**spec.parameters, **pack.injected_parameters(), "data_paths": [p.name for p in pack.data]}
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


def _short(exc: Exception) -> str:
    if isinstance(exc, papermill.PapermillExecutionError):
        return f"cell {exc.exec_count}: {exc.ename}: {exc.evalue}"
    return f"{type(exc).__name__}: {exc}"


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
