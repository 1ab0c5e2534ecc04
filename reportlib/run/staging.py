"""Staged publishing: one context manager owns a pack's lock, its temporary folder, the swap
into place and what happens on failure (built from ``reportlib.run.publish``)::

    with staged_publish(reports_dir, "wdc-executive", "2010-03-31") as folder:
        ...  # write every output into ``folder``
    # here, and only here, the outputs are at reports/wdc-executive/2010-03-31/

- On entry: refuses a symbolic link at ``reports/<pack>`` (``publish.refuse_linked_pack``: the
  pack fails naming the link and its target, and nothing is written where it points), takes
  ``reports/.<pack>.lock`` (a second render of the pack is refused),
  removes what killed runs left (logged), and creates ``reports/.tmp-<pack>-<pid>-<random>/``.
- On a clean exit: swaps the folder into ``reports/<pack>/<as_of>/`` in one step
  (``publish.publish``) and removes an older failure of the same pack and date.
- On an exception: nothing is published. The executed notebooks written so far go to
  ``reports/_failed/<pack>/<as_of>/`` with ``error.txt`` (not when the disk is full), and
  a ``RenderError`` naming the pack is raised, saying where they were kept (``kept``);
  the exception raised inside is its ``__cause__``. On ``Interrupted`` (SIGTERM) or
  Ctrl-C the temporary folder is removed and the interruption goes on up.
- Always: the temporary folder is removed and the lock released.

A process killed with SIGKILL leaves its temporary folder and lock file (the lock itself goes
with the process); the next render of the pack removes both, and so does one that finds the pack
up to date (``publish.clear_leftovers``).
"""
from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from reportlib.errors import RenderError, ReportlibError
from reportlib.run.publish import (
    clean_stale,
    describe_os_error,
    keep_failed,
    pack_lock,
    publish,
    refuse_linked_pack,
    remove_stale_failure,
    temp_folder,
)

log = logging.getLogger(__name__)
FAILED_DIR = "_failed"


@contextmanager
def staged_publish(reports_dir, pack: str, as_of: str, lock_wait: float = 0.0) -> Iterator[Path]:
    """Yield an empty private folder; publish it as ``reports/<pack>/<as_of>/`` if the block succeeds.

    ``lock_wait``: seconds to wait for the pack's lock before refusing (``publish.pack_lock``).
    """
    reports_dir = Path(reports_dir)
    final = reports_dir / pack / as_of
    failed = reports_dir / FAILED_DIR / pack / as_of
    refuse_linked_pack(reports_dir, pack)
    with pack_lock(reports_dir, pack, wait=lock_wait):
        refuse_linked_pack(reports_dir, pack)  # again under the lock: made while another render held it
        for leftover in clean_stale(reports_dir, pack):
            log.info("removed %s, left in %s by a run that was killed", leftover, reports_dir)
        tmp = temp_folder(reports_dir, pack)
        try:
            yield tmp
            publish(tmp, final)  # tmp now holds the previous report, if any
        except Exception as exc:
            kept = None if describe_os_error(exc, reports_dir) else keep_failed(tmp, failed, exc)
            where = f" (executed notebooks kept in {kept})" if kept else ""
            error = RenderError(explain(exc, reports_dir) + where, pack=pack)
            error.kept = kept
            raise error from exc
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    remove_stale_failure(failed)


def explain(exc: BaseException, reports_dir) -> str:
    """One sentence for ``exc``: reportlib's own errors as they are, a full disk as such, else type and message."""
    if isinstance(exc, RenderError):
        return str(exc)
    disk = describe_os_error(exc, Path(reports_dir))
    if disk:
        return f"{disk}; nothing was published (the last good report, if any, is unchanged)"
    return str(exc) if isinstance(exc, ReportlibError) else f"{type(exc).__name__}: {exc}"
