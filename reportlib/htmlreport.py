"""Executed notebook -> one self-contained HTML report, in the house template.

The look lives in ``templates/reportlib`` (``conf.json`` + ``index.html.j2`` + CSS).
This module configures nbconvert's ``HTMLExporter`` to show no code, no prompts and
no hidden cells, strips what a reader must not see (stderr, warnings, tracebacks,
scripts), and offers the last checks before a report is published: no absolute
paths (``scrub_paths``) and nothing loaded from anywhere else (``external_loads``).
``write_index`` writes ``reports/index.html`` from the packs' manifests.
"""
from __future__ import annotations

import base64
import copy
import os
import re
import struct
from dataclasses import dataclass
from datetime import date, datetime, timezone
from html.parser import HTMLParser
from pathlib import Path
from typing import Iterable, Mapping
from urllib.parse import quote

import jinja2
import markupsafe
from nbconvert import HTMLExporter
from nbconvert.preprocessors import Preprocessor

from reportlib import manifest as manifests

TEMPLATES_DIR = Path(__file__).parent / "templates"
TEMPLATE_NAME = "reportlib"
#: The report's Content-Security-Policy: nothing loads and no script runs, even if markup
#: slipped past the sanitizer. Images only from data: URLs; styles only inline (the
#: house CSS is inlined, and charts size themselves with a style attribute).
CSP = ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'none'; "
       "object-src 'none'; base-uri 'none'; form-action 'none'")

#: Cells with any of these tags never reach the report.
REMOVE_CELL_TAGS = frozenset({"injected-parameters", "parameters", "remove_cell", "hide"})
#: Output types a reader never sees, whatever the cell.
_DROPPED_MIMETYPES = ("application/javascript", "text/javascript", "application/vnd.jupyter.stderr",
                      "application/vnd.jupyter.widget-view+json", "application/vnd.jupyter.widget-state+json")
_SCRIPT_ELEMENT = re.compile(r"<script\b.*?</script\s*>", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class Provenance:
    """What the title block and the provenance footer say about one report."""

    title: str
    council: str
    committee: str
    as_of: date
    pack: str
    notebook: str                                  # file name only
    heading: str                                   # the notebook's own title (the pack title is its subtitle)
    inputs: tuple[tuple[str, str, int], ...]       # (file name, SHA-256, bytes)
    parameters: Mapping[str, str]                  # name -> value as shown
    version: str                                   # no generation time: the same inputs give the same bytes
    #: (label, relative href) of the pack's other files shown beside the contents: the
    #: other reports, this report's PDF, tables.xlsx, manifest.json and the index of packs
    links: tuple[tuple[str, str], ...] = ()

    @property
    def as_of_text(self) -> str:
        return _long_date(self.as_of)

    @property
    def running_header(self) -> str:
        return f"{self.council} · {self.committee} · as of {self.as_of_text}"


class ReportOutputsPreprocessor(Preprocessor):
    """Drop cells tagged for removal, stderr/warnings, tracebacks, scripts and widgets;
    then drop code cells left with nothing to show."""

    def preprocess(self, nb, resources):
        kept = []
        for cell in nb.cells:
            if REMOVE_CELL_TAGS & set(cell.get("metadata", {}).get("tags", [])):
                continue
            if cell.cell_type == "code":
                cell.outputs = [out for out in map(_reader_output, cell.get("outputs", [])) if out]
                if not cell.outputs:
                    continue
            kept.append(cell)
        nb.cells = kept
        _tag_wide_sections(kept)
        return nb, resources


#: The tag (``celltag_rl-wide-section`` in the HTML) on every cell of a section holding a
#: wide table: the print CSS sets the whole section, heading included, on landscape pages.
WIDE_SECTION_TAG = "rl-wide-section"
_SECTION_HEADING = re.compile(r"^\s{0,3}#{1,2}\s", re.MULTILINE)


def _tag_wide_sections(cells) -> None:
    """Tag each cell of a section (a level-1 or -2 heading up to the next) that holds a wide
    table, so its heading is never left alone at the foot of a portrait page before it."""
    sections, current = [], []
    for cell in cells:
        if cell.cell_type == "markdown" and _SECTION_HEADING.search(cell.source) and current:
            sections.append(current)
            current = []
        current.append(cell)
    sections.append(current)
    for section in sections:
        if any(_has_wide_table(cell) for cell in section):
            for cell in section:
                tags = cell.setdefault("metadata", {}).setdefault("tags", [])
                if WIDE_SECTION_TAG not in tags:
                    tags.append(WIDE_SECTION_TAG)


def _has_wide_table(cell) -> bool:
    for output in cell.get("outputs", []):
        html = output.get("data", {}).get("text/html", "")
        if "rl-wide" in ("".join(html) if isinstance(html, list) else html):
            return True
    return False


def _reader_output(output):
    """The part of one output a committee reader may see, or None."""
    if output.output_type == "error" or (output.output_type == "stream" and output.name == "stderr"):
        return None
    if output.output_type in ("display_data", "execute_result"):
        data = {k: v for k, v in output.data.items() if k not in _DROPPED_MIMETYPES}
        if "text/html" in data:
            html = data["text/html"]
            html = "".join(html) if isinstance(html, list) else html
            data["text/html"] = _SCRIPT_ELEMENT.sub("", html)
        if not data:
            return None
        output.data = data
        _size_png(output)
    return output


def _size_png(output) -> None:
    """Show a PNG at its physical size (a 200 dpi chart at its inches, sharp), not one
    CSS pixel per image pixel, unless the output already says how wide to show it."""
    png = output.data.get("image/png")
    metadata = output.setdefault("metadata", {})
    if not png or "width" in metadata or "width" in metadata.get("image/png", {}):
        return
    try:
        raw = base64.b64decode("".join(png) if isinstance(png, list) else png)
    except ValueError:
        return
    width, dpi, pos = None, None, 8
    while pos + 16 <= len(raw) and dpi is None:
        length, kind = struct.unpack(">I4s", raw[pos:pos + 8])
        if kind == b"IHDR":
            width = struct.unpack(">I", raw[pos + 8:pos + 12])[0]
        elif kind == b"pHYs" and raw[pos + 16:pos + 17] == b"\x01":  # pixels per metre
            dpi = struct.unpack(">I", raw[pos + 8:pos + 12])[0] * 0.0254
        elif kind == b"IDAT":
            break
        pos += 12 + length
    if width and dpi and dpi > 96:
        metadata.setdefault("image/png", {})["width"] = round(width * 96 / dpi)


_HEADING = re.compile(r"^\s*#\s+(.+?)\s*#*\s*$", re.MULTILINE)


def notebook_title(nb) -> str | None:
    """The notebook's own title: the first level-1 heading of its markdown cells."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            found = _HEADING.search(cell.source)
            if found:
                return found.group(1)
    return None


def make_exporter() -> HTMLExporter:
    """The house HTML exporter (``reportlib.exporters.ReportHTMLExporter``): no input, no
    prompts, images embedded, the contents list filled in; the one ``jupyter nbconvert
    --to reportlib-html`` uses."""
    from reportlib.exporters import ReportHTMLExporter  # it imports this module

    return ReportHTMLExporter()


_shared: HTMLExporter | None = None


def shared_exporter() -> HTMLExporter:
    """One house exporter for this process, its templates compiled once (a new exporter
    compiles its Jinja templates again: a third of a report's HTML time). ``render`` calls it
    before any stage starts, so every stage forked from it finds the templates compiled."""
    global _shared
    if _shared is None:
        _shared = make_exporter()
        import nbformat

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


def pack_links(stems, current: str, formats) -> tuple[tuple[str, str], ...]:
    """(label, href) of the files published beside report ``current`` of a pack whose
    notebooks are ``stems``: the other reports, this report's PDF, ``tables.xlsx``,
    ``manifest.json`` and the index of every pack (two folders up)."""
    links = []
    for stem in stems:
        if stem == current:
            continue
        name = stem.replace("_", " ").strip().capitalize()
        if "html" in formats:
            links.append((f"{name} (HTML)", f"{quote(stem)}.html"))
        if "pdf" in formats:
            links.append((f"{name} (PDF)", f"{quote(stem)}.pdf"))
    if "pdf" in formats:
        links.append(("This report as PDF", f"{quote(current)}.pdf"))
    links += [("Tables for spreadsheets (xlsx)", "tables.xlsx"), ("Manifest: inputs and hashes (JSON)", "manifest.json"),
              ("All committee reports", "../../index.html")]
    return tuple(links)


def scrub_paths(text: str, replacements: Iterable[tuple[str | Path, str]]) -> str:
    """Replace absolute folder paths by safe names: ``[(repo_root, ""), (home, "~")]``.

    A path followed by ``/`` becomes ``<name>/...`` (or relative when the name is
    empty); the bare folder becomes the name (or ``.``). Longest folders go first.
    """
    pairs = []
    for folder, name in replacements:
        for variant in {str(folder).rstrip("/"), str(Path(folder).resolve()).rstrip("/")}:
            if variant:
                pairs.append((variant, name))
    start = r"(?<![\w.~-])"  # where a path begins, not inside "/srv/home/..." or a word
    for folder, name in sorted(pairs, key=lambda p: len(p[0]), reverse=True):
        text = re.sub(start + re.escape(folder) + "/", f"{name}/" if name else "", text)
        text = re.sub(start + re.escape(folder) + r"(?![\w.-])", name or ".", text)
    return text


def write_index(reports_dir: str | Path) -> Path:
    """(Re)write ``reports/index.html``: every pack's latest outputs, relative links."""
    reports_dir = Path(reports_dir)
    packs = []
    for folder in sorted(p for p in reports_dir.iterdir() if p.is_dir() and p.name[0] not in "._"):
        dated = sorted(d for d in folder.iterdir() if (d / manifests.FILE_NAME).is_file())
        if not dated:
            continue
        manifest = manifests.read(dated[-1])
        href = f"{quote(folder.name)}/{quote(dated[-1].name)}/"
        files = sorted(dict.fromkeys(manifest.files() + [manifests.FILE_NAME]),
                       key=lambda name: (_LINK_ORDER.get(Path(name).suffix, 9), name))
        entry = {k: str(getattr(manifest, k)) for k in _INDEX_KEYS}
        try:
            entry["as_of"] = _long_date(date.fromisoformat(entry["as_of"]))
        except ValueError:
            pass
        entry["generated_at"] = entry["generated_at"].replace("T", " ")[:16] + " UTC"
        packs.append({**entry, "links": [(name, href + quote(name)) for name in files]})
    folder = TEMPLATES_DIR / TEMPLATE_NAME
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(folder)), autoescape=True)
    page = env.get_template("reports_index.html.j2").render(
        packs=packs, updated=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), csp=CSP,
        css=markupsafe.Markup((folder / "static" / "report.css").read_text(encoding="utf-8")))
    from reportlib.htmlnav import wrap_tables  # a narrow screen scrolls the table in a focusable region

    page = wrap_tables(page)
    index = reports_dir / "index.html"
    tmp = reports_dir / f".index-{os.getpid()}.html"
    tmp.unlink(missing_ok=True)  # a link planted there is removed, never written through
    with open(tmp, "x", encoding="utf-8") as out:
        out.write(page)
    os.replace(tmp, index)
    return index


_INDEX_KEYS = ("pack", "title", "council", "committee", "as_of", "generated_at")
_LINK_ORDER = {".html": 0, ".pdf": 1, ".xlsx": 2, ".ipynb": 3, ".json": 4}


def _long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


# --- offline checks -------------------------------------------------------------

_CSS_URL = re.compile(r"""url\(\s*(['"]?)(.*?)\1\s*\)|@import\s+(['"])(.*?)\3""", re.IGNORECASE)
_LOAD_ATTRIBUTES = {"src", "srcset", "poster", "data", "background", "xlink:href"}
_HREF_LOADS = {"link", "image", "use", "script", "base"}


def external_loads(html: str) -> list[str]:
    """Everything ``html`` would fetch when opened (not ``data:`` or ``#fragment``).

    Links a reader may click (``<a href>``) are not loads. An empty list means the
    page is self-contained.
    """
    finder = _LoadFinder()
    finder.feed(html)
    finder.close()
    return finder.loads


def _is_self_contained(url: str) -> bool:
    url = url.strip().lower()
    return url == "" or url.startswith(("data:", "#", "about:blank"))


class _LoadFinder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.loads: list[str] = []
        self._in_style = False

    def _add(self, where: str, url: str) -> None:
        if not _is_self_contained(url):
            self.loads.append(f"{where}: {url[:200]}")

    def _css(self, where: str, css: str) -> None:
        for match in _CSS_URL.finditer(css):
            self._add(where, match.group(2) if match.group(2) is not None else match.group(4))

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is None:
                continue
            where = f"<{tag} {name}>"
            if name == "srcset":
                for candidate in value.split(","):
                    self._add(where, (candidate.split() or [""])[0])
            elif name in _LOAD_ATTRIBUTES:
                self._add(where, value)
            elif name == "href" and tag in _HREF_LOADS:
                self._add(where, value)
            elif name == "style":
                self._css(where, value)
            elif tag == "meta" and name == "content" and "url=" in value.lower():
                self._add("<meta refresh>", value.lower().split("url=", 1)[1])
        self._in_style = tag == "style"

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self._in_style = False

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self._css("<style>", data)
