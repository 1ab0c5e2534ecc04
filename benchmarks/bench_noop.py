"""Benchmark: a no-op ``reportlib render --all`` over 400 packs that are all up to date.

    .venv/bin/python benchmarks/bench_noop.py [--packs 400] [--jobs 2] [--repeat 3]

1. Writes a project under ``benchmarks/out/noop/``: the synthetic councils of
   ``make_synthetic.py`` (one workbook each, three layouts beside them), one pack file per
   council, and one cheap notebook (a parameters cell and one line of output) that every
   pack runs, HTML only.
2. Renders the first ``--real`` packs for real, ``--jobs`` at a time: each is loaded,
   checked, cut into its run snapshot, executed by papermill, exported to HTML, given its
   tables.xlsx and manifest, and published. A real render costs a kernel per pack (several
   seconds each on the 2-core machine), so by default the other packs' report folders are
   *seeded*: a copy of a real render's folder, whose manifest is given that pack's name and
   its own fingerprint (``reportlib.run.fingerprint``), as a real render would write. The
   up-to-date check does the same work either way: it reads each pack file and manifest,
   hashes each pack's inputs and checks that each listed output is there. ``--real 400``
   renders them all (allow about an hour on a busy 2-core machine).
3. Times ``reportlib render --all`` as a user runs it (a fresh process: interpreter start
   and imports included), ``--repeat`` times; every pack must be reported up to date.

Target (issue 11): the no-op run over 400 packs in under 10 s.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import nbformat
import yaml
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

sys.path.insert(0, str(Path(__file__).parent))
from make_synthetic import _council, make  # noqa: E402

from reportlib.run import fingerprint, manifest  # noqa: E402

PARAMETERS = ('council_code = ""\ndata_paths = []\nas_of = "2010-07-31"\ncouncil = ""\ncommittee = ""\n'
              'pack_title = ""\naudience = "internal"\nsnapshot = ""')
REPORTLIB = str(Path(sys.executable).parent / "reportlib")


def build(root: Path, packs: int) -> list[Path]:
    if not (root / "data").is_dir() or len(list((root / "data").glob("*.xlsx"))) < packs:
        shutil.rmtree(root / "data", ignore_errors=True)
        make(root / "data", packs)
    notebook = root / "notebooks" / "cheap.ipynb"
    if not notebook.exists():
        nb = new_notebook()
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        cell = new_code_cell(PARAMETERS)
        cell.metadata["tags"] = ["parameters"]
        nb.cells = [cell, new_markdown_cell("# Action plan"), new_code_cell("print(council, as_of)")]
        notebook.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, notebook)
    (root / "params").mkdir(exist_ok=True)
    paths = []
    for i in range(packs):
        _, code = _council(i)
        path = root / "params" / f"{code.lower()}.yaml"
        text = yaml.safe_dump({
            "pack": code.lower(), "title": "Use of Resources action plan", "committee": "Audit Committee",
            "as_of": "2010-07-31", "data": [f"data/{code.lower()}_action_plan.xlsx"], "formats": ["html"],
            "audience": "internal", "notebooks": [{"notebook": "notebooks/cheap.ipynb",
                                                   "parameters": {"council_code": code}}]}, sort_keys=False)
        if not path.exists() or path.read_text() != text:
            path.write_text(text)
        paths.append(path)
    for stale in set((root / "params").glob("*.yaml")) - set(paths):
        stale.unlink()
    return paths


def seed(root: Path, packs: list[Path], template: Path) -> int:
    """Give each pack a report folder copied from ``template``'s, with its own manifest and fingerprint."""
    source = root / "reports" / template.stem / "2010-07-31"
    done = 0
    for path in packs:
        if fingerprint.up_to_date(path, root / "reports") is not None:
            continue
        found = fingerprint.fingerprint(path)
        folder = root / "reports" / found.pack / found.as_of
        shutil.rmtree(folder, ignore_errors=True)
        shutil.copytree(source, folder)
        last = manifest.read(folder)
        inputs = tuple({"file": Path(name).name, "path": name, "sha256": sha, "bytes": (root / name).stat().st_size}
                       for name, sha in found.parts["data"].items())
        replace(last, pack=found.pack, fingerprint=found.as_dict(), inputs=inputs).write(folder)
        done += 1
    return done


def render(root: Path, packs: list[Path], *extra: str) -> tuple[float, str]:
    """``reportlib render PACKS`` as a user runs it; (seconds, its summary line)."""
    start = time.perf_counter()
    run = subprocess.run([REPORTLIB, "render", *map(str, packs), "--reports", "reports", *extra],
                         cwd=root, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    summary = run.stderr.strip().splitlines()[-1] if run.stderr.strip() else ""
    if run.returncode != 0:
        sys.exit(f"render failed (exit {run.returncode}): {run.stderr[-2000:]}")
    return seconds, summary


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--packs", type=int, default=400)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--real", type=int, default=10, help="packs rendered for real; the rest are seeded")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/out/noop"))
    args = parser.parse_args()
    root = args.out.resolve()
    paths = build(root, args.packs)
    real = paths[:max(1, args.real)]
    seconds, summary = render(root, real, "--jobs", str(args.jobs))
    print(f"real render of {len(real)} packs, --jobs {args.jobs}: {seconds:.1f} s ({summary})")
    seeded = seed(root, paths[len(real):], real[0])
    print(f"seeded {seeded} more report folders from {real[0].stem}'s render, each with its own fingerprint")
    timings = []
    for _ in range(args.repeat):
        seconds, summary = render(root, [], "--all", "--params", "params")
        if f", {args.packs} up to date" not in summary:
            sys.exit(f"not every pack was up to date: {summary}")
        timings.append(seconds)
    print(f"no-op render --all over {args.packs} packs: best {min(timings):.2f} s, "
          f"mean {sum(timings) / len(timings):.2f} s over {args.repeat} runs ({summary}); target < 10 s")


if __name__ == "__main__":
    main()
