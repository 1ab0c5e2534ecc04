"""Benchmark: read a 20-page committee paper (PDF, and the same plans as a Word appendix).

    .venv/bin/python benchmarks/bench_papers.py [--repeat 3]

The paper is the two sample plans drawn as a council's appendix (ruled tables, the header
repeated on each page, A4 landscape), built by ``tests/papers_fixtures.py``: 20 pages.
Each run reads it through the layouts into the canonical tables (``reportlib.inspect_plans``:
open, find the tables, read them, check them), in this process after a warm-up read, and
prints the wall-clock and CPU seconds of the best run. Target: under 3 s for the PDF.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from papers_fixtures import seed_plan, to_docx, to_pdf  # noqa: E402

import reportlib  # noqa: E402


def timed(path: Path, repeat: int) -> tuple[float, float, object]:
    reportlib.inspect_plans(path)  # warm-up: imports, layouts read
    best = (float("inf"), float("inf"), None)
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        plans = reportlib.inspect_plans(path)
        best = min(best, (time.perf_counter() - wall, time.process_time() - cpu, plans), key=lambda b: b[0])
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    import pdfplumber

    plans = [seed_plan("wdc"), seed_plan("sddc")]
    with tempfile.TemporaryDirectory() as folder:
        pdf = to_pdf(Path(folder) / "paper.pdf", plans, running="Appendix – Use of Resources Action Plans")
        docx = to_docx(Path(folder) / "paper.docx", plans)
        with pdfplumber.open(pdf) as opened:
            pages = len(opened.pages)
        for name, path in (("PDF", pdf), ("Word", docx)):
            wall, cpu, got = timed(path, args.repeat)
            print(f"{name:5} {pages if name == 'PDF' else '-':>3} pages, {path.stat().st_size / 1024:,.0f} KB: "
                  f"{len(got.actions)} actions, {len(got.updates)} updates, {len(got.errors)} errors; "
                  f"best of {args.repeat}: {wall:.2f} s wall, {cpu:.2f} s CPU")


if __name__ == "__main__":
    main()
