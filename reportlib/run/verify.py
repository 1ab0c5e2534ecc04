"""``reportlib verify reports/<pack>/<as_of>``: did this report come from these inputs and this code?

Three checks, in order, each naming what differs:

1. **Inputs.** Every input the manifest names (the pack file, each data file, each
   notebook) is hashed again and compared with the SHA-256 the manifest records.
2. **Published files.** The files in the folder are exactly those the manifest lists
   (plus ``manifest.json``), and each still has the SHA-256 the manifest records.
3. **Rendered again.** When the inputs are unchanged, the pack is rendered again from its
   pack file into a temporary folder outside ``reports/``, and every published file is
   compared with the new one byte for byte: ``manifest.json`` apart from its
   ``generated_at`` value (see ``reportlib.run.determinism``), every other file whole. When
   an input has changed, rendering again could only show that every output differs, so
   it is not done.

Before any of them, the manifest's record of its making is checked to be what a render
writes: ``generated_at`` a UTC time, ``rendered_by`` an engine, a scheduler's and a worker's
address. Those two fields are left out of the comparison, so anything else written there
(a name, "signed off by …") is refused, naming the field. A verified report came from these
inputs and this code; nothing in it is signed, and verifying says nothing of who approved it.

The report folder may be anywhere, under any name: the manifest's paths are relative to the
project, and the published files name none of the folders they sit in. A pack file kept outside
the project (``reportlib render ../pack.yaml``) is recorded by its absolute path and read from
there; if it is no longer there, verify says so, naming that path.

Nothing is written into ``reports/``. The result is a ``Verification``; the CLI prints it.

The new render is made in ``$TMPDIR/reportlib-verify-<pid>-<random>/`` and removed afterwards. A
verify killed outright (SIGKILL) cannot remove its folder, so each verify first removes those of
verifies whose process is gone (``clear_leftovers``), as a render does with its own (``publish``).
"""
from __future__ import annotations

import json
import logging
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from reportlib.core.files import sha256_file
from reportlib.errors import ReportlibError
from reportlib.model.vocab import DECISIONS_FILE
from reportlib.run.determinism import GENERATED_FIELD, RENDERED_BY_FIELD, without_generated_time
from reportlib.run.fingerprint import needed_files
from reportlib.run.packpaths import how_found, project_root
from reportlib.run.publish import _running

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"
#: The temporary folder a verify renders again in: ``reportlib-verify-<pid>-<random>``, the pid says whose.
SCRATCH_PREFIX = "reportlib-verify-"
_SCRATCH = re.compile(rf"^{SCRATCH_PREFIX}(?P<pid>\d+)-[a-z0-9_]{{8}}$")
#: ``generated_at`` as a render writes it (UTC, to the second).
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
#: A Dask address (``tcp://10.0.0.2:8786``) or ``<host>:pid<pid>``: no spaces, nothing but these.
_ADDRESS = re.compile(r"[A-Za-z0-9._~%+@:/\[\]-]{1,255}")


class VerifyError(ReportlibError):
    """The folder cannot be verified at all (no manifest, no pack file to render from)."""


@dataclass(frozen=True)
class Difference:
    """One input or output that is not what the manifest or a new render says."""

    kind: str   # "input" or "output"
    name: str   # the path as the manifest names it, or the published file's name
    detail: str

    def __str__(self) -> str:
        return f"{self.kind} differs: {self.name}: {self.detail}"


@dataclass
class Verification:
    """What was compared, and what differs (empty when the report is verified)."""

    folder: Path
    inputs: list[str] = field(default_factory=list)        # inputs re-hashed
    outputs: list[str] = field(default_factory=list)       # published files compared
    rendered_again: bool = False
    differences: list[Difference] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.differences

    def summary(self) -> str:
        """One line of what was compared."""
        how = ("byte for byte with a new render" if self.rendered_again
               else "with the SHA-256 in the manifest only (not rendered again: "
               + ("an input differs)" if any(d.kind == "input" for d in self.differences) else "rendering failed)"))
        return (f"{len(self.inputs)} input(s) re-hashed ({', '.join(self.inputs)}); "
                f"{len(self.outputs)} published file(s) compared {how}"
                + (f" ({MANIFEST} apart from {GENERATED_FIELD} and {RENDERED_BY_FIELD})" if self.rendered_again
                   else ""))


def verify_report(folder, *, root=None, on_render=None) -> Verification:
    """Verify the published report in ``folder`` (``reports/<pack>/<as_of>``).

    ``root`` is the project folder the manifest's paths are relative to; by default the
    current folder if it holds the manifest's pack file, else the folder holding ``reports/``.
    ``on_render`` is called (with no arguments) just before the pack is rendered again.
    Raises ``VerifyError`` when the folder has no readable manifest or the pack file is
    nowhere to be found.
    """
    folder = Path(folder)
    clear_leftovers()
    manifest = _read_manifest(folder)
    root = _project_root(folder, manifest, root)
    result = Verification(folder)
    _check_inputs(manifest, root, result)
    _check_published(folder, manifest, result)
    if not any(d.kind == "input" for d in result.differences):
        if on_render:
            on_render()
        _compare_with_new_render(folder, manifest, root, result)
    return result


def clear_leftovers() -> list[str]:
    """Remove the temporary folders (``$TMPDIR/reportlib-verify-<pid>-<random>/``) of verifies that were
    killed before they could, as this user; returns the names removed. A folder whose process is still
    running is its own; a link, or a folder of another user, is never touched."""
    try:
        found = sorted(Path(tempfile.gettempdir()).glob(f"{SCRATCH_PREFIX}*"))
    except OSError:
        return []
    removed = []
    for path in found:
        match = _SCRATCH.match(path.name)
        if not match or int(match["pid"]) == os.getpid() or _running(int(match["pid"])):
            continue
        try:
            owned = not path.is_symlink() and path.is_dir() and path.stat().st_uid == os.getuid()
        except OSError:
            continue
        if owned:
            shutil.rmtree(path, ignore_errors=True)
            if not path.exists():
                removed.append(path.name)
                log.info("removed %s, left by a verify that was killed", path)
    return removed


def _read_manifest(folder: Path) -> dict:
    path = folder / MANIFEST
    if not folder.is_dir():
        raise VerifyError(f"{folder} is not a folder; expected a published report, reports/<pack>/<as_of>")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        manifest["pack_file"]["path"], manifest["outputs"], manifest["inputs"], manifest["notebooks"]
    except FileNotFoundError:
        raise VerifyError(f"{path} not found: {folder} is not a published report "
                          "(expected reports/<pack>/<as_of> with a manifest.json)") from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise VerifyError(f"{path} cannot be read as a reportlib manifest ({type(exc).__name__}: {exc}); "
                          "the report cannot be verified") from None
    _check_record_of_making(manifest, path)
    return manifest


def _check_record_of_making(manifest: dict, path: Path) -> None:
    """Refuse a ``generated_at`` or ``rendered_by`` that is not what a render writes: the comparison
    leaves them out, so they must hold a time and an engine's addresses, not anyone's words."""
    from reportlib.run.render import ENGINES

    when = manifest.get(GENERATED_FIELD)
    if not (isinstance(when, str) and _TIMESTAMP.fullmatch(when) and _is_time(when)):
        raise VerifyError(_not_written_by_render(path, GENERATED_FIELD, when, "a UTC time, YYYY-MM-DDTHH:MM:SSZ"))
    by = manifest.get(RENDERED_BY_FIELD)
    expected = (f"{{engine, scheduler, worker}}: engine one of {', '.join(ENGINES)}, scheduler null or a Dask "
                "scheduler's address, worker a Dask worker's address or <host>:pid<pid>")
    if not (isinstance(by, dict) and set(by) == {"engine", "scheduler", "worker"} and by["engine"] in ENGINES
            and (by["scheduler"] is None if by["engine"] == "process" else _is_address(by["scheduler"]))
            and _is_address(by["worker"])):
        raise VerifyError(_not_written_by_render(path, RENDERED_BY_FIELD, by, expected))


def _is_time(text: str) -> bool:
    try:
        datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        return False
    return True


def _is_address(value) -> bool:
    return isinstance(value, str) and bool(_ADDRESS.fullmatch(value))


def _not_written_by_render(path: Path, name: str, value, expected: str) -> str:
    shown = json.dumps(value, ensure_ascii=False)
    shown = shown if len(shown) <= 120 else shown[:120] + "…"
    return (f"{path}: its '{name}' is {shown}, which no render writes (expected {expected}); the manifest records "
            "when and where a report was rendered, never who approved it, and the comparison leaves this field "
            "out, so the report cannot be verified")


def _project_root(folder: Path, manifest: dict, root) -> Path:
    pack_file = manifest["pack_file"]["path"]
    if root is not None:
        candidates = [Path(root)]
    else:
        candidates = [Path.cwd(), folder.resolve().parent.parent.parent]
    if Path(pack_file).is_absolute():
        return _project_of_outside_pack(folder, Path(pack_file), candidates)
    for candidate in candidates:
        if (candidate / pack_file).is_file():
            return candidate.resolve()
    raise VerifyError(f"the pack file {pack_file} named in {folder / MANIFEST} is not in "
                      f"{' or '.join(str(c) for c in dict.fromkeys(candidates))}; "
                      "run verify from the project folder, or give it with --root")


def _project_of_outside_pack(folder: Path, pack_file: Path, candidates: list[Path]) -> Path:
    """A pack file kept outside its project is recorded by its absolute path: it must still be there,
    and verify must run where a render of it takes the same project (``packpaths.project_root``)."""
    if not pack_file.is_file():
        raise VerifyError(f"the pack file {pack_file} recorded in {folder / MANIFEST} is no longer there: it has "
                          "moved or been deleted since the report was rendered; put it back at that path to verify "
                          "the report")
    found = project_root(pack_file)
    if found not in [c.resolve() for c in candidates]:
        raise VerifyError(f"the pack file {pack_file} named in {folder / MANIFEST} would be rendered again with "
                          f"{found} as its project, not {' or '.join(str(c) for c in dict.fromkeys(candidates))}"
                          f"{how_found(pack_file, found)}")
    return found


def _check_inputs(manifest: dict, root: Path, result: Verification) -> None:
    named = [(manifest["pack_file"]["path"], manifest["pack_file"]["sha256"])]
    named += [(i["path"], i["sha256"]) for i in manifest["inputs"]]
    named += [(n["notebook"], n["sha256"]) for n in manifest["notebooks"]]
    # data kept under the pack's data root, outside the project, is recorded by its file name, and so are
    # the layouts and the decisions file beside it (read with the data, so inputs too)
    outside = [p for p in needed_files(root / manifest["pack_file"]["path"], root) if not p.is_relative_to(root)]
    elsewhere = {p.name: p for p in _beside(outside)}
    elsewhere.update({p.name: p for p in outside})
    for name, expected in named:
        result.inputs.append(name)
        path = root / name
        if not path.is_file() and name in elsewhere:
            path = elsewhere[name]
        if not path.is_file():
            result.differences.append(Difference("input", name, f"not found (looked for {path})"))
            continue
        actual = sha256_file(path)
        if actual != expected:
            result.differences.append(Difference(
                "input", name, f"its SHA-256 is now {actual[:16]}…, the manifest records {expected[:16]}…"))


def _beside(data: list[Path]) -> list[Path]:
    """The layouts (``*.layout.yaml``) and decisions file in the folders of ``data``."""
    found = []
    for folder in dict.fromkeys(p.parent for p in data):
        found += sorted(folder.glob("*.layout.yaml")) + [folder / DECISIONS_FILE]
    return [p for p in found if p.is_file()]


def _check_published(folder: Path, manifest: dict, result: Verification) -> None:
    listed = {o["file"]: o for o in manifest["outputs"]}
    present = sorted(p.name for p in folder.iterdir())
    for name in present:
        path = folder / name
        result.outputs.append(name)
        if name == MANIFEST:
            continue
        if not path.is_file() or path.is_symlink():
            result.differences.append(Difference("output", name, "not a plain file"))
        elif name not in listed:
            result.differences.append(Difference("output", name, f"not listed in {MANIFEST}"))
        elif sha256_file(path) != listed[name].get("sha256"):
            result.differences.append(Difference(
                "output", name, f"its SHA-256 is not the one {MANIFEST} records for it"))
    for name in sorted(set(listed) - set(present)):
        result.differences.append(Difference("output", name, f"listed in {MANIFEST} but missing"))


def _compare_with_new_render(folder: Path, manifest: dict, root: Path, result: Verification) -> None:
    from reportlib.run.render import render_packs  # the runner (kernels, WeasyPrint) only when needed

    reports_dir = folder.resolve().parent.parent
    with tempfile.TemporaryDirectory(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-") as scratch:
        # the same folder name as the published one, though no published file should name it
        again_reports = Path(scratch) / reports_dir.name
        again_reports.mkdir()
        [rendered] = render_packs([root / manifest["pack_file"]["path"]], reports_dir=again_reports,
                                  jobs=1, show_progress=False)
        if not rendered.ok:
            result.differences.append(Difference("output", folder.name, f"rendering again failed: {rendered.error}"))
            return
        result.rendered_again = True
        again = again_reports / folder.resolve().relative_to(reports_dir)
        published = {p.name for p in folder.iterdir()}
        new = {p.name for p in again.iterdir()} if again.is_dir() else set()
        for name in sorted(published | new):
            if name not in new:
                _add_once(result, Difference("output", name, "rendering again does not produce this file"))
            elif name not in published:
                _add_once(result, Difference("output", name, "rendering again produces it, but it is not published"))
            else:
                detail = _compare(folder / name, again / name)
                if detail:
                    _add_once(result, Difference("output", name, detail))
        shutil.rmtree(again_reports, ignore_errors=True)


def _compare(published: Path, again: Path) -> str | None:
    """None if the two files agree (the manifest apart from its generation time), else how they differ."""
    if not published.is_file():
        return "not a plain file"
    mine, theirs = published.read_bytes(), again.read_bytes()
    if published.name == MANIFEST:
        try:
            mine, theirs = without_generated_time(mine), without_generated_time(theirs)
        except ValueError as exc:
            return str(exc)
    if mine == theirs:
        return None
    at = next((i for i, (a, b) in enumerate(zip(mine, theirs)) if a != b), min(len(mine), len(theirs)))
    return (f"not what rendering again gives: first difference at byte {at:,} "
            f"({len(mine):,} bytes published, {len(theirs):,} rendered again)")


def _add_once(result: Verification, difference: Difference) -> None:
    """Each file named once: a file already found changed keeps its first (clearer) reason too."""
    same_file = [d for d in result.differences if d.kind == difference.kind and d.name == difference.name]
    if same_file:
        result.differences[result.differences.index(same_file[0])] = Difference(
            difference.kind, difference.name, f"{same_file[0].detail}; and {difference.detail}")
    else:
        result.differences.append(difference)


