"""Read the tables of a Word (.docx) committee paper as row grids, with python-docx.

Each table of the document becomes a ``Part`` (``reportlib.ingest.papers``) labelled "table N"
(N counts the document's top-level tables from 1), holding its rows as a spreadsheet
would: one value per grid column, a merged cell's text in its top-left cell only.

* Paragraphs of one cell are joined with a line break. Consecutive list paragraphs
  (bulleted or numbered, by direct numbering or by a list style) are kept as list items:
  ``<ul><li>…</li></ul>`` or ``<ol>…</ol>``, the markup reports already format.
* A hyperlink is kept as a link: ``<a href="ADDRESS">text</a>``.
* Rows Word repeats as a header on each page (``tblHeader``), and a two-level heading
  (a cell merged down beside cells merged across), give each column its full header:
  the text of a cell merged down is carried into the rows below it within the heading.
* The text above each table (the paragraphs since the previous table, nearest last) is
  kept, so a layout can choose a table by the heading above it.

The paper is read as Word shows it, whole, or the reader says what it skipped:

* Content controls (``w:sdt``: around rows, as a repeating section writes them, around
  cells, paragraphs or runs) and custom XML are read through; a cell inside one keeps
  its column. Of an ``mc:AlternateContent``, only the branch Word shows is read: the
  first Choice whose namespaces are Word's own, else the Fallback.
* Text boxes (``w:txbxContent``, in a drawing or a VML shape) are read as lines after
  the paragraph they are anchored in; ruby is read as its base text; a ``w:sym`` tick,
  cross or box of Wingdings, Wingdings 2 or Symbol is read as ✓, ✗, ☑, ☒ or ☐ (a
  character of a Unicode font as itself).
* Tracked changes are read as if accepted: insertions and moved-in text kept; deletions,
  moved-out text, deleted rows and cells left out (a warning ``tracked_changes`` naming the
  table, each row and the columns whose text changed; and one for each deleted row, naming the
  row it followed and quoting its first cells).
* A row that begins with skipped grid columns (``w:gridBefore``) is read as Word shows it, its
  cells in the grid columns they sit in; ``papers`` names any row whose cells do not begin
  where the header's cells begin (a warning ``row_misaligned``).
* Hidden text (``w:vanish``, directly or by a style) is never read: Word neither shows
  nor prints it (a warning ``hidden_text`` names the rows, never the text).
* What is not read is a ``not_read`` warning naming the table, row and column: an
  embedded document (``w:altChunk``), an equation, an embedded object, a linked
  subdocument, a symbol with no Unicode reading, a table or text box nested more than
  ``MAX_NESTING`` deep, and text in any element the reader does not know.

Findings go to ``notes`` (``Paper.notes``, then ``Plans.findings``), located as the
rows are: "table N" and the row within that table.

Reading is bounded: the document part may be at most ``DOCUMENT_XML_LIMIT`` bytes
unpacked, and at most ``MAX_TABLES`` tables, ``CELL_BUDGET`` cells and ``TEXT_BUDGET``
characters are read; a nested table's text is read as lines of its cell, to
``MAX_NESTING`` levels. The XML parser refuses elements nested over 256 deep, which
bounds the reader's recursion.
"""
from __future__ import annotations

import html
import io
import zipfile

from reportlib.core import limits
from reportlib.errors import Finding, InputError, Location
from reportlib.ingest.parts import Part, ReadBudget
from reportlib.ingest.sources import column_letter

DOCUMENT_XML_LIMIT = 32 * 1024 * 1024  # bytes of word/document.xml once unpacked (a 100-page paper: ~5 MB)
MAX_TABLES = 2_000
MAX_NESTING = 3
ABOVE_LINES = 6  # paragraphs kept from above a table
OPENING_LINES = 20  # paragraphs kept from the top of the document (``Part.opening``)

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_M = "{http://schemas.openxmlformats.org/officeDocument/2006/math}"
#: A ``mc:Choice`` is read when every namespace it requires is one of these (Word's own); else
#: the next Choice, else the ``mc:Fallback``: the one branch Word shows, never two.
_UNDERSTOOD = ("http://schemas.openxmlformats.org/", "http://schemas.microsoft.com/office/",
               "urn:schemas-microsoft-com:")
#: Symbols (``w:sym``, or a character of a symbol font) that are ticks, crosses and boxes,
#: by font and character code (the code less the 0xF000 Word adds).
_SYMBOLS = {
    "wingdings": {0xFC: "✓", 0xFB: "✗", 0xFE: "☑", 0xFD: "☒", 0x78: "☒", 0x6F: "☐", 0xA8: "☐"},
    "wingdings 2": {0x50: "✓", 0x4F: "✗", 0x52: "☑", 0x51: "☒", 0x53: "☒", 0x54: "☒", 0xA3: "☐"},
    "symbol": {0xD6: "✓", 0xB4: "✗"},
}
_SYMBOL_FONTS = {"wingdings", "wingdings 2", "wingdings 3", "webdings", "symbol", "marlett", "zapf dingbats",
                 "ms outlook", "bookshelf symbol 7", "ms reference specialty"}  # 8-bit fonts of pictures
_TEXT_TAGS = (f"{_W}t", f"{_M}t", f"{_W}sym")
_NOT_READ = {f"{_M}oMath": "an equation", f"{_M}oMathPara": "an equation", f"{_W}object": "an embedded object",
             f"{_W}subDoc": "a linked subdocument"}
MAX_NOTES = 50  # "not read" findings per document; the rest are counted
_OPEN = (f"{_W}sdtContent", f"{_W}customXml")  # read through at every level
_OPEN_INLINE = (f"{_W}smartTag", f"{_W}dir", f"{_W}bdo", f"{_W}fldSimple")  # and within a paragraph
_NO_TEXT_BLOCKS = frozenset((f"{_W}sectPr", f"{_W}tcPr", f"{_W}bookmarkStart", f"{_W}bookmarkEnd", f"{_W}proofErr"))
_T, _RUN, _RPR, _PPR, _TC, _TCPR = (f"{_W}{name}" for name in ("t", "r", "rPr", "pPr", "tc", "tcPr"))
_BLOCKS = (f"{_W}p", f"{_W}tbl")
_SPACES, _BREAKS = (f"{_W}tab", f"{_W}ptab"), (f"{_W}br", f"{_W}cr")
_CELL_CHANGES = (f"{_W}cellDel", f"{_W}cellIns")
_WRAPPING = frozenset((f"{_W}sdt", f"{_MC}AlternateContent", f"{_W}ins", f"{_W}moveTo", f"{_W}del", f"{_W}moveFrom",
                       *_OPEN, *_OPEN_INLINE))  # what ``_Reader._open`` looks inside


def _attr(element, name: str):
    return None if element is None else element.get(f"{_W}{name}")


def _styles_by_id(document) -> dict:
    """The document's styles by id, the first of a repeated id winning (looked up in a dict:
    an id is the document's own text, so never put in an XPath)."""
    found: dict = {}
    for style in document.styles.element.iterchildren(f"{_W}style"):
        found.setdefault(_attr(style, "styleId"), style)
    return found


class _Lists:
    """Whether a numbered paragraph is a bullet (``ul``) or a numbered (``ol``) list item."""

    def __init__(self, document):
        self.document = document
        self.formats: dict[tuple[str, str], str] = {}
        try:
            numbering = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            numbering = None
        self.abstract = {}
        self.nums = {}
        if numbering is not None:
            for abstract in numbering.iterchildren(f"{_W}abstractNum"):
                levels = {}
                for lvl in abstract.iterchildren(f"{_W}lvl"):
                    levels[_attr(lvl, "ilvl")] = _attr(lvl.find(f"{_W}numFmt"), "val") or "decimal"
                self.abstract[_attr(abstract, "abstractNumId")] = levels
            for num in numbering.iterchildren(f"{_W}num"):
                self.nums[_attr(num, "numId")] = _attr(num.find(f"{_W}abstractNumId"), "val")
        self.style_numbering: dict[str, tuple[str, str] | None] = {}
        self.styles = _styles_by_id(document)

    def _style_num(self, style_id: str | None, depth: int = 0):
        """The (numId, ilvl) a paragraph style gives, following its base styles."""
        if not style_id or depth > 10:
            return None
        if style_id in self.style_numbering:
            return self.style_numbering[style_id]
        found = None
        style = self.styles.get(style_id)
        if style is not None:
            num_pr = style.find(f"{_W}pPr/{_W}numPr")
            if num_pr is not None:
                found = (_attr(num_pr.find(f"{_W}numId"), "val"), _attr(num_pr.find(f"{_W}ilvl"), "val") or "0")
            else:
                found = self._style_num(_attr(style.find(f"{_W}basedOn"), "val"), depth + 1)
        self.style_numbering[style_id] = found
        return found

    def kind(self, p) -> str | None:
        """"ul", "ol" or None for a ``w:p`` element."""
        ppr = p.find(f"{_W}pPr")
        if ppr is None:
            return None
        num_pr = ppr.find(f"{_W}numPr")
        style_id = _attr(ppr.find(f"{_W}pStyle"), "val")
        if num_pr is not None:
            num_id = _attr(num_pr.find(f"{_W}numId"), "val")
            level = _attr(num_pr.find(f"{_W}ilvl"), "val") or "0"
            if num_id == "0":  # numbering switched off on this paragraph
                return None
        else:
            found = self._style_num(style_id)
            if found is None:
                return None
            num_id, level = found
        fmt = self.abstract.get(self.nums.get(num_id), {}).get(level)
        if fmt is None:  # no numbering definition: go by the style's name
            fmt = "decimal" if "number" in (style_id or "").lower() else "bullet"
        return "ul" if fmt in ("bullet", "none") else "ol"


class _Reader:
    def __init__(self, document, budget: ReadBudget, where: Location):
        self.document = document
        self.budget = budget
        self.where = where
        self.lists = _Lists(document)
        self.rels = document.part.rels
        # where reading is: the top-level table's label, row and grid column (None: outside the tables)
        self.label: str | None = None
        self.row: int | None = None
        self.column: int | None = None
        self.tables_read = 0
        self.depth = 0  # tables (and text boxes) the text being read is nested in
        self.floating: list[str] = []  # text boxes met in the paragraph being read
        self.notes: list[Finding] = []
        self.noted: set = set()
        self.more_notes = 0
        self.hidden: dict[str | None, list[int]] = {}  # label -> rows holding hidden text
        self.tracked: dict[str | None, list[int]] = {}  # label -> rows holding tracked changes
        self.tracked_columns: dict[tuple[str | None, int], list[int]] = {}  # (label, row) -> columns changed
        self.deleted_rows: dict[str, list[tuple[int, str]]] = {}  # label -> (row it followed, its first cells)
        self.style_hidden: dict[str, bool | None] = {}
        styles = document.styles.element
        self.default_hidden = bool(_vanish(styles.find(f"{_W}docDefaults/{_W}rPrDefault/{_W}rPr")))
        default = next((s for s in styles.iterchildren(f"{_W}style") if _attr(s, "type") == "paragraph"
                        and _attr(s, "default") in ("1", "true", "on")), None)
        self.default_paragraph = _attr(default, "styleId")
        self.paragraph_hidden = self.default_hidden

    # -- what is not read, and what is left out ----------------------------------------------------------
    def _place(self) -> str:
        return "before the first table" if not self.tables_read else f"after table {self.tables_read}"

    def _skip(self, what: str, advice: str = "check it in the document") -> None:
        """A warning: ``what`` (at the cell being read) was not read."""
        key = (self.label, self.row, self.column, what)
        if key in self.noted:
            return
        self.noted.add(key)
        if len(self.notes) >= MAX_NOTES:
            self.more_notes += 1
            return
        inside = "" if self.label else f" in the text {self._place()}"
        column = None if self.column is None else column_letter(self.column)
        self.notes.append(Finding("warning", "not_read", f"{what}{inside} was not read, so it is not in the "
                                  f"report: {advice}", Location(self.where.file, self.label, self.row, column)))

    def _mark(self, marks: dict) -> None:
        rows = marks.setdefault(self.label, [])
        if self.row is not None and (not rows or rows[-1] != self.row):
            rows.append(self.row)
        if marks is self.tracked and self.row is not None and self.column is not None:
            columns = self.tracked_columns.setdefault((self.label, self.row), [])
            if self.column not in columns:
                columns.append(self.column)

    def _unknown(self, element) -> None:
        """An element the reader does not read: a warning if it holds text (or holds it elsewhere)."""
        tag = element.tag
        if not isinstance(tag, str):
            return
        if tag == f"{_W}altChunk":
            rid = element.get(f"{_R}id")
            rel = self.rels.get(rid) if rid else None
            named = ""
            if rel is not None and not rel.is_external:
                named = f" ('{rel.target_part.partname.rsplit('/', 1)[-1]}', {rel.target_part.content_type})"
            self._skip(f"an embedded document{named}",
                       "Word keeps it as a separate file inside the paper. Open the paper in Word and save it "
                       "again (Word then makes it part of the text), or copy its content into the paper")
        elif tag in _NOT_READ:
            self._skip(_NOT_READ[tag])
        elif any(True for _ in element.iter(*_TEXT_TAGS)):
            self._skip(f"text in an element the reader does not know (<{tag.rsplit('}', 1)[-1]}>)")

    def finish(self) -> list[Finding]:
        """The findings: what was not read, then (per table) hidden text left out and tracked changes accepted."""
        out = list(self.notes)
        if self.more_notes:
            out.append(Finding("warning", "not_read", f"{self.more_notes:,} more pieces of content were not read "
                               "(only the first findings are listed)", Location(self.where.file)))
        for label, rows in self.hidden.items():
            out.append(Finding("warning", "hidden_text",
                               f"text formatted as hidden in {_rows_text(label, rows)} was left out, as Word leaves "
                               "it out: it is neither shown nor printed", Location(self.where.file, label,
                                                                                   rows[0] if rows else None)))
        for label in dict.fromkeys([*self.tracked, *self.deleted_rows]):
            rows = self.tracked.get(label, [])
            if rows or (label is None and label in self.tracked):
                first = self.tracked_columns.get((label, rows[0]), []) if rows else []
                out.append(Finding("warning", "tracked_changes",
                                   f"tracked changes in {self._changed_cells(label, rows)} were read as if accepted: "
                                   "inserted and moved-in text kept, deleted and moved-out text left out. "
                                   "Check the changes were meant to be accepted",
                                   Location(self.where.file, label, rows[0] if rows else None,
                                            column_letter(first[0]) if first else None)))
            for after, begins in self.deleted_rows.get(label, [])[:MAX_NOTES]:
                place = f"after row {after} of {label}" if after else f"before row 1 of {label}"
                out.append(Finding("warning", "tracked_changes",
                                   f"a row deleted with changes tracked, {place}, was left out, as Word leaves it "
                                   f"out when the changes are accepted{f' (it read {begins!r})' if begins else ''}. "
                                   "Check the deletion was meant to be accepted",
                                   Location(self.where.file, label, after or 1)))
        return out

    def _changed_cells(self, label: str | None, rows: list[int]) -> str:
        """"row 2 (columns D, I) and row 3 of table 1": each row with tracked changes, and the
        columns changed in it where a cell's text was changed."""
        if label is None or not rows:
            return _rows_text(label, rows)
        named = []
        for row in rows[:12]:
            columns = [column_letter(c) for c in self.tracked_columns.get((label, row), [])]
            which = f" ({'column' if len(columns) == 1 else 'columns'} {', '.join(columns)})" if columns else ""
            named.append(f"row {row}{which}")
        more = f" and {len(rows) - 12} more rows" if len(rows) > 12 else ""
        listed = named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]
        return f"{listed}{more} of {label}"

    # -- the children Word shows ------------------------------------------------------------------------
    def _branch(self, alternate):
        """The branch of an ``mc:AlternateContent`` Word shows: the first Choice it understands, else the Fallback."""
        for choice in alternate.iterchildren(f"{_MC}Choice"):
            requires = (choice.get("Requires") or "").split()
            if requires and all((choice.nsmap.get(p) or "").startswith(_UNDERSTOOD) for p in requires):
                return choice
        return alternate.find(f"{_MC}Fallback")

    def _open(self, parent, inline: bool = False, out: list | None = None) -> list:
        """``parent``'s children, reading through content controls, custom XML, the branch of
        AlternateContent Word shows and tracked insertions; tracked deletions left out."""
        out = [] if out is None else out
        for child in parent.iterchildren():
            tag = child.tag
            if tag not in _WRAPPING:
                if isinstance(tag, str):  # not a comment or processing instruction
                    out.append(child)
            elif tag == f"{_W}sdt":
                content = child.find(f"{_W}sdtContent")
                if content is not None:
                    self._open(content, inline, out)
            elif tag in _OPEN or (inline and tag in _OPEN_INLINE):
                self._open(child, inline, out)
            elif tag == f"{_MC}AlternateContent":
                branch = self._branch(child)
                if branch is not None:
                    self._open(branch, inline, out)
            elif tag in (f"{_W}ins", f"{_W}moveTo"):
                self._mark(self.tracked)
                self._open(child, inline, out)
            elif tag in (f"{_W}del", f"{_W}moveFrom"):
                self._mark(self.tracked)
            else:
                out.append(child)
        return out

    # -- text of one paragraph ------------------------------------------------------------------------------
    def _hidden(self, run) -> bool:
        rpr = run.find(_RPR)
        hidden = _vanish(rpr)
        if hidden is None and rpr is not None:
            hidden = self._style_hidden(_attr(rpr.find(f"{_W}rStyle"), "val"))
        return self.paragraph_hidden if hidden is None else hidden

    def _style_hidden(self, style_id: str | None, depth: int = 0) -> bool | None:
        """Whether a style (or the style it is based on) hides text; None when it does not say."""
        if not style_id or depth > 10:
            return None
        if style_id not in self.style_hidden:
            self.style_hidden[style_id] = None  # a loop of basedOn ends here
            style = self.lists.styles.get(style_id)
            found = None
            if style is not None:
                found = _vanish(style.find(f"{_W}rPr"))
                if found is None:
                    found = self._style_hidden(_attr(style.find(f"{_W}basedOn"), "val"), depth + 1)
            self.style_hidden[style_id] = found
        return self.style_hidden[style_id]

    def _symbol(self, sym) -> str:
        font = (_attr(sym, "font") or "").strip()
        char = (_attr(sym, "char") or "").strip()
        try:
            code = int(char, 16)
        except ValueError:
            code = -1
        low = code - 0xF000 if 0xF000 <= code <= 0xF0FF else code
        name = font.lower()
        if name in _SYMBOLS and low in _SYMBOLS[name]:
            return _SYMBOLS[name][low]
        if name not in _SYMBOL_FONTS and 0x20 <= code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF \
                and not 0xE000 <= code <= 0xF8FF:
            return chr(code)  # a character of an ordinary (Unicode) font
        self._skip(f"a symbol (font '{font[:40]}', character {char[:8].upper()})",
                   "write it as a word, or as ✓ or ✗, in the document")
        return ""

    def _boxes(self, element) -> None:
        """The text boxes of a drawing or VML shape, read as lines after the paragraph."""
        for child in element.iterchildren():
            if child.tag == f"{_W}txbxContent":
                if self.depth < MAX_NESTING:
                    text = self.cell_text(child, self.depth + 1)
                    if text:
                        self.floating.append(text)
                else:
                    self._skip(f"a text box nested more than {MAX_NESTING} deep")
            elif child.tag == f"{_MC}AlternateContent":
                branch = self._branch(child)
                if branch is not None:
                    self._boxes(branch)
            elif isinstance(child.tag, str):
                self._boxes(child)

    def _run_text(self, run) -> str:
        out: list[str] = []
        self._run_parts(run, out)
        return "".join(out)

    def _run_parts(self, run, out: list[str]) -> None:
        for child in run.iterchildren():
            tag = child.tag
            if tag == _T:
                out.append(child.text or "")
            elif tag == _RPR:
                continue
            elif tag in _SPACES:
                out.append(" ")
            elif tag in _BREAKS:
                out.append("\n")
            elif tag == f"{_W}noBreakHyphen":
                out.append("-")
            elif tag == f"{_W}sym":
                out.append(self._symbol(child))
            elif tag == f"{_W}ruby":  # the base text; the reading above it is left out
                base = child.find(f"{_W}rubyBase")
                if base is not None:
                    out.append(self._inline(base))
            elif tag in (f"{_W}drawing", f"{_W}pict"):
                self._boxes(child)
            elif tag == f"{_MC}AlternateContent":
                branch = self._branch(child)
                if branch is not None:
                    self._run_parts(branch, out)
            else:
                self._unknown(child)

    def _inline(self, parent) -> str:
        out = []
        for child in self._open(parent, inline=True):
            tag = child.tag
            if tag == _RUN:
                if not self._hidden(child):
                    out.append(self._run_text(child))
                elif any((t.text or "").strip() for t in child.iter(f"{_W}t")) or \
                        any(True for _ in child.iter(f"{_W}sym", f"{_W}txbxContent")):
                    self._mark(self.hidden)
            elif tag == f"{_W}hyperlink":
                text = self._inline(child)
                address = self._address(child)
                out.append(f'<a href="{html.escape(address, quote=True)}">{text}</a>' if address and text.strip()
                           else text)
            elif tag != _PPR:
                self._unknown(child)
        return "".join(out)

    def _address(self, link) -> str:
        rid = link.get(f"{_R}id")
        address = ""
        if rid and rid in self.rels and self.rels[rid].is_external:
            address = self.rels[rid].target_ref
        anchor = _attr(link, "anchor")
        if anchor:
            address = f"{address}#{anchor}"
        return address

    def paragraph(self, p) -> str:
        """A paragraph's text, then the text of its text boxes, a line each."""
        saved, self.floating = self.floating, []
        saved_hidden = self.paragraph_hidden
        ppr = p.find(_PPR)
        style = (None if ppr is None else _attr(ppr.find(f"{_W}pStyle"), "val")) or self.default_paragraph
        hidden = self._style_hidden(style)
        self.paragraph_hidden = self.default_hidden if hidden is None else hidden
        text = self._inline(p).strip()
        if self.floating:
            text = "\n".join(t for t in [text, *self.floating] if t)
        self.floating, self.paragraph_hidden = saved, saved_hidden
        return text

    # -- one cell ----------------------------------------------------------------------------------
    def cell_text(self, tc, depth: int = 0) -> str:
        blocks: list[str] = []
        items: list[str] = []
        kind = None
        saved_depth, self.depth = self.depth, depth

        def close():
            nonlocal items, kind
            if items:
                blocks.append(f"<{kind}>" + "".join(f"<li>{i}</li>" for i in items) + f"</{kind}>")
            items, kind = [], None

        for child in self._blocks(tc):
            if child.tag == f"{_W}p":
                text = self.paragraph(child)
                is_list = self.lists.kind(child)
                if is_list and text:
                    if kind and kind != is_list:
                        close()
                    kind = is_list
                    items.append(text)
                    continue
                close()
                if text:
                    blocks.append(text)
            elif child.tag == f"{_W}tbl":
                close()
                if depth < MAX_NESTING:
                    for tr in self._rows(child):
                        line = " | ".join(t for t in (self.cell_text(c, depth + 1) for c in self._cells(tr)) if t)
                        if line:
                            blocks.append(line)
                else:
                    count = len(child.findall(f"{_W}tr"))
                    self._skip(f"a table nested more than {MAX_NESTING} deep in this cell ({count} "
                               f"row{'s' if count != 1 else ''})", "check it in the document, or move its "
                               "content up a level")
        close()
        self.depth = saved_depth
        return "\n".join(blocks)

    def _blocks(self, parent):
        for child in self._open(parent):
            if child.tag in _BLOCKS:
                yield child
            elif child.tag not in _NO_TEXT_BLOCKS:
                self._unknown(child)

    def _rows(self, tbl, top: bool = False):
        """The rows of a table, through content controls (a repeating section) and custom XML;
        a row deleted with changes tracked is left out."""
        for child in self._open(tbl):
            if child.tag == f"{_W}tr":
                trpr = child.find(f"{_W}trPr")
                if trpr is not None and trpr.find(f"{_W}del") is not None:
                    if top:
                        self.deleted_rows.setdefault(self.label, []).append((self.row or 0, _begins(child)))
                    else:
                        self._mark(self.tracked)
                    continue
                yield child
            elif child.tag not in (f"{_W}tblPr", f"{_W}tblGrid"):
                self._unknown(child)

    def _cells(self, tr):
        """The cells of a row, through content controls and custom XML; a cell deleted with
        changes tracked is left out."""
        for child in self._open(tr):
            if child.tag == _TC:
                tcpr = child[0] if len(child) and child[0].tag == _TCPR else child.find(_TCPR)
                changes = [] if tcpr is None else [c.tag for c in tcpr if c.tag in _CELL_CHANGES]
                if changes:
                    self.column = None  # a cell inserted, deleted or merged: the row is named, not a column
                    self._mark(self.tracked)
                    if f"{_W}cellDel" in changes:
                        continue
                yield child
            elif child.tag not in (f"{_W}trPr", f"{_W}tblPrEx"):
                self._unknown(child)

    # -- one table -----------------------------------------------------------------------------------
    def table(self, tbl, label: str, above: list[str], heading: str) -> Part:
        rows: list[list] = []
        starts: list[tuple[int, ...]] = []
        merged_down: list[list[bool]] = []
        header_marked: list[bool] = []
        spans_across = False
        covered: set[tuple[int, int]] = set()  # cells a cell one column wide is merged down over
        self.label = label
        for r, tr in enumerate(self._rows(tbl, top=True)):
            self.row, self.column = r + 1, None
            trpr = tr.find(f"{_W}trPr")
            if trpr is not None and trpr.find(f"{_W}ins") is not None:
                self._mark(self.tracked)
            before = int(_attr(trpr.find(f"{_W}gridBefore") if trpr is not None else None, "val") or 0)
            header_marked.append(trpr is not None and trpr.find(f"{_W}tblHeader") is not None
                                 and _attr(trpr.find(f"{_W}tblHeader"), "val") not in ("0", "false"))
            row: list = [""] * min(before, 64)
            down: list[bool] = [False] * len(row)
            begins: list[int] = []
            for tc in self._cells(tr):
                self.column = len(row)
                begins.append(len(row))
                tcpr = tc.find(f"{_W}tcPr")
                span = int(_attr(tcpr.find(f"{_W}gridSpan") if tcpr is not None else None, "val") or 1)
                span = max(1, min(span, 64))
                vmerge = tcpr.find(f"{_W}vMerge") if tcpr is not None else None
                continued = vmerge is not None and _attr(vmerge, "val") in (None, "continue")
                text = "" if continued else self.cell_text(tc)
                spans_across = spans_across or span > 1
                row.append(text)
                down.append(continued)
                if continued and span == 1:
                    covered.add((r, len(row) - 1))
                row.extend([""] * (span - 1))
                down.extend([continued] * (span - 1))
            self.budget.take(label, r + 1, len(row), sum(len(v) for v in row))
            rows.append(row)
            starts.append(tuple(begins))
            merged_down.append(down)
            if self.budget.cut:
                break
        self.label = self.row = self.column = None
        self.tables_read += 1
        self._fill_heading(rows, merged_down, header_marked, spans_across)
        width = max((len(r) for r in rows), default=0)
        for row in rows:
            while row and row[-1] == "":
                row.pop()
        return Part(label, rows, above=above, heading=heading, width=width, merged_down=covered, cell_starts=starts)

    @staticmethod
    def _fill_heading(rows, merged_down, header_marked, spans_across):
        """Carry a heading cell merged down into the heading rows below it, so each column
        has its whole header on one row (the layout finds the header as one row)."""
        heading = 0
        while heading < len(rows) and header_marked[heading]:
            heading += 1
        if heading == 0 and len(rows) > 1 and spans_across and any(merged_down[1]):
            heading = 2  # a two-level heading: cells merged down beside cells merged across
        for r in range(1, min(heading, len(rows))):
            for c, down in enumerate(merged_down[r]):
                if down and c < len(rows[r - 1]) and c < len(rows[r]) and not rows[r][c]:
                    rows[r][c] = rows[r - 1][c]


def _begins(tr) -> str:
    """The first cells' text of a row (deleted text included), to name a row that is not read."""
    cells = []
    for tc in tr.iter(_TC):
        text = " ".join("".join(t.text or "" for t in tc.iter(f"{_W}t", f"{_W}delText")).split())
        if text:
            cells.append(text[:40])
        if len(cells) == 3:
            break
    return " | ".join(cells)


def _vanish(rpr) -> bool | None:
    """Whether run properties hide the text (``w:vanish``); None when they do not say."""
    found = None if rpr is None else rpr.find(f"{_W}vanish")
    if found is None:
        return None
    return _attr(found, "val") not in ("0", "false", "off")


def _rows_text(label: str | None, rows: list[int]) -> str:
    if label is None:
        return "the text outside the tables"
    if not rows:
        return label
    shown = ", ".join(str(r) for r in rows[:12]) + (f" and {len(rows) - 12} more" if len(rows) > 12 else "")
    return f"{'rows' if len(rows) > 1 else 'row'} {shown} of {label}"


def _heading_style(p, styles_cache: dict, by_id: dict) -> bool:
    style_id = _attr(p.find(f"{_W}pPr/{_W}pStyle"), "val")
    if not style_id:
        return False
    if style_id not in styles_cache:
        style = by_id.get(style_id)
        name = ""
        if style is not None and style.find(f"{_W}name") is not None:
            name = _attr(style.find(f"{_W}name"), "val") or ""
        name = (name or style_id).lower()
        styles_cache[style_id] = name.startswith(("heading", "title", "subtitle")) or name == "caption"
    return styles_cache[style_id]


def read_docx(data: bytes, where: Location, budget: ReadBudget, notes: list | None = None) -> list[Part]:
    """The tables of a .docx file, in document order. What was not read, or was left out
    (hidden text, tracked deletions), is added to ``notes`` as findings."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            info = zf.NameToInfo.get("word/document.xml")
            if info is not None and info.file_size > DOCUMENT_XML_LIMIT:
                raise InputError(f"the document's text part unpacks to {info.file_size / 2**20:,.0f} MB, more than "
                                 f"the {DOCUMENT_XML_LIMIT / 2**20:,.0f} MB a committee paper could need; "
                                 "it was not read", where)
    except zipfile.BadZipFile:
        pass  # python-docx says below that it cannot be opened
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several kinds for a damaged package
        if limits.out_of_memory(exc):  # past the memory limit (core.limits): said as such by papers
            raise MemoryError from exc
        raise InputError(f"this Word document cannot be read: it looks damaged or truncated "
                         f"({type(exc).__name__}: {exc}). Open it in Word and save it again as .docx.", where) from None
    reader = _Reader(document, budget, where)
    parts: list[Part] = []
    above: list[str] = []
    opening: list[str] = []
    heading = ""
    titled = False
    styles: dict = {}
    for block in reader._blocks(document.element.body):
        if block.tag == f"{_W}p":
            text = reader.paragraph(block)
            if text:
                above = (above + [text])[-ABOVE_LINES:]
                if not parts and len(opening) < OPENING_LINES:
                    opening.append(text)
                if _heading_style(block, styles, reader.lists.styles):
                    heading, titled = text, True
            continue
        if len(parts) >= MAX_TABLES:
            raise InputError(f"the document has more than {MAX_TABLES:,} tables, far more than a committee paper; "
                             "reading stopped there", where)
        label = f"table {len(parts) + 1}"
        parts.append(reader.table(block, label, above, heading or (above[-1] if above else "")))
        parts[-1].titled = titled
        parts[-1].opening = opening
        if budget.cut:
            break
        above, titled = [], False  # the section heading stays: it heads every table below it
    if notes is not None:
        notes.extend(reader.finish())
    return parts
