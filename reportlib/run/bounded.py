"""Every stage bounded in time: run one function in a child process, and stop it past a limit.

A cell timeout bounds what a notebook's kernel does, but not what happens after it: the
HTML export and WeasyPrint run in the render's own process, and a pathological input
could keep them busy for hours. ``run_bounded`` runs such a stage in a child process
and kills it (with everything it started) when its time is up::

    from reportlib.run.bounded import run_bounded, StageTimeout
    run_bounded(html_to_pdf, html, tmp / "x.pdf", running_header=header, seconds=300, stage="x.pdf")

- The child is forked where the OS can (the parent has already imported WeasyPrint,
  nbconvert and pandas, so it starts in milliseconds); elsewhere it is spawned, and then
  ``fn`` and its arguments must be picklable (a module-level function).
- The result comes back pickled. An exception raised in the child comes back as the
  same type when it can be pickled, else as a ``RenderError`` naming its type and message;
  either way with the child's traceback as a note.
- Past ``seconds``, the child's process group (the child and anything it started) gets
  SIGKILL and ``StageTimeout`` is raised. The child also dies if the parent does (Linux),
  so a killed render never leaves a stage running.
- ``memory`` (bytes) bounds what the child may take beyond what it starts with
  (``core.limits.limit_memory``). A reader past it raises a located error; anything else
  past it is ``StageMemory``. ``advice`` says how to raise either limit, in their messages.
- What the child is reading (``core.limits.reading``: "cells.docx") is named when it is stopped.
"""
from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import signal
import time
import traceback

from reportlib.core import limits
from reportlib.errors import RenderError

__all__ = ["Running", "StageMemory", "StageTimeout", "run_bounded", "start_bounded"]

#: After sending its result the child exits by itself; past this it is killed.
_EXIT_GRACE = 2.0


class StageTimeout(RenderError):
    """A stage ran past its time limit and was stopped: ``stage`` says which, ``seconds`` the limit,
    ``reading`` what it was reading then (a file), ``advice`` how to allow more."""

    def __init__(self, stage: str, seconds: float, *, pack: str | None = None, output: str | None = None,
                 reading: str = "", advice: str = ""):
        self.stage = stage
        self.seconds = seconds
        self.reading, self.advice = reading, advice
        super().__init__(f"{stage} did not finish within {seconds:g} s and was stopped"
                         + (f" while reading {reading}" if reading else "") + (f"; {advice}" if advice else ""),
                         pack=pack, output=output)


class StageMemory(RenderError):
    """A stage needed more memory than its limit (``limit`` bytes) and was stopped."""

    def __init__(self, stage: str, limit: int, *, reading: str = "", advice: str = "", pack: str | None = None):
        self.stage, self.limit, self.reading, self.advice = stage, limit, reading, advice
        super().__init__(f"{stage} needed more than its {limits.describe_bytes(limit)} of memory and was stopped"
                         + (f" while reading {reading}" if reading else "") + (f"; {advice}" if advice else ""),
                         pack=pack)


def run_bounded(fn, /, *args, seconds: float, stage: str, memory: int | None = None, advice: str = "", **kwargs):
    """``fn(*args, **kwargs)`` in a child process; its result, or ``StageTimeout`` after ``seconds``.

    ``stage`` names the work in messages ("council_progress.pdf"). Raises what ``fn``
    raised (see the module docstring), ``StageTimeout`` when the limit passes (the child
    and its process group are killed first, so nothing of the stage goes on running),
    and ``RenderError`` if the child dies without an answer (killed, out of memory).
    Interrupting the parent (Ctrl-C, SIGTERM as ``publish.Interrupted``) kills the child too.
    """
    return start_bounded(fn, *args, seconds=seconds, stage=stage, memory=memory, advice=advice, **kwargs).result()


def start_bounded(fn, /, *args, seconds: float, stage: str, memory: int | None = None, advice: str = "",
                  **kwargs) -> Running:
    """Start ``fn(*args, **kwargs)`` in a child process and return at once; ``.result()`` waits
    for it as ``run_bounded`` does (the time limit counts from now), ``.cancel()`` stops it."""
    if not seconds > 0:
        raise ValueError(f"seconds must be positive, not {seconds!r}")
    if memory is not None and not memory > 0:
        raise ValueError(f"memory must be positive, not {memory!r}")
    context = _context()
    reader, writer = context.Pipe(duplex=False)
    progress = context.Array("c", limits.PROGRESS_BYTES, lock=False)  # what the child reads, for messages
    limit = (memory, advice) if memory else None
    process = context.Process(target=_child, args=(writer, fn, args, kwargs, stage, limit, progress),
                              name=f"reportlib-{stage}", daemon=False)
    deadline = time.monotonic() + seconds
    # the child's garbage collector leaves what it inherits alone: no copy of the parent's
    # pages just to walk its objects (the parent collects as before once the child is started)
    gc.freeze()
    try:
        process.start()
    finally:
        gc.unfreeze()
    writer.close()
    running = Running(process, reader, _own_group(process.pid), deadline, seconds, stage)
    running._limit, running._progress = limit, progress
    return running


class Running:
    """A stage started in its child process (``start_bounded``), not yet waited for."""

    def __init__(self, process, reader, group: int | None, deadline: float, seconds: float, stage: str):
        self._process, self._reader, self._group = process, reader, group
        self._deadline, self._seconds, self.stage = deadline, seconds, stage
        self._done = False

    def result(self):
        """The stage's result; raises as ``run_bounded`` does. The child is reaped either way."""
        if self._done:
            raise RuntimeError(f"{self.stage}: its result was already taken")
        answered = False
        try:
            while True:  # a result, or the end of the pipe (the child died), or the deadline
                remaining = self._deadline - time.monotonic()
                if remaining <= 0:
                    raise StageTimeout(self.stage, self._seconds, reading=self._reading(),
                                       advice=self._limit[1] if self._limit else "")
                if self._reader.poll(min(remaining, 3600.0)):
                    break
            try:
                kind, value, child_traceback = self._reader.recv()
            except (EOFError, OSError):
                self._process.join(1.0)
                memory = f", perhaps past its {limits.describe_bytes(self._limit[0])} of memory" if self._limit else ""
                reading = self._reading()
                raise RenderError(f"{self.stage} stopped: its process ended without a result "
                                  f"({_how_it_ended(self._process.exitcode)}{memory})"
                                  + (f" while reading {reading}" if reading else "")) from None
            answered = True
        finally:
            self._finish(grace=_EXIT_GRACE if answered else 0.0)
        if kind == "ok":
            return value
        if isinstance(value, MemoryError) and self._limit:
            value = StageMemory(self.stage, self._limit[0], reading=self._reading(), advice=self._limit[1])
        if child_traceback:
            value.add_note(f"(raised in the child process running {self.stage})\n{child_traceback.rstrip()}")
        raise value

    def cancel(self) -> None:
        """Stop the child (and its process group) now, if it is still running; reap it."""
        if not self._done:
            self._finish(grace=0.0)

    def _reading(self) -> str:
        return limits.progress_text(self._progress)

    def _finish(self, grace: float) -> None:
        self._done = True
        self._reader.close()
        _stop(self._process, self._group, grace=grace)


def _context():
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def _child(writer, fn, args, kwargs, stage, limit, progress) -> None:
    """In the child: own process group, die with the parent, its memory limited, run ``fn``, send
    back the outcome."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the parent's SIGTERM handler is not ours
    if hasattr(os, "setpgid"):
        try:
            os.setpgid(0, 0)
        except OSError:
            pass
    from reportlib.run.publish import die_with_parent

    die_with_parent(signal.SIGKILL)  # nothing to clean up here: the parent's run does that
    limits.report_reading_to(progress)
    if limit:
        limits.limit_memory(*limit)
    child_traceback = ""
    try:
        payload = ("ok", fn(*args, **kwargs))
    except BaseException as exc:  # noqa: BLE001 - every outcome goes back to the parent
        child_traceback = "".join(traceback.format_exception(exc))
        payload = ("raised", _portable(exc, stage))
    try:
        writer.send((*payload, child_traceback))
    except Exception as exc:  # the result could not be pickled
        writer.send(("raised", RenderError(f"{stage}: its result could not be sent back from the child "
                                           f"process: {type(exc).__name__}: {exc}"), child_traceback))
    writer.close()


def _portable(exc: BaseException, stage: str) -> BaseException:
    """``exc`` if it survives a pickle round trip as the same type, else a ``RenderError`` saying what it was."""
    try:
        copy = pickle.loads(pickle.dumps(exc))
        if type(copy) is type(exc):
            return exc
    except Exception:  # noqa: BLE001 - any failure to pickle or rebuild
        pass
    name = f"{type(exc).__module__}.{type(exc).__qualname__}".removeprefix("builtins.")
    return RenderError(f"{stage} failed: {name}: {exc}")


def _own_group(pid: int) -> int | None:
    """Put the child in a process group of its own (it does too: no race); that group's id."""
    if not hasattr(os, "setpgid"):
        return None
    try:
        os.setpgid(pid, pid)
    except OSError:  # it already did (EACCES after its exec, none here) or it already ended
        pass
    try:
        return pid if os.getpgid(pid) == pid else None
    except OSError:
        return pid


def _stop(process, group: int | None, grace: float) -> None:
    """Let the child end by itself for ``grace`` s, then kill its group; always reap it."""
    end = time.monotonic() + grace
    while grace and time.monotonic() < end and not _has_exited(process):
        time.sleep(0.01)
    # The child is not reaped yet (at most a zombie), so its pid, the group's id, is still ours.
    if group is not None:
        try:
            os.killpg(group, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    elif process.is_alive():
        process.kill()
    process.join(5)
    if process.exitcode is None:  # cannot happen after SIGKILL, short of an unkillable process
        process.kill()
        process.join()
    process.close()


def _has_exited(process) -> bool:
    """Whether the child has exited, without reaping it (so its pid stays reserved)."""
    if not hasattr(os, "waitid"):
        return not process.is_alive()
    try:
        return os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
    except ChildProcessError:
        return True


def _how_it_ended(exitcode: int | None) -> str:
    if exitcode is None:
        return "still running"
    if exitcode < 0:
        try:
            return f"killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"killed by signal {-exitcode}"
    return f"exit code {exitcode}"
