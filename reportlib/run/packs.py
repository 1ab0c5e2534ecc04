"""Committee packs: one ``params/*.yaml`` per committee, checked against a schema.

A pack names the notebooks to run, the spreadsheets they read, the as-of date and
where the outputs go (``reports/<pack>/<as_of>/``). ``load_pack`` checks it against
``PACK_SCHEMA`` (plain data) and returns a frozen ``Pack``; anything wrong raises
``PackError`` naming the file and the key.
"""
from __future__ import annotations

import ast
import difflib
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any

import papermill
import yaml

from reportlib.core import limits, safeyaml
from reportlib.errors import PackError
from reportlib.ingest.sources import UNSHOWABLE
from reportlib.run import packpaths
from reportlib.run.packpaths import DATA_ROOT_VARIABLE, data_candidates, data_root, how_found, project_root

#: Parameters every notebook receives from the pack itself; a notebook entry may not set them.
INJECTED_PARAMETERS = ("data_paths", "as_of", "council", "committee", "pack_title", "audience", "snapshot", "owner")
#: A notebook in a pack must declare this one: the run snapshot its data comes from.
SNAPSHOT_PARAMETER = "snapshot"
#: Data may also live under this folder (besides the project root), when it is set.
NOTEBOOKS_DIR = packpaths.NOTEBOOKS_DIR
MAX_PACK_BYTES = 64 * 1024

FORMATS = ("html", "pdf")
#: The stages of a render; a pack may give any of them a time limit of its own.
STAGES = ("load", "execute", "html", "pdf", "tables")
AUDIENCES = ("external", "internal")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,79}$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

NOTEBOOK_SCHEMA: dict[str, dict[str, Any]] = {
    "notebook": {"type": str, "required": True, "check": "notebook_file"},
    "parameters": {"type": dict, "default": {}, "check": "parameters"},
}

#: The pack schema as data: key -> type, required or default, allowed values, item schema.
PACK_SCHEMA: dict[str, dict[str, Any]] = {
    "pack": {"type": str, "required": True, "check": "slug"},
    "title": {"type": str, "required": True, "check": "non_empty"},
    "council": {"type": str, "default": None, "check": "non_empty"},
    "owner": {"type": str, "default": None, "check": "non_empty"},
    "committee": {"type": str, "required": True, "check": "non_empty"},
    "as_of": {"type": (date, str), "required": True, "check": "iso_date"},
    "data": {"type": list, "required": True, "items": str, "check": "data_files"},
    "formats": {"type": list, "default": ["html", "pdf"], "items": str, "choices": FORMATS,
                "check": "non_empty"},
    "timeout": {"type": int, "default": 600, "check": "positive"},
    "stage_timeouts": {"type": dict, "default": {}, "check": "stage_timeouts"},
    "stage_memory": {"type": dict, "default": {}, "check": "stage_memory"},
    "audience": {"type": str, "default": "external", "choices": AUDIENCES},
    "allow_empty": {"type": bool, "default": False},
    "data_root": {"type": str, "default": None, "check": "data_root"},
    "notebooks": {"type": list, "required": True, "items": NOTEBOOK_SCHEMA, "check": "non_empty"},
}


@dataclass(frozen=True)
class NotebookSpec:
    """One notebook of a pack: its absolute path and its own parameters."""

    notebook: Path
    parameters: Mapping[str, Any] = field(default_factory=dict)
    #: The notebook's own parameters (name -> default value), read from its parameters cell.
    declared: Mapping[str, Any] = field(default_factory=dict)

    @property
    def stem(self) -> str:
        return self.notebook.stem

    def value(self, name: str):
        """What the notebook will run with for parameter ``name``: the pack's value, else its default."""
        return self.parameters.get(name, self.declared[name])


@dataclass(frozen=True)
class Pack:
    """A checked pack file. Paths are absolute; ``root`` is the folder holding ``params/``."""

    path: Path
    root: Path
    pack: str
    title: str
    council: str | None  # None: named from the data
    committee: str
    as_of: date
    data: tuple[Path, ...]
    formats: tuple[str, ...]
    timeout: int  # seconds for the whole render of the pack: every stage counts against it
    audience: str
    notebooks: tuple[NotebookSpec, ...]
    allow_empty: bool = False
    stage_timeouts: Mapping[str, int] = field(default_factory=dict)  # stage -> seconds, each time it runs
    stage_memory: Mapping[str, int] = field(default_factory=dict)  # stage -> bytes (default core.limits.DEFAULT_MEMORY)
    owner: str | None = None  # one officer's actions only (joint ones included); None: every owner's

    def council_codes(self) -> tuple[str, ...] | None:
        """The council codes the pack's notebooks name; None when a notebook covers every council."""
        codes = []
        for spec in self.notebooks:
            if "council_code" not in spec.declared:
                return None
            codes.append(spec.value("council_code"))
        return tuple(dict.fromkeys(codes))

    def output_dir(self, reports_dir: str | Path) -> Path:
        """``reports/<pack>/<as_of>/``: where this pack's outputs are published."""
        return Path(reports_dir) / self.pack / self.as_of.isoformat()

    def relative(self, path: Path) -> str:
        """``path`` relative to the repo root when it lies inside it, else its file name."""
        try:
            return Path(path).resolve().relative_to(self.root).as_posix()
        except ValueError:
            return Path(path).name

    def recorded_path(self) -> str:
        """The pack file as ``manifest.json`` records it, so that ``verify`` finds it again: relative
        to the project when it lies inside it (``params/<pack>.yaml``), else its absolute path."""
        path = self.path.resolve()
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()

    def injected_parameters(self, council: str | None = None, snapshot: str = "") -> dict[str, Any]:
        """The pack-level parameters papermill injects into every notebook.

        ``data_paths`` are relative to the project (they are shown to readers); the
        notebook reads its data from ``snapshot``, prepared by the runner.
        """
        return {
            "data_paths": [self.relative(p) for p in self.data],
            "as_of": self.as_of.isoformat(),
            "council": council or self.council or "",
            "committee": self.committee,
            "pack_title": self.title,
            "audience": self.audience,
            "snapshot": snapshot,
        } | ({"owner": self.owner} if self.owner else {})


def load_pack(path: str | Path, *, root: str | Path | None = None) -> Pack:
    """Read and check one pack file; ``root`` defaults to the pack's project (``packpaths.project_root``:
    the folder holding its ``params/``, or for a pack file kept elsewhere, the project it belongs to)."""
    path = Path(path).resolve()
    root = Path(root).resolve() if root is not None else project_root(path)
    raw = _read_yaml(path)
    # the data root is checked with the rest below; it is needed first to place the data
    values = _check_mapping(raw, PACK_SCHEMA, _Context(path, root, data_root(raw, root)), "")
    notebooks = []
    for i, nb in enumerate(values["notebooks"]):
        notebook = (root / nb["notebook"]).resolve()
        declared = _declared_parameters(notebook, path, f"notebooks[{i}].notebook")
        _check_parameters(dict(nb["parameters"]), declared, path, f"notebooks[{i}].parameters", notebook, root)
        notebooks.append(NotebookSpec(notebook, MappingProxyType(dict(nb["parameters"])),
                                      MappingProxyType(declared)))
    notebooks = tuple(notebooks)
    stems = [nb.stem for nb in notebooks]
    for i, stem in enumerate(stems):
        if stems.index(stem) != i:
            raise PackError(path, f"notebooks[{i}].notebook",
                            f"a second notebook named '{stem}' would overwrite the first's outputs")
    return Pack(
        path=path, root=root, pack=values["pack"], title=values["title"],
        council=values["council"], committee=values["committee"], as_of=values["as_of"],
        data=tuple(values["data"]), formats=tuple(dict.fromkeys(values["formats"])),
        timeout=values["timeout"], audience=values["audience"], notebooks=notebooks,
        allow_empty=values["allow_empty"], stage_timeouts=MappingProxyType(dict(values["stage_timeouts"])),
        stage_memory=MappingProxyType(dict(values["stage_memory"])), owner=values["owner"],
    )


def _read_yaml(path: Path):
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PackError(path, None, f"cannot read pack file ({exc.strerror})") from exc
    try:
        return safeyaml.load(data.decode("utf-8"), source=str(path), max_bytes=MAX_PACK_BYTES)
    except UnicodeDecodeError as exc:
        raise PackError(path, None, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except safeyaml.UnsafeYaml as exc:  # too big, anchors and aliases, repeated keys: said in full
        raise PackError(path, None, str(exc)) from exc
    except yaml.YAMLError as exc:
        raise PackError(path, None, f"not valid YAML: {safeyaml.problem_line(exc)}") from exc



def _declared_parameters(notebook: Path, pack_file: Path, key: str) -> dict[str, Any]:
    """The notebook's own parameters and their default values, from its parameters cell."""
    quiet = logging.getLogger("papermill")
    level = quiet.level
    quiet.setLevel(logging.WARNING)  # it logs "Input Notebook: ..." at INFO
    try:
        found = papermill.inspect_notebook(str(notebook))
    except Exception as exc:  # papermill raises several kinds for a broken notebook
        raise PackError(pack_file, key, f"cannot read the parameters of {notebook.name}: {exc}") from exc
    finally:
        quiet.setLevel(level)
    declared = {}
    for name, info in found.items():
        try:
            declared[name] = ast.literal_eval(info.get("default", "None"))
        except (ValueError, SyntaxError):
            declared[name] = None  # not a literal: any type is accepted
    if SNAPSHOT_PARAMETER not in declared:
        raise PackError(pack_file, key, f"{notebook.name} has no '{SNAPSHOT_PARAMETER}' parameter, so it would "
                                        "read its own defaults instead of the pack's data; add "
                                        f"`{SNAPSHOT_PARAMETER} = \"\"` to its parameters cell")
    return declared


def _check_parameters(given: dict, declared: dict, pack_file: Path, key: str, notebook: Path, root: Path) -> None:
    """Every parameter a pack gives must be one the notebook declares, of the default's type."""
    own = [name for name in declared if name not in INJECTED_PARAMETERS]
    for name, value in given.items():
        if name not in declared:
            close = difflib.get_close_matches(name, own, n=1)
            hint = f"did you mean '{close[0]}'? " if close else ""
            raise PackError(pack_file, f"{key}.{name}",
                            f"{notebook.relative_to(root).as_posix()} has no parameter '{name}'; {hint}"
                            f"its parameters are: {', '.join(own) or 'none'}")
        default = declared[name]
        if default is None:
            continue
        if not _same_type(value, default):
            raise PackError(pack_file, f"{key}.{name}",
                            f"expected {_type_name(type(default))} like the notebook's default {default!r}, "
                            f"got {value!r}")


def _same_type(value, default) -> bool:
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(value, bool) and isinstance(default, bool)
    if isinstance(default, float):
        return isinstance(value, (int, float))
    if isinstance(default, (list, tuple)):
        return isinstance(value, (list, tuple))
    return isinstance(value, type(default))


@dataclass(frozen=True)
class _Context:
    file: Path
    root: Path
    data_root: str | None = None

    def fail(self, key: str, reason: str) -> PackError:
        return PackError(self.file, key, reason)


def _type_name(expected) -> str:
    names = {str: "text", int: "a whole number", list: "a list", dict: "a mapping", date: "a date",
             bool: "true or false", float: "a number"}
    if isinstance(expected, tuple):
        return " or ".join(names.get(t, t.__name__) for t in expected)
    return names.get(expected, expected.__name__)


def _check_mapping(raw, schema: dict, ctx: _Context, prefix: str) -> dict[str, Any]:
    """Check ``raw`` against ``schema``; return the values with defaults filled in."""
    where = prefix.rstrip(".") or "(top level)"
    if not isinstance(raw, dict):
        raise ctx.fail(where, f"expected a mapping of keys, got {type(raw).__name__}")
    for key in raw:
        if key not in schema:
            known = ", ".join(schema)
            raise ctx.fail(f"{prefix}{key}", f"unknown key (known keys: {known})")
    values = {}
    for key, spec in schema.items():
        name = f"{prefix}{key}"
        if key not in raw or raw[key] is None:
            if spec.get("required"):
                raise ctx.fail(name, "required key is missing")
            values[key] = spec["default"]
            continue
        values[key] = _check_value(raw[key], spec, ctx, name)
    return values


def _check_value(value, spec: dict, ctx: _Context, name: str):
    expected = spec["type"]
    if (isinstance(value, bool) and expected is not bool) or not isinstance(value, expected) \
            or isinstance(value, datetime):
        raise ctx.fail(name, f"expected {_type_name(expected)}, got {value!r}")
    if "items" in spec:
        items = spec["items"]
        checked = []
        for i, item in enumerate(value):
            item_name = f"{name}[{i}]"
            if isinstance(items, dict):
                checked.append(_check_mapping(item, items, ctx, f"{item_name}."))
            elif isinstance(item, bool) or not isinstance(item, items):
                raise ctx.fail(item_name, f"expected {_type_name(items)}, got {item!r}")
            else:
                checked.append(item)
        value = checked
    if "choices" in spec:
        allowed = spec["choices"]
        for item in value if isinstance(value, list) else [value]:
            if item not in allowed:
                raise ctx.fail(name, f"{item!r} is not one of {', '.join(allowed)}")
    if "check" in spec:
        value = _CHECKS[spec["check"]](value, ctx, name)
    return value


def _slug(value: str, ctx: _Context, name: str) -> str:
    if not _SLUG.match(value):
        raise ctx.fail(name, f"{value!r} is not a folder name under reports/ (use lower-case "
                             "letters, digits, '-' and '_', starting with a letter or digit)")
    return value


def _non_empty(value, ctx: _Context, name: str):
    if not (value.strip() if isinstance(value, str) else value):
        raise ctx.fail(name, "must not be empty")
    if isinstance(value, str):
        bad = UNSHOWABLE.search(value)
        if bad:
            raise ctx.fail(name, f"holds the control character U+{ord(bad.group()):04X} at position "
                                 f"{bad.start() + 1}; write the text on one line, without control characters")
    return value


def _iso_date(value, ctx: _Context, name: str) -> date:
    if isinstance(value, date):
        return value
    if _ISO_DATE.match(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ctx.fail(name, f"{value!r} is not an ISO date (YYYY-MM-DD)")


def _positive(value: int, ctx: _Context, name: str) -> int:
    if value <= 0:
        raise ctx.fail(name, f"must be a positive number of seconds, got {value}")
    return value


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
        return True
    except ValueError:
        return False


def _existing_file(value: str, ctx: _Context, name: str, what: str, allowed: list[Path]) -> Path:
    """``value`` (relative to the project) as an absolute path, after ``..`` and symlinks are
    resolved, refused unless it lies inside one of the ``allowed`` folders."""
    if not value.strip():
        raise ctx.fail(name, f"empty {what} path")
    if Path(value).is_absolute():
        raise ctx.fail(name, f"{value!r}: give the {what} relative to the repo root, not absolute")
    resolved = (ctx.root / value).resolve()
    if not any(_inside(resolved, folder.resolve()) for folder in allowed):
        places = " or ".join(f"{f.resolve().relative_to(ctx.root).as_posix() if _inside(f.resolve(), ctx.root) else f}/"
                             if f.resolve() != ctx.root else "the project folder" for f in allowed)
        raise ctx.fail(name, f"{value!r} leads outside {places} (after '..' and links are followed); "
                             f"a pack may only read {what}s from there")
    if not resolved.is_file():
        raise ctx.fail(name, f"{what} {value!r} not found (looked for {resolved}, in the folder "
                             f"{resolved.parent}{how_found(ctx.file, ctx.root)})")
    return resolved


def _stage_timeouts(value: dict, ctx: _Context, name: str) -> dict:
    for stage, seconds in value.items():
        if stage not in STAGES:
            raise ctx.fail(f"{name}.{stage}", f"unknown stage (stages: {', '.join(STAGES)})")
        if isinstance(seconds, bool) or not isinstance(seconds, int) or seconds <= 0:
            raise ctx.fail(f"{name}.{stage}", f"expected a positive whole number of seconds, got {seconds!r}")
    return value


def _stage_memory(value: dict, ctx: _Context, name: str) -> dict:
    """stage -> MiB (a whole number) or a size ("4GiB", "1500MiB"); returned as bytes."""
    out = {}
    for stage, size in value.items():
        if stage not in STAGES:
            raise ctx.fail(f"{name}.{stage}", f"unknown stage (stages: {', '.join(STAGES)})")
        try:
            if isinstance(size, bool) or not isinstance(size, (int, str)):
                raise ValueError
            out[stage] = size * 2**20 if isinstance(size, int) and size > 0 else limits.parse_bytes(size)
        except (ValueError, TypeError):
            raise ctx.fail(f"{name}.{stage}", f"expected memory as a whole number of MiB or a size such as "
                                              f"'4GiB', got {size!r}") from None
    return out


def _data_root(value: str, ctx: _Context, name: str) -> str:
    if not (ctx.root / value).is_dir():
        raise ctx.fail(name, f"{value!r} is not a folder")
    return value


def _data_files(value: list, ctx: _Context, name: str) -> list:
    """Each entry: a plan file, or a folder of them (with its layouts and decisions.csv), relative
    to the project folder or to the data root (``data_root`` / $REPORTLIB_DATA_ROOT); an absolute
    path only under the data root."""
    from reportlib.errors import InputError
    from reportlib.ingest.files import discover
    from reportlib.model.vocab import DECISIONS_FILE as DECISIONS

    _non_empty(value, ctx, name)
    data_root = Path(ctx.data_root).resolve() if ctx.data_root else None
    allowed = [ctx.root] + ([data_root] if data_root else [])
    files = []
    for i, v in enumerate(value):
        where = f"{name}[{i}]"
        if not isinstance(v, str) or not v.strip():
            raise ctx.fail(where, "empty data path")
        candidates = data_candidates(v, ctx.root, ctx.data_root)
        if not candidates:
            raise ctx.fail(where, f"{v!r} is absolute: give data relative to the project folder, or set "
                                  f"data_root (or ${DATA_ROOT_VARIABLE}) to the folder holding it")
        found = next((c for c in candidates if c.exists()), None)
        if found is None:
            looked = " or ".join(str(c) for c in candidates)
            raise ctx.fail(where, f"data {v!r} not found (looked for {looked}{how_found(ctx.file, ctx.root)})")
        if not any(_inside(found, folder.resolve()) for folder in allowed):
            places = "the project folder" + (f" or the data root {data_root}" if data_root else "")
            raise ctx.fail(where, f"{v!r} leads outside {places} (after '..' and links are followed); a pack may "
                                  f"only read data from there (set data_root for data kept elsewhere)")
        if found.is_dir():
            try:
                inside = [f.resolve() for f in discover(found) if f.name != DECISIONS]
            except InputError as exc:  # a file linked in from outside the folder
                raise ctx.fail(where, exc.message) from None
            if not inside:
                raise ctx.fail(where, f"the folder {v!r} holds no .xlsx or .csv plan files")
            files += inside
        else:
            files.append(found)
    return files


def _notebook_file(value: str, ctx: _Context, name: str) -> Path:
    if not value.endswith(".ipynb"):
        raise ctx.fail(name, f"{value!r} is not a notebook (.ipynb)")
    return _existing_file(value, ctx, name, "notebook", [ctx.root / NOTEBOOKS_DIR])


def _parameters(value: dict, ctx: _Context, name: str) -> dict:
    for key in value:
        if not isinstance(key, str) or not _IDENTIFIER.match(key):
            raise ctx.fail(f"{name}.{key}", "parameter names must be Python identifiers")
        if key in INJECTED_PARAMETERS:
            raise ctx.fail(f"{name}.{key}", "set by the pack itself; set it at the top level instead")
    return value


_CHECKS = {
    "slug": _slug, "non_empty": _non_empty, "iso_date": _iso_date, "positive": _positive,
    "data_files": _data_files, "notebook_file": _notebook_file, "parameters": _parameters,
    "data_root": _data_root, "stage_timeouts": _stage_timeouts, "stage_memory": _stage_memory,
}
