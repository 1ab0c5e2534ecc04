"""Whether a pack needs rendering again: the fingerprint of everything its reports depend on.

A pack is **up to date**, and ``reportlib render`` skips it, when its last good render
(``reports/<pack>/<as_of>/manifest.json``) recorded the same fingerprint as now, and every
output that manifest lists is still there. The fingerprint is the SHA-256 of:

- the pack file's bytes;
- each data file's bytes (SHA-256 each), and every ``*.layout.yaml`` beside the data;
- each notebook's bytes;
- reportlib itself: its version and the bytes of its code, built-in layouts, status
  rules and templates (so a changed rule or template re-renders every pack).

It is computed from the pack file read as plain YAML (``pack``, ``as_of``, ``data``,
``data_root``, ``notebooks``), without the pack's full checks or its notebooks'
parameters, so that checking 400 packs takes a moment; a pack that cannot be read that
way has no fingerprint and is rendered (and its errors reported) as usual. This module
imports neither papermill nor nbconvert, so a run with nothing to do starts quickly. Files shared
by several packs are hashed once per process (keyed by path, size, mtime and inode).
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from reportlib.core import safeyaml
from reportlib.core.files import sha256_file
from reportlib.core.version import version
from reportlib.run import manifest as manifests
from reportlib.run.packpaths import data_candidates, data_root, project_root

# As in reportlib.run.packs (not imported here: it imports papermill, and a no-op run need not).
MAX_PACK_BYTES = 64 * 1024

PACKAGE_DIR = Path(__file__).resolve().parents[1]
_CODE_SUFFIXES = {".py", ".yaml", ".j2", ".css", ".json", ".mplstyle"}
_hashes: dict[tuple, str] = {}


@dataclass(frozen=True)
class Fingerprint:
    pack: str
    as_of: str
    digest: str
    parts: dict

    def as_dict(self) -> dict:
        return {"digest": self.digest, "parts": self.parts}


def file_sha256(path: Path) -> str:
    """``sha256_file``, once per process for a file that has not changed (the up-to-date check)."""
    st = os.stat(path)
    key = (str(path), st.st_size, st.st_mtime_ns, st.st_ino)
    found = _hashes.get(key)
    if found is None:
        found = _hashes[key] = sha256_file(path)
    return found


@lru_cache(maxsize=1)
def reportlib_digest() -> str:
    """reportlib's version and the SHA-256 of its code, layouts, rules and templates."""
    installed = version()
    digest = hashlib.sha256(f"reportlib {installed}\n".encode())
    for path in sorted(PACKAGE_DIR.rglob("*")):
        if path.suffix in _CODE_SUFFIXES and path.is_file() and "__pycache__" not in path.parts:
            digest.update(f"{path.relative_to(PACKAGE_DIR).as_posix()}\n".encode())
            digest.update(file_sha256(path).encode())
    return f"{installed}+{digest.hexdigest()[:16]}"


def fingerprint(pack_path, root=None) -> Fingerprint | None:
    """The pack's fingerprint; None when the pack file or one of its files cannot be read."""
    pack_path = Path(pack_path).resolve()
    root = Path(root).resolve() if root is not None else project_root(pack_path)
    try:
        raw = _raw_pack(pack_path)
        name, as_of = raw["pack"], raw["as_of"]
        as_of = as_of.isoformat() if isinstance(as_of, date) else str(as_of).strip()
        data, notebooks = _files_named(raw, root)
        layouts = sorted({p for d in data for p in d.parent.glob("*.layout.yaml")})
        decided = sorted({d.parent / "decisions.csv" for d in data if (d.parent / "decisions.csv").is_file()})
        files = [("pack_file", pack_path)] + [("data", p) for p in data] + [("layouts", p) for p in layouts] \
            + [("decisions", p) for p in decided] + [("notebooks", p) for p in notebooks]
        # paths relative to the project, so a copy of the project (or a worker's mount) has the same digest
        hashed = [(kind, _shown(p, root), file_sha256(p)) for kind, p in files]
    except Exception:  # noqa: BLE001 - anything unreadable: no fingerprint, so the pack is rendered
        return None
    if not isinstance(name, str):
        return None
    code = reportlib_digest()
    digest = hashlib.sha256(repr((hashed, code)).encode()).hexdigest()
    parts: dict = {"pack_file": hashed[0][2], "data": {}, "layouts": {}, "decisions": {}, "notebooks": {}}
    for kind, path, sha in hashed[1:]:  # shown relative to the project (outside it: the file name)
        parts[kind][path] = sha
    parts["reportlib"] = code
    return Fingerprint(name, as_of, digest, parts)


def up_to_date(pack_path, reports_dir, root=None) -> manifests.Manifest | None:
    """The manifest of the pack's last good render if nothing it depends on has changed since, else None."""
    found = fingerprint(pack_path, root)
    if found is None:
        return None
    if (Path(reports_dir) / found.pack).is_symlink():  # refused when rendered (publish.refuse_linked_pack)
        return None
    folder = Path(reports_dir) / found.pack / found.as_of
    last = manifests.read_if_any(folder)
    if last is None or last.digest != found.digest or last.pack != found.pack:
        return None
    if not all(_as_published(folder / output.file, output) for output in last.outputs):
        return None
    return last


def _as_published(path: Path, output: manifests.Output) -> bool:
    """Whether ``path`` is still the file the manifest lists: there, with its size and SHA-256
    (a report emptied or edited since is rendered again, not kept as up to date)."""
    try:
        if not path.is_file() or path.stat().st_size != output.bytes:
            return False
        return not output.sha256 or sha256_file(path) == output.sha256
    except OSError:
        return False


def pack_name(pack_path) -> str | None:
    """The ``pack:`` name a pack file gives (read as plain YAML, unchecked); None if it cannot be read."""
    try:
        raw = _raw_pack(pack_path)
    except Exception:  # noqa: BLE001 - the pack's own checks will say what is wrong
        return None
    name = raw.get("pack") if isinstance(raw, dict) else None
    return name if isinstance(name, str) else None


def _raw_pack(pack_path) -> dict:
    """A pack file as plain YAML, unchecked (``packs.load_pack`` checks it)."""
    return safeyaml.load(Path(pack_path).read_bytes().decode("utf-8"), source=str(pack_path), max_bytes=MAX_PACK_BYTES)


def needed_files(pack_path, root=None) -> list[Path]:
    """The data files and notebooks a pack names (read as plain YAML, unchecked); [] if it cannot be read."""
    pack_path = Path(pack_path).resolve()
    root = Path(root).resolve() if root is not None else project_root(pack_path)
    try:
        raw = _raw_pack(pack_path)
        data, notebooks = _files_named(raw, root)
    except Exception:  # noqa: BLE001 - the pack's own checks will say what is wrong
        return []
    return data + notebooks


def _files_named(raw: dict, root: Path) -> tuple[list[Path], list[Path]]:
    """The data files and notebooks a pack names, found as ``packs`` finds them: relative to the
    project or the data root, a folder standing for the plan files in it."""
    from reportlib.ingest.files import discover
    from reportlib.model.vocab import DECISIONS_FILE as DECISIONS

    found_root = data_root(raw, root)
    data = []
    for value in raw["data"]:
        found = _data_path(value, root, found_root)
        data += [f.resolve() for f in discover(found) if f.name != DECISIONS] if found.is_dir() else [found]
    notebooks = [(root / nb["notebook"]).resolve() for nb in raw["notebooks"]]
    return data, notebooks


def _data_path(value: str, root: Path, found_root) -> Path:
    candidates = data_candidates(value, root, found_root)
    if not candidates:
        raise ValueError("absolute data path without a data root")
    return next((c for c in candidates if c.exists()), candidates[0])


def _shown(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.name
