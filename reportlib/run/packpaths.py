"""Where a pack's data is: one set of rules for checking a pack (``packs``) and for the
fingerprint that says whether it needs rendering again (``fingerprint``).

A data entry is relative to the project folder, or to the data root (the pack's
``data_root``, else ``$REPORTLIB_DATA_ROOT``; a relative data root is the project's); an
absolute entry is allowed only with a data root. The first candidate that exists is it.

The project folder of a pack file (``project_root``) is the folder holding its ``params/``. A
pack file kept anywhere else (``reportlib render /tmp/x/pack.yaml``) belongs to the first of
these that holds a ``notebooks/`` folder: the pack's own folder, the current folder, the
project the package itself was installed from; its notebooks and data are looked for there.
"""
from __future__ import annotations

import os
from pathlib import Path

DATA_ROOT_VARIABLE = "REPORTLIB_DATA_ROOT"
PARAMS_DIR = "params"
NOTEBOOKS_DIR = "notebooks"
#: The project the package sits in (a source checkout or an editable install); a wheel has none.
PACKAGE_PROJECT = Path(__file__).resolve().parents[2]


def project_root(pack_path) -> Path:
    """The project folder of a pack file: the folder holding its ``params/``; for a pack file kept
    elsewhere, the first of its own folder, the current folder and the package's project that
    holds ``notebooks/`` (the current folder when none does, so an error names a place to look)."""
    pack_path = Path(pack_path).resolve()
    if pack_path.parent.name == PARAMS_DIR:
        return pack_path.parent.parent
    for candidate in (pack_path.parent, Path.cwd(), PACKAGE_PROJECT):
        if (candidate / NOTEBOOKS_DIR).is_dir():
            return candidate.resolve()
    return Path.cwd().resolve()


def how_found(pack_path, root: Path) -> str:
    """Why ``root`` is the pack's project, said for an error message (empty for a pack in params/)."""
    pack_path = Path(pack_path).resolve()
    if pack_path.parent.name == PARAMS_DIR and pack_path.parent.parent == Path(root).resolve():
        return ""
    return (f"; the pack file is not in a {PARAMS_DIR}/ folder, so its project is {root} (the first of the pack's "
            f"folder, the current folder and the package's project that holds {NOTEBOOKS_DIR}/): run from the "
            f"project folder, or keep the pack in its {PARAMS_DIR}/")


def data_root(raw: dict, root: Path) -> str | None:
    """The data root a pack file's raw mapping gives, as a path (None when there is none)."""
    given = raw.get("data_root") if isinstance(raw, dict) and isinstance(raw.get("data_root"), str) else None
    value = given or os.environ.get(DATA_ROOT_VARIABLE) or None
    if value and not Path(value).is_absolute():
        value = str(Path(root) / value)
    return value


def data_candidates(value: str, root: Path, data_root: str | None) -> list[Path]:
    """Where data entry ``value`` may be, in the order looked at; [] for an absolute entry
    without a data root (a pack may not name data anywhere on the machine)."""
    path = Path(value)
    if path.is_absolute():
        return [path.resolve()] if data_root else []
    return [(Path(root) / path).resolve()] + ([(Path(data_root) / path).resolve()] if data_root else [])
