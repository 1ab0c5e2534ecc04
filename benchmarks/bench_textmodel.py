"""Benchmark: what the second reader of update text costs (reportlib/analysis/textmodel.py).

Prints the CPU time to load the shipped model, to read every labelled update with it, and to
classify the shipped data with and without it (best of 5 each).

    .venv/bin/python benchmarks/bench_textmodel.py
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))
from train_status_model import TRAINED_ON, labelled_texts  # noqa: E402

from reportlib.analysis import status, textmodel  # noqa: E402
from reportlib.ingest.load import read_plans  # noqa: E402


def best_of(runs: int, work) -> float:
    times = []
    for _ in range(runs):
        start = time.process_time()
        work()
        times.append(time.process_time() - start)
    return min(times)


def main() -> None:
    load = best_of(5, lambda: textmodel._load.__wrapped__(str(textmodel.DEFAULT_MODEL)))
    model = textmodel.load()
    texts, _, _ = labelled_texts(TRAINED_ON)
    read = best_of(5, lambda: model.read(texts))
    plans, _, _ = read_plans(ROOT / "data", None)
    rules = best_of(5, lambda: status.classify(plans.updates, model=None))
    both = best_of(5, lambda: status.classify(plans.updates))
    print(f"load the model: {load * 1000:.0f} ms of CPU")
    print(f"read {len(texts)} labelled updates: {read:.2f} s ({read / len(texts) * 1000:.2f} ms an update)")
    print(f"classify the shipped data ({len(plans.updates)} updates): rules alone {rules * 1000:.0f} ms, "
          f"with the second reader {both * 1000:.0f} ms")


if __name__ == "__main__":
    main()
