"""Benchmark: hostile workbooks through `reportlib validate`; prints seconds and peak memory.

    .venv/bin/python benchmarks/bench_hostile.py [--rows 20000] [--baseline-rows 500]
        [--bombs] [--before CHECKOUT] [--before-timeout 600]

The case from the issue: a small xlsx reusing one 32,000-character shared string in nine
text columns over 20,000 rows (XlsxWriter stores the string once). Expanded, that is 5.76
billion characters; before the reading budgets, validating it took 5.7 GB and 24.7 s.
Target: a located error in under 2 s and under 500 MB. Each run is a fresh process (peak
RSS of that process, imports included). ``--baseline-rows`` also times calamine's
whole-sheet read (what reportlib did before) on a smaller copy, to show the growth.

``--bombs``: the committee papers of ``tests/bombs.py`` (small files inside every stated
limit that take minutes or gigabytes) through ``reportlib validate`` with its default
budgets (peak memory: the largest of the command's processes); ``--before CHECKOUT`` runs
them with the reportlib package found in that folder too (e.g. ``git archive`` of a commit
before the budgets), stopping each after ``--before-timeout`` seconds.
"""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import xlsxwriter

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from bombs import docx_cell_bomb, docx_styles_bomb, pdf_grid_bomb, pdf_text_bomb  # noqa: E402
from workbooks import TRACKER_HEADER, TRACKER_LAYOUT  # noqa: E402

VENV_BIN = Path(sys.executable).parent
BOMBS = {
    "cells.docx": docx_cell_bomb,  # 31 MB of empty cells
    "styles.docx": docx_styles_bomb,  # 20 million empty styles
    "text.pdf": pdf_text_bomb,  # one page drawing 190,000 letters
    "dense.pdf": lambda path: pdf_text_bomb(path, chars=1_000_000),  # past 200,000 a page: counted, not read
    "grid.pdf": lambda path: pdf_grid_bomb(path, lines=60, chars=20_000),  # a ruled grid over small words
}


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


def run(argv: list[str], env: dict | None = None, timeout: float | None = None,
        cwd: Path | None = None) -> tuple[float, float, str]:
    """Seconds, peak RSS in MiB (of the process and the children it waited for), and stdout of one
    child process; stopped (with its process group) after ``timeout`` seconds."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
                             start_new_session=True, cwd=cwd)
    stopper = threading.Timer(timeout, os.killpg, (child.pid, signal.SIGKILL)) if timeout else None
    if stopper:
        stopper.start()
    out = child.stdout.read()  # read to the end, then reaped here: its rusage is ours to take
    _, status, usage = os.wait4(child.pid, 0)
    if stopper:
        stopper.cancel()
    seconds = time.perf_counter() - start
    if timeout and seconds >= timeout:
        out = f"(stopped after {timeout:g} s, not finished)\n{out}"
    return seconds, usage.ru_maxrss / 1024, out


def bombs(out: Path, before: Path | None, before_timeout: float) -> None:
    """Each bomb through `reportlib validate`, as this checkout reads it and, with ``before``, as that one did."""
    for name, build in BOMBS.items():
        folder = out / "bombs" / name.replace(".", "_")
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        path = build(folder / name)
        print(f"\n{name}: {path.stat().st_size / 1024:,.1f} KB")
        for label, code, timeout in ([("before", before, before_timeout)] if before else []) + [("after", ROOT, None)]:
            env = {**os.environ, "PYTHONPATH": str(Path(code).resolve())}
            seconds, mib, said = run([sys.executable, "-m", "reportlib.cli", "validate", str(folder.resolve())], env,
                                     timeout, cwd=folder.parent)  # not this folder: `-m` would import from it
            first = next((line for line in said.splitlines() if "error" in line or "stopped" in line), said.strip())
            print(f"  {label:6} {seconds:6.1f} s, peak {mib:6,.0f} MiB: {first[:240]}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--baseline-rows", type=int, default=0)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/out/hostile"))
    parser.add_argument("--bombs", action="store_true", help="only the committee-paper bombs")
    parser.add_argument("--before", type=Path, help="a checkout of reportlib before the budgets")
    parser.add_argument("--before-timeout", type=float, default=600)
    args = parser.parse_args()
    if args.bombs:
        bombs(args.out, args.before, args.before_timeout)
        return
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
