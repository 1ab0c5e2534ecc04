"""The execute step: one notebook run through papermill in a fresh kernel, as papermill does it,
with a failure that says where it stopped.

``execute_notebook`` raises ``NotebookFailed`` (``reportlib.errors``) carrying the notebook,
the cell (numbered as in the file: markdown cells count, the cell papermill injects does
not), the cell's first line and the error raised in the kernel, never the traceback (the
executed copy has it). Like papermill's ``PapermillExecutionError`` it survives pickling,
so it comes back whole from a process pool, a bounded stage or a Dask worker. A full disk
or an unwritable folder is not the notebook's fault: the ``OSError`` is raised as it is.
"""
from __future__ import annotations

import contextlib
import contextvars
import logging
import os
from pathlib import Path

import nbformat
import papermill
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from papermill.engines import NBClientEngine, papermill_engines
from papermill.execute import ERROR_MARKER_TAG

from reportlib.errors import NotebookFailed
from reportlib.run import forkkernel
from reportlib.run.publish import describe_os_error

#: The kernelspec `make setup` installs (with this interpreter, so reportlib imports).
KERNEL_NAME = "reportlib"
#: The kernel's own start-up chatter (e.g. its transport warning) stays out of the run log;
#: what the notebook writes to stderr is in the executed notebook as always.
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=CRITICAL"]


def execute_notebook(notebook: Path, executed: Path, *, parameters: dict, cwd: Path, cell_seconds: float,
                     name: str, reports_dir: Path, limit_seconds: float | None = None,
                     pack: str | None = None, environment: dict | None = None) -> None:
    """Run ``notebook`` into ``executed`` with ``parameters``, each cell within ``cell_seconds``.

    ``name`` is how messages name the notebook (``notebooks/x.ipynb``); ``limit_seconds``
    the limit a timeout message states (the pack's ``timeout``). ``environment`` is set in
    this (the stage's own) process, so the kernel inherits it (``determinism.kernel_environment``).
    """
    papermill_log = logging.getLogger("papermill")
    papermill_log.setLevel(logging.WARNING)  # its INFO lines would crowd the one line per output
    papermill_log.addFilter(_below_error)  # nbclient's "Timeout waiting…": the pack's error says it
    os.environ.update(environment or {})
    try:
        with forkkernel.template() as manager_class:  # before papermill opens any socket
            token = _unfinished_copy.set(Path(executed).absolute())  # papermill runs in ``cwd``
            try:
                papermill.execute_notebook(
                    str(notebook), str(executed), parameters=parameters, kernel_name=kernel_name(),
                    engine_name=ENGINE_NAME, request_save_on_cell_execute=False,
                    execution_timeout=max(1, int(cell_seconds)), cwd=str(cwd), progress_bar=False,
                    log_output=False, extra_arguments=KERNEL_ARGUMENTS, kernel_manager_class=manager_class,
                )
            finally:
                _unfinished_copy.reset(token)
    except Exception as exc:
        if describe_os_error(exc, reports_dir):
            raise  # a full disk or unwritable folder, not the notebook's fault: said by the caller
        raise failure(exc, executed, name, limit_seconds if limit_seconds is not None else cell_seconds,
                      pack) from None


#: Where the notebook being executed is written if its run stops short (``_WriteOnce``).
_unfinished_copy: contextvars.ContextVar[Path | None] = contextvars.ContextVar("unfinished_copy", default=None)
ENGINE_NAME = "reportlib"


class _WriteOnce(NBClientEngine):
    """papermill's nbclient engine, with the executed notebook written once, not after every cell.

    papermill rewrites the whole notebook as each cell starts and ends (0.4 s of a council
    report's 2 s). Run with ``request_save_on_cell_execute=False``, it writes the notebook
    once: at the end, or when a cell raises. What it does not write is a run stopped short
    (a cell past its time limit, a kernel that died); this engine writes the notebook as it
    stood then, so the failure can name the cell that was running.
    """

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, **kwargs):
        try:
            return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)
        except BaseException:
            path = _unfinished_copy.get()
            if path is not None:
                with contextlib.suppress(OSError, ValueError):
                    nbformat.write(nb_man.nb, path)
            raise


papermill_engines.register(ENGINE_NAME, _WriteOnce)


def kernel_name() -> str:
    """``reportlib`` where that kernelspec is installed, else this environment's own ``python3``."""
    from jupyter_client.kernelspec import KernelSpecManager

    return KERNEL_NAME if KERNEL_NAME in KernelSpecManager().find_kernel_specs() else "python3"


def failure(exc: Exception, executed: Path, name: str, limit_seconds: float, pack: str | None) -> NotebookFailed:
    """``exc`` from papermill as a ``NotebookFailed`` naming the cell it stopped in."""
    if isinstance(exc, papermill.PapermillExecutionError):
        ename, evalue, index = exc.ename, first_line(exc.evalue), exc.cell_index
    elif isinstance(exc, CellTimeoutError):
        ename, index = "CellTimeout", None
        evalue = (f"timed out after {limit_seconds:g} s (the pack's time limit; a stage's own limit in "
                  "stage_timeouts may be shorter)")
    elif isinstance(exc, DeadKernelError):
        ename, evalue, index = "DeadKernel", ("the kernel died: a cell ended its process (os._exit, a crash), "
                                              "or it ran out of memory or was killed"), None
    else:
        return NotebookFailed(name, type(exc).__name__, first_line(str(exc)), pack=pack)
    cell, line = which_cell(executed, index)
    return NotebookFailed(name, ename, evalue, cell=cell, cell_line=line, pack=pack)


def which_cell(executed: Path, index: int | None) -> tuple[int | str | None, str]:
    """(number, first line) of cell ``index`` of the executed notebook (None: the last one started)."""
    try:
        nb = nbformat.read(executed, as_version=4)
    except (OSError, ValueError):
        return None, ""
    tags = [c.metadata.get("tags", []) for c in nb.cells]
    cells = [(c, t) for c, t in zip(nb.cells, tags) if ERROR_MARKER_TAG not in t]
    if index is None:
        started = [i for i, (c, _) in enumerate(cells) if c.metadata.get("papermill", {}).get("start_time")]
        index = started[-1] if started else None
    if index is None or index >= len(cells):
        return None, ""
    cell, cell_tags = cells[index]
    if "injected-parameters" in cell_tags:
        return "the cell of parameters injected from the pack", ""
    number = sum("injected-parameters" not in t for _, t in cells[:index + 1])
    first = first_line(cell.source)
    return number, first if len(first) <= 60 else first[:59] + "…"


def first_line(text: str) -> str:
    lines = [line.strip() for line in str(text).splitlines() if line.strip()]
    return lines[0] + (" …" if len(lines) > 1 else "") if lines else ""


def _below_error(record: logging.LogRecord) -> bool:
    return record.levelno < logging.ERROR
