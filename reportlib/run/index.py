"""``reports/index.html``: every pack's latest outputs, from the packs' manifests."""
from __future__ import annotations

import os
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import quote

import jinja2
import markupsafe

from reportlib.core.files import write_atomically
from reportlib.model.vocab import long_date
from reportlib.present.htmlnav import wrap_tables
from reportlib.present.htmlreport import CSP, TEMPLATE_NAME, TEMPLATES_DIR
from reportlib.run import manifest as manifests
from reportlib.run.publish import remove_planted_links


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
        files = _in_reading_order(list(dict.fromkeys(manifest.files() + [manifests.FILE_NAME])))
        entry = {k: str(getattr(manifest, k)) for k in _INDEX_KEYS}
        try:
            entry["as_of"] = long_date(date.fromisoformat(entry["as_of"]))
        except ValueError:
            pass
        entry["generated_at"] = entry["generated_at"].replace("T", " ")[:16] + " UTC"
        packs.append({**entry, "links": [(output_label(name), href + quote(name), name) for name in files]})
    folder = TEMPLATES_DIR / TEMPLATE_NAME
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(folder)), autoescape=True)
    page = env.get_template("reports_index.html.j2").render(
        packs=packs, updated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), csp=CSP,
        css=markupsafe.Markup((folder / "static" / "report.css").read_text(encoding="utf-8")))
    page = wrap_tables(page)  # a narrow screen scrolls the table in a focusable region
    # a link planted at index.html is removed as a link, with a warning naming it (never written through)
    remove_planted_links(reports_dir, "index.html")
    # a run killed mid-write leaves .index-<pid>.html, which the next run clears (publish.clean_stale)
    return write_atomically(reports_dir / "index.html", page, temp=reports_dir / f".index-{os.getpid()}.html")


_INDEX_KEYS = ("pack", "title", "council", "committee", "as_of", "generated_at")
#: Each kind of output, in the order its links are listed, in the words of someone choosing which to open.
_KINDS = {".html": "web page", ".pdf": "PDF", ".xlsx": "Excel", ".ipynb": "notebook", ".json": "JSON"}
_LINK_ORDER = {suffix: place for place, suffix in enumerate(_KINDS)}


def _in_reading_order(files: list[str]) -> list[str]:
    """Each report's web page then its PDF, reports in the pack's order; then the other kinds."""
    reports = list(dict.fromkeys(Path(n).stem for n in files if Path(n).suffix in _READ))
    def place(name: str):
        path = Path(name)
        if path.suffix in _READ:
            return (0, reports.index(path.stem), _LINK_ORDER[path.suffix], name)
        return (1, 0, _LINK_ORDER.get(path.suffix, 9), name)
    return sorted(files, key=place)


_READ = (".html", ".pdf")  # the reports themselves, kept together report by report


def output_label(name: str) -> str:
    """A published file as a link's words: "council_progress.pdf" -> "Council progress (PDF)"."""
    path = Path(name)
    words = " ".join(path.stem.replace("_", " ").replace("-", " ").split()) or path.name
    kind = _KINDS.get(path.suffix.lower(), path.suffix.lstrip(".") or "file")
    return f"{words[:1].upper()}{words[1:]} ({kind})"
