"""Where a notebook's relative data paths point, whatever folder it was started from.

The shipped notebooks default to ``data_paths = ["../data"]``: relative to the
notebook's own folder (``notebooks/``), as JupyterLab runs them. papermill runs a
kernel in the folder it was started from and sets no ``__file__``, so
``papermill notebooks/council_progress.ipynb out.ipynb`` from the project root would
look for ``../data`` beside the project. ``notebook_folders`` lists the folders a
notebook may have been opened from, most likely first, and ``resolve_data_paths``
reads each relative path against the first of them where it exists:

1. the folder named by ``REPORTLIB_NOTEBOOK_DIR``, if set;
2. the notebook's folder as the Jupyter server names it (``JPY_SESSION_NAME``, set for
   kernels that JupyterLab starts);
3. the working folder, when it holds notebooks (Lab and ``papermill --cwd notebooks``);
4. ``notebooks/`` in the working folder or the nearest folder above it that has one
   (papermill started from the project root or any folder inside the project);
5. ``notebooks/`` of the project this reportlib was installed from (``make setup``
   installs it in place), so a scheduler may run papermill from any folder at all.

Absolute paths are returned as they are. A relative path found nowhere is returned
as the working folder would read it, so the loader's error names the path.
"""
from __future__ import annotations

import os
from pathlib import Path

NOTEBOOK_DIR_VARIABLE = "REPORTLIB_NOTEBOOK_DIR"
#: The project's notebooks when reportlib is installed in place (``pip install -e .``).
_INSTALLED_PROJECT = Path(__file__).resolve().parents[2]


def notebook_folders(cwd: str | Path | None = None) -> list[Path]:
    """The folders a notebook was most likely opened from, most likely first (see the module docstring)."""
    cwd = Path(cwd) if cwd is not None else Path.cwd()
    found: list[Path] = []
    named = os.environ.get(NOTEBOOK_DIR_VARIABLE)
    if named:
        found.append(Path(named).expanduser())
    session = os.environ.get("JPY_SESSION_NAME")
    if session and session.endswith(".ipynb"):
        session_path = Path(session).expanduser()
        found.append((session_path if session_path.is_absolute() else cwd / session_path).parent)
    if any(cwd.glob("*.ipynb")):
        found.append(cwd)
    for folder in (cwd, *cwd.parents):
        if (folder / "notebooks").is_dir():
            found.append(folder / "notebooks")
            break
    if (_INSTALLED_PROJECT / "notebooks").is_dir():
        found.append(_INSTALLED_PROJECT / "notebooks")
    unique = []
    for folder in found:
        folder = folder.resolve()
        if folder not in unique:
            unique.append(folder)
    return unique


def resolve_data_path(path: str | Path, cwd: str | Path | None = None) -> Path:
    """``path`` read from the notebook's folder (see the module docstring)."""
    path = Path(path).expanduser()
    if path.is_absolute():
        return path
    for folder in notebook_folders(cwd):
        candidate = folder / path
        if candidate.exists():
            return Path(os.path.normpath(candidate))
    return path


def resolve_data_paths(paths, cwd: str | Path | None = None) -> list[Path]:
    """Each of ``paths`` (one path or a list) read from the notebook's folder."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    return [resolve_data_path(p, cwd) for p in paths]
