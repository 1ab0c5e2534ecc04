"""Benchmark: hostile workbooks through `reportlib validate`; prints seconds and peak memory.

    .venv/bin/python benchmarks/bench_hostile.py [--rows 20000] [--baseline-rows 500]

The case from the issue: a small xlsx reusing one 32,000-character shared string in nine
text columns over 20,000 rows (XlsxWriter stores the string once). Expanded, that is 5.76
billion characters; before the reading budgets, validating it took 5.7 GB and 24.7 s.
Target: a located error in under 2 s and under 500 MB. Each run is a fresh process (peak
RSS of that process, imports included). ``--baseline-rows`` also times calamine's
whole-sheet read (what reportlib did before) on a smaller copy, to show the growth.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import xlsxwriter

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from workbooks import TRACKER_HEADER, TRACKER_LAYOUT  # noqa: E402

VENV_BIN = Path(sys.executable).parent


def make(folder: Path, rows: int) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    (folder / "tracker.layout.yaml").write_text(TRACKER_LAYOUT)
    book = xlsxwriter.Workbook(str(folder / "plan.xlsx"))
    sheet = book.add_worksheet("Tracker")
    sheet.write_row(0, 0, TRACKER_HEADER)
    big = ("Lorem ipsum dolor sit amet, " * 1200)[:32_000]
    for r in range(1, rows + 1):
        sheet.write_row(r, 0, [r, "2.1"] + [big] * 9)
    book.close()
    return folder / "plan.xlsx"


def run(argv: list[str]) -> tuple[float, float, str]:
    """Seconds, peak RSS in MiB, and stdout of one child process."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - start, usage.ru_maxrss / 1024, out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--baseline-rows", type=int, default=0)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/out/hostile"))
    args = parser.parse_args()
    path = make(args.out / "bomb", args.rows)
    print(f"workbook: {path.stat().st_size:,} bytes, {args.rows:,} rows x 9 cells of one 32,000-character string")
    seconds, mib, out = run([str(VENV_BIN / "reportlib"), "validate", str(path.parent)])
    print(out.strip())
    print(f"reportlib validate: {seconds:.2f} s, peak memory {mib:,.0f} MiB")
    seconds, mib, _ = run([sys.executable, "-c", "import reportlib.ingest.load"])
    print(f"(importing reportlib.ingest.load alone: {seconds:.2f} s, {mib:,.0f} MiB)")
    if args.baseline_rows:
        small = make(args.out / "baseline", args.baseline_rows)
        code = ("import sys\nfrom python_calamine import CalamineWorkbook\n"
                "book = CalamineWorkbook.from_path(sys.argv[1])\n"
                "rows = book.get_sheet_by_name('Tracker').to_python(skip_empty_area=False)\nprint(len(rows))")
        seconds, mib, _ = run([sys.executable, "-c", code, str(small)])
        print(f"before (calamine whole-sheet read) on {args.baseline_rows:,} rows: {seconds:.2f} s, "
              f"peak memory {mib:,.0f} MiB")


if __name__ == "__main__":
    main()
