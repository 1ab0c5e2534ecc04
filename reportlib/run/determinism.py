"""Same inputs, same bytes: what makes a pack's published files reproducible.

Rendering a pack twice from the same pack file, data, notebooks and code gives
byte-identical files in ``reports/<pack>/<as_of>/``, apart from one field:
``manifest.json``'s ``generated_at`` (``GENERATED_FIELD``). ``reportlib verify`` relies
on it. The sources of drift, and what holds each still:

- papermill and nbclient write timings into the executed notebook (``start_time``,
  ``end_time``, ``duration`` per cell and for the notebook, the kernel's ``iopub``
  timestamps) and give the cell of injected parameters a random id:
  ``settle_notebook`` removes the timings and gives that cell a fixed id. A warning or
  traceback names the cell's file in the kernel's own temporary folder
  (``/tmp/ipykernel_<pid>/<hash>.py``): the folder is written ``ipykernel/`` instead (the
  hash comes from the cell's code, so it stays). What a cell prints reaches the notebook
  in pieces cut by the kernel's flush timer, stdout and stderr apart: each run of them is
  settled to one stdout output then one stderr output.
- the kernel: ``kernel_environment`` sets ``SOURCE_DATE_EPOCH`` to the as-of date
  (matplotlib writes it as the date of SVG and PDF figures) and ``PYTHONHASHSEED``,
  so set and dict-of-set ordering in a notebook is the same from run to run.
- matplotlib's SVG ids come from ``svg.hashsalt`` (the house style fixes it).
- ``tables.xlsx``: XlsxWriter stamps the workbook with the time it was written;
  ``document_time`` gives the as-of date instead.
- the HTML and PDF footer no longer print when they were made (the manifest says so).
- timings per output used to be in the manifest; they are now in
  ``reports/_timings/<pack>.json``, outside the published folders and what is verified
  (``write_timings``, ``last_timings``); ``--jobs`` reads them to start long packs first.

WeasyPrint's PDF carries no creation date unless the HTML asks for one, and its file
identifier is a digest of the document, so the PDF needs nothing more.
"""
from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

from reportlib.core.files import write_atomically
from reportlib.core.stamps import document_time

#: The one field of a published folder that differs between two renders of the same inputs.
GENERATED_FIELD = "generated_at"
#: Where packs' last render timings are kept: ``reports/_timings/<pack>.json``.
TIMINGS_DIR = "_timings"
#: The id of papermill's cell of injected parameters (papermill gives it a random one).
INJECTED_CELL_ID = "injected-parameters"
#: Cell metadata that only says when and how long (papermill's and nbclient's).
_TIMING_KEYS = ("start_time", "end_time", "duration")
HASH_SEED = "0"


def kernel_environment(as_of: date) -> dict[str, str]:
    """Environment variables for a notebook's kernel so that it renders the same bytes each run."""
    return {"SOURCE_DATE_EPOCH": str(int(document_time(as_of).timestamp())), "PYTHONHASHSEED": HASH_SEED}


def settle_notebook(nb) -> None:
    """Remove run timings from an executed notebook (in place) and fix the injected cell's id.

    What is kept: the papermill parameters, each cell's status and exception flag, the
    outputs. What goes: when each cell and the whole run started and ended, how long they
    took, and the kernel's message timestamps; none of it describes the report.
    """
    papermill = nb.metadata.get("papermill")
    if isinstance(papermill, dict):
        for key in _TIMING_KEYS:
            papermill.pop(key, None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)  # nbclient's iopub/shell timestamps
        cell_papermill = cell.metadata.get("papermill")
        if isinstance(cell_papermill, dict):
            for key in _TIMING_KEYS:
                cell_papermill.pop(key, None)
        if "injected-parameters" in cell.metadata.get("tags", []) and "id" in cell:
            cell["id"] = INJECTED_CELL_ID
        if "outputs" in cell:
            cell["outputs"] = _joined_streams(cell["outputs"])
        for output in cell.get("outputs", []):
            _settle_output(output)


def _joined_streams(outputs: list) -> list:
    """Each run of consecutive stream outputs as one stdout output then one stderr output.

    The kernel sends what a cell prints in pieces, as its flush timer fires, and stdout and
    stderr travel apart: how a cell's printing is cut, and which stream comes first, depends
    on timing, not on the notebook. Outputs that are not streams keep their place.
    """
    settled, run = [], []

    def close_run():
        for name in ("stdout", "stderr"):
            pieces = [o for o in run if o.get("name") == name]
            if pieces:
                first = pieces[0]
                first["text"] = "".join("".join(p["text"]) if isinstance(p["text"], list) else p["text"]
                                        for p in pieces)
                settled.append(first)
        settled.extend(o for o in run if o.get("name") not in ("stdout", "stderr"))
        run.clear()

    for output in outputs:
        if output.get("output_type") == "stream":
            run.append(output)
        else:
            close_run()
            settled.append(output)
    close_run()
    return settled


#: The kernel's folder for cell files, named after its pid: ``/tmp/ipykernel_12345/``.
_KERNEL_FOLDER = re.compile(r"(?:[A-Za-z]:)?(?:[/\\][\w.~-]+)*[/\\]ipykernel_\d+[/\\]")


def _settle_output(output) -> None:
    def settle(text):
        if isinstance(text, str):
            return _KERNEL_FOLDER.sub("ipykernel/", text)
        if isinstance(text, list):
            return [settle(t) for t in text]
        return text

    for key in ("text", "evalue", "traceback"):
        if key in output:
            output[key] = settle(output[key])
    for mimetype, value in output.get("data", {}).items():
        if mimetype.startswith("text/"):
            output["data"][mimetype] = settle(value)


_GENERATED = re.compile(rb'^(\s*"' + GENERATED_FIELD.encode() + rb'"\s*:\s*)"[^"\n]*"', re.MULTILINE)


#: Where and by what the pack was rendered (``{engine, scheduler, worker}``): part of the
#: record of its generation, like the time. A report rendered on a Dask worker verifies
#: on any machine.
RENDERED_BY_FIELD = "rendered_by"
_RENDERED_BY = re.compile(rb'^(\s*"' + RENDERED_BY_FIELD.encode() + rb'"\s*:\s*)\{[^{}]*\}', re.MULTILINE)


def without_generated_time(manifest: bytes) -> bytes:
    """``manifest.json``'s bytes with the record of its generation blanked out: the value of
    ``generated_at`` (when) and of ``rendered_by`` (where), and nothing else.

    Raises ``ValueError`` unless ``generated_at`` occurs exactly once (and ``rendered_by`` at
    most once), so a manifest cannot hide a second difference behind them.
    """
    blanked, count = _GENERATED.subn(rb'\1""', manifest)
    if count != 1:
        raise ValueError(f"manifest.json has {count} '{GENERATED_FIELD}' fields, expected exactly one")
    blanked, count = _RENDERED_BY.subn(rb"\1{}", blanked)
    if count > 1:
        raise ValueError(f"manifest.json has {count} '{RENDERED_BY_FIELD}' fields, expected at most one")
    return blanked


def write_timings(reports_dir: Path, pack: str, as_of: date, seconds: dict[str, float], total: float) -> Path | None:
    """Record how long each output of the pack's last render took, in ``reports/_timings/<pack>.json``.

    Written through a temporary file and renamed, so a reader never sees half a file; a
    symbolic link planted at ``_timings`` or at ``_timings/<pack>.json`` is removed as a link, with a
    warning naming it, never written through. Only
    a hint for ordering packs: if it cannot be written (a full disk), the report that was
    just published stands, and None is returned.
    """
    from reportlib.run.publish import remove_planted_links

    path = Path(reports_dir) / TIMINGS_DIR / f"{pack}.json"
    record = {"pack": pack, "as_of": as_of.isoformat(), "seconds": round(total, 3),
              "outputs": {name: round(value, 3) for name, value in seconds.items()}}
    try:
        # a link at _timings or at the pack's file is removed (with a warning), never written through
        remove_planted_links(reports_dir, TIMINGS_DIR, f"{pack}.json")
        return write_atomically(path, json.dumps(record, indent=2) + "\n")
    except OSError:
        return None


def last_timings(reports_dir: Path, pack: str) -> float | None:
    """Seconds the pack's last render took (the sum of its outputs), or None if unknown."""
    folder = Path(reports_dir) / TIMINGS_DIR
    if folder.is_symlink() or (folder / f"{pack}.json").is_symlink():  # not reportlib's: not read
        return None
    try:
        record = json.loads((folder / f"{pack}.json").read_text(encoding="utf-8"))
        return float(sum(record["outputs"].values()))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
