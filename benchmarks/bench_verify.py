"""Benchmark ``reportlib verify`` against the render it repeats: one pack rendered by
``reportlib render``, then verified by ``reportlib verify``, each in a fresh process as
a scheduler or an auditor would run it. Figures are medians; the ratio says what
verifying costs beyond rendering once (hashing the inputs, comparing every file).

    .venv/bin/python benchmarks/bench_verify.py [--pack wdc-executive] [--repeat 3]
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pack", default="wdc-executive", help="a pack in params/ (default: wdc-executive)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    renders, verifies = [], []
    for _ in range(args.repeat):
        reports = Path(tempfile.mkdtemp(prefix="bench-verify-")) / "reports"
        reports.mkdir()
        start = time.perf_counter()
        subprocess.run([str(BIN / "reportlib"), "render", f"params/{args.pack}.yaml", "--reports", str(reports)],
                       cwd=ROOT, check=True, capture_output=True)
        renders.append(time.perf_counter() - start)
        [folder] = (reports / args.pack).iterdir()
        start = time.perf_counter()
        run = subprocess.run([str(BIN / "reportlib"), "verify", str(folder)], cwd=ROOT, capture_output=True,
                             text=True)
        verifies.append(time.perf_counter() - start)
        if run.returncode != 0 or not run.stdout.splitlines()[-1].startswith("verified: "):
            sys.exit(f"verify did not pass:\n{run.stdout}{run.stderr}")
        shutil.rmtree(reports.parent, ignore_errors=True)
    render, verify = statistics.median(renders), statistics.median(verifies)
    print(f"{args.pack}: render {render:.1f} s, verify {verify:.1f} s = {verify / render:.2f}x "
          f"(median of {args.repeat}; every run verified)")


if __name__ == "__main__":
    main()
