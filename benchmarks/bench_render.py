"""Benchmark the renders: one notebook to HTML+PDF against a plain script doing the same
work, and the whole params/ set sequentially against --jobs 2. Each run is a fresh
process, as a scheduler would start it; figures are medians.

    .venv/bin/python benchmarks/bench_render.py [--repeat 3]

Targets: a render costs at most 1.5x the plain script (2x before kernels were forked);
--jobs 2 takes at most 0.6x the sequential time. ``--single``: the first figure only.
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def timed(command: list[str], repeat: int, prepare: list[str] | None = None) -> float:
    """Median seconds of ``command`` in fresh processes; ``prepare`` runs first (untimed) in the same folder."""
    runs = []
    for _ in range(repeat):
        out = Path(tempfile.mkdtemp(prefix="bench-"))
        if prepare:
            subprocess.run([part.replace("{out}", str(out)) for part in prepare], cwd=ROOT, check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        start = time.perf_counter()
        subprocess.run([part.replace("{out}", str(out)) for part in command], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        runs.append(time.perf_counter() - start)
        shutil.rmtree(out, ignore_errors=True)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--single", action="store_true", help="only one notebook against the plain script")
    args = parser.parse_args()
    render = [str(BIN / "reportlib"), "render", "--reports", "{out}"]
    notebook = timed(render + ["params/wdc-executive.yaml"], args.repeat)
    plain = timed([sys.executable, "benchmarks/plain_report.py", "{out}"], args.repeat)
    print(f"one notebook (wdc-executive: council_progress, HTML+PDF+tables+manifest): {notebook:.1f} s")
    print(f"plain script, same analysis, charts, HTML and PDF:                  {plain:.1f} s")
    print(f"render / plain = {notebook / plain:.2f}x (target <= 1.5x)")
    if args.single:
        return
    sequential = timed(render + ["--all"], args.repeat)
    cold = timed(render + ["--all", "--jobs", "2"], args.repeat)
    # As a scheduler runs it: reports/ holds the last render, whose timings order the packs longest first.
    warm = timed(render + ["--all", "--jobs", "2"], args.repeat, prepare=render + ["--all"])
    print(f"all packs sequential: {sequential:.1f} s")
    print(f"--jobs 2, first render (no earlier timings): {cold:.1f} s, ratio {cold / sequential:.2f}")
    print(f"--jobs 2, re-render (earlier timings order the packs): {warm:.1f} s, ratio {warm / sequential:.2f} "
          "(target <= 0.6)")


if __name__ == "__main__":
    main()
