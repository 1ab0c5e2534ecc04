"""Memory and time limits on reading: what a stage may take, and how a reader is stopped past it.

A stage that reads strangers' files runs in a child process (``reportlib.run.bounded``)
that calls ``limit_memory`` first: from then on the process may take at most that many
bytes more than it holds (``RLIMIT_DATA``: the memory it writes to, its heap and
anonymous maps; not the libraries mapped, nor address space merely reserved). An
allocation past it fails, as ``MemoryError`` in Python, and a reader that meets one names
what it was reading and the limit (``memory_message``).

``time_limit`` stops the code inside it after so many seconds (with ``SIGALRM``, in the
main thread; elsewhere it only measures, and ``TimeUp`` is raised as it ends): a PDF
page that would take minutes is stopped at its budget, not at the end of the stage.
"""
from __future__ import annotations

import contextlib
import os
import signal
import threading
import time

from reportlib.errors import ReportlibError

__all__ = ["DEFAULT_MEMORY", "PROGRESS_BYTES", "TimeUp", "describe_bytes", "env_seconds", "limit_memory",
           "memory_limit", "memory_message", "out_of_memory", "parse_bytes", "progress_text", "reading",
           "report_reading_to", "time_limit"]

#: The memory a stage may take unless a pack (``stage_memory``) or ``validate`` says otherwise.
DEFAULT_MEMORY = 2 * 2**30

_set: dict = {}  # "bytes": the limit this process was given, "advice": how to raise it


def _data_now() -> int | None:
    """Bytes of this process's data segment now (``VmData``), or None where /proc has none."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmData:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return None


def limit_memory(limit: int, advice: str = "") -> bool:
    """Let this process take at most ``limit`` bytes more than it holds now; ``advice`` says
    how to raise the limit (in messages). False where the OS cannot limit it (not Linux)."""
    try:
        import resource
    except ImportError:  # Windows
        return False
    held = _data_now()
    if held is None or not hasattr(resource, "RLIMIT_DATA"):
        return False
    ceiling = held + int(limit)
    _soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    if hard != resource.RLIM_INFINITY:
        ceiling = min(ceiling, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (ceiling, hard))
    _set.update(bytes=int(limit), advice=advice)
    return True


def memory_limit() -> tuple[int, str] | None:
    """(bytes, advice) of the limit ``limit_memory`` set in this process, or None."""
    return (_set["bytes"], _set["advice"]) if _set else None


def describe_bytes(size: int) -> str:
    """2147483648 -> '2 GiB', 536870912 -> '512 MiB'."""
    if size >= 2**30 and size % 2**28 == 0:
        return f"{size / 2**30:g} GiB"
    return f"{size / 2**20:,.0f} MiB"


def parse_bytes(text: str) -> int:
    """'2GiB', '2 G', '1500MiB', '1500M', '1500' (MiB) -> bytes; ValueError for anything else."""
    cleaned = str(text).strip().lower().replace(" ", "").removesuffix("ib").removesuffix("b")
    scale = {"g": 2**30, "m": 2**20}.get(cleaned[-1:], 2**20)
    try:
        value = float(cleaned.rstrip("gm")) * scale
    except ValueError:
        value = -1.0
    if not 0 < value < float("inf"):
        raise ValueError(f"{text!r} is not an amount of memory (say 2GiB or 1500MiB)")
    return int(value)


def out_of_memory(exc: BaseException) -> bool:
    """Whether ``exc`` says an allocation failed: ``MemoryError``, or lxml's "no memory" parse error."""
    return isinstance(exc, MemoryError) or (type(exc).__module__.startswith("lxml")
                                            and getattr(exc, "code", None) == 2)  # libxml2's XML_ERR_NO_MEMORY


def memory_message(what: str) -> str:
    """'<what> needed more memory than the 2 GiB limit ...; <advice>', for a reader's error."""
    limit = memory_limit()
    if limit is None:
        return f"{what} needed more memory than this machine could give"
    size, advice = limit
    return f"{what} needed more than the {describe_bytes(size)} of memory reading may take" + (
        f"; {advice}" if advice else "")


#: Bytes of the shared buffer a bounded stage's child names what it is reading in.
PROGRESS_BYTES = 256
_progress: list = []  # the buffer, in a bounded stage's child


def report_reading_to(buffer) -> None:
    """In a bounded stage's child: ``reading`` writes into ``buffer`` (a shared ``Array('c')``)."""
    _progress[:] = [buffer]


def reading(what: str) -> None:
    """Say what this process is reading now (a file's name): named if its stage is stopped."""
    if _progress:
        data = what.encode("utf-8", "replace")[:PROGRESS_BYTES - 1]
        _progress[0][:len(data) + 1] = data + b"\0"


def progress_text(buffer) -> str:
    """What a child last said it was reading, from its ``buffer``."""
    try:
        return bytes(buffer[:]).split(b"\0", 1)[0].decode("utf-8", "replace")
    except (OSError, ValueError):
        return ""


class TimeUp(BaseException):  # noqa: N818 - not an Exception: the libraries' `except Exception` let it through
    """Raised inside ``time_limit`` when its seconds are up."""

    def __init__(self, seconds: float):
        super().__init__(f"past the limit of {seconds:g} s")
        self.seconds = seconds


@contextlib.contextmanager
def time_limit(seconds: float):
    """Run the body for at most ``seconds``, else raise ``TimeUp`` inside it (main thread, with
    SIGALRM) or, elsewhere, as it ends. An outer alarm is put back afterwards."""
    start = time.monotonic()
    armed = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if armed:
        def expired(_signum, _frame):
            raise TimeUp(seconds)

        previous = signal.signal(signal.SIGALRM, expired)
        outer, _ = signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        if armed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
            if outer:  # an alarm someone else had set goes on, less the time spent here
                signal.setitimer(signal.ITIMER_REAL, max(outer - (time.monotonic() - start), 0.001))
    if time.monotonic() - start > seconds:
        raise TimeUp(seconds)


def env_seconds(name: str, default: float) -> float:
    """A number of seconds from the environment variable ``name``, else ``default``."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        seconds = float(value)
    except ValueError:
        raise ReportlibError(f"${name} must be a number of seconds, not {value!r}") from None
    if not seconds > 0:
        raise ReportlibError(f"${name} must be a positive number of seconds, not {value!r}")
    return seconds
