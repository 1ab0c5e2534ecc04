"""The house report as nbconvert exporters: ``jupyter nbconvert --to reportlib-html`` / ``reportlib-pdf``.

Registered in ``pyproject.toml`` under the ``nbconvert.exporters`` entry-point group,
so any executed notebook converts from any folder, with no template path to give:

    jupyter nbconvert --to reportlib-html out.ipynb     # out.html
    jupyter nbconvert --to reportlib-pdf out.ipynb      # out.pdf (WeasyPrint, A4)

Both show no code, no prompts and no parameter cells, run no script and load nothing
from another host (no require.js, no MathJax). ``reportlib render`` converts with the
same classes, handing them the pack's provenance in ``resources["reportlib"]``. A
notebook converted on its own gets its title block and footer from the notebook
itself: the provenance ``render`` stored in its metadata if it came from a pack, else
its parameters (papermill's, over the parameters cell's defaults) and the SHA-256 of
the data files they name, read from the notebook's folder (``reportlib.core.paths``).
"""
from __future__ import annotations

import ast
import copy
from datetime import UTC, date, datetime
from pathlib import Path

import nbformat
from nbconvert.exporters import Exporter, HTMLExporter
from nbformat import NotebookNode
from traitlets import Bool, default
from traitlets.config import Config

from reportlib.analysis.parameters import council_from_data
from reportlib.core.files import sha256_file
from reportlib.core.paths import resolve_data_paths
from reportlib.core.version import version
from reportlib.model.vocab import PLAN_SUFFIXES
from reportlib.present import htmlnav
from reportlib.present.htmlreport import CSP, REMOVE_CELL_TAGS, TEMPLATE_NAME, TEMPLATES_DIR, Provenance, notebook_title

#: Where ``render`` keeps a report's provenance in the executed notebook's metadata.
METADATA_KEY = "reportlib"


class ReportHTMLExporter(HTMLExporter):
    """The house HTML report: the ``reportlib`` template, no input, no prompts, images embedded."""

    export_from_notebook = "reportlib HTML report"

    @default("template_name")
    def _default_template_name(self):
        return TEMPLATE_NAME

    @default("extra_template_basedirs")
    def _default_extra_template_basedirs(self):
        return [str(TEMPLATES_DIR)]

    # the reader sees outputs only: every one of these defaults differs from HTMLExporter's
    exclude_input = Bool(True, help="Leave out code (the house report shows none).").tag(config=True)
    exclude_input_prompt = Bool(True).tag(config=True)
    exclude_output_prompt = Bool(True).tag(config=True)
    exclude_raw = Bool(True).tag(config=True)
    exclude_unknown = Bool(True).tag(config=True)
    embed_images = Bool(True, help="Images as data: URLs, so the report is one file.").tag(config=True)

    @property
    def default_config(self):
        config = Config()
        config.TagRemovePreprocessor.enabled = True
        config.TagRemovePreprocessor.remove_cell_tags = set(REMOVE_CELL_TAGS)
        config.merge(super().default_config)
        return config

    def from_notebook_node(self, nb, resources=None, **kw):
        resources = self._init_resources(resources)
        if not isinstance(resources.get(METADATA_KEY), Provenance):
            resources[METADATA_KEY] = provenance_from_notebook(nb, resources)
        resources["reportlib_csp"] = CSP
        if "title" not in nb.metadata:
            provenance = resources[METADATA_KEY]
            nb = copy.copy(nb)  # the exporter deep-copies it again before its preprocessors run
            nb["metadata"] = NotebookNode({**nb.metadata, "title": f"{provenance.heading} – {provenance.council}"
                                                                     .strip(" –")})
        body, resources = super().from_notebook_node(nb, resources, **kw)
        return htmlnav.finish(body), resources


class ReportPDFExporter(Exporter):
    """The house report as an A4 PDF: the HTML report laid out by WeasyPrint (``reportlib.present.pdf``)."""

    export_from_notebook = "reportlib PDF report"
    output_mimetype = "application/pdf"

    @default("file_extension")
    def _file_extension_default(self):
        return ".pdf"

    def from_notebook_node(self, nb, resources=None, **kw):
        from reportlib.present.pdf import pdf_bytes  # WeasyPrint is slow to import: only when a PDF is asked for

        html_exporter = ReportHTMLExporter(parent=self, config=self.config)
        html, resources = html_exporter.from_notebook_node(nb, resources, **kw)
        provenance = resources[METADATA_KEY]
        resources["output_extension"] = ".pdf"
        return pdf_bytes(html, running_header=provenance.running_header, dated=provenance.as_of), resources


# --- provenance of a notebook converted on its own ------------------------------------


def make_exporter() -> HTMLExporter:
    """The house HTML exporter (``reportlib.present.exporters.ReportHTMLExporter``): no input, no
    prompts, images embedded, the contents list filled in; the one ``jupyter nbconvert
    --to reportlib-html`` uses."""
    return ReportHTMLExporter()


_shared: HTMLExporter | None = None


def shared_exporter() -> HTMLExporter:
    """One house exporter for this process, its templates compiled once (a new exporter
    compiles its Jinja templates again: a third of a report's HTML time). ``render`` calls it
    before any stage starts, so every stage forked from it finds the templates compiled."""
    global _shared
    if _shared is None:
        _shared = make_exporter()
        # a first conversion compiles the template and every template it extends or includes
        _shared.from_notebook_node(nbformat.v4.new_notebook())
    return _shared


def export_html(nb, provenance: Provenance, *, notebook_dir: str | Path) -> str:
    """Render an executed notebook as the house HTML report (a string)."""
    nb = copy.deepcopy(nb)
    nb.metadata["title"] = f"{provenance.heading} – {provenance.council}"
    nb.metadata.pop("widgets", None)
    resources = {
        "metadata": {"name": Path(provenance.notebook).stem, "path": str(notebook_dir)},
        "reportlib": provenance,
    }
    body, _ = shared_exporter().from_notebook_node(nb, resources=resources)
    return body


def provenance_metadata(provenance: Provenance) -> dict:
    """What ``render`` stores in an executed notebook's metadata, so that converting the
    published ``.ipynb`` again gives the same title block and footer (bar the time)."""
    return {
        "title": provenance.title, "council": provenance.council, "committee": provenance.committee,
        "as_of": provenance.as_of.isoformat(), "pack": provenance.pack, "notebook": provenance.notebook,
        "heading": provenance.heading, "inputs": [list(i) for i in provenance.inputs],
        "parameters": dict(provenance.parameters), "version": provenance.version,
    }


def provenance_from_notebook(nb, resources: dict | None = None) -> Provenance:
    """The provenance of an executed notebook converted outside ``reportlib render``."""
    stored = nb.metadata.get(METADATA_KEY)
    name = ((resources or {}).get("metadata") or {}).get("name") or "notebook"
    now = datetime.now(UTC).replace(microsecond=0)
    if isinstance(stored, dict) and stored.get("as_of"):
        return Provenance(
            title=str(stored.get("title", "")), council=str(stored.get("council", "")),
            committee=str(stored.get("committee", "")), as_of=date.fromisoformat(stored["as_of"]),
            pack=str(stored.get("pack", "")), notebook=str(stored.get("notebook", f"{name}.ipynb")),
            heading=str(stored.get("heading", "")),
            inputs=tuple((str(f), str(h), int(b)) for f, h, b in stored.get("inputs", ())),
            parameters={str(k): str(v) for k, v in (stored.get("parameters") or {}).items()},
            version=str(stored.get("version", version())))
    parameters = notebook_parameters(nb)
    title = str(parameters.get("pack_title") or "")
    heading = notebook_title(nb) or title or name
    try:
        as_of = date.fromisoformat(str(parameters.get("as_of"))[:10])
    except ValueError:
        as_of = now.date()
    shown = {k: ", ".join(map(str, v)) if isinstance(v, (list, tuple)) else str(v)
             for k, v in parameters.items() if k != "snapshot"}
    return Provenance(
        title=title or heading, council=str(parameters.get("council") or "") or council_from_data(parameters),
        committee=str(parameters.get("committee") or ""), as_of=as_of, pack="(papermill run, no pack)",
        notebook=f"{name}.ipynb", heading=heading, inputs=_hashed_inputs(parameters.get("data_paths")),
        parameters=shown, version=version())


def notebook_parameters(nb) -> dict:
    """The values the notebook ran with: its parameters cell's defaults, then papermill's."""
    values: dict = {}
    for cell in nb.cells:
        if cell.cell_type == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            values.update(_literal_assignments(cell.source))
            break
    values.update(nb.metadata.get("papermill", {}).get("parameters") or {})
    return values


def _literal_assignments(source: str) -> dict:
    """``name = literal`` (annotated or not) in a parameters cell; anything else is skipped."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return {}
    found = {}
    for node in tree.body:
        target, value = None, None
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            target, value = node.targets[0].id, node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            target, value = node.target.id, node.value
        if target is None:
            continue
        try:
            found[target] = ast.literal_eval(value)
        except ValueError:
            continue
    return found


def _hashed_inputs(data_paths) -> tuple[tuple[str, str, int], ...]:
    """(file name, SHA-256, bytes) of every data file ``data_paths`` names, read from the notebook's folder."""
    if not data_paths:
        return ()
    files: list[Path] = []
    for path in resolve_data_paths(data_paths):
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.suffix.lower() in PLAN_SUFFIXES and p.is_file()
                                and not p.name.startswith(("~$", "."))))
        elif path.is_file():
            files.append(path)
    inputs = []
    for file in files:
        inputs.append((file.name, sha256_file(file), file.stat().st_size))
    return tuple(inputs)


