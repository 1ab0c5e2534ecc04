"""Benchmark ``tables.xlsx`` alone: the comparison pack's workbook for N synthetic councils.

For each N it writes the synthetic councils (``make_synthetic.py``, kept under ``--out``
between runs), loads them and cuts them as the comparison pack does (as of 2010-07-31,
internal audience), then, in a fresh child process per N and per repeat, times
``report_frames`` (the sheets as frames) and the writing of the workbook apart (CPU
seconds, the figure to compare on a shared machine, and wall seconds), and
reports the child's peak resident set before and after (``getrusage``: the memory the
tables stage needs on top of the plans it is given). ``--tracemalloc`` adds a run under
``tracemalloc`` for the peak of Python's own allocations while writing (slower: its
times are not reported).

    PYTHONPATH=$PWD .venv/bin/python benchmarks/bench_packtables.py --councils 100 400
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import pickle
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_synthetic import make  # noqa: E402

AS_OF = dt.date(2010, 7, 31)


def cut_plans(data: Path, councils: int, into: Path) -> Path:
    """The comparison pack's cut plans for ``councils`` synthetic councils, pickled to ``into``."""
    from reportlib.analysis import snapshot
    from reportlib.analysis.plans import inspect_plans

    marker = data / "marker.json"
    if not marker.exists() or json.loads(marker.read_text())["councils"] != councils:
        make(data, councils)
        marker.write_text(json.dumps({"councils": councils}))
    plans = inspect_plans(sorted(data.glob("*_action_plan.xlsx")))
    if plans.errors:
        raise SystemExit(f"the synthetic data has errors: {plans.errors[:3]}")
    into.write_bytes(pickle.dumps(snapshot.cut(plans, AS_OF, "internal")))
    return into


def child(plans_file: Path, out: Path, traced: bool) -> None:
    """In a fresh process: frames, then the workbook; prints one JSON line of figures."""
    import tracemalloc

    from reportlib.core.stamps import document_time
    from reportlib.present import packtables

    plans = pickle.loads(plans_file.read_bytes())
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if traced:
        tracemalloc.start()
    start = time.perf_counter()
    frames = packtables.report_frames(plans, AS_OF)
    framed, cpu = time.perf_counter(), time.process_time()
    if traced:
        tracemalloc.reset_peak()
    packtables.write_frames(frames, out, created=document_time(AS_OF))
    written, cpu = time.perf_counter(), time.process_time() - cpu
    peak_traced = tracemalloc.get_traced_memory()[1] if traced else None
    cells = sum(frame.size + len(frame.columns) for frame in frames.values())
    print(json.dumps({"frames_s": framed - start, "write_s": written - framed, "write_cpu_s": cpu, "cells": cells,
                      "rss_before_mib": base / 1024,
                      "rss_peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "traced_peak_mib": peak_traced / 2**20 if traced else None,
                      "bytes": out.stat().st_size,
                      "sha256": hashlib.sha256(out.read_bytes()).hexdigest()}))


def run_child(plans_file: Path, out: Path, traced: bool) -> dict:
    done = subprocess.run([sys.executable, __file__, "--child", str(plans_file), str(out)]
                          + (["--traced"] if traced else []), check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--councils", type=int, nargs="+", default=[100, 400])
    parser.add_argument("--repeat", type=int, default=3, help="runs per N; the best time is reported")
    parser.add_argument("--tracemalloc", action="store_true", help="one more run per N under tracemalloc")
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "bench_packtables")
    parser.add_argument("--child", nargs=2, type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--traced", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child, args.traced)
        return
    for councils in args.councils:
        folder = args.out / f"n{councils}"
        folder.mkdir(parents=True, exist_ok=True)
        plans_file = cut_plans(folder / "data", councils, folder / "plans.pickle")
        runs = [run_child(plans_file, folder / f"tables{i}.xlsx", False) for i in range(args.repeat)]
        best = min(runs, key=lambda r: r["write_cpu_s"])
        same = len({r["sha256"] for r in runs}) == 1
        times = ", ".join(f"{r['write_cpu_s']:.2f}" for r in runs)
        print(f"N={councils}: {best['cells']:,} cells, tables.xlsx {best['bytes'] / 1e6:.2f} MB; "
              f"writing: CPU best {best['write_cpu_s']:.2f} s (runs: {times}), wall {best['write_s']:.2f} s; "
              f"frames {best['frames_s']:.2f} s; peak RSS {best['rss_peak_mib']:.0f} MiB "
              f"(plans loaded: {best['rss_before_mib']:.0f} MiB, so +{best['rss_peak_mib'] - best['rss_before_mib']:.0f}"
              f" MiB for the tables); same bytes every run: {same}")
        if args.tracemalloc:
            traced = run_child(plans_file, folder / "traced.xlsx", True)
            print(f"N={councils}: tracemalloc peak while writing {traced['traced_peak_mib']:.0f} MiB")


if __name__ == "__main__":
    main()
