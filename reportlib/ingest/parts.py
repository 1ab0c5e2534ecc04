"""The pieces a committee paper is read in: a table (Word) or a page's table (PDF), and
the budget of cells and characters one paper may give. The readers of each kind
(``docx_source``, ``pdf_source``) give ``Part``s; ``papers`` places them as sheets."""
from __future__ import annotations

from dataclasses import dataclass, field

from reportlib.ingest.sources import CELL_BUDGET, TEXT_BUDGET


@dataclass
class Part:
    """One table of a document: a Word table, or the table on one PDF page."""

    label: str  # "table 2", "page 3"
    rows: list[list]
    above: list[str] = field(default_factory=list)  # text above the table, nearest last
    #: the document's opening text (Word: its first paragraphs before any table; PDF: the text above
    #: the table on its page), first first: where a paper names its council and the date of its position
    opening: list[str] = field(default_factory=list)
    heading: str = ""  # the heading the table is under
    width: int = 0  # grid columns
    page: int | None = None  # PDF page number
    edges: tuple[float, ...] = ()  # PDF: the x of the column edges, to follow a table onto the next page
    unplaced: list[tuple[int | None, str]] = field(default_factory=list)  # (row, text) in the table but in no cell
    ruled: bool = False  # PDF: cell borders drawn, so a row cut by the page break shows (``cut_row``)
    titled: bool = False  # Word: a heading stands between this table and the one before: a new plan
    cut_row: int | None = None  # PDF: the last row has no bottom rule: it runs on over the page break
    opened: bool = False  # PDF: the first row has no top rule: the rest of a row cut by the page break before
    merged_down: set[tuple[int, int]] = field(default_factory=set)  # (row, column), 0-based: covered from above
    lines: int = 0  # PDF: the lines of text read into the table's rows
    #: Word: per row, the grid columns its cells begin at (a row with skipped grid columns,
    #: ``w:gridBefore``, begins further right); compared with the header row's (``row_misaligned``)
    cell_starts: list[tuple[int, ...]] = field(default_factory=list)


class ReadBudget:
    """The cells and characters one document may give, as for one sheet of a workbook."""

    def __init__(self, cells: int | None = None, text: int | None = None):
        self.cells_left = CELL_BUDGET if cells is None else cells
        self.text_left = TEXT_BUDGET if text is None else text
        self.cut: tuple[str, int, str] | None = None  # (label, row, "cells" or "text")

    def take(self, label: str, row: int, cells: int, chars: int) -> None:
        self.cells_left -= cells
        self.text_left -= chars
        if self.cut is None and (self.cells_left < 0 or self.text_left < 0):
            self.cut = (label, row, "cells" if self.cells_left < 0 else "text")
