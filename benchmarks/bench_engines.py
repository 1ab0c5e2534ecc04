"""Benchmark: ``--jobs N`` on a process pool against a Dask LocalCluster, the same task function.

    .venv/bin/python benchmarks/bench_engines.py [--jobs 2] [--rounds 2]

Renders every pack in ``params/`` (``--force``, into a temporary reports folder) with
``engine="process"`` (a pool of forked processes) and ``engine="dask-local"`` (a Dask
LocalCluster of ``--jobs`` one-thread workers, started for the run and included in the
time), alternating, ``--rounds`` times each; prints each time and the best of each.
``render --jobs N`` uses whichever is faster here (``reportlib.run.render.LOCAL_ENGINE``).
"""
from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from pathlib import Path

from reportlib.run.render import render_packs


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--params", type=Path, default=Path("params"))
    args = parser.parse_args()
    logging.getLogger("reportlib.run.render").setLevel(logging.WARNING)
    packs = sorted(args.params.glob("*.yaml"))
    times: dict[str, list[float]] = {"process": [], "dask-local": []}
    for round_ in range(args.rounds):
        for engine in times:
            with tempfile.TemporaryDirectory() as reports:
                start = time.perf_counter()
                results = render_packs(packs, reports_dir=reports, jobs=args.jobs, engine=engine, force=True,
                                       show_progress=False)
                seconds = time.perf_counter() - start
            if not all(r.ok for r in results):
                sys.exit(f"{engine}: {[r.error for r in results if not r.ok]}")
            times[engine].append(seconds)
            print(f"round {round_ + 1}: {engine:10s} {len(packs)} packs, --jobs {args.jobs}: {seconds:.1f} s",
                  flush=True)
    for engine, seconds in times.items():
        print(f"{engine:10s} best {min(seconds):.1f} s, mean {sum(seconds) / len(seconds):.1f} s")


if __name__ == "__main__":
    main()
