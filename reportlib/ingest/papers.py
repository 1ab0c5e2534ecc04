"""Committee papers (.docx, text .pdf): their tables read as the rows of a sheet.

A council's plan most often reaches an analyst as the committee paper itself: a Word
appendix, or the PDF it was distributed as. ``open_paper`` reads the document's tables
(``docx_source`` for Word, ``pdf_source`` for PDF) into ``Part``\\ s, one per Word table or
per table on a PDF page, and joins the parts of one plan into one grid of rows:

* a table continued in the next part (the header row repeated; or, in a PDF, the same
  columns on the next page; or, in Word, a table straight after with nothing between and
  the same columns) is one plan, read as one sheet;
* the text above a plan's first table (its title, the heading it is under) comes first,
  as the title rows above a spreadsheet's header.

``read_paper`` then reads each plan through the layouts exactly as ``rows.SheetReader``
reads a sheet, so the canonical tables are the same as from a spreadsheet, and puts the
provenance back on the document: ``source_sheet`` is "table 2" (Word) or "page 3" (PDF),
and rows are counted within that table or that page's table. A layout can choose a
table by the heading above it (the layout key ``table_heading``).

What was read from each page or table, and what could not be placed, is kept in
``Plans.sources`` (one row per page or table, with a ``note``) and in findings.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from reportlib.core import limits
from reportlib.errors import Finding, InputError, Location
from reportlib.ingest.layouts import normalise_header
from reportlib.ingest.parts import Part, ReadBudget
from reportlib.ingest.sources import CELL_BUDGET, TEXT_BUDGET, Source, collect_rows

#: The suffixes read as committee papers.
SUFFIXES = (".docx", ".pdf")
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_REFUSED = {
    ".doc": "this is an old-style Word 97-2003 (.doc) document, which cannot be read. Open it in Word and save "
            "it as a Word Document (.docx), or ask for the PDF that was published",
    ".odt": "this is an OpenDocument text (.odt) file, which cannot be read. Open it in LibreOffice or Word and "
            "save it as a Word Document (.docx), or export it as PDF",
    ".rtf": "this is a Rich Text (.rtf) file, which cannot be read. Open it in Word and save it as a Word "
            "Document (.docx)",
}


@dataclass
class Paper(Source):
    """A committee paper opened for reading: ``sheets`` holds one grid per plan found."""

    kind: str = ""  # "docx" or "pdf"
    parts: list[Part] = field(default_factory=list)
    pages: int = 0  # PDF pages read
    empty_pages: list[int] = field(default_factory=list)  # PDF pages with no table
    headings: dict[str, str] = field(default_factory=dict)  # sheet -> the text above its first table
    opening: str = ""  # the paper's opening text (its first part's ``opening``), one line a paragraph
    groups: dict[str, list[Part]] = field(default_factory=dict)
    budget_cut: tuple[str, int, str] | None = None
    page_cut: int | None = None  # PDF: reading stopped after this page
    dense_pages: list[int] = field(default_factory=list)  # PDF: pages with too many characters to be a table
    notes: list[Finding] = field(default_factory=list)  # Word: content not read, or left out (docx_source)
    #: PDF: page with no table -> (lines of its text in the columns of the table before, that table's page)
    loose_pages: dict[int, tuple[int, int]] = field(default_factory=dict)
    #: PDF: (part cut, its row cut, part holding the rest) for each row joined over a page break
    joined: list[tuple[str, int, str]] = field(default_factory=list)


def is_paper(path: Path, data: bytes) -> bool:
    """Whether ``open_source`` hands this file to ``open_paper``: by its name, or, for a
    Word or OpenDocument file named otherwise, by its content."""
    suffix = path.suffix.lower()
    if suffix in SUFFIXES or suffix in _REFUSED:
        return True
    if data.startswith(b"PK\x03\x04"):
        head = data[:4096]
        return b"word/" in head or b"application/vnd.oasis.opendocument.text" in head
    return data.startswith(_OLE) and "WordDocument".encode("utf-16-le") in data[:65536]


def open_paper(path: Path, data: bytes, source: Source) -> Paper:
    """Read a committee paper's tables; ``source`` carries the name, hash and size already taken."""
    where = Location(file=source.name)
    paper = Paper(source.path, source.name, source.sha256, {}, max_rows=source.max_rows, size=source.size)
    suffix = path.suffix.lower()
    if data.startswith(_OLE):
        if "WordDocument".encode("utf-16-le") in data[:65536] or suffix == ".doc":
            raise InputError(_REFUSED[".doc"] + ".", where)
        raise InputError(f"this is an old-style Office 97-2003 file, not a {suffix or 'readable'} document; save it "
                         "as .docx, or ask for the PDF that was published.", where)
    if data.startswith(b"PK\x03\x04") and b"application/vnd.oasis.opendocument" in data[:4096]:
        raise InputError(_REFUSED[".odt"] + ".", where)
    if suffix == ".docx" and data.startswith(b"PK\x03\x04") and b"word/" not in data and b"xl/" in data[:65536]:
        raise InputError("this is an Excel workbook despite its name (.docx); rename it to .xlsx and try again.",
                         where)
    if suffix in _REFUSED:
        raise InputError(_REFUSED[suffix] + ".", where)
    budget = ReadBudget()
    if suffix == ".pdf":
        if b"%PDF-" not in data[:1024]:
            raise InputError("this is not a PDF document despite its name (it does not start with '%PDF-'); "
                             "expected the committee paper as published, as .pdf or .docx.", where)
        from reportlib.ingest.pdf_source import read_pdf

        paper.kind = "pdf"
        (paper.parts, paper.pages, paper.empty_pages, paper.page_cut, paper.dense_pages,
         paper.loose_pages) = read_pdf(data, where, budget)
    else:
        if not data.startswith(b"PK\x03\x04"):
            raise InputError("this is not a Word document despite its name (a .docx is a zip package); expected "
                             "the committee paper saved as .docx, or as .pdf.", where)
        from reportlib.ingest.docx_source import read_docx

        paper.kind = "docx"
        try:
            paper.parts = read_docx(data, where, budget, paper.notes)
        except MemoryError:
            raise InputError(limits.memory_message("reading this Word document") + ". A committee paper needs a "
                             "few megabytes: this one unpacks to far more (a style, list or text part of huge "
                             "repeated XML). Open it in Word and save it again as .docx, or ask for the PDF that "
                             "was published.", where) from None
    paper.budget_cut = budget.cut
    _join(paper)
    paper.opening = "\n".join(paper.parts[0].opening) if paper.parts else ""
    return paper


# -- parts of one plan into one sheet --------------------------------------------------------------

def _key(row) -> tuple[str, ...]:
    cells = tuple(normalise_header(v) for v in row)
    return cells if sum(1 for c in cells if c) >= 2 else ()


def _continues(group: list[Part], part: Part, kind: str) -> bool:
    first, last = group[0], group[-1]
    if part.width != first.width or not part.rows or part.titled:
        return False
    heads = {_key(row) for row in first.rows[:5]} - {()}
    if _key(part.rows[0]) in heads:
        return True  # the header row repeated
    if kind == "pdf":
        return (last.page is not None and part.page == last.page + 1 and len(part.edges) == len(last.edges)
                and all(abs(a - b) <= 3 for a, b in zip(part.edges, last.edges)))
    return not part.above  # Word: a table straight after another, nothing between


def _join(paper: Paper) -> None:
    groups: list[list[Part]] = []
    for part in paper.parts:
        if not any(str(v).strip() for row in part.rows for v in row):
            continue
        if groups and _continues(groups[-1], part, paper.kind):
            groups[-1].append(part)
        else:
            groups.append([part])
    for group in groups:
        first = group[0]
        name = first.label
        rows: list[list] = [[line] for line in first.above]
        origins: list[tuple[str, int | None]] = [(first.label, None)] * len(first.above)
        covered: set[tuple[int, int]] = set()
        rests: set[int] = set()
        heads = {_key(row) for row in first.rows[:5]} - {()}
        running = None  # (label, row) where the last row read begins, while it runs on over a break
        for before, part in zip([None] + group, group):
            if before is not None and _joins(before, part, rows, origins, running):
                # the rest of the row cut at the foot of the page before, above this page's first rule:
                # one row of the plan, its cells read on from one page to the next
                covered.update((len(rows) + r - 1, c) for r, c in part.merged_down if r)
                _take_rest(rows, origins, part)
                paper.joined.append(running + (part.label,))
                running = origins[-1] if part.cut_row and part.cut_row == len(part.rows) else None
                continue
            running = (part.label, part.cut_row) if part.cut_row and part.cut_row == len(part.rows) else None
            if before is not None and _rest_unruled(before, part, heads, rows, origins):
                # unruled, no header repeated: a first row with its first cell (the item number) blank
                # is the rest of the row above, its cells cut by the break
                paper.joined.append(origins[-1] + (part.label,))
                _take_rest(rows, origins, part)
                continue
            if before is not None and paper.kind == "pdf" and (before.cut_row or not before.ruled):
                rest = next((r for r, row in enumerate(part.rows) if _key(row) not in heads
                             and any(str(v).strip() for v in row)), None)
                if rest is not None:  # the first row after the break may be the rest of the row cut by it
                    rests.add(len(rows) + rest)
            covered.update((len(rows) + r, c) for r, c in part.merged_down)
            rows += part.rows
            origins += [(part.label, r) for r in range(1, len(part.rows) + 1)]
        # cleaned as a sheet's rows are: control characters, over-long cells, markup noted, row and text limits
        paper.sheets[name] = collect_rows(paper, name, rows)
        paper.merged_down[name] = covered
        paper.rests[name] = rests
        paper.origins[name] = origins
        paper.headings[name] = "\n".join(([first.heading] if first.heading else []) + first.above)
        paper.groups[name] = group


def _joins(before: Part, part: Part, rows: list, origins: list, running) -> bool:
    """Whether ``part`` opens with the rest of ``before``'s last row: that row has no bottom rule
    and this page's first row no top rule, the column lines running on over the break.
    ``running``: where the row still running on begins (on an earlier page, for a row over two breaks)."""
    return bool(before.ruled and part.ruled and before.cut_row and part.opened and part.rows and rows
                and running is not None and origins[-1] == running)


def _rest_unruled(before: Part, part: Part, heads: set, rows: list, origins: list) -> bool:
    """Whether an unruled ``part`` on the page after ``before``, with no header repeated, opens
    with the rest of the last row read: its first cell blank where that row's is filled."""
    if before.ruled or part.ruled or before.page is None or part.page != before.page + 1 or not part.rows:
        return False
    first = [str(v).strip() for v in part.rows[0]]
    if not rows or origins[-1][0] != before.label or _key(part.rows[0]) in heads or first[:1] != [""] \
            or not any(first):
        return False
    return bool(str(rows[-1][0]).strip()) if rows[-1] else False


def _take_rest(rows: list, origins: list, part: Part) -> None:
    """Join ``part``'s first row (the rest of the row cut at the break) to the last row read, and
    read on with its other rows."""
    rows[-1] = _joined(rows[-1], part.rows[0])
    rows += part.rows[1:]
    origins += [(part.label, r) for r in range(2, len(part.rows) + 1)]


def _joined(cut: list, rest: list) -> list:
    """A row cut by a page break, its cells read on into the rest's (as a cell's wrapped lines are)."""
    width = max(len(cut), len(rest))
    cells = [str(v) for v in cut] + [""] * (width - len(cut))
    more = [str(v) for v in rest] + [""] * (width - len(rest))
    return [f"{a} {b}" if a and b else a or b for a, b in zip(cells, more)]


# -- reading the plans through the layouts ----------------------------------------------------------

def _layouts_for(heading: str, candidates: list) -> list:
    """A layout naming the heading its table is under reads the tables under a matching
    heading, and no others; layouts that name none read any table their header fits."""
    chosen = [lay for lay in candidates if lay.table_heading is not None and lay.table_heading.search(heading)]
    return chosen or [lay for lay in candidates if lay.table_heading is None]


def _place(origins, row):
    if row is None or not 1 <= row <= len(origins):
        return None, row
    return origins[row - 1]


def _misplaced(starts: tuple[int, ...], heads: tuple[int, ...], row: list, header: list):
    """(column letter, message) when a Word row's cells do not line up with the header row's,
    else None. ``starts``, ``heads``: the grid columns the row's and the header's cells begin at."""
    from reportlib.ingest.sources import column_letter

    if not starts or not heads:
        return None

    def text(values, col):
        value = " ".join(str(values[col]).split()) if col < len(values) else ""
        return value if len(value) <= 40 else value[:40] + "…"

    def header_over(col):  # the header cell a grid column lies under, if any
        begun = [h for h in heads if h <= col]
        return text(header, max(begun)) if begun and col < (max(heads) + _span_after(heads, header)) else None

    said = []
    skipped = starts[0] - heads[0]
    if skipped > 0 and text(row, starts[0]):
        first = text(row, starts[0])
        said.append(f"it begins {skipped} grid column{'s' if skipped > 1 else ''} to the right of the header (Word's "
                    f"'skipped columns before the row', gridBefore), so its first cell '{first}' sits under "
                    f"'{header_over(starts[0]) or ''}', not under '{text(header, heads[0])}'")
    for col in starts:
        value = text(row, col)
        if col in heads or not value or (skipped > 0 and col == starts[0]):
            continue
        over = header_over(col)
        said.append(f"its cell '{value}' (column {column_letter(col)}) "
                    + (f"begins inside the header cell '{over}', where no header begins" if over
                       else "sits under no header"))
    if not said:
        return None
    column = column_letter(starts[0] if skipped > 0 else next(c for c in starts if c not in heads))
    return column, ("the row's cells do not line up with the header's: " + "; ".join(said)
                    + ". It was read as Word shows it, each cell under the header it sits beneath (a cell under no "
                    "header, or inside one where no header begins, is not read). If the cells belong under other "
                    "headers, make the row's cells match the header's in Word (Table Properties, or re-enter the "
                    "row)")


def _span_after(heads: tuple[int, ...], header: list) -> int:
    """How many grid columns the header's last cell covers (its text and the blanks after it)."""
    return max(1, len(header) - max(heads)) if header else 1


_CONTINUATION_ADVICE = (" Check the page against the document; the plan reads whole from a PDF whose table "
                        "repeats its header row at the top of each page (Word: Table Properties, Row, \"Repeat as "
                        "header row at the top of each page\"), or from the Word original")


def _in_columns(part: Part, table: Part) -> bool:
    """Whether each column of ``part`` begins where a column of ``table`` begins (text starts a
    cell's padding inside a rule, so a ruled table's columns are matched more loosely)."""
    if len(part.edges) < 2 or not table.edges:
        return False
    inside = 16.0 if table.ruled and not part.ruled else 3.0
    return all(any(edge - 3 <= x <= edge + inside for edge in table.edges) for x in part.edges)


def _first_cells(rows, limit: int = 3) -> str:
    for row in rows:
        cells = [str(v).strip() for v in row if str(v).strip()]
        if len(cells) >= 2:
            return " | ".join(c[:40] for c in cells[:limit])
    for row in rows:
        cells = [str(v).strip() for v in row if str(v).strip()]
        if cells:
            return cells[0][:60]
    return ""


class PaperReader:
    """Reads each plan of an opened committee paper, as ``rows.SheetReader`` reads a workbook."""

    def __init__(self, paper: Paper, layouts: list, *, forced: bool, max_rows: int):
        self.paper, self.layouts, self.forced, self.max_rows = paper, layouts, forced, max_rows
        self.actions: list[dict] = []
        self.updates: list[dict] = []
        self.findings: list[Finding] = []
        self.sheets: list[dict] = []

    def _find(self, severity, code, message, sheet=None, row=None, column=None):
        self.findings.append(Finding(severity, code, message, Location(self.paper.name, sheet, row, column)))

    def read(self):
        from reportlib.ingest.rows import SheetReader

        paper = self.paper
        self._document_notes()
        if not paper.sheets:
            self._no_tables()
            return self.actions, self.updates, self.findings, self.sheets
        read_parts: dict[str, dict] = {}
        unmatched: list[str] = []
        for name, rows in paper.sheets.items():
            layouts = _layouts_for(paper.headings[name], self.layouts)
            sub = Source(paper.path, paper.name, paper.sha256, {name: rows}, max_rows=self.max_rows, size=paper.size)
            sub.markup_cells = [m for m in paper.markup_cells if m[0] == name]
            sub.long_cells = [m for m in paper.long_cells if m[0] == name]
            sub.error_cells = [m for m in paper.error_cells if m[0] == name]
            sub.more_noted = {k: v for k, v in paper.more_noted.items() if k[1] == name}
            sub.cut = {k: v for k, v in paper.cut.items() if k == name}
            sub.merged_down = {name: paper.merged_down.get(name, set())}
            sub.rests = {name: paper.rests.get(name, set())}
            sub.origins = {name: paper.origins.get(name, [])}
            if not layouts:
                unmatched.append(name)
                continue
            actions, updates, findings, sheets = SheetReader(sub, layouts, forced=self.forced,
                                                            max_rows=self.max_rows).read()
            if not sheets and all(f.code in ("header_not_found", "sheet_skipped") for f in findings if
                                  f.severity == "error"):
                unmatched.append(name)
                continue
            self._keep(name, actions, updates, findings, sheets, read_parts)
        if unmatched and not read_parts:
            self._no_layout(unmatched)
        elif unmatched:
            for name in unmatched:
                group = paper.groups[name]
                begun = self._continued_from(group[0], read_parts)
                if begun is not None:
                    lines = sum(part.lines for part in group)
                    self._find("error", "continuation_not_read",
                               f"{self._span(group)} skipped: its header row matches none of the layouts (it begins "
                               f"'{_first_cells(paper.sheets[name])}'), yet its {len(paper.sheets[name]):,} rows "
                               f"({lines:,} lines of text) stand in the columns of the table begun on page {begun}: "
                               f"expected a continuation of the table begun on page {begun}. They were not read, so "
                               "actions are missing from the plan." + _CONTINUATION_ADVICE, group[0].label, 1)
                else:
                    self._find("warning", "table_skipped",
                               f"{self._span(group)} skipped: its header row matches none of the layouts "
                               f"(it begins '{_first_cells(paper.sheets[name])}')", group[0].label, 1)
        self._loose_pages(read_parts)
        self._part_rows(read_parts, unmatched)
        return self.actions, self.updates, self.findings, self.sheets

    def _continued_from(self, part: Part, read_parts: dict) -> int | None:
        """The page a plan read from this PDF begins on, when ``part`` (on a later page, read as a
        table of its own) stands in that plan's columns: the plan going on without its header."""
        if self.paper.kind != "pdf" or part.page is None:
            return None
        for name in read_parts:
            group = self.paper.groups[name]
            if group[-1].page is not None and group[-1].page < part.page and _in_columns(part, group[0]):
                return group[0].page
        return None

    def _loose_pages(self, read_parts: dict):
        """A page after a plan with no table found on it, but text standing in the plan's columns:
        the plan going on in a form not read (a row's rest with no rule across the page)."""
        read_pages = {part.page: part for name in read_parts for part in self.paper.groups[name]}
        for page, (lines, table_page) in sorted(self.paper.loose_pages.items()):
            if table_page not in read_pages or lines < 2:
                continue
            begun = next(group[0].page for name, group in self.paper.groups.items() if name in read_parts
                         and read_pages[table_page] in group)
            self._find("error", "continuation_not_read",
                       f"no table was found on this page, yet {lines:,} lines of its text stand in the columns of the "
                       f"table begun on page {begun}: expected a continuation of the table begun on page {begun}. "
                       "They were not read, so the plan may be missing actions, or the text of one."
                       + _CONTINUATION_ADVICE, f"page {page}")

    @staticmethod
    def _span(group: list[Part]) -> str:
        if len(group) == 1:
            return group[0].label
        word, first = group[0].label.split(" ", 1)
        return f"{word}s {first}-{group[-1].label.split(' ', 1)[1]}"

    # -- what the document itself says -------------------------------------------------------------
    def _document_notes(self):
        paper = self.paper
        if paper.budget_cut:
            label, row, reason = paper.budget_cut
            what = (f"more than {TEXT_BUDGET:,} characters of text" if reason == "text"
                    else f"more than {CELL_BUDGET:,} table cells")
            self._find("error", "too_much_data",
                       f"reading stopped: the document holds {what} by this row, far more than an action plan. "
                       "Check this is the right file, or copy the plan's table into a new document", label, row)
        if paper.page_cut:
            self._find("error", "too_many_pages",
                       f"reading stopped after page {paper.page_cut:,}: a committee paper is expected to have at "
                       f"most {paper.page_cut:,} pages. Check this is the right file, or save the appendix that "
                       "holds the plan on its own", f"page {paper.page_cut}")
        for page in paper.dense_pages:
            from reportlib.ingest.pdf_source import CHARS_PER_PAGE

            self._find("warning", "not_placed",
                       f"the page holds more than {CHARS_PER_PAGE:,} characters, far more than a page of a table; "
                       "it was not read", f"page {page}")
        for part in paper.parts:
            for row, text in part.unplaced[:20]:
                self._find("warning", "not_placed",
                           f"text inside the table's area lies in none of its cells, so it was not read: "
                           f"'{text[:200]}'. Check the table in the document", part.label, row)
            if len(part.unplaced) > 20:
                self._find("warning", "not_placed",
                           f"{len(part.unplaced) - 20:,} more pieces of text in the table lie in none of its cells",
                           part.label)
        self.findings += paper.notes  # Word: content not read, hidden text and tracked changes

    def _no_tables(self):
        paper = self.paper
        if paper.kind == "docx":
            message = ("the Word document has no tables, so no action plan could be read from it: the plan is "
                       "expected as a table (one row per action, a header row naming the columns). Check this is "
                       "the right document (the appendix holding the plan)")
        else:
            message = (f"no table was found on any of the PDF's {paper.pages:,} pages, so no action plan could be "
                       "read from it: the plan is expected as a table with a header row naming the columns. "
                       "Check this is the right document (the appendix holding the plan), or ask for the Word "
                       "original")
        self._find("error", "no_tables", message)

    def _no_layout(self, names):
        listed = "; ".join(f"{self._span(self.paper.groups[n])} begins '{_first_cells(self.paper.sheets[n])}'"
                           for n in names[:6])
        wanted = "; ".join(f"{lay.name}: " + ", ".join(h[0] for h in lay.required_headers().values())
                           for lay in self.layouts[:4])
        self._find("error", "no_matching_table",
                   f"no table in the document matches a layout ({listed}{'; …' if len(names) > 6 else ''}). "
                   f"Expected a header row holding the headers of a layout ({wanted or 'no layouts'}); check this "
                   "is the paper holding the plan, or add a layout file for it")

    # -- provenance back on the document ----------------------------------------------------------------
    def _keep(self, name, actions, updates, findings, sheets, read_parts):
        origins = self.paper.origins[name]
        joined_rows: set[int] = set()
        for action in actions:
            first, _, last = str(action["source_rows"]).partition("-")
            start, end = int(first), int(last or first)
            joined_rows.update(range(start + 1, end + 1))
            (label_a, row_a), (label_b, row_b) = _place(origins, start), _place(origins, end)
            action["source_sheet"] = label_a
            action["source_rows"] = (str(row_a) if start == end else f"{row_a}-{row_b}" if label_a == label_b
                                     else f"{row_a}-{label_b} row {row_b}")
            self.actions.append(action)
        for update in updates:
            update["source_sheet"], update["source_row"] = _place(origins, update["source_row"])
            self.updates.append(update)
        for finding in findings:
            loc = finding.location
            if loc.sheet == name:
                label, row = _place(origins, loc.row) if loc.row is not None else (name, None)
                finding = replace(finding, location=replace(loc, sheet=label, row=row))
            self.findings.append(finding)
        self._split_rows(name, joined_rows, sheets)
        self._misaligned(name, sheets)
        for sheet in sheets:
            read_parts[name] = sheet

    def _split_rows(self, name, joined_rows, sheets):
        """A row cut by a page break (its last row drawn with no bottom rule), or a first row on
        a new page or table with its first cell blank, may be one row of the plan in two parts.
        The row reader joins the part on the new page to its row when the item number tells
        (blank, or the same number: ``Source.rests``), and a layout with continuation rows joins
        them itself; any other such row is flagged here, never joined by guess."""
        if not sheets:
            return
        group, origins, rows = self.paper.groups[name], self.paper.origins[name], self.paper.sheets[name]
        header = _key(rows[sheets[0]["header_row"] - 1])
        labels = {part.label for part in group}
        joined = {rest for _, _, rest in self.paper.joined}
        parts = {part.label: part for part in group}
        chains: dict[tuple[str, int], list[str]] = {}  # a row over two breaks: its rest on two pages
        for label, cut, rest in self.paper.joined:
            if label in labels:
                chains.setdefault((label, cut), []).append(rest)
        for (label, cut), rest in chains.items():
            breaks = "the page break" if len(rest) == 1 else f"{len(rest)} page breaks"
            self._find("warning", "row_split_at_break",
                       f"row {cut} of {label} runs on over {breaks}: its rest, at the top of {' and '.join(rest)} "
                       f"({'above the first rule there' if parts[rest[0]].ruled else 'its first column blank'}, with "
                       "no header repeated), was joined to it and read as one row; check the row against the "
                       "document", label, cut)
        for before, part in zip(group, group[1:]):
            if part.label in joined:
                continue
            index = next((i for i, (label, r) in enumerate(origins) if label == part.label and r is not None
                          and _key(rows[i]) != header and any(str(v).strip() for v in rows[i])), None)
            if index is None or index + 1 in joined_rows:
                continue
            row = rows[index]
            label, r = origins[index]
            if before.cut_row:
                self._find("warning", "row_split_at_break",
                           f"row {before.cut_row} of {before.label} runs on over the page break (it has no bottom "
                           f"rule), so this first row of {label} is probably its rest. The two parts were read as "
                           "the layout reads such rows (as two rows, unless the layout joins continuation rows); "
                           "check them against the document", label, r)
            elif not before.ruled and len(row) > 1 and not str(row[0]).strip() and str(row[1]).strip():
                self._find("warning", "row_split_at_break",
                           f"the first row of {label} has its first column blank: it may be the rest of the last "
                           f"row of {before.label}, cut by the break. It was read as the layout reads such a row "
                           "(as its own row, unless the layout joins continuation rows); check it against the "
                           "document", label, r)

    def _misaligned(self, name, sheets):
        """Word: a row whose cells do not begin where the header row's cells begin (it starts with
        skipped grid columns, ``w:gridBefore``, or a cell begins inside a header cell) is read as
        Word shows it, each cell in the grid column it sits in, and named, so that no cell is put
        under another header, or under none, in silence."""
        if not sheets:
            return
        group, origins, rows = self.paper.groups[name], self.paper.origins[name], self.paper.sheets[name]
        header_index = sheets[0]["header_row"] - 1
        header_label, header_row = origins[header_index]
        parts = {part.label: part for part in group}
        if header_row is None or not parts[header_label].cell_starts:
            return
        header_cells = rows[header_index]
        header = _key(header_cells)
        reported = 0
        for index in range(header_index + 1, len(rows)):
            label, r = origins[index]
            part = parts.get(label)
            if r is None or part is None or r > len(part.cell_starts) or not any(str(v).strip() for v in rows[index]):
                continue
            if _key(rows[index]) == header:  # a header row repeated: its own cells are the header below it
                continue
            own = next((i for i in range(index, -1, -1) if _key(rows[i]) == header), header_index)
            own_label, own_row = origins[own]
            heads = parts[own_label].cell_starts[own_row - 1] if own_row else ()
            problem = _misplaced(part.cell_starts[r - 1], heads, rows[index], rows[own])
            if problem is None:
                continue
            reported += 1
            if reported > 20:
                continue
            column, text = problem
            self._find("warning", "row_misaligned", text, label, r, column)
        if reported > 20:
            self._find("warning", "row_misaligned", f"{reported - 20:,} more rows do not line up with the header",
                       group[0].label)

    def _part_rows(self, read_parts: dict, unmatched: list):
        """One row per page or table for ``Plans.sources``: what was read from it."""
        paper = self.paper
        starts: dict[str, int] = {}
        for action in self.actions:
            starts[action["source_sheet"]] = starts.get(action["source_sheet"], 0) + 1
        by_label: dict[str, dict] = {}
        for name, group in paper.groups.items():
            sheet = read_parts.get(name)
            origins = paper.origins[name]
            header_index = sheet["header_row"] - 1 if sheet else None
            header = _key(paper.sheets[name][header_index]) if sheet else ()
            for part in group:
                row = {"file": paper.name, "sha256": paper.sha256, "sheet": part.label, "layout": "",
                       "layout_file": "", "header_row": None, "actions": starts.get(part.label, 0),
                       "internal_columns": ""}
                count = sum(1 for label, r in origins if label == part.label and r is not None)
                if sheet is None:
                    row["note"] = (f"{count} rows not read: the table matches no layout"
                                   if name in unmatched else f"{count} rows not read")
                else:
                    row.update(layout=sheet["layout"], layout_file=sheet["layout_file"],
                               internal_columns=sheet["internal_columns"],
                               internal_cells=sheet.get("internal_cells", ""), group_label=sheet["group_label"],
                               dates_from_internal=sheet.get("dates_from_internal", ""),
                               owner_names=sheet.get("owner_names", ""))
                    heads = [r for i, (label, r) in enumerate(origins) if label == part.label and r is not None
                             and header and _key(paper.sheets[name][i]) == header]
                    row["header_row"] = heads[0] if heads else None
                    where = f"the plan in {self._span(group)}" if len(group) > 1 else "the plan"
                    cut = next(((label, r) for label, r, rest in paper.joined if rest == part.label), None)
                    row["note"] = ((f"the rest of row {cut[1]} of {cut[0]}, running on over the page; " if cut
                                    and not count else "") + f"{count} rows of {where}"
                                   + (f"; {len(part.unplaced)} pieces of text not placed" if part.unplaced else ""))
                by_label[part.label] = row
        for page in paper.empty_pages:
            by_label[f"page {page}"] = {"file": paper.name, "sha256": paper.sha256, "sheet": f"page {page}",
                                        "layout": "", "layout_file": "", "header_row": None, "actions": 0,
                                        "internal_columns": "", "note": "no table on this page"}
        order = [p.label for p in paper.parts] + [f"page {p}" for p in paper.empty_pages]
        if paper.kind == "pdf":
            order.sort(key=lambda label: int(label.split()[1].rstrip(",")))
        seen = set()
        for label in order:
            if label in by_label and label not in seen:
                seen.add(label)
                self.sheets.append(by_label[label])
        for part in paper.parts:  # an empty Word table, or one with no text
            if part.label not in seen and paper.kind == "docx":
                self.sheets.append({"file": paper.name, "sha256": paper.sha256, "sheet": part.label, "layout": "",
                                    "layout_file": "", "header_row": None, "actions": 0, "internal_columns": "",
                                    "note": "an empty table"})
