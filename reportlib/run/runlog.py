"""What a render says while it runs, and what the libraries it uses must not say.

- ``quiet_libraries``: other libraries' log messages stay out of the run log. WeasyPrint
  subsets fonts with fontTools when HarfBuzz cannot, and fontTools logs every table it
  prunes at INFO (about a thousand lines for the shipped packs); matplotlib warns while it
  builds its font cache on a machine's first run. Only warnings and errors of reportlib
  itself, and errors of the rest, get through.
- ``warm_font_cache``: builds matplotlib's font cache once, quietly, before any kernel
  starts, so no notebook's first run writes "building the font cache" into its outputs
  (the same inputs must give the same executed notebook, see ``reportlib.run.determinism``).
- ``started_line``, ``finished_line``, ``summary_line``: when output is not a terminal
  (cron, CI), one line as each pack starts (on a Dask cluster, ``submitted_line`` as it is
  sent), one as it finishes with its time, and one summary at the end.
"""
from __future__ import annotations

import logging
import time
from pathlib import Path

#: Libraries whose INFO (and for some, WARNING) messages are noise in a run log.
QUIET_LOGGERS = {
    "fontTools": logging.ERROR,
    "weasyprint": logging.ERROR,
    "matplotlib": logging.ERROR,
    "PIL": logging.ERROR,
    "papermill": logging.WARNING,
    "traitlets": logging.ERROR,
    "nbconvert": logging.ERROR,
    "asyncio": logging.ERROR,
}


def quiet_libraries() -> None:
    """Raise the level of the noisy libraries' loggers (see ``QUIET_LOGGERS``); idempotent."""
    for name, level in QUIET_LOGGERS.items():
        logger = logging.getLogger(name)
        if logger.level < level:
            logger.setLevel(level)


def warm_font_cache() -> None:
    """Load (on a first run, build) matplotlib's font cache now, with its logger quiet."""
    quiet_libraries()
    import matplotlib.font_manager  # noqa: F401  building the cache is a side effect of the import


def started_line(pack: str, number: int, total: int) -> str:
    """``09:12:03 wdc-executive: started (pack 1 of 4)``."""
    return f"{time.strftime('%H:%M:%S')} {pack}: started (pack {number} of {total})"


def submitted_line(pack: str, number: int, total: int) -> str:
    """``09:12:03 wdc-executive: sent to the Dask cluster (pack 1 of 4)``: on a cluster the
    pack starts when a worker is free, which the scheduler, not this process, decides."""
    return f"{time.strftime('%H:%M:%S')} {pack}: sent to the Dask cluster (pack {number} of {total})"


def _shown(folder: Path) -> str:
    """``folder`` relative to the working folder when it is under it (a Dask worker reports absolute paths)."""
    try:
        return str(folder.resolve().relative_to(Path.cwd().resolve())) if folder.is_absolute() else str(folder)
    except (ValueError, OSError):
        return str(folder)


def finished_line(result) -> str:
    """``09:12:13 wdc-executive: rendered in 9.8 s (5 files in reports/wdc-executive/2010-03-31)``,
    or ``… failed after 2.1 s`` (the reason follows in the summary)."""
    clock = time.strftime('%H:%M:%S')
    if not result.ok:
        return f"{clock} {result.pack}: failed after {result.seconds:.1f} s"
    folders = sorted({_shown(Path(p).parent) for p in result.outputs})
    where = f" in {folders[0]}" if len(folders) == 1 else ""
    return f"{clock} {result.pack}: rendered in {result.seconds:.1f} s ({len(result.outputs)} files{where})"


def summary_line(results, seconds: float) -> str:
    """``3 of 4 pack(s) rendered in 33.4 s; failed: sddc-finance-management``."""
    failed = [r.pack for r in results if not r.ok]
    skipped = sum(bool(getattr(r, "up_to_date", False)) for r in results)
    line = f"{len(results) - len(failed) - skipped} of {len(results)} pack(s) rendered in {seconds:.1f} s"
    line += f", {skipped} up to date" if skipped else ""
    return line + (f"; failed: {', '.join(failed)}" if failed else "")
