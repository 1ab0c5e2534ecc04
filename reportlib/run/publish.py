"""Publishing a pack so that an unattended run (cron, CI) never loses the last good report.

- ``pack_lock``: one render of a pack at a time. ``reports/.<pack>.lock`` is held with
  ``flock``, which the OS releases when the holder exits however it exits (even
  SIGKILL), so a lock can never go stale; the holder writes its pid into the file.
- ``temp_folder``: outputs are written into ``reports/.tmp-<pack>-<pid>-<random>/``;
  ``clean_stale`` removes such folders left by runs that were killed, and ``clear_leftovers``
  does so (with a killed run's lock file) when a pack is found up to date and not rendered.
- ``publish``: swaps the finished folder into ``reports/<pack>/<as_of>/`` with one
  atomic ``renameat2(RENAME_EXCHANGE)``: there is no moment without a complete report.
- ``sigterm_interrupts``: SIGTERM raises ``Interrupted`` (a ``KeyboardInterrupt``), so the
  ``finally`` blocks that stop the kernel and remove the temporary folder run, as on Ctrl-C.
- ``check_writable``, ``describe_os_error``: an unwritable ``reports/`` or a full disk as one
  sentence naming the folder.
- ``keep_failed``: a failed render's executed notebooks go to ``reports/_failed/<pack>/<as_of>/``.
- ``die_with_parent``: a worker's initializer; the worker gets SIGTERM when the process that
  started it dies (Linux), and ``publish`` refuses to publish from a worker whose starting
  process is gone (``ParentGone``): an orphan never publishes on its own.
- ``share_like_umask``: published folders and files get the modes the umask gives (a render's
  temporary folder and files are created private, 0700/0600).
- ``remove_planted_links``: a symbolic link where reportlib keeps its own things in ``reports/``
  (the lock file, ``.tmp-``/``.old-`` folders, ``_failed/<pack>/<as_of>``, ``_timings`` and the
  files in it, ``index.html``) is
  removed as a link, with a warning naming it; what it points at is never read, written or
  deleted. These places are reportlib's own scratch, emptied and made again on every run, so a
  link there is never a user's choice, and refusing to render would only stop every scheduled run
  until someone removed it by hand.
- ``refuse_linked_pack``: a symbolic link at ``reports/<pack>`` or ``<pack>/<as_of>`` (a published
  report's place, which a user may have made) is refused: the pack fails with an error naming the
  link and its target, and nothing is written or deleted where it points. To publish on another
  disk, ``reports/`` itself may be a link (or ``render --reports`` names another folder).
"""
from __future__ import annotations

import ctypes
import errno
import fcntl
import logging
import os
import re
import shutil
import signal
import stat
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from reportlib.core.files import current_umask
from reportlib.errors import RenderError

log = logging.getLogger(__name__)
#: ``.tmp-<pack>-<pid>-<random>`` (a render's work folder) and ``.old-…`` (a report set
#: aside for a moment where no atomic exchange exists); ``.index-<pid>.html`` (index being written).
_LEFTOVER = re.compile(r"^\.(?P<kind>tmp|old)-(?P<pack>.+)-(?P<pid>\d+)-[a-z0-9_]{8}$")
_INDEX_LEFTOVER = re.compile(r"^\.index-(?P<pid>\d+)\.html$")
_DISK_FULL = {errno.ENOSPC: "the disk is full", errno.EDQUOT: "the disk quota is used up"}
_NOT_WRITABLE = (errno.EROFS, errno.EACCES, errno.EPERM, errno.ENOTDIR, errno.EEXIST, errno.ENOENT)


class ParentGone(RenderError):
    """A worker was about to publish, but the process that started the run has exited."""

    def __init__(self, parent_pid: int, current_parent: int):
        self.parent_pid, self.current_parent = parent_pid, current_parent
        super().__init__(f"the process that started this render (pid {parent_pid}) has exited; this worker "
                         f"(pid {os.getpid()}) does not publish on its own: nothing was published")



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
def pack_lock(reports_dir: Path, pack: str, wait: float = 0.0):
    """Refuse a second render of ``pack`` while one runs; the holder's pid is in the lock file.

    The lock file is removed when the render ends (while still locked). A run that was
    killed leaves it behind, unlocked: the next run takes it over and removes it.
    ``wait``: seconds to keep trying before refusing (a retry on a cluster, where the
    process that died may take a moment to be gone with its children).
    """
    path = reports_dir.resolve() / f".{pack}.lock"
    give_up = time.monotonic() + wait
    while True:
        handle = _open_lock(path)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if time.monotonic() < give_up:
                handle.close()
                time.sleep(0.2)
                continue
            handle.seek(0)
            holder = handle.read().split()
            handle.close()
            who = f"process {holder[0]}" if holder and holder[0].isdigit() else "another process"
            since = f" since {holder[1]}" if len(holder) > 1 else ""
            raise RenderError(
                f"pack {pack!r} is already being rendered by {who}{since}; not starting a second render "
                f"(lock file {path} holds the pid of the process rendering it; the lock is released "
                "as soon as that process exits, even if it is killed)", pack=pack) from None
        except BaseException:
            handle.close()
            raise
        if _same_file(handle, path):
            break
        handle.close()  # the last holder removed this file as we opened it: lock the new one
    try:
        started = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()} {started}\n")
        handle.flush()
        yield
    finally:
        try:
            if _same_file(handle, path):
                path.unlink()
        except OSError:
            pass
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


def _open_lock(path: Path):
    """``path`` opened as ``open(path, "a+")`` would, but never through a symbolic link: a link
    planted there is removed (as a link) and the lock file made in its place."""
    flags = os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags, 0o666)
    except OSError as exc:
        if exc.errno != errno.ELOOP or not path.is_symlink():
            raise
        _remove_link(path)
        fd = os.open(path, flags, 0o666)
    return os.fdopen(fd, "a+", encoding="utf-8")


def _same_file(handle, path: Path) -> bool:
    """Whether ``path`` still names the file open as ``handle``."""
    try:
        on_disk, opened = os.stat(path), os.fstat(handle.fileno())
    except FileNotFoundError:
        return False
    return (on_disk.st_dev, on_disk.st_ino) == (opened.st_dev, opened.st_ino)


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
    pack_dir = reports_dir / locked_pack  # a copy across filesystems is staged in here
    staged = sorted(pack_dir.glob(".*")) if pack_dir.is_dir() and not pack_dir.is_symlink() \
        and not pack_dir.name.startswith(".") else []
    for path in sorted(reports_dir.glob(".*")) + staged:
        match = _LEFTOVER.match(path.name) or _INDEX_LEFTOVER.match(path.name)
        if not match:
            continue
        pid, pack = int(match["pid"]), match.groupdict().get("pack")
        if _running(pid) and pack != locked_pack:
            continue
        if path.is_symlink():  # not a killed run's: never followed, nor put in place as a report
            _remove_link(path)
            removed.append(path.name)
            continue
        if match.groupdict().get("kind") == "old" and _put_back(path, reports_dir):
            continue
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        removed.append(path.name)
    return removed


def clear_leftovers(reports_dir: Path, pack: str) -> list[str]:
    """On the path that renders nothing (the pack is up to date): remove what a killed render left
    (``.<pack>.lock``, ``.tmp-``/``.old-`` folders and ``.index-`` files of processes gone), as a
    render would on entry. Done under the pack's lock, so a render running now keeps its own files;
    if the lock is held, or ``reports/`` cannot be written, nothing is touched. Returns the names removed."""
    reports_dir = Path(reports_dir)
    lock = reports_dir / f".{pack}.lock"
    try:
        left = [p.name for p in reports_dir.glob(".*") if _LEFTOVER.match(p.name) or _INDEX_LEFTOVER.match(p.name)]
    except OSError:
        return []
    if not left and not (lock.exists() or lock.is_symlink()):
        return []
    try:
        with pack_lock(reports_dir, pack):
            removed = clean_stale(reports_dir, pack)
    except (RenderError, OSError):  # a render holds the lock: its files are its own
        return []
    for name in removed:
        log.info("removed %s, left in %s by a run that was killed", name, reports_dir)
    return removed


def publish(tmp: Path, final: Path) -> None:
    """Put folder ``tmp`` at ``final`` in one step; afterwards the caller removes ``tmp``.

    ``tmp`` then holds the previous ``final``, if any (or, after a copy across
    filesystems, the render's own files). Before the swap:

    - in a worker started with ``die_with_parent``, refuses (``ParentGone``) if the process
      that started the run has exited;
    - refuses (``RenderError`` naming the path) if ``final`` or its folder ``<pack>`` is a
      symbolic link, or ``final`` exists and is not a folder: a link is never followed nor
      replaced (``refuse_linked_pack``);
    - gives the folder and its files the modes the umask gives (``share_like_umask``).

    ``<pack>`` on another filesystem than ``reports/`` (a mount point: rename fails with
    EXDEV) is published by copying ``tmp`` into ``<pack>/.tmp-…`` on that
    filesystem first, then swapping that in the same single step; if that fails too,
    the ``RenderError`` names both paths. Either way there is no moment without a
    complete report at ``final``.
    """
    check_parent_alive()
    refuse_linked_pack(final.parent.parent, final.parent.name)
    _refuse_links(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    share_like_umask(tmp)
    try:
        _swap(tmp, final)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        _publish_by_copy(tmp, final, exc)


def refuse_linked_pack(reports_dir: Path, pack: str) -> None:
    """Raise ``RenderError`` naming the link and its target if ``reports_dir/pack`` is a symbolic link.

    Such a link once made a render publish a whole pack outside the project (and clear what looked
    like a killed run's folders there). It is left as it is: the user made it and decides."""
    link = Path(reports_dir) / pack
    if not link.is_symlink():
        return
    try:
        target = os.readlink(link)
    except OSError as exc:
        target = f"a target that cannot be read ({exc.strerror or exc})"
    raise RenderError(
        f"{link} is a symbolic link to {target}; reportlib never follows a link out of the reports folder, so "
        f"pack {pack!r} was not rendered and nothing was published or deleted there. To keep reports on another "
        f"disk, link the whole reports folder instead ({link.parent} itself may be a link), or render with "
        f"--reports <folder>; then remove the link {link}", pack=pack)


def _refuse_links(final: Path) -> None:
    if final.is_symlink():
        try:
            target = f" (to {os.readlink(final)})"
        except OSError:
            target = ""
        raise RenderError(f"{final} is a symbolic link{target}; a report is never published through or over a "
                          f"link: remove it (to publish elsewhere, make {final.parent} itself the link); "
                          "nothing was published")
    if final.exists() and not final.is_dir():
        raise RenderError(f"{final} is a file, not a report folder; remove it; nothing was published")


def _publish_by_copy(tmp: Path, final: Path, cause: OSError) -> None:
    """``final``'s folder is on another filesystem than ``tmp``: copy there, then swap there."""
    match = _LEFTOVER.match(tmp.name)
    pack = match["pack"] if match else final.parent.name
    staging = None
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".tmp-{pack}-{os.getpid()}-", dir=final.parent))
        shutil.copytree(tmp, staging, symlinks=True, dirs_exist_ok=True)
        share_like_umask(staging)
        check_parent_alive()
        _swap(staging, final)
    except OSError as exc:
        raise RenderError(
            f"could not publish {tmp} as {final}: they are on different filesystems ({cause.strerror}), and "
            f"copying the report across failed: {exc.strerror or exc}"
            f"{f' ({exc.filename})' if getattr(exc, 'filename', None) else ''}; nothing was published "
            "(the last good report, if any, is unchanged)") from exc
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)  # now the previous report, or a failed copy


def _swap(tmp: Path, final: Path) -> None:
    """Put ``tmp`` at ``final`` in one step; the previous ``final``, if any, ends up at ``tmp``."""
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


# --- workers die with their parent, and never publish on their own ----------------------

_PR_SET_PDEATHSIG = 1
#: In a worker started with ``die_with_parent``: the pid of the process that started it.
_started_by: int | None = None


def die_with_parent(sig: int = signal.SIGTERM, parent: int | None = None) -> None:
    """Make this process get ``sig`` when its parent exits; use as a worker's ``initializer``.

    ``ProcessPoolExecutor(jobs, mp_context=..., initializer=publish.die_with_parent)``.
    On Linux this is ``prctl(PR_SET_PDEATHSIG)``; elsewhere there is no such signal, and
    the parent's pid is only recorded. Either way ``publish`` (``check_parent_alive``)
    then refuses to publish once the parent has gone. If the parent has already gone
    when this runs, ``sig`` is sent at once. Linux sends the signal when the *thread*
    that started the worker ends: start workers from a thread that lives as long as they
    do (``ProcessPoolExecutor`` starts them in the thread that submits work). ``parent``: the
    pid of the parent, for a process forked by other means than multiprocessing.
    """
    global _started_by
    if parent is None:
        parent = _multiprocessing_parent()
    expected = parent if parent is not None else os.getppid()
    _started_by = expected
    if sys.platform.startswith("linux") and _prctl is not None:
        _prctl(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0)
        if os.getppid() != expected:  # died before prctl: the signal will not come on its own
            os.kill(os.getpid(), sig)


def check_parent_alive() -> None:
    """Raise ``ParentGone`` in a worker (see ``die_with_parent``) whose starting process has exited."""
    if _started_by is not None and os.getppid() != _started_by:
        raise ParentGone(_started_by, os.getppid())


def _multiprocessing_parent() -> int | None:
    import multiprocessing

    parent = multiprocessing.parent_process()
    return parent.pid if parent is not None else None


try:
    _prctl = ctypes.CDLL(None, use_errno=True).prctl
    _prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
except (OSError, AttributeError):  # not Linux / glibc
    _prctl = None


# --- published files get the modes the umask gives -------------------------------------

def share_like_umask(folder: Path, umask: int | None = None) -> None:
    """Give ``folder``, its subfolders and files the modes a plain ``mkdir``/``open`` would.

    Folders get ``0o777 & ~umask``, files ``0o666 & ~umask`` (``0o777`` if any execute
    bit was set); symbolic links are neither followed nor changed. ``mkdtemp`` and
    ``mkstemp`` create private modes (0700, 0600), which would otherwise be published.
    """
    mask = current_umask() if umask is None else umask
    for root, _dirs, files in os.walk(folder):  # does not follow links to folders
        os.chmod(root, 0o777 & ~mask)
        for name in files:
            path = os.path.join(root, name)
            mode = os.lstat(path).st_mode
            if stat.S_ISREG(mode):
                os.chmod(path, (0o777 if mode & 0o111 else 0o666) & ~mask)


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


def remove_planted_links(reports_dir: Path, *names: str) -> list[Path]:
    """Remove each symbolic link at ``reports_dir/names[0]``, then ``…/names[0]/names[1]`` and so
    on down: reportlib's own places in ``reports/``. A link is removed as a link (``unlink``), so
    what it points at is never touched; each is logged as a warning naming it. Returns the links removed."""
    removed = []
    path = Path(reports_dir)
    for name in names:
        path = path / name
        if path.is_symlink():
            _remove_link(path)
            removed.append(path)
        elif not path.is_dir():
            break  # nothing further down
    return removed


def _remove_link(path: Path) -> None:
    try:
        target = f" (to {os.readlink(path)})"
    except OSError:
        target = ""
    path.unlink()
    log.warning("removed the symbolic link %s%s: reportlib keeps its own files there and never follows a link "
                "out of the reports folder; what it pointed to was not touched", path, target)


def _failed_places(failed: Path) -> tuple[Path, tuple[str, ...]]:
    """``reports/_failed/<pack>/<as_of>`` as (``reports``, (``_failed``, ``<pack>``, ``<as_of>``))."""
    return failed.parents[2], failed.parts[-3:]


def keep_failed(tmp: Path, failed: Path, exc: Exception) -> str | None:
    """Replace ``failed`` with the executed notebooks in ``tmp`` and the error, for inspection.

    ``failed`` is ``reports/_failed/<pack>/<as_of>``: a symbolic link at any of its last three
    parts is removed as a link first, so nothing is deleted or written where it points."""
    notebooks = sorted(tmp.glob("*.ipynb"))
    if not notebooks:
        return None
    reports_dir, names = _failed_places(failed)
    try:
        remove_planted_links(reports_dir, *names)
    except OSError:  # a link that cannot be removed is not gone through: keep nothing
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
    """A good render makes an old failure of the same pack and date moot: remove it (a symbolic
    link on the way is removed as a link, never followed: see ``keep_failed``)."""
    reports_dir, names = _failed_places(failed)
    try:
        remove_planted_links(reports_dir, *names)
    except OSError as exc:  # a link that cannot be removed is not gone through: leave it all
        log.warning("could not remove the symbolic link in %s (%s); nothing under it was removed",
                    failed, exc.strerror or exc)
        return
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
    from reportlib.run import manifest as manifests

    manifest = manifests.read_if_any(aside)
    if manifest is None:
        return False
    final = reports_dir / manifest.pack / manifest.as_of
    if final.exists() or _LEFTOVER.match(aside.name)["pack"] != manifest.pack:
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
