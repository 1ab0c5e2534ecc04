"""Benchmark the PDF of a table holding one very long cell (``reportlib.present.pdf.html_to_pdf``).

    .venv/bin/python benchmarks/bench_pdf_long_text.py [--repeat 1] [--sizes 1000,8000,60000]

Each case is a five-column action table in the house stylesheet, one of whose cells is
long: 1,000 / 8,000 / 60,000 characters with no space (a pasted hash, a URL, a run of
dashes), and 8,000 characters of ordinary words. WeasyPrint used to lay such cells out in
quadratic time (8,000 unbroken characters: ~97 s). Target: the 60,000-character cell in
under 10 s. Figures are the median of ``--repeat`` runs, in this process (WeasyPrint
already imported).
"""
from __future__ import annotations

import argparse
import html
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reportlib.present import pdf  # noqa: E402

CSS = (ROOT / "reportlib" / "templates" / "reportlib" / "static" / "report.css").read_text(encoding="utf-8")
WORDS = ("the council agreed to review the procurement rules and report progress to the audit "
         "committee each quarter with evidence of savings achieved ").split()


def unbroken(n: int) -> str:
    """``n`` characters with no space: a repeating alphanumeric run, as a pasted hash would be."""
    alphabet = "abcdef0123456789ABCDEFghijklmnopqrstuvwxyz"
    return (alphabet * (n // len(alphabet) + 1))[:n]


def words(n: int) -> str:
    out, i = [], 0
    while sum(map(len, out)) + len(out) < n:
        out.append(WORDS[i % len(WORDS)])
        i += 1
    return " ".join(out)[:n]


def table_html(long_text: str, rows: int = 12, wrap: str = "") -> str:
    """A report page with a 5-column table, one cell of which holds ``long_text``.

    ``wrap="anywhere"`` marks the table as the PDF's last fallback for too-wide tables does.
    """
    marked = f" data-rl-wrap='{wrap}'" if wrap else ""
    body = [f"<table class='rl-table'{marked}><thead><tr>",
            "".join(f"<th scope='col'>{h}</th>" for h in ("Ref", "Recommendation", "Owner", "Target", "Update")),
            "</tr></thead><tbody>"]
    for r in range(rows):
        update = long_text if r == rows // 2 else "Work under way; a report is due at the next meeting."
        body.append(f"<tr><td>WDC-2010-{r:03d}</td><td>Review the procurement rules &amp; controls</td>"
                    f"<td>Head of Finance</td><td class='rl-date'>31 Mar 2011</td><td>{html.escape(update)}</td></tr>")
    body.append("</tbody></table>")
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>bench</title>"
            f"<style>{CSS}</style></head><body><main><h1>Long text</h1>{''.join(body)}</main></body></html>")


def timed(html_text: str, repeat: int) -> tuple[float, int]:
    runs, pages = [], 0
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(repeat):
            start = time.perf_counter()
            pdf.html_to_pdf(html_text, Path(folder) / "bench.pdf", running_header="Bench · Audit · as of today")
            runs.append(time.perf_counter() - start)
        from pypdf import PdfReader
        pages = len(PdfReader(Path(folder) / "bench.pdf").pages)
    return statistics.median(runs), pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--sizes", default="1000,8000,60000", help="unbroken cell lengths, comma separated")
    parser.add_argument("--words", type=int, default=8000, help="length of the cell of words (0: skip)")
    parser.add_argument("--extra", action="store_true",
                        help="also: the same cells with the cell limit off, and with breaks anywhere")
    args = parser.parse_args()
    sizes = [int(n) for n in args.sizes.split(",") if n]
    cases = [(f"{n:>6,} unbroken characters", unbroken(n), "", True) for n in sizes]
    if args.words:
        cases.append((f"{args.words:>6,} characters of words", words(args.words), "", True))
    if args.extra:
        cases += [(f"{n:>6,} unbroken characters, no cell limit", unbroken(n), "", False) for n in sizes]
        cases.append((f"{args.words:>6,} characters of words, no cell limit", words(args.words), "", False))
        cases.append((f"{pdf.MAX_CELL_CHARS:>6,} characters of words, break anywhere",
                      words(pdf.MAX_CELL_CHARS), "anywhere", True))
        cases.append((f"{pdf.MAX_CELL_CHARS:>6,} unbroken characters, break anywhere",
                      unbroken(pdf.MAX_CELL_CHARS), "anywhere", True))
    timed(table_html("warm-up"), 1)  # fonts and stylesheets loaded once, as in a pack's second notebook
    limit = pdf.MAX_CELL_CHARS
    for label, text, wrap, limited in cases:
        pdf.MAX_CELL_CHARS = limit if limited else None
        seconds, pages = timed(table_html(text, wrap=wrap), args.repeat)
        print(f"{label}: {seconds:6.2f} s  ({pages} page{'s' if pages != 1 else ''})", flush=True)
    pdf.MAX_CELL_CHARS = limit


if __name__ == "__main__":
    main()
