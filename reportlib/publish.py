"""Publishing a pack so that an unattended run (cron, CI) never loses the last good report.

- ``pack_lock``: one render of a pack at a time. ``reports/.<pack>.lock`` is held with
  ``flock``, which the OS releases when the holder exits however it exits (even
  SIGKILL), so a lock can never go stale; the holder writes its pid into the file.
- ``temp_folder``: outputs are written into ``reports/.tmp-<pack>-<pid>-<random>/``;
  ``clean_stale`` removes such folders left by runs that were killed.
- ``publish``: swaps the finished folder into ``reports/<pack>/<as_of>/`` with one
  atomic ``renameat2(RENAME_EXCHANGE)``: there is no moment without a complete report.
- ``sigterm_interrupts``: SIGTERM raises ``Interrupted`` (a ``KeyboardInterrupt``), so the
  ``finally`` blocks that stop the kernel and remove the temporary folder run, as on Ctrl-C.
- ``check_writable``, ``describe_os_error``: an unwritable ``reports/`` or a full disk as one
  sentence naming the folder.
- ``keep_failed``: a failed render's executed notebooks go to ``reports/_failed/<pack>/<as_of>/``.
"""
from __future__ import annotations

import ctypes
import errno
import fcntl
import json
import os
import re
import shutil
import signal
import tempfile
import threading
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from reportlib.errors import RenderError

#: ``.tmp-<pack>-<pid>-<random>`` (a render's work folder) and ``.old-…`` (a report set
#: aside for a moment where no atomic exchange exists); ``.index-<pid>.html`` (index being written).
_LEFTOVER = re.compile(r"^\.(?P<kind>tmp|old)-(?P<pack>.+)-(?P<pid>\d+)-[a-z0-9_]{8}$")
_INDEX_LEFTOVER = re.compile(r"^\.index-(?P<pid>\d+)\.html$")
_DISK_FULL = {errno.ENOSPC: "the disk is full", errno.EDQUOT: "the disk quota is used up"}
_NOT_WRITABLE = (errno.EROFS, errno.EACCES, errno.EPERM, errno.ENOTDIR, errno.EEXIST, errno.ENOENT)


class Interrupted(KeyboardInterrupt):
    """The run was stopped by a signal; raised in the main thread, like Ctrl-C."""

    def __init__(self, signal_name: str = "SIGTERM"):
        self.signal_name = signal_name
        super().__init__(signal_name)

    @property
    def exit_code(self) -> int:
        return 128 + signal.Signals[self.signal_name].value


@contextmanager
def sigterm_interrupts():
    """While active (main thread only), SIGTERM raises ``Interrupted`` once; a repeat is ignored."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum, frame):
        signal.signal(signum, signal.SIG_IGN)  # let the clean-up finish
        raise Interrupted(signal.Signals(signum).name)

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def pack_lock(reports_dir: Path, pack: str):
    """Refuse a second render of ``pack`` while one runs; the holder's pid is in the lock file."""
    path = reports_dir.resolve() / f".{pack}.lock"
    with open(path, "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().split()
            who = f"process {holder[0]}" if holder and holder[0].isdigit() else "another process"
            since = f" since {holder[1]}" if len(holder) > 1 else ""
            raise RenderError(
                f"pack {pack!r} is already being rendered by {who}{since}; not starting a second render "
                f"(lock file {path} holds the pid of the process rendering it; the lock is released "
                "as soon as that process exits, even if it is killed)", pack=pack) from None
        try:
            started = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
            handle.seek(0)
            handle.truncate()
            handle.write(f"{os.getpid()} {started}\n")
            handle.flush()
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def temp_folder(reports_dir: Path, pack: str) -> Path:
    """A new ``reports/.tmp-<pack>-<pid>-<random>/``: the pid says whose it is."""
    return Path(tempfile.mkdtemp(prefix=f".tmp-{pack}-{os.getpid()}-", dir=reports_dir))


def clean_stale(reports_dir: Path, locked_pack: str) -> list[str]:
    """Remove what killed runs left in ``reports/``; returns the names removed.

    A ``.tmp-*`` folder or ``.index-*`` file is stale when its owner pid is no longer
    running, and so is any ``.tmp-<locked_pack>-*`` (we hold that pack's lock: nobody is
    writing it). A ``.old-*`` report goes back into place if its folder is missing.
    """
    removed = []
    for path in sorted(reports_dir.glob(".*")):
        match = _LEFTOVER.match(path.name) or _INDEX_LEFTOVER.match(path.name)
        if not match:
            continue
        pid, pack = int(match["pid"]), match.groupdict().get("pack")
        if _running(pid) and pack != locked_pack:
            continue
        if match.groupdict().get("kind") == "old" and _put_back(path, reports_dir):
            continue
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        removed.append(path.name)
    return removed


def publish(tmp: Path, final: Path) -> None:
    """Put folder ``tmp`` at ``final`` in one step; the previous ``final``, if any, ends up at ``tmp``."""
    final.parent.mkdir(parents=True, exist_ok=True)
    if not final.exists():
        os.rename(tmp, final)
        return
    if _exchange(tmp, final):
        return
    # No atomic exchange here (not Linux, or the filesystem lacks it): set the old report
    # aside under a name ``clean_stale`` recognises, and put it back if the swap fails.
    aside = tmp.with_name(".old-" + tmp.name.removeprefix(".tmp-"))
    os.rename(final, aside)
    try:
        os.rename(tmp, final)
    except OSError:
        os.rename(aside, final)
        raise
    os.rename(aside, tmp)


def check_writable(reports_dir: Path) -> None:
    """Fail before any work if ``reports_dir`` cannot be created or written into."""
    folder = reports_dir.resolve()
    if folder.exists() and not folder.is_dir():
        raise RenderError(f"cannot write to the reports folder {folder}: it is a file, not a folder; "
                          "nothing was rendered")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RenderError(f"cannot create the reports folder {folder}: {exc.strerror or exc}; "
                          "nothing was rendered") from exc
    try:
        tempfile.TemporaryFile(dir=folder).close()
    except OSError as exc:
        raise RenderError(f"cannot write to the reports folder {folder}: {exc.strerror or exc}; "
                          "nothing was rendered") from exc


def keep_failed(tmp: Path, failed: Path, exc: Exception) -> str | None:
    """Replace ``failed`` with the executed notebooks in ``tmp`` and the error, for inspection."""
    notebooks = sorted(tmp.glob("*.ipynb"))
    if not notebooks:
        return None
    shutil.rmtree(failed, ignore_errors=True)
    try:
        failed.mkdir(parents=True)
        for notebook in notebooks:
            shutil.copy2(notebook, failed / notebook.name)
        (failed / "error.txt").write_text(f"{exc}\n", encoding="utf-8")
    except OSError:  # no room or no right to keep them: keep nothing rather than half
        shutil.rmtree(failed, ignore_errors=True)
        return None
    return str(failed)


def remove_stale_failure(failed: Path) -> None:
    """A good render makes an old failure of the same pack and date moot: remove it."""
    shutil.rmtree(failed, ignore_errors=True)
    for folder in (failed.parent, failed.parent.parent):  # _failed/<pack>, then _failed
        try:
            folder.rmdir()
        except OSError:  # not empty (or already gone)
            break


def describe_os_error(exc: BaseException, reports_dir: Path) -> str | None:
    """A full disk or unwritable reports folder in ``exc`` (or its causes) as a sentence, else None."""
    error = _os_error_in(exc)
    if error is None:
        return None
    folder = Path(reports_dir).resolve()
    reason = error.strerror or type(error).__name__
    if error.errno in _DISK_FULL:
        where = f" writing {error.filename}" if error.filename else ""
        return f"{_DISK_FULL[error.errno]}: no space left in {folder} ({reason}{where})"
    if error.errno in _NOT_WRITABLE and _inside(error.filename, folder):
        return f"cannot write to the reports folder {folder}: {reason} ({error.filename})"
    return None


def _os_error_in(exc: BaseException | None) -> OSError | None:
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OSError) and exc.errno is not None:
            return exc
        exc = exc.__cause__ or exc.__context__
    return None


def _inside(filename, folder: Path) -> bool:
    if not filename:
        return False
    path = Path(os.fsdecode(filename)).absolute()
    return path == folder or folder in path.parents or path in folder.parents


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def _put_back(aside: Path, reports_dir: Path) -> bool:
    """Restore a report set aside by a run killed mid-publish, if its place is still empty."""
    try:
        manifest = json.loads((aside / "manifest.json").read_text(encoding="utf-8"))
        final = reports_dir / manifest["pack"] / manifest["as_of"]
    except (OSError, ValueError, KeyError, TypeError):
        return False
    if final.exists() or _LEFTOVER.match(aside.name)["pack"] != manifest["pack"]:
        return False
    final.parent.mkdir(parents=True, exist_ok=True)
    os.rename(aside, final)
    return True


try:
    _renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    _renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
except (OSError, AttributeError):  # not Linux / glibc
    _renameat2 = None
_AT_FDCWD, _RENAME_EXCHANGE = -100, 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux ``renameat2``); False where that is not available."""
    if _renameat2 is None:
        return False
    if _renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))
