"""Benchmark reportlib at the scale of every council in England.

From synthetic councils (``make_synthetic.py``) it builds a self-contained project
(``data/``, a copy of ``notebooks/``, and two folders of pack files) and drives the
``reportlib render`` command as a scheduler would, each run a fresh process:

* the comparison pack: one ``compare_councils`` report of every council, HTML and PDF,
  with its time, peak memory and output sizes (targets: 20 s or less, under 1 GiB,
  HTML of 2 MB or less);
* the council packs: one ``council_progress`` report (HTML and PDF) per council,
  rendered sequentially, with ``--jobs 2`` and on a local Dask cluster of two workers
  (``dask scheduler`` and two ``dask worker`` processes on 127.0.0.1, then
  ``render --all --scheduler tcp://...``), in packs per minute (target: 400 packs in
  15 minutes or less), with the peak memory of the largest process each way;
* a no-op re-render of the council packs (nothing changed since the last render).

Dask is measured two ways (``--dask-start``): cold, where the command registers the
worker plugin and its rendering processes' start-up is inside the timed run, and
preloaded, where the workers were started with ``--preload reportlib.run.cluster`` (as a
long-lived cluster is) and the run is timed once they are ready. The first costs a fixed
few seconds a run, which only a short run notices. A worker's CPU is its processes' whole
lives, read just before it is stopped (a rendering process a preloaded worker started can
die with it unreaped, and would otherwise go uncounted).

Each way of rendering the council packs reports packs a minute, the CPU seconds a pack
(every process of the run: the command, its stages and kernels, or the Dask workers and
what they start), and the minutes 900 packs (every principal council's committees in
England, a quarter) would take at that rate. The machine's speed is given first as a
yardstick: the seconds a fixed pure-Python loop takes here (best of 5), so figures from
different machines compare (divide by it).

A variant the installed ``reportlib render`` does not offer (``--scheduler``, or
incremental renders) is skipped with a message saying so.

    .venv/bin/python benchmarks/bench_scale.py                 # 400 councils, everything (long)
    .venv/bin/python benchmarks/bench_scale.py --quick 20      # 20 councils, everything
    .venv/bin/python benchmarks/bench_scale.py --only compare  # the 400-council comparison pack only
    .venv/bin/python benchmarks/bench_scale.py --only packs --ways jobs2  # 400 packs, --jobs 2 only

Peak memory is the largest resident set of any one process of the run (the command,
its render stages and kernels, or a Dask worker and what it starts), from the kernel's
own accounting (``getrusage``), so it is the memory one worker needs.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_synthetic import make  # noqa: E402

AS_OF = "2010-07-31"
# Runs a command and prints the peak resident set (KiB) of the largest process in its tree.
# SIGTERM is passed on, so a Dask worker started through it can be stopped and still report.
_PEAK = """
import resource, signal, subprocess, sys
child = subprocess.Popen(sys.argv[2:])
signal.signal(signal.SIGTERM, lambda *_: child.terminate())
code = child.wait()
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(sys.argv[1], "w") as out:
    out.write(f"{usage.ru_maxrss} {usage.ru_utime + usage.ru_stime}")
sys.exit(code)
"""


#: Packs a quarter for every principal council in England (about 300 councils, three committees each).
PROJECTED_PACKS = 900


def yardstick() -> float:
    """Seconds (best of 5) of a fixed pure-Python loop: this machine's speed, to compare figures across machines."""
    best = float("inf")
    for _ in range(5):
        start = time.process_time()
        total = 0
        for i in range(3_000_000):
            total += i * i % 7
        best = min(best, time.process_time() - start)
    return best


def build_project(out: Path, councils: int) -> Path:
    """``out/project``: synthetic data, the notebooks, one pack per council and the comparison pack."""
    project = out / "project"
    data = project / "data"
    if not (data / "marker.json").exists() or json.loads((data / "marker.json").read_text())["councils"] != councils:
        shutil.rmtree(project, ignore_errors=True)
        make(data, councils)
        (data / "marker.json").write_text(json.dumps({"councils": councils}))
    shutil.copytree(ROOT / "notebooks", project / "notebooks", dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    files = sorted(data.glob("*_action_plan.xlsx"))
    packs = project / "council-packs"
    shutil.rmtree(packs, ignore_errors=True)
    packs.mkdir()
    for path in files:
        code = path.name.split("_")[0].upper()
        (packs / f"{code.lower()}.yaml").write_text(
            f"pack: {code.lower()}\ntitle: Use of Resources action plan – progress report\n"
            f"committee: Audit Committee\nas_of: {AS_OF}\ndata: [data/{path.name}]\nformats: [html, pdf]\n"
            "audience: internal\ntimeout: 600\nnotebooks:\n  - notebook: notebooks/council_progress.ipynb\n"
            f"    parameters: {{council_code: {code}}}\n")
    compare = project / "compare-pack"
    shutil.rmtree(compare, ignore_errors=True)
    compare.mkdir()
    (compare / "compare.yaml").write_text(
        f"pack: compare-{councils}\ntitle: Use of Resources action plans – {councils} councils compared\n"
        f"committee: Regional audit\nas_of: {AS_OF}\nformats: [html, pdf]\naudience: internal\ntimeout: 600\n"
        "data:\n" + "".join(f"  - data/{p.name}\n" for p in files)
        + "notebooks:\n  - notebook: notebooks/compare_councils.ipynb\n")
    return project


def run(command: list[str], *, cwd: Path) -> tuple[float, float, float]:
    """Wall seconds, peak MiB (largest process) and CPU seconds (all processes) of ``command``, run
    in a fresh process. CPU time is the figure to compare when the machine is shared."""
    with tempfile.NamedTemporaryFile("r", suffix=".peak") as peak:
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", _PEAK, peak.name, *command], cwd=cwd, capture_output=True,
                              text=True)
        seconds = time.perf_counter() - start
        kib, cpu = (peak.read() or "0 0").split()
    if done.returncode != 0:
        sys.exit(f"failed ({done.returncode}): {' '.join(command)}\n{done.stderr[-3000:]}")
    return seconds, int(kib) / 1024, float(cpu)


def load_note() -> str:
    """The machine's load while a figure was taken: on a shared machine wall times stretch with it."""
    return f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"


def help_text(cli: str) -> str:
    return subprocess.run([cli, "render", "--help"], capture_output=True, text=True).stdout


def bench_compare(cli: str, project: Path, reports: Path) -> None:
    pack = project / "compare-pack" / "compare.yaml"
    extra = ["--force"] if "--force" in help_text(cli) else []
    seconds, peak, cpu = run([cli, "render", str(pack), "--reports", str(reports), *extra], cwd=project)
    (folder,) = (reports).glob("compare-*/*/")
    sizes = {p.name: p.stat().st_size for p in folder.iterdir() if p.is_file()}
    manifest = json.loads((folder / "manifest.json").read_text())
    timings = reports / "_timings" / f"{manifest['pack']}.json"  # stage times stay out of the manifest
    outputs = json.loads(timings.read_text())["outputs"] if timings.exists() else {}
    stages = ", ".join(f"{name.split('.')[-1]} {seconds:.1f} s" for name, seconds in outputs.items() if seconds)
    councils = len(list((project / "data").glob("*_action_plan.xlsx")))
    print(f"comparison pack, {councils} councils: {seconds:.1f} s (target <= 20 s; CPU {cpu:.1f} s; {load_note()}), "
          f"peak {peak:.0f} MiB "
          f"(target < 1024), HTML {sizes['compare_councils.html'] / 1e6:.2f} MB (target <= 2 MB), "
          f"PDF {sizes['compare_councils.pdf'] / 1e6:.2f} MB, executed notebook "
          f"{sizes['compare_councils.ipynb'] / 1e6:.2f} MB, tables.xlsx {sizes['tables.xlsx'] / 1e6:.2f} MB")
    print(f"  stages: {stages}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bench_packs(cli: str, project: Path, out: Path, jobs_list: list[int], dask: bool, noop: bool,
                dask_workers=(2,), dask_preload=(False, True)) -> None:
    packs = project / "council-packs"
    count = len(list(packs.glob("*.yaml")))
    helps = help_text(cli)
    force = ["--force"] if "--force" in helps else []
    rates = {}
    for jobs in jobs_list:
        reports = out / f"reports-jobs{jobs}"
        shutil.rmtree(reports, ignore_errors=True)
        seconds, peak, cpu = run([cli, "render", "--all", "--params", str(packs), "--reports", str(reports),
                                  "--jobs", str(jobs), *force], cwd=project)
        rates[jobs] = count / seconds * 60
        label = "sequential" if jobs == 1 else f"--jobs {jobs}"
        print(f"{count} council packs, {label}: {seconds:.1f} s = {rates[jobs]:.1f} packs/min "
              f"(400 packs in {400 / rates[jobs]:.1f} min; target <= 15; {PROJECTED_PACKS} in "
              f"{PROJECTED_PACKS / rates[jobs]:.1f} min), CPU {cpu / count:.2f} s a pack, "
              f"peak {peak:.0f} MiB per process ({load_note()})")
    if dask:
        for workers in dask_workers:
            for preload in dask_preload:
                rate = bench_dask(cli, project, packs, out, count, helps, force, workers, preload)
                if rate and workers in rates:
                    print(f"  Dask, {workers} workers{' (preloaded)' if preload else ''}, against --jobs {workers}: "
                          f"{rate / rates[workers]:.2f} of its packs/min")
    if noop:
        reports = out / f"reports-jobs{jobs_list[0]}"
        if "--force" not in helps:
            print("no-op re-render: skipped: this reportlib renders every pack each time (no incremental renders, "
                  "no --force option), so a re-render is not a no-op")
        else:
            seconds, peak, _ = run([cli, "render", "--all", "--params", str(packs), "--reports", str(reports)],
                                   cwd=project)
            print(f"no-op re-render of {count} council packs: {seconds:.2f} s (target < 10 s for 400), "
                  f"peak {peak:.0f} MiB ({load_note()})")


def tree_cpu(pid: int) -> float:
    """CPU seconds of a process and all its descendants, those alive and those they reaped."""
    import psutil  # distributed's own dependency

    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0.0
    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system + times.children_user + times.children_system
    return total


def _rendering_ready(dask_worker) -> bool:
    """On a worker started with ``--preload reportlib.run.cluster``: wait until its rendering
    process has imported what kernels are forked from (the plugin's start-up)."""
    plugin = dask_worker.plugins.get("reportlib-forked-kernels")
    return plugin is not None and plugin.ready(timeout=300)


def wait_for_workers(address: str, workers: int, preload: bool) -> None:
    """Until the scheduler has ``workers`` workers and, preloaded, each one's rendering process is ready."""
    from distributed import Client

    with Client(address, timeout=120) as client:
        client.wait_for_workers(workers, timeout=300)
        if preload:
            ready = client.run(_rendering_ready)
            if not all(ready.values()):
                sys.exit(f"a worker has no reportlib rendering process after --preload: {ready}")


def bench_dask(cli: str, project: Path, packs: Path, out: Path, count: int, helps: str, force: list[str],
               workers: int = 2, preload: bool = False) -> float | None:
    bin_dir = Path(cli).parent
    dask_cli = bin_dir / "dask"
    if "--scheduler" not in helps:
        print("Dask cluster: skipped: this reportlib render does not accept --scheduler")
        return None
    if not dask_cli.exists():
        print(f"Dask cluster: skipped: no 'dask' command in {bin_dir} (install dask[distributed])")
        return None
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    peaks = [Path(tempfile.mkstemp(suffix=".peak")[1]) for _ in range(workers)]
    started = [subprocess.Popen([str(dask_cli), "scheduler", "--host", "127.0.0.1", "--port", str(port),
                                 "--no-dashboard"], cwd=project, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)]
    try:
        time.sleep(3)
        for i in range(workers):
            started.append(subprocess.Popen(
                [sys.executable, "-c", _PEAK, str(peaks[i]), str(dask_cli), "worker", address, "--nworkers", "1",
                 "--nthreads", "1", "--no-dashboard", "--name", f"bench-{i}",
                 *(["--preload", "reportlib.run.cluster"] if preload else [])],
                cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        wait_for_workers(address, workers, preload)
        reports = out / "reports-dask"
        shutil.rmtree(reports, ignore_errors=True)
        seconds, _, command_cpu = run([cli, "render", "--all", "--params", str(packs), "--reports", str(reports),
                                       "--scheduler", address, *force], cwd=project)
    finally:
        alive_cpu = [tree_cpu(process.pid) for process in started[1:]]  # before anything is stopped
        for process in reversed(started):
            process.send_signal(signal.SIGTERM)
        for process in started:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
    measured = [(p.read_text() or "0 0").split() for p in peaks if p.exists()]
    worker_peaks = [int(kib) / 1024 for kib, _ in measured]
    # each worker's whole life, start-up included: what its processes had used just before they were
    # stopped, or what was reaped after, whichever is more (a rendering process a preloaded worker
    # started may die with it unreaped, and then only the first sees it)
    worker_cpu = max(sum(float(cpu) for _, cpu in measured), sum(alive_cpu))
    for p in peaks:
        p.unlink(missing_ok=True)
    rate = count / seconds * 60
    started_how = ("started with --preload reportlib.run.cluster, timed once ready" if preload
                   else "the command registers the plugin: its start-up is timed")
    print(f"{count} council packs, Dask cluster of {workers} local workers ({started_how}): {seconds:.1f} s = {rate:.1f} packs/min "
          f"(400 packs in {400 / rate:.1f} min; {PROJECTED_PACKS} in {PROJECTED_PACKS / rate:.1f} min), "
          f"CPU {(worker_cpu + command_cpu) / count:.2f} s a pack (workers and command), peak per worker "
          + (", ".join(f"{m:.0f} MiB" for m in worker_peaks) if any(worker_peaks) else "not measured")
          + f" ({load_note()})")
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--councils", type=int, default=400, help="synthetic councils (default 400)")
    parser.add_argument("--quick", type=int, metavar="N", help="run on N councils instead (e.g. --quick 20)")
    parser.add_argument("--only", choices=["compare", "packs"], help="run only the comparison pack or the council packs")
    parser.add_argument("--ways", default="sequential,jobs2,dask",
                        help="how to render the council packs, comma-separated: sequential, jobs2, jobs3, jobs4, "
                             "dask (default: the first two and dask)")
    parser.add_argument("--dask-workers", default="2", help="local Dask workers, comma-separated (default 2; e.g. 1,2,4)")
    parser.add_argument("--dask-start", choices=["cold", "preload", "both"], default="both",
                        help="Dask workers plain (the command registers the plugin and its start-up is timed), "
                             "started with --preload reportlib.run.cluster and timed once ready (a long-lived "
                             "cluster), or both (default)")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out" / "scale")
    parser.add_argument("--reportlib", default=str(Path(sys.executable).parent / "reportlib"),
                        help="the reportlib command to drive (default: the one beside this Python)")
    args = parser.parse_args()
    councils = args.quick or args.councils
    out = args.out.resolve()
    project = build_project(out, councils)
    print(f"{councils} synthetic councils in {project}; reportlib: {args.reportlib}")
    print(f"yardstick: {yardstick():.2f} s for a fixed pure-Python loop on this machine ({load_note()})")
    if args.only in (None, "compare"):
        reports = out / "reports-compare"
        shutil.rmtree(reports, ignore_errors=True)
        bench_compare(args.reportlib, project, reports)
    if args.only in (None, "packs"):
        ways = set(args.ways.split(","))
        jobs = [n for n, way in ((1, "sequential"), (2, "jobs2"), (3, "jobs3"), (4, "jobs4")) if way in ways]
        bench_packs(args.reportlib, project, out, jobs, dask="dask" in ways, noop=bool(jobs),
                    dask_workers=[int(n) for n in args.dask_workers.split(",")],
                    dask_preload={"cold": (False,), "preload": (True,), "both": (False, True)}[args.dask_start])


if __name__ == "__main__":
    main()
