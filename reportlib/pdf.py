"""HTML report -> PDF with WeasyPrint: A4, running header, "Page N of M".

The page furniture is CSS ``@page`` margin boxes added here; the rest of the print
look (tables that wrap, headers that repeat, images that fit) is the house
template's print CSS. Nothing is fetched: only ``data:`` URLs are allowed, so the
PDF shows exactly what the self-contained HTML shows. No LaTeX, no browser.
"""
from __future__ import annotations

import logging
import re
from contextlib import contextmanager
from pathlib import Path

from reportlib.errors import RenderError

# WeasyPrint logs every layout step (even the stylesheets it parses on import) at INFO;
# a batch log wants none of that.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
import weasyprint  # noqa: E402  (after the line above)

_PAGE_CSS = """
@page {
  size: A4;
  margin: 20mm 15mm 20mm 15mm;
  @top-left {
    content: "%(header)s";
    font-family: "Liberation Sans", "DejaVu Sans", Arial, sans-serif;
    font-size: 8pt;
    color: #555555;
    vertical-align: bottom;
    padding-bottom: 3mm;
    border-bottom: 0.5pt solid #c8d0d8;
    width: 100%%;
  }
  @bottom-right {
    content: "Page " counter(page) " of " counter(pages);
    font-family: "Liberation Sans", "DejaVu Sans", Arial, sans-serif;
    font-size: 8pt;
    color: #555555;
    vertical-align: top;
    padding-top: 3mm;
  }
}
/* Tables with many columns (marked wide) get pages of their own, turned to landscape. */
@page wide { size: A4 landscape !important; }
.rl-wide { page: wide; }
/* Tables found wider than the page are laid out again: first smaller and hyphenated,
   then, if still too wide, with breaks anywhere in a word. (These are user stylesheets
   to WeasyPrint: only !important beats the template's author CSS.) */
table[data-rl-wrap] { font-size: 0.85em !important; }
table[data-rl-wrap] th, table[data-rl-wrap] td { hyphens: auto !important; padding: 1.5pt 3pt !important; }
table[data-rl-wrap="anywhere"] th, table[data-rl-wrap="anywhere"] td { overflow-wrap: anywhere !important; }
"""
_TABLE_TAG = re.compile(r"<table\b", re.IGNORECASE)


def html_to_pdf(html: str, pdf_path: str | Path, *, running_header: str) -> Path:
    """Write ``html`` (a self-contained report) as an A4 PDF at ``pdf_path``."""
    pdf_path = Path(pdf_path)
    with _quiet_weasyprint():
        try:
            layout(html, running_header=running_header).write_pdf(pdf_path)
        except Exception as exc:  # WeasyPrint raises many kinds; say which file
            raise RenderError(f"PDF could not be written: {exc}", output=str(pdf_path)) from exc
    return pdf_path


def layout(html: str, *, running_header: str) -> weasyprint.document.Document:
    """Lay ``html`` out on A4 pages (a WeasyPrint document, before writing).

    Table cells break between words, so short columns (refs, dates) stay whole. A
    table wider than the page is laid out again smaller and hyphenated, and if still
    too wide, with breaks anywhere in a word: it wraps, and nothing is clipped.
    """
    with _quiet_weasyprint():
        page_css = weasyprint.CSS(string=_PAGE_CSS % {"header": _css_string(running_header)})

        def render(source: str):
            document = weasyprint.HTML(string=source, base_url=".", url_fetcher=_data_only_fetcher())
            return document.render(stylesheets=[page_css], presentational_hints=True)

        document, marks = render(html), {}
        for fallback in ("hyphens", "anywhere"):
            wide = overflowing_tables(document)
            if not wide:
                break
            marks.update(dict.fromkeys(wide, fallback))
            document = render(_mark_tables(html, marks))
        return document


def overflowing_tables(document) -> set[int]:
    """Document-order numbers of the tables laid out wider than their page's content area."""
    wide, order = set(), None
    for page in document.pages:
        root = page._page_box.children[0]  # the <html> box: the page's content area
        if order is None:
            order = {id(e): i for i, e in enumerate(
                e for e in root.element.iter() if isinstance(e.tag, str) and e.tag.endswith("table"))}
        right = root.content_box_x() + root.width
        for box in _descendants(root):
            if box.element_tag == "table" and box.position_x + box.margin_width() > right + 0.5:
                wide.add(order.get(id(box.element), -1))
    wide.discard(-1)
    return wide


def _descendants(box):
    for child in getattr(box, "children", ()):
        yield child
        yield from _descendants(child)


def _mark_tables(html: str, marks: dict[int, str]) -> str:
    """Add ``data-rl-wrap="<fallback>"`` to the tables numbered in ``marks``."""
    numbers = iter(range(len(html)))

    def mark(match):
        fallback = marks.get(next(numbers))
        return f'<table data-rl-wrap="{fallback}"' if fallback else match.group(0)

    return _TABLE_TAG.sub(mark, html)


def _css_string(text: str) -> str:
    """Escape text for a double-quoted CSS string."""
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


def _data_only_fetcher():
    """A URL fetcher that serves ``data:`` URLs and refuses everything else."""
    fetcher_class = getattr(weasyprint, "URLFetcher", None)
    if fetcher_class is not None:  # WeasyPrint >= 66
        return fetcher_class(allowed_protocols={"data"})

    def fetch(url: str):  # older WeasyPrint: function-style fetchers
        if not url.startswith("data:"):
            raise ValueError(f"reportlib PDFs load nothing from outside the report: {url}")
        return weasyprint.default_url_fetcher(url)

    return fetch


@contextmanager
def _quiet_weasyprint():
    """Keep WeasyPrint's progress steps and CSS warnings out of the run log."""
    loggers = [logging.getLogger(name) for name in ("weasyprint", "weasyprint.progress")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels):
            logger.setLevel(level)
