"""Kernels forked from the ``reportlib`` command (``reportlib.run.forkkernel``).

A forked kernel must give the report a kernel started the usual way gives, byte for byte:
the same hash seed, logging that reaches the notebook's stderr, pyplot drawing inline,
the pack's environment. It must end with its notebook, also when a cell runs past the
pack's time limit. And it must be used: that is what makes 400 packs fit in the time.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest
from conftest import SAMPLE_AS_OF, SAMPLE_CELLS, SAMPLE_PACK, SAMPLE_STEM, build_notebook, build_sample_repo, write_pack

from reportlib.run.determinism import HASH_SEED, without_generated_time
from reportlib.run.forkkernel import kernel_arguments, supported

pytestmark = [pytest.mark.skipif(not supported(), reason="kernels are forked on Linux only"), pytest.mark.slow]

# Writes what only the kernel's process can tell to $PROBE_FILE, leaving the report's outputs alone.
PROBE = ("code", "import json, logging, os, sys\n"
                 "with open(os.environ['PROBE_FILE'], 'w') as probe:\n"
                 "    json.dump({'pid': os.getpid(), 'imported': 'reportlib.present.charts' in sys.modules}, probe)\n"
                 "print('hash of a string:', hash('reportlib probe'))\n"
                 "print('SOURCE_DATE_EPOCH:', os.environ['SOURCE_DATE_EPOCH'])\n"
                 "import importlib.util\n"  # the command blocks this import for itself, not for kernels
                 "print('rfc3987_syntax importable:', importlib.util.find_spec('rfc3987_syntax') is not None)\n"
                 "open('written_by_the_notebook.txt', 'w').write('x')\n"  # its working folder is not published
                 "open('tables.xlsx', 'wb').write(b'not a workbook')\n"
                 "logging.getLogger('probe').warning('LOGGED-BY-THE-NOTEBOOK')")


def cli(*args, env: dict, cwd=None) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("PYTHONHASHSEED", "REPORTLIB_FORK_KERNEL")}
    return subprocess.run([sys.executable, "-m", "reportlib.cli", *map(str, args)], env={**clean, **env},
                          capture_output=True, text=True, timeout=600, cwd=cwd)


@pytest.fixture(scope="module")
def two_renders(tmp_path_factory):
    """The sample pack, with the probe cell, rendered with a forked kernel and with one started as usual."""
    root = tmp_path_factory.mktemp("forked")
    pack = build_sample_repo(root)
    build_notebook(root / "notebooks" / f"{SAMPLE_STEM}.ipynb", cells=[*SAMPLE_CELLS, PROBE])
    out = {}
    for way, switch in (("forked", "1"), ("started", "0")):
        probe = root / f"{way}.json"
        run = cli("render", "--reports", root / way / "reports", pack,
                  env={"PROBE_FILE": str(probe), "REPORTLIB_FORK_KERNEL": switch})
        assert run.returncode == 0, run.stderr
        out[way] = (root / way / "reports" / SAMPLE_PACK / SAMPLE_AS_OF, json.loads(probe.read_text()))
    return out


def test_the_command_forks_its_kernels(two_renders):
    assert two_renders["forked"][1]["imported"] is True  # reportlib was already there: no import, no start-up
    assert two_renders["started"][1]["imported"] is False


def test_a_forked_kernel_gives_the_same_report_byte_for_byte(two_renders):
    forked, started = two_renders["forked"][0], two_renders["started"][0]
    names = sorted(p.name for p in forked.iterdir())
    assert names == sorted(p.name for p in started.iterdir())
    for name in names:
        a, b = (forked / name).read_bytes(), (started / name).read_bytes()
        if name == "manifest.json":
            a, b = without_generated_time(a), without_generated_time(b)
        assert a == b, f"{name} differs between a forked kernel and one started as usual"


def test_what_a_notebook_writes_in_its_folder_is_not_published(two_renders):
    for way in ("forked", "started"):
        folder = two_renders[way][0]
        assert sorted(p.name for p in folder.iterdir()) == sorted(
            [f"{SAMPLE_STEM}.html", f"{SAMPLE_STEM}.pdf", f"{SAMPLE_STEM}.ipynb", "tables.xlsx", "manifest.json"])
        assert (folder / "tables.xlsx").read_bytes().startswith(b"PK")  # the pack's own, not the notebook's


def test_a_forked_kernel_has_the_pinned_hash_seed_the_environment_and_fresh_logging(two_renders):
    notebook = (two_renders["forked"][0] / f"{SAMPLE_STEM}.ipynb").read_text()
    expected = subprocess.run([sys.executable, "-c", "print(hash('reportlib probe'))"], capture_output=True,
                              text=True, env={**os.environ, "PYTHONHASHSEED": HASH_SEED}).stdout.strip()
    assert f"hash of a string: {expected}" in notebook
    assert "SOURCE_DATE_EPOCH: 1280534400" in notebook  # the as-of date, 2010-07-31
    assert "rfc3987_syntax importable: True" in notebook
    # the command's own log handlers are not the kernel's: the warning is in the notebook's stderr
    assert "LOGGED-BY-THE-NOTEBOOK" in notebook
    assert '"name": "stderr"' in notebook


def test_a_kernel_past_the_time_limit_is_stopped_with_its_pack(tmp_path):
    pack = build_sample_repo(tmp_path)
    hang = ("code", "import time\ntime.sleep(300)")
    build_notebook(tmp_path / "notebooks" / f"{SAMPLE_STEM}.ipynb", cells=[SAMPLE_CELLS[0], PROBE, hang])
    write_pack(tmp_path, timeout=15)
    probe = tmp_path / "probe.json"
    start = time.monotonic()
    run = cli("render", "--reports", tmp_path / "reports", pack, env={"PROBE_FILE": str(probe)})
    assert run.returncode == 1
    assert "time limit" in run.stderr and time.monotonic() - start < 120
    kernel = json.loads(probe.read_text())
    assert kernel["imported"] is True
    for _ in range(50):  # the kernel process has gone with its notebook
        try:
            os.kill(kernel["pid"], 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        pytest.fail(f"the forked kernel {kernel['pid']} outlived its pack")
    assert not (tmp_path / "reports" / SAMPLE_PACK / SAMPLE_AS_OF).exists()


def test_a_kernel_that_exits_is_named_with_its_cell_and_kept_for_reading(tmp_path):
    # reports named relative to where the command runs (papermill runs the kernel elsewhere)
    build_sample_repo(tmp_path)
    build_notebook(tmp_path / "notebooks" / f"{SAMPLE_STEM}.ipynb",
                   cells=[SAMPLE_CELLS[0], ("code", "print('before')"), ("code", "import os\nos._exit(3)")])
    run = cli("render", "--reports", "reports", f"params/{SAMPLE_PACK}.yaml", env={}, cwd=tmp_path)
    assert run.returncode == 1
    assert (f"notebooks/{SAMPLE_STEM}.ipynb, cell 3 (`import os …`): the kernel died: a cell ended its "
            "process") in run.stderr
    assert (tmp_path / "reports" / "_failed" / SAMPLE_PACK / SAMPLE_AS_OF / f"{SAMPLE_STEM}.ipynb").is_file()


def test_only_this_interpreters_ipykernel_is_forked():
    me = sys.executable
    assert kernel_arguments([me, "-m", "ipykernel_launcher", "-f", "c.json"]) == ["-f", "c.json"]
    assert kernel_arguments([me, "-Xfrozen_modules=off", "-m", "ipykernel_launcher", "-f", "c.json"]) == \
        ["-f", "c.json"]
    assert kernel_arguments(["/usr/bin/python3.9", "-m", "ipykernel_launcher", "-f", "c.json"]) is None
    assert kernel_arguments([me, "-m", "other_kernel", "-f", "c.json"]) is None
    assert kernel_arguments([me, "-E", "-m", "ipykernel_launcher", "-f", "c.json"]) is None
    assert kernel_arguments(["R", "--slave", "-e", "IRkernel::main()"]) is None


def test_the_command_imports_the_kernels_debugger_once_and_quietly():
    """Every kernel imports ipykernel's debugger (debugpy) as it starts, about a third of a
    second each; a forked kernel finds it imported, without pydevd's frozen-modules warning
    reaching the command's stderr."""
    probe = ("import sys\nfrom reportlib.run import forkkernel\nforkkernel.enable()\n"
             "print('ipykernel.debugger' in sys.modules, 'pyarrow.dataset' in sys.modules)")
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=300,
                         env={k: v for k, v in os.environ.items() if k != "PYDEVD_DISABLE_FILE_VALIDATION"})
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["True", "True"]
    assert "Debugger warning" not in run.stderr and "frozen" not in run.stderr


def test_what_the_command_had_not_yet_written_does_not_reach_a_forked_kernels_notebook(tmp_path):
    """The command's stdout is a pipe under cron or a test (block-buffered): a line it printed
    but had not yet flushed when it forked the kernel's template must stay the command's.
    The kernel captures its own file descriptors 1 and 2 into the notebook, so a copy flushed
    there would be published as the report's own output."""
    build_notebook(tmp_path / "in.ipynb", cells=[("code", "print('from the notebook')")])
    script = ("import sys\nimport papermill\nfrom reportlib.run import execute, forkkernel\n"
              "forkkernel.enable()\n"
              "print('PENDING-IN-THE-COMMAND ' * 4)\n"  # stdout is a pipe: this waits in the buffer
              "sys.stderr.write('PENDING-ON-STDERR')\n"
              "with forkkernel.template() as manager:\n"
              "    papermill.execute_notebook('in.ipynb', 'out.ipynb', kernel_name=execute.kernel_name(),\n"
              "                               progress_bar=False, kernel_manager_class=manager)\n")
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300,
                         cwd=tmp_path, env={**os.environ, "PYTHONHASHSEED": HASH_SEED})
    assert run.returncode == 0, run.stderr
    executed = (tmp_path / "out.ipynb").read_text()
    assert "from the notebook" in executed
    assert "PENDING" not in executed
    assert run.stdout.count("PENDING-IN-THE-COMMAND") == 4  # written once, by the command
