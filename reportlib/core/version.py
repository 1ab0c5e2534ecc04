"""The installed version of reportlib, or of a library it uses, as the manifest records it."""
from __future__ import annotations

from importlib import metadata


def version(distribution: str = "reportlib") -> str:
    """``distribution``'s installed version, or "unknown" when it is not installed as a package."""
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "unknown"
