"""Benchmark: load and validate the synthetic 400-council set; print seconds and peak memory.

    make bench            (or: .venv/bin/python benchmarks/bench_load.py [--councils 400] [--repeat 3])

Target (issue 2): under 3 s and under 1 GiB on the 2-core reference machine.
"""
from __future__ import annotations

import argparse
import resource
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from make_synthetic import make  # noqa: E402

from reportlib.analysis.plans import inspect_plans  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--councils", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/out/synthetic"))
    args = parser.parse_args()
    shutil.rmtree(args.out, ignore_errors=True)
    make(args.out, args.councils)
    timings = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        plans = inspect_plans(args.out)
        timings.append(time.perf_counter() - start)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"files: {len(plans.sources)}  actions: {len(plans.actions):,}  updates: {len(plans.updates):,}  "
          f"errors: {len(plans.errors)}  warnings: {len(plans.warnings)}")
    print(f"load+validate seconds: best {min(timings):.2f}, mean {sum(timings) / len(timings):.2f} "
          f"over {args.repeat} runs")
    print(f"peak memory (max RSS of the whole process): {peak_mib:,.0f} MiB")


if __name__ == "__main__":
    main()
