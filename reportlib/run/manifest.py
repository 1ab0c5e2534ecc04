"""``manifest.json``: what a published pack holds and what it was made from, in one type.

Every render writes one beside its outputs (``reports/<pack>/<as_of>/manifest.json``).
``Manifest`` is the only place its keys are spelled: the runner writes it
(``Manifest.write``); the index page, the publisher (putting back a report a killed
run set aside), the scheduler (last timings, longest packs first) and the up-to-date
check read it through ``read``/``read_if_any``.

Keys, in the order they are written:

- ``pack``, ``title``, ``council``, ``committee``, ``as_of``, ``audience``, ``formats``;
- ``pack_file``: ``{path, sha256}`` of the pack file; ``path`` is relative to the project
  (``params/<pack>.yaml``), or absolute for a pack file kept outside the project, so that
  ``reportlib verify`` finds it again;
- ``inputs``: ``{file, path, sha256, bytes}`` of each data file, the very bytes parsed;
- ``withheld``: columns withheld from an external audience;
- ``notebooks``: ``{notebook, sha256, parameters}`` of each notebook run;
- ``outputs``: ``{file, kind, status, sha256, bytes}`` of each published file (timings are kept
  apart, in ``reports/_timings/<pack>.json``, so the manifest is reproducible);
- ``versions``: reportlib, papermill, nbconvert, nbformat, weasyprint, pandas, python;
- ``generated_at``: UTC, ``YYYY-MM-DDTHH:MM:SSZ``;
- ``fingerprint``: ``{digest, parts}``, the inputs a re-render would depend on
  (``reportlib.run.fingerprint``); a later run whose fingerprint is the same skips the pack;
- ``rendered_by``: ``{engine, scheduler, worker}``: ``engine`` is ``process`` (this
  machine, in the main process or a process pool), ``dask-local`` or ``dask``;
  ``scheduler`` the Dask scheduler's address (None without Dask); ``worker`` the Dask
  worker's address, or ``<host>:pid<pid>`` without Dask.
"""
from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from reportlib.errors import RenderError

FILE_NAME = "manifest.json"


class ManifestError(RenderError):
    """A ``manifest.json`` that cannot be read or is not a manifest: ``path`` says which."""

    def __init__(self, path, reason: str):
        self.path, self.reason = str(path), reason
        super().__init__(f"{path}: not a readable manifest ({reason})", output=str(path))



@dataclass(frozen=True)
class Output:
    """One published file of a pack."""

    file: str
    kind: str = ""
    status: str = "ok"
    seconds: float | None = None  # not written: timings are kept apart (reports/_timings), see determinism
    sha256: str = ""
    bytes: int = 0


@dataclass(frozen=True)
class RenderedBy:
    """Where a pack was rendered."""

    engine: str = "process"
    scheduler: str | None = None
    worker: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Manifest:
    """What ``manifest.json`` holds; see the module docstring for each key."""

    pack: str
    as_of: str
    title: str = ""
    council: str = ""
    committee: str = ""
    audience: str = ""
    formats: tuple[str, ...] = ()
    pack_file: dict = field(default_factory=dict)
    inputs: tuple[dict, ...] = ()
    withheld: tuple[str, ...] = ()
    notebooks: tuple[dict, ...] = ()
    outputs: tuple[Output, ...] = ()
    versions: dict = field(default_factory=dict)
    generated_at: str = ""
    fingerprint: dict | None = None
    rendered_by: RenderedBy = RenderedBy()

    @property
    def digest(self) -> str | None:
        """The fingerprint's digest (None for a manifest written before fingerprints)."""
        return (self.fingerprint or {}).get("digest")

    @property
    def seconds(self) -> float:
        """How long the outputs took to make."""
        return sum(o.seconds or 0.0 for o in self.outputs)

    def files(self) -> list[str]:
        return [o.file for o in self.outputs]

    def to_dict(self) -> dict:
        data = asdict(self)
        order = ("pack", "title", "council", "committee", "as_of", "audience", "formats", "pack_file", "inputs",
                 "withheld", "notebooks", "outputs", "versions", "generated_at", "fingerprint", "rendered_by")
        out = {key: _plain(data[key]) for key in order}
        for output in out["outputs"]:  # the same inputs give the same bytes: no run timings
            if output.get("seconds") is None:
                output.pop("seconds", None)
        return out

    @classmethod
    def from_dict(cls, data: dict, source="manifest") -> Manifest:
        if not isinstance(data, dict) or not isinstance(data.get("pack"), str) or not isinstance(
                data.get("as_of"), str):
            raise ManifestError(source, "expected a mapping with 'pack' and 'as_of'")
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        try:
            values["outputs"] = tuple(Output(**{k: v for k, v in o.items() if k in _OUTPUT_KEYS})
                                      for o in values.get("outputs", ()))
            values["rendered_by"] = RenderedBy(**values.get("rendered_by") or {})
        except (TypeError, AttributeError) as exc:
            raise ManifestError(source, f"unexpected outputs or rendered_by: {exc}") from None
        for key in ("formats", "inputs", "withheld", "notebooks"):
            if key in values:
                values[key] = tuple(values[key] or ())
        return cls(**values)

    def write(self, folder) -> Path:
        """Write ``folder/manifest.json`` (two-space indented JSON, keys in the documented order)."""
        path = Path(folder) / FILE_NAME
        path.write_text(json.dumps(self.to_dict(), indent=2, default=str) + "\n", encoding="utf-8")
        return path


_OUTPUT_KEYS = {f.name for f in fields(Output)}


def _plain(value):
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def read(path) -> Manifest:
    """The manifest at ``path`` (a ``manifest.json``, or the folder holding one); ``ManifestError`` if unreadable."""
    path = Path(path)
    if path.name != FILE_NAME:
        path = path / FILE_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ManifestError(path, getattr(exc, "strerror", None) or str(exc)) from None
    return Manifest.from_dict(data, path)


def read_if_any(path) -> Manifest | None:
    """``read``, or None when there is no readable manifest there."""
    try:
        return read(path)
    except ManifestError:
        return None


def latest(pack_folder) -> Manifest | None:
    """The manifest of a pack's most recently written report (``reports/<pack>/*/``), if any."""
    found = []
    for path in Path(pack_folder).glob(f"*/{FILE_NAME}"):
        try:
            found.append((os.stat(path).st_mtime, path))
        except OSError:
            continue
    for _, path in sorted(found, reverse=True):
        manifest = read_if_any(path)
        if manifest is not None:
            return manifest
    return None
