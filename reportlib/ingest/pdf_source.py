"""Read the tables of a text PDF committee paper as row grids, with pdfplumber.

Each page's table becomes a ``Part`` (``reportlib.ingest.papers``) labelled "page N" (a second
table on the same page "page N, table 2"); rows are counted from the table's top row on
that page.

* **Ruled tables** (cell borders drawn): pdfplumber finds the cells from the lines; a
  cell merged across columns gives its text to its first column, one merged down to its
  top row (carried down within a two-level heading, as for Word).
* **Unruled tables**: the columns begin where the header row's cells begin (on a page
  with no header, where the previous page's columns began); a row starts after a gap
  wider than the line spacing, unless the next line only goes on with one cell's text
  (a paragraph of that cell). A line whose words run across a column's start (a Theme or
  KLOE heading) is one cell.
* A ruled row running over the page break (no bottom rule, its column lines going on
  down the page) is read, and marked (``Part.cut_row``) so that it is flagged. On a page with
  no header repeated, its rest stands above the first rule there (no top rule, the column
  lines coming down from the top of the page): it is read as that page's row 1 and marked
  (``Part.opened``), and ``papers`` joins it to the row it is the rest of.
* **Wrapped cells**: the lines of a cell are joined with a space when the line above was
  full (the next word would not have fitted), and with a line break when it was not.
* Text in the table's area that falls in no cell is listed (``Part.unplaced``), never
  dropped in silence.

A PDF with no text layer (a scan) is refused ("no text to read: this PDF is an image"), as
is one that needs a password. Reading is bounded: at most ``MAX_PAGES`` pages, and
``CHARS_PER_PAGE`` characters on one page, within the document's cell and text budget,
and ``PAGE_SECONDS`` a page (``$REPORTLIB_PAGE_SECONDS``): a page past it, or past the
memory reading may take (``core.limits``), refuses the paper naming the page.
"""
from __future__ import annotations

import html
import io
import re
import statistics

from reportlib.core import limits
from reportlib.errors import InputError, Location
from reportlib.ingest.parts import Part, ReadBudget

MAX_PAGES = 400
CHARS_PER_PAGE = 200_000
#: Seconds one page may take to read (a page of a plan: a tenth of a second); $REPORTLIB_PAGE_SECONDS sets another.
PAGE_SECONDS = 5.0
PAGE_SECONDS_VARIABLE = "REPORTLIB_PAGE_SECONDS"
_RULED = {"vertical_strategy": "lines", "horizontal_strategy": "lines", "snap_tolerance": 2,
          "intersection_tolerance": 3}


def _open(data: bytes, where: Location):
    import pdfplumber

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        pdf.pages  # noqa: B018  (reads the page tree: damage and encryption show here)
        return pdf
    except Exception as exc:  # pdfplumber wraps pdfminer's errors
        cause = exc.__cause__ or exc.__context__ or exc
        names = {type(exc).__name__, type(cause).__name__}
        text = f"{exc} {cause}".lower()
        if names & {"PDFPasswordIncorrect", "PDFEncryptionError", "PDFEncryptionWarning"} or "password" in text \
                or "encrypt" in text:
            raise InputError("this PDF is encrypted and needs a password to open, so it cannot be read. Ask for "
                             "a copy without a password (or the Word original).", where) from None
        raise InputError(f"this PDF cannot be read: it looks damaged or truncated ({type(cause).__name__}). "
                         "Take it again from its source, or ask for the Word original.", where) from None


def _on_page(where: Location, number: int) -> Location:
    return Location(file=where.file, sheet=f"page {number}")


def _lines(words: list[dict], tolerance: float = 2.0) -> list[list[dict]]:
    """Words grouped into lines (by their top), each line left to right, lines top to bottom."""
    lines: list[list[dict]] = []
    for word in sorted(words, key=lambda w: (round(w["top"], 1), w["x0"])):
        if lines and abs(lines[-1][0]["top"] - word["top"]) <= tolerance:
            lines[-1].append(word)
        else:
            lines.append([word])
    return [sorted(line, key=lambda w: w["x0"]) for line in lines]


def _text_of(words: list[dict], left: float, right: float) -> str:
    """The text of one cell's words: wrapped lines joined with a space, broken lines with a line break."""
    lines = _lines(words)
    if not lines:
        return ""
    _mark_links([w for line in lines for w in line])
    height = statistics.median(line[0]["bottom"] - line[0]["top"] for line in lines)
    gaps = [b["x0"] - a["x1"] for line in lines for a, b in zip(line, line[1:]) if 0 < b["x0"] - a["x1"] < height]
    space = statistics.median(gaps) if gaps else 0.28 * height
    inner_left = min(line[0]["x0"] for line in lines)
    inner_right = right - max(0.0, inner_left - left)  # the same padding on the right as on the left
    starts = {round(line[0]["x0"]) for line in lines if not _BULLET.fullmatch(line[0]["text"])}
    hanging = {x for line in lines if len(line) > 1 and _BULLET.fullmatch(line[0]["text"])
               for x in (round(line[1]["x0"]),) if x in starts or x - 1 in starts or x + 1 in starts}
    hanging |= {x + d for x in hanging for d in (-1, 1)}

    def joined(line):  # a list bullet stands apart from its text, further than a space
        if len(line) > 1 and _BULLET.fullmatch(line[0]["text"]) and (line[1]["x0"] - line[0]["x1"] > 1.8 * space
                                                                     or round(line[1]["x0"]) in hanging):
            return _ITEM + " ".join(w["shown"] for w in line[1:])
        return " ".join(w["shown"] for w in line)

    paragraphs = [joined(lines[0])]
    for above, line in zip(lines, lines[1:]):
        text = joined(line)
        first = line[0]
        fitted = above[-1]["x1"] + space + (first["x1"] - first["x0"]) <= inner_right - 1.0
        gap = line[0]["top"] - above[0]["bottom"]  # wider between paragraphs than between wrapped lines
        out = paragraphs[-1]
        if (fitted or gap > 0.45 * height) and not (out.startswith(_ITEM) and first["x0"] > above[0]["x0"] + space
                                                    and not fitted):
            paragraphs.append(text)
        elif (out.endswith(("-", "/")) and first["text"][:1].isalnum() and not out.endswith((" -", " /"))) or (
                first.get("href") and first.get("href") == above[-1].get("href")
                and above[-1]["text"] + first["text"] in first["href"]):
            paragraphs[-1] = out + text  # a word broken at its hyphen or slash, or a link's address
        else:
            paragraphs[-1] = out + " " + text
    return "\n".join(_lists(paragraphs))


_BULLET = re.compile(r"[•◦▪‣●]")
_ITEM = "\x00"  # marks a paragraph that is a list item while a cell's text is put together


def _lists(paragraphs: list[str]) -> list[str]:
    """Paragraphs that begin with a bullet, one after another, kept as one list: ``<ul><li>…</li></ul>``."""
    out: list[str] = []
    items: list[str] = []
    for text in paragraphs + [""]:
        if text.startswith(_ITEM):
            items.append(text[1:])
            continue
        if items:
            out.append("<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>")
            items = []
        if text:
            out.append(text)
    return out


def _mark_links(words: list[dict]) -> None:
    """Each word's text as shown (``shown``), with the words under one link annotation
    wrapped in ``<a href="…">…</a>``."""
    current = None
    for i, word in enumerate(words):
        href = word.get("href")
        word["shown"] = word["text"]
        if href != current:
            if current:
                words[i - 1]["shown"] += "</a>"
            if href:
                word["shown"] = f'<a href="{html.escape(href, quote=True)}">' + word["shown"]
            current = href
    if current:
        words[-1]["shown"] += "</a>"


def _inside(word, bbox) -> bool:
    x = (word["x0"] + word["x1"]) / 2
    y = (word["top"] + word["bottom"]) / 2
    return bbox[0] <= x <= bbox[2] and bbox[1] <= y <= bbox[3]


def _ruled(table, words: list[dict], label: str, budget: ReadBudget) -> tuple[list[list], list, set, set]:
    """Rows of a table found from its drawn lines: (rows, tops, ids of words used, the cells a cell
    above is merged down over)."""
    used: set[int] = set()
    rows: list[list] = []
    spans: list[list[bool]] = []  # True where a cell of the row above is merged down over this one
    tops: list[float] = []
    unfound = _cells_merged_down(table)
    for r, row in enumerate(table.rows):
        out, down = [], []
        for c, bbox in enumerate(row.cells):
            if bbox is None and (r, c) in unfound:
                bbox = unfound[(r, c)]
            if bbox is None:
                out.append("")
                down.append(bool(rows) and c < len(out) and ((r, c) in unfound or _covered_from_above(table, row, c)))
                continue
            inside = [w for w in words if id(w) not in used and _inside(w, bbox)]
            used.update(id(w) for w in inside)
            out.append(_text_of(inside, bbox[0], bbox[2]))
            down.append(False)
        budget.take(label, r + 1, len(out), sum(len(v) for v in out))
        rows.append(out)
        spans.append(down)
        tops.append(row.bbox[1])
    _fill_heading(rows, spans)
    return rows, tops, used, {(r, c) for r, down in enumerate(spans) for c, covered in enumerate(down) if covered}


def _cells_merged_down(table) -> dict[tuple[int, int], object]:
    """Cells merged down over rows that the ruling does not show as cells of their own (no rule
    closes them in the rows they start in): ``{(row, column): bbox}`` for the row each starts in,
    and ``{(row, column): None}`` for the rows below that it covers. A place with no cell that a
    cell to its left runs across (a heading merged across) is not one."""
    edges = sorted({round(c[0], 1) for c in table.cells}) + [round(table.bbox[2], 1)]
    found: dict[tuple[int, int], object] = {}
    rows = table.rows
    for c in range(len(edges) - 1):
        r = 0
        while r < len(rows):
            if not _missing(table, rows[r], c, edges):
                r += 1
                continue
            end = r
            while end + 1 < len(rows) and _missing(table, rows[end + 1], c, edges):
                end += 1
            # one cell over rows r..end (one row: a cell not closed below, merged down over the row
            # that runs on over the page break)
            found[(r, c)] = (edges[c], rows[r].bbox[1], edges[c + 1], rows[end].bbox[3])
            found.update({(k, c): None for k in range(r + 1, end + 1)})
            r = end + 1
    return found


def _missing(table, row, column: int, edges) -> bool:
    """Whether the row has no cell at ``column``, no cell of the row runs across it and no cell
    found above reaches down over it."""
    if column >= len(row.cells) or row.cells[column] is not None:
        return False
    x = edges[column] + 1
    return not any(cell is not None and cell[0] < x < cell[2] for cell in row.cells) \
        and not _covered_from_above(table, row, column)


def _covered_from_above(table, row, column: int) -> bool:
    """Whether a cell of an earlier row reaches down over ``row`` at ``column`` (a merged-down cell)."""
    columns = sorted({round(c[0], 1) for c in table.cells})
    if column >= len(columns):
        return False
    x = columns[column] + 1
    y = (row.bbox[1] + row.bbox[3]) / 2
    return any(c[0] <= x <= c[2] and c[1] < row.bbox[1] - 1 and c[3] >= y for c in table.cells)


def _fill_heading(rows: list[list], spans: list[list[bool]]) -> None:
    """A two-level heading (a cell merged down beside one merged across): carry the merged-down
    text into the second heading row, so that one row names every column."""
    if len(rows) < 2 or not any(spans[1]):
        return
    if not any(v == "" for v in rows[0][1:]):  # nothing merged across in the first row
        return
    for c, down in enumerate(spans[1]):
        if down and not rows[1][c]:
            rows[1][c] = rows[0][c]


def _segments(line: list[dict], gutter: float) -> list[list[dict]]:
    """A line's words split where the gap between two words is wider than ``gutter``."""
    out = [[line[0]]]
    for a, b in zip(line, line[1:]):
        if b["x0"] - a["x1"] > gutter:
            out.append([b])
        else:
            out[-1].append(b)
    return out


def _unruled(words: list[dict], label: str, budget: ReadBudget, previous: tuple[float, ...] = ()):
    """A table with no drawn lines: its columns begin where the header row's cells begin (or,
    on a page with no header, where the previous page's columns began and the words still
    line up), its rows end where the gap between lines is wider than the line spacing.

    Returns (rows, tops, ids of words used, column starts, top of the table) or None."""
    lines = _lines(words)
    if len(lines) < 2:
        return None
    height = statistics.median(line[0]["bottom"] - line[0]["top"] for line in lines)
    gaps = [b["x0"] - a["x1"] for line in lines for a, b in zip(line, line[1:]) if 0 < b["x0"] - a["x1"] < height]
    space = statistics.median(gaps) if gaps else 0.3 * height
    gutter = 2.6 * space  # wider than any space between words, narrower than a cell's margins
    header_at, starts = None, None
    for i, line in enumerate(lines):
        segments = _segments(line, gutter)
        if len(segments) >= 3:
            header_at, starts = i, [seg[0]["x0"] for seg in segments]
            break
    found_at = header_at  # the line read as a header row (three cells or more), if any
    # A line in some of the previous page's columns only is no header: the rest of a row cut by the
    # break (its text in a few cells) at the top of a page with no header repeated.
    fewer = bool(previous) and starts is not None and len(starts) < len(previous) and all(
        any(abs(x - p) <= 3 for p in previous) for x in starts)
    if fewer:
        found_at = None
    if previous and (starts is None or fewer or not _aligned(lines, previous, gutter)):
        header_at, starts = None, list(previous)
        first = next((i for i, line in enumerate(lines) if _aligned([line], previous, gutter)
                      and len(_segments(line, gutter)) >= 2), None)
        if first is None:
            return None
        header_at = first
    if starts is None:
        return None
    # on a page going on from the one before, lines above the table in that page's later columns only
    # are the rest of the row cut at its foot (a long progress text running on): row 1 here, never left out
    if previous and header_at and all(_aligned([line], previous[1:], gutter) for line in lines[:header_at]):
        header_at = 0
    headed = found_at is not None and header_at == found_at  # the table's first line is its header row
    table_lines = lines[header_at:]
    right = max(w["x1"] for line in table_lines for w in line)
    # A row starts after a gap wider than the line spacing, on a line with text in two or more
    # columns, in the first, or in a column empty so far in the row: after a paragraph of one cell, the next
    # line has text in that cell only.
    def columns_of(line):
        return {sum(1 for x in starts[1:] if w["x0"] >= x - 2) for w in line}

    # Rows set apart that way show how wide a gap between rows is: a gap that wide is a new row anyway.
    certain = [b[0]["top"] - a[0]["bottom"] for a, b in zip(table_lines, table_lines[1:])
               if b[0]["top"] - a[0]["bottom"] > 0.6 * height and (len(columns_of(b)) > 1 or 0 in columns_of(b))]
    row_gap = min(certain) - 0.5 if certain else float("inf")
    blocks: list[list[list[dict]]] = []
    block_columns: set[int] = set()
    for line in table_lines:
        gap = line[0]["top"] - blocks[-1][-1][0]["bottom"] if blocks else 0
        used_columns = columns_of(line)
        # The header row takes only its own wrapped lines: a paragraph after it is the first row's (the
        # rest of a row cut by the page break, under the header repeated on the next page).
        goes_on = len(used_columns) == 1 and 0 not in used_columns and used_columns <= block_columns \
            and gap < row_gap and not (headed and len(blocks) == 1)
        if blocks and (gap <= 0.6 * height or goes_on):
            blocks[-1].append(line)
            block_columns |= used_columns
        else:
            blocks.append([line])
            block_columns = set(used_columns)
    rows, tops, used = [], [], set()
    flats = [[w for line in block for w in line] for block in blocks]
    crossing = [_crosses(block, flat, starts, space) for block, flat in zip(blocks, flats)]
    # each column ends where its longest line ends: wrapped text nearly fills it
    ends = [0.0] * len(starts)
    for flat, crossed in zip(flats, crossing):
        for w in flat if not crossed else ():
            c = sum(1 for x in starts[1:] if w["x0"] >= x - 2)
            ends[c] = max(ends[c], w["x1"])
    ends = [end or (list(starts[1:]) + [right])[c] - 4 for c, end in enumerate(ends)]
    for r, (block, flat, straddles) in enumerate(zip(blocks, flats, crossing)):
        used.update(id(w) for w in flat)
        if straddles:  # one cell across the table: a heading
            row = [_text_of(flat, starts[0], right)]
        else:
            row = _by_columns(flat, starts, right, ends)
        budget.take(label, r + 1, len(starts), sum(len(v) for v in row))
        rows.append(row)
        tops.append(block[0][0]["top"])
    return rows, tops, used, tuple(round(x, 1) for x in starts), table_lines[0][0]["top"]


def _crosses(block, flat, starts, space) -> bool:
    """Whether a row's text runs across a column's start: one cell across the table."""
    return any(w["x0"] < edge - 1 < w["x1"] for w in flat for edge in starts[1:]) or any(
        b["x0"] - a["x1"] <= 2 * space and any(a["x1"] < edge <= b["x0"] + 1 for edge in starts[1:])
        for line in block for a, b in zip(line, line[1:]))


def _aligned(lines, starts, gutter) -> bool:
    """Whether the lines' segments begin at the given column starts (a table continued)."""
    for line in lines:
        for segment in _segments(line, gutter):
            if not any(abs(segment[0]["x0"] - x) <= 3 for x in starts):
                return False
    return True


def _by_columns(words: list[dict], edges, right: float, ends=None) -> list[str]:
    """One row's words put in the columns that begin at ``edges`` (and, when known, end at ``ends``)."""
    bounds = list(edges[1:]) + [right + 1]
    return [_text_of([w for w in words if (edge - 2 if c else -1e9) <= w["x0"] < bounds[c] - 2],
                     edge, ends[c] if ends else bounds[c] - 4)
            for c, edge in enumerate(edges)]


def _unclosed_row(page, table, words, used, edges) -> list[dict]:
    """Words of a last row whose bottom rule is not drawn (a row running over the page break):
    below the table's last rule, between its column lines, which run on down the page."""
    bottom = table.bbox[3]
    lines = [e for e in page.vertical_edges if e["top"] <= bottom + 2 and e["bottom"] > bottom + 4
             and any(abs(e["x0"] - x) < 2 for x in edges + (table.bbox[2],))]
    if len(lines) < 2:
        return []
    low = max(e["bottom"] for e in lines)
    return [w for w in words if id(w) not in used and bottom <= (w["top"] + w["bottom"]) / 2 <= low
            and table.bbox[0] <= w["x0"] and w["x1"] <= table.bbox[2] + 1]


def _unopened_row(page, table, words, used, edges) -> list[dict]:
    """Words of a first row whose top rule is not drawn (the rest of a row cut by the page break,
    on a page with no header repeated): above the table's first rule, between its column lines,
    which run on up the page."""
    top = table.bbox[1]
    lines = [e for e in page.vertical_edges if e["bottom"] >= top - 2 and e["top"] < top - 4
             and any(abs(e["x0"] - x) < 2 for x in edges + (table.bbox[2],))]
    if len(lines) < 2:
        return []
    high = min(e["top"] for e in lines)
    return [w for w in words if id(w) not in used and high <= (w["top"] + w["bottom"]) / 2 <= top
            and table.bbox[0] <= w["x0"] and w["x1"] <= table.bbox[2] + 1]


def _column_lines(words: list[dict], edges: tuple[float, ...], ruled: bool) -> int:
    """How many lines of a page's text stand in a table's columns: a line with a word that begins
    one of the table's inner columns (at its start, or just inside its rule), set apart from the word
    before it by more than a space. Prose runs across a column's start with a single space."""
    lines = _lines(words)
    if not lines or len(edges) < 2:
        return 0
    height = statistics.median(line[0]["bottom"] - line[0]["top"] for line in lines)
    gaps = [b["x0"] - a["x1"] for line in lines for a, b in zip(line, line[1:]) if 0 < b["x0"] - a["x1"] < height]
    space = statistics.median(gaps) if gaps else 0.3 * height
    inside = 16.0 if ruled else 3.0  # text begins a cell's padding inside its rule, at an unruled column's start
    count = 0
    for line in lines:
        ends = [None] + [w["x1"] for w in line[:-1]]
        if any(edge - 3 <= w["x0"] <= edge + inside and (end is None or w["x0"] - end > 2.5 * space)
               for w, end in zip(line, ends) for edge in edges[1:]):
            count += 1
    return count


def read_pdf(data: bytes, where: Location, budget: ReadBudget):
    """(parts, pages read, pages with no table, page where reading stopped or None, pages not read
    for holding more than ``CHARS_PER_PAGE`` characters, and for each page with no table after a
    page with one: (lines of its text standing in that table's columns, the page of that table))."""
    pdf = _open(data, where)
    parts: list[Part] = []
    empty: list[int] = []
    loose: dict[int, tuple[int, int]] = {}
    any_text = False
    page_cut = None
    dense: list[int] = []
    seconds = limits.env_seconds(PAGE_SECONDS_VARIABLE, PAGE_SECONDS)
    try:
        for number, page in enumerate(pdf.pages, start=1):
            if number > MAX_PAGES:
                page_cut = MAX_PAGES
                break
            try:
                with limits.time_limit(seconds):
                    chars = page.chars
                    if not chars:
                        empty.append(number)
                        continue
                    any_text = True
                    if len(chars) > CHARS_PER_PAGE:  # far more than a page of a table: counted, not read
                        budget.take(f"page {number}", 1, 0, len(chars))
                        if budget.cut:
                            break
                        dense.append(number)
                        continue
                    before = parts[-1] if parts and parts[-1].page == number - 1 else None
                    previous = before.edges if before else ()
                    running = bool(before and before.ruled and before.cut_row and before.cut_row == len(before.rows))
                    found = _page_parts(page, number, budget, previous, running)
            except limits.TimeUp:
                raise InputError(f"reading this page took longer than the {seconds:g} s a page may take, so the paper "
                                 "was not read. A page of an action plan reads in well under a second; this one is "
                                 "drawn in far more pieces than a table has. Ask for the Word original, or a PDF "
                                 "saved from it; if the page is a genuine plan, allow more time a page with "
                                 f"${PAGE_SECONDS_VARIABLE}.", _on_page(where, number)) from None
            except Exception as exc:
                if limits.out_of_memory(exc):
                    raise InputError(limits.memory_message("reading this page") + ". A page of an action plan needs "
                                     "a few megabytes; ask for the Word original, or a PDF saved from it.",
                                     _on_page(where, number)) from None
                raise
            if found:
                parts += found
            else:
                empty.append(number)
                if parts:  # text set in the columns of the table read before may be that table going on
                    words = page.extract_words(keep_blank_chars=False, x_tolerance=1.5, y_tolerance=2)
                    lines = _column_lines(words, parts[-1].edges, parts[-1].ruled)
                    if lines:
                        loose[number] = (lines, parts[-1].page)
            page.flush_cache()
            if budget.cut:
                break
        pages = min(len(pdf.pages), MAX_PAGES)
    finally:
        pdf.close()
    if not any_text:
        raise InputError("no text to read: this PDF is an image (a scan or a picture of the pages), with no text "
                         "layer to read the plan from; ask for the original document (the Word file, or a PDF "
                         "saved from it).", where)
    return parts, pages, empty, page_cut, dense, loose


def _through_row(page, words, edges: tuple[float, ...]) -> tuple[list[dict], float] | None:
    """On a page with no rule across it, after a page whose last row runs on over the break: the
    words between the table's column lines running down the page (a row taller than the page, going
    on from the page before), and the table's right edge. None when the lines are not there."""
    lines = [e for e in page.vertical_edges if e["bottom"] - e["top"] > 20]
    at = [e for e in lines if any(abs(e["x0"] - x) < 2 for x in edges)]
    if len({round(e["x0"]) for e in at}) < 2:
        return None
    top, bottom = min(e["top"] for e in at), max(e["bottom"] for e in at)
    right = max(e["x0"] for e in lines if e["top"] < bottom and e["bottom"] > top)
    inside = [w for w in words if edges[0] - 2 <= w["x0"] and w["x1"] <= right + 1
              and top - 2 <= (w["top"] + w["bottom"]) / 2 <= bottom + 2]
    return (inside, right) if inside else None


def _page_parts(page, number: int, budget: ReadBudget, previous: tuple[float, ...],
                running: bool = False) -> list[Part]:
    """The tables of one page. ``previous``: the column edges of the table on the page before, if
    any; ``running``: that table is ruled and its last row runs on over the break."""
    words = page.extract_words(keep_blank_chars=False, x_tolerance=1.5, y_tolerance=2)
    for link in page.hyperlinks[:1000]:
        uri = link.get("uri")
        if isinstance(uri, str) and uri.lower().startswith(("http://", "https://", "mailto:")):
            for word in words:
                if _inside(word, (link["x0"], link["top"], link["x1"], link["bottom"])):
                    word["href"] = uri
    tables = [t for t in page.find_tables(_RULED) if len(t.rows) >= 1 and len({c[0] for c in t.cells}) >= 2]
    found = []  # (label, rows, tops, used, edges, bbox, cut_row, ruled, cells merged down over)
    for index, table in enumerate(sorted(tables, key=lambda t: t.bbox[1])):
        label = f"page {number}" if index == 0 else f"page {number}, table {index + 1}"
        rows, tops, used, covered = _ruled(table, words, label, budget)
        edges = tuple(sorted({round(c[0], 1) for c in table.cells}))
        tail = _unclosed_row(page, table, words, used, edges)
        cut_row = None
        if tail:
            used.update(id(w) for w in tail)
            rows.append(_by_columns(tail, list(edges), table.bbox[2]))
            tops.append(min(w["top"] for w in tail))
            cut_row = len(rows)
            last = len(table.rows) - 1  # a cell of the last row not closed below goes on down over this one
            covered |= {(cut_row - 1, c) for r, c in _cells_merged_down(table) if r == last}
        head = _unopened_row(page, table, words, used, edges) if index == 0 else []
        bbox = table.bbox
        if head:  # the rest of the row cut at the foot of the page before: row 1 of this page
            used.update(id(w) for w in head)
            rows.insert(0, _by_columns(head, list(edges), table.bbox[2]))
            tops.insert(0, min(w["top"] for w in head))
            covered = {(r + 1, c) for r, c in covered}
            cut_row = cut_row + 1 if cut_row else None
            bbox = (bbox[0], min(w["top"] for w in head), bbox[2], bbox[3])
        found.append((label, rows, tops, used, edges, bbox, cut_row, True, covered, bool(head)))
    through = _through_row(page, words, previous) if running and not tables else None
    if through:  # the whole page is the middle of one row: read as the rest of it, and cut again
        inside, right = through
        budget.take(f"page {number}", 1, len(previous), sum(len(w["text"]) for w in inside))
        bbox = (previous[0], min(w["top"] for w in inside), right, max(w["bottom"] for w in inside))
        found.append((f"page {number}", [_by_columns(inside, list(previous), right)],
                      [min(w["top"] for w in inside)], {id(w) for w in inside}, previous, bbox, 1, True, set(), True))
    if not tables and not through:
        body = [w for w in words if w["top"] > 0]
        unruled = _unruled(body, f"page {number}", budget, previous)
        if unruled is not None:
            rows, tops, used, edges, top = unruled
            bbox = (min(w["x0"] for w in words if id(w) in used), top,
                    max(w["x1"] for w in words if id(w) in used), max(w["bottom"] for w in words if id(w) in used))
            found.append((f"page {number}", rows, tops, used, edges, bbox, None, False, set(), False))
    parts = []
    floor = 0.0
    for label, rows, tops, used, edges, bbox, cut_row, ruled, covered, opened in found:
        above_words = [w for w in words if floor <= w["top"] and w["bottom"] <= bbox[1] + 1 and id(w) not in used]
        above = [" ".join(w["text"] for w in line) for line in _lines(above_words)]
        unplaced = []
        for w in words:
            if id(w) in used or not _inside(w, bbox):
                continue
            row = sum(1 for t in tops if t <= w["top"] + 1) or None
            unplaced.append((row, w["text"]))
        width = max((len(r) for r in rows), default=0)
        for row in rows:
            while row and row[-1] == "":
                row.pop()
        parts.append(Part(label, rows, above=above[-6:], opening=above[:20], heading=above[-1] if above else "",
                          width=width,
                          page=number, edges=edges, unplaced=_joined(unplaced), cut_row=cut_row, ruled=ruled,
                          merged_down=covered, opened=opened, lines=len(_lines([w for w in words if id(w) in used]))))
        floor = bbox[3]
    return parts


def _joined(unplaced: list[tuple[int | None, str]]) -> list[tuple[int | None, str]]:
    """Unplaced words of one row joined into one piece of text."""
    out: list[tuple[int | None, str]] = []
    for row, text in unplaced:
        if out and out[-1][0] == row:
            out[-1] = (row, out[-1][1] + " " + text)
        else:
            out.append((row, text))
    return out
