"""What the terminal shows: other libraries' logs stay quiet (the first run on a machine
included), ``--version``, ``--jobs`` of at least 1. The lines an unattended render prints
are checked in ``test_reproducible.py``, on a real two-pack run."""
from __future__ import annotations

import os
import subprocess
import sys
from importlib import metadata

import pytest

from reportlib.cli import build_parser

# WeasyPrint subsets fonts with fontTools when HarfBuzz's subsetter is not there (older
# systems); fontTools then logs each table it prunes at INFO, about 80 lines a small PDF.
PDF_WITH_FONTTOOLS = """
import logging, sys
{setup}
import weasyprint.pdf.fonts
weasyprint.pdf.fonts.harfbuzz_subset = None   # as on a machine without HarfBuzz-subset
from reportlib.present.pdf import html_to_pdf

html_to_pdf("<p>Progress against the action plan: 12 actions, 3 overdue</p>", sys.argv[1], running_header="x")
logging.getLogger("matplotlib.font_manager").warning("Matplotlib is building the font cache; this may take a moment.")
logging.getLogger("reportlib.run.render").info("a line of reportlib's own")
"""

pytestmark = pytest.mark.slow  # starts the command in child processes
AS_THE_CLI_DOES = "from reportlib.cli import configure_logging; configure_logging()"
AS_IT_WAS = "logging.basicConfig(level=logging.INFO, format='%(name)s: %(message)s', stream=sys.stderr)"


def run_python(code: str, *args, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code, *map(str, args)], capture_output=True, text=True,
                          timeout=300, env=env)


def test_library_logs_are_quiet_and_reportlib_lines_are_not(tmp_path):
    before = run_python(PDF_WITH_FONTTOOLS.format(setup=AS_IT_WAS), tmp_path / "before.pdf")
    assert before.returncode == 0, before.stderr
    noisy = [line for line in before.stderr.splitlines() if line.startswith("fontTools")]
    assert len(noisy) > 10, "fontTools no longer logs here: this test no longer shows the quieting works"

    after = run_python(PDF_WITH_FONTTOOLS.format(setup=AS_THE_CLI_DOES), tmp_path / "after.pdf")
    assert after.returncode == 0, after.stderr
    assert after.stderr.splitlines() == ["a line of reportlib's own"]
    assert (tmp_path / "after.pdf").read_bytes().startswith(b"%PDF")


def test_the_font_cache_is_built_quietly_before_any_kernel_starts(tmp_path):
    """A machine's first run: matplotlib has no font cache yet. The runner builds it (quietly)
    before starting kernels, which share it, so no notebook's outputs say it is being built."""
    env = {**os.environ, "MPLCONFIGDIR": str(tmp_path)}
    code = ("from reportlib.cli import configure_logging; configure_logging()\n"
            "from reportlib.run.runlog import warm_font_cache; warm_font_cache()")
    run = run_python(code, env=env)
    assert run.returncode == 0 and run.stderr == "" and run.stdout == ""
    assert list(tmp_path.glob("fontlist-*.json")), "the font cache was not built"


def test_version():
    run = subprocess.run([sys.executable, "-m", "reportlib.cli", "--version"], capture_output=True, text=True)
    assert run.returncode == 0
    assert run.stdout.strip() == f"reportlib {metadata.version('reportlib')}"


@pytest.mark.parametrize("jobs", ["0", "-1", "two"])
def test_jobs_must_be_a_whole_number_of_at_least_one(jobs, capsys):
    with pytest.raises(SystemExit) as stopped:
        build_parser().parse_args(["render", "--all", "--jobs", jobs])
    assert stopped.value.code == 2
    assert "argument --jobs:" in capsys.readouterr().err


def test_jobs_of_one_or_more_is_accepted():
    assert build_parser().parse_args(["render", "--all", "--jobs", "1"]).jobs == 1
    assert build_parser().parse_args(["render", "--all"]).jobs == 1
    assert build_parser().parse_args(["render", "--all", "--jobs", "3"]).jobs == 3
