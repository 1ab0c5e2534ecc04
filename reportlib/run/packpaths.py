"""Where a pack's data is: one set of rules for checking a pack (``packs``) and for the
fingerprint that says whether it needs rendering again (``fingerprint``).

A data entry is relative to the project folder, or to the data root (the pack's
``data_root``, else ``$REPORTLIB_DATA_ROOT``; a relative data root is the project's); an
absolute entry is allowed only with a data root. The first candidate that exists is it.
"""
from __future__ import annotations

import os
from pathlib import Path

DATA_ROOT_VARIABLE = "REPORTLIB_DATA_ROOT"


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
