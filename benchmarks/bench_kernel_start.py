"""Benchmark a notebook's kernel: forked from the running process (``reportlib.run.forkkernel``)
against started the usual way, for a two-cell notebook that imports what the shipped
notebooks import. Figures are medians of wall and CPU seconds (this process and its
children, the kernel included), each run one execute stage as ``reportlib render`` runs it.

    .venv/bin/python benchmarks/bench_kernel_start.py [--repeat 5]
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from reportlib.run import forkkernel
from reportlib.run.determinism import HASH_SEED
from reportlib.run.execute import execute_notebook


def cpu() -> float:
    mine, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return mine.ru_utime + mine.ru_stime + children.ru_utime + children.ru_stime


def run(notebook: Path, out: Path) -> tuple[float, float]:
    wall, used = time.perf_counter(), cpu()
    execute_notebook(notebook, out / "executed.ipynb", parameters={}, cwd=out, cell_seconds=120, name="bench",
                     reports_dir=out, environment={"PYTHONHASHSEED": HASH_SEED})
    return time.perf_counter() - wall, cpu() - used


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if os.environ.get("PYTHONHASHSEED") != HASH_SEED:  # as the command does: kernels are forked only then
        os.execve(sys.executable, [sys.executable, *sys.orig_argv[1:]], {**os.environ, "PYTHONHASHSEED": HASH_SEED})
    out = Path(tempfile.mkdtemp(prefix="bench-kernel-"))
    notebook = out / "two_cells.ipynb"
    nb = new_notebook(cells=[new_code_cell("import reportlib\nfrom reportlib import charts, compare, report"),
                             new_code_cell("print(reportlib.__name__)")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, notebook)
    started = [run(notebook, out) for _ in range(args.repeat)]
    forkkernel.enable()
    forked = [run(notebook, out) for _ in range(args.repeat)]
    for label, runs in (("started the usual way", started), ("forked", forked)):
        print(f"kernel {label}: {statistics.median(w for w, _ in runs):.2f} s wall, "
              f"{statistics.median(c for _, c in runs):.2f} s CPU (median of {args.repeat})")


if __name__ == "__main__":
    main()
