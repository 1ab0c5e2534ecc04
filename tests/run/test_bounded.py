"""``reportlib.run.bounded.run_bounded``: a stage in a child process, stopped at its time limit.

Real processes throughout: a function that sleeps past its limit is stopped within about
a second of it, with the process it started; a result and an exception come back; the
timeout error survives pickling (it crosses process boundaries in ``--jobs`` runs).
"""
from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reportlib.errors import RenderError, ReportlibError
from reportlib.run.bounded import StageMemory, StageTimeout, run_bounded

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="process groups and signals as on Unix")


def gone(pid: int) -> bool:
    """No such process, or only a zombie left for its new parent to reap."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return False


def wait_gone(pid: int, seconds: float = 3.0) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if gone(pid):
            return True
        time.sleep(0.02)
    return gone(pid)


def sleep_and_start_a_grandchild(pid_file: str, seconds: float) -> str:
    """Write our pid and a grandchild's (a ``sleep``), then sleep: stands in for a hung stage."""
    grandchild = subprocess.Popen(["sleep", "60"])
    Path(pid_file).write_text(f"{os.getpid()} {grandchild.pid}")
    time.sleep(seconds)
    return "finished"


def big_result(n: int) -> str:
    return "é" * n


class Unpicklable(Exception):
    def __init__(self, handle):
        super().__init__("holds a lock")
        self.handle = handle


def raise_unpicklable():
    import threading

    raise Unpicklable(threading.Lock())


def raise_render_error():
    raise RenderError("the PDF could not be written", pack="wdc", output="x.pdf")


def die_without_answer():
    os.kill(os.getpid(), signal.SIGKILL)


def test_a_result_comes_back_from_the_child():
    assert run_bounded(pow, 2, 10, seconds=10, stage="pow") == 1024
    assert run_bounded(sorted, [3, 1, 2], reverse=True, seconds=10, stage="sorted") == [3, 2, 1]
    assert run_bounded(big_result, 3_000_000, seconds=30, stage="big") == "é" * 3_000_000  # larger than a pipe


def test_past_the_limit_the_child_and_what_it_started_are_killed_within_a_second(tmp_path):
    pid_file = tmp_path / "pids"
    start = time.monotonic()
    with pytest.raises(StageTimeout) as caught:
        run_bounded(sleep_and_start_a_grandchild, str(pid_file), 60, seconds=1.5, stage="council_progress.pdf")
    elapsed = time.monotonic() - start
    assert 1.5 <= elapsed < 2.5, elapsed
    assert caught.value.stage == "council_progress.pdf" and caught.value.seconds == 1.5
    assert "council_progress.pdf did not finish within 1.5 s" in str(caught.value)
    child, grandchild = map(int, pid_file.read_text().split())
    assert wait_gone(child, 1.0), "the child still runs"
    assert wait_gone(grandchild, 1.0), "the process the child started still runs"


def test_a_stage_that_ends_in_time_is_not_stopped(tmp_path):
    assert run_bounded(sleep_and_start_a_grandchild, str(tmp_path / "pids"), 0.2, seconds=10, stage="s") == "finished"


def test_an_exception_in_the_child_comes_back_as_itself():
    with pytest.raises(ValueError, match="invalid literal") as caught:
        run_bounded(int, "not a number", seconds=10, stage="parse")
    assert "raised in the child process running parse" in "".join(getattr(caught.value, "__notes__", []))
    with pytest.raises(RenderError) as render_error:
        run_bounded(raise_render_error, seconds=10, stage="x.pdf")
    assert render_error.value.pack == "wdc" and "could not be written" in str(render_error.value)


def test_an_exception_that_cannot_be_pickled_comes_back_as_a_render_error_naming_it():
    with pytest.raises(RenderError, match=r"s failed: .*Unpicklable: holds a lock"):
        run_bounded(raise_unpicklable, seconds=10, stage="s")


def test_a_child_that_dies_without_answering_is_a_render_error():
    with pytest.raises(RenderError, match="ended without a result .*SIGKILL"):
        run_bounded(die_without_answer, seconds=10, stage="export")


def test_stage_timeout_is_a_render_error_and_survives_pickling():
    error = StageTimeout("council_progress.html", 120.0, pack="wdc-executive", output="council_progress.html")
    assert isinstance(error, RenderError) and isinstance(error, ReportlibError)
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is StageTimeout
    assert (copy.stage, copy.seconds, copy.pack, copy.output) == ("council_progress.html", 120.0, "wdc-executive",
                                                                 "council_progress.html")
    assert str(copy) == str(error)


def test_html_to_pdf_runs_bounded(tmp_path):
    from pypdf import PdfReader

    from reportlib.present.pdf import html_to_pdf

    path = run_bounded(html_to_pdf, "<p>Bounded stage</p>", tmp_path / "b.pdf", running_header="Council · Audit",
                       seconds=60, stage="b.pdf")
    assert path == tmp_path / "b.pdf"
    assert "Bounded stage" in PdfReader(path).pages[0].extract_text()


def test_seconds_must_be_positive():
    with pytest.raises(ValueError):
        run_bounded(pow, 2, 2, seconds=0, stage="pow")


def _hoard(megabytes: int) -> int:
    chunks = [bytearray(2**20) for _ in range(megabytes)]
    return len(chunks)


def test_a_stage_past_its_memory_limit_is_stopped_and_says_so():
    assert run_bounded(_hoard, 50, seconds=30, stage="hoarding", memory=300 * 2**20) == 50
    with pytest.raises(StageMemory) as caught:
        run_bounded(_hoard, 2000, seconds=30, stage="hoarding", memory=300 * 2**20, advice="allow more with X")
    assert str(caught.value).startswith("hoarding needed more than its 300 MiB of memory and was stopped; "
                                        "allow more with X")
    copy = pickle.loads(pickle.dumps(caught.value))
    assert type(copy) is StageMemory and str(copy) == str(caught.value)
