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

Reading is bounded: the document part may be at most ``DOCUMENT_XML_LIMIT`` bytes
unpacked, and at most ``MAX_TABLES`` tables, ``CELL_BUDGET`` cells and ``TEXT_BUDGET``
characters are read; a nested table's text is read as lines of its cell, to
``MAX_NESTING`` levels.
"""
from __future__ import annotations

import html
import io
import zipfile

from reportlib.errors import InputError, Location
from reportlib.ingest.parts import Part, ReadBudget

DOCUMENT_XML_LIMIT = 32 * 1024 * 1024  # bytes of word/document.xml once unpacked (a 100-page paper: ~5 MB)
MAX_TABLES = 2_000
MAX_NESTING = 3
ABOVE_LINES = 6  # paragraphs kept from above a table

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def _attr(element, name: str):
    return None if element is None else element.get(f"{_W}{name}")


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

    def _style_num(self, style_id: str | None, depth: int = 0):
        """The (numId, ilvl) a paragraph style gives, following its base styles."""
        if not style_id or depth > 10:
            return None
        if style_id in self.style_numbering:
            return self.style_numbering[style_id]
        found = None
        style = self.document.styles.element.get_by_id(style_id)
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

    # -- text of one paragraph ------------------------------------------------------------------
    def _run_text(self, run) -> str:
        out = []
        for child in run.iterchildren():
            tag = child.tag
            if tag == f"{_W}t":
                out.append(child.text or "")
            elif tag in (f"{_W}tab", f"{_W}ptab"):
                out.append(" ")
            elif tag in (f"{_W}br", f"{_W}cr"):
                out.append("\n")
            elif tag == f"{_W}noBreakHyphen":
                out.append("-")
        return "".join(out)

    def _inline(self, parent) -> str:
        out = []
        for child in parent.iterchildren():
            tag = child.tag
            if tag == f"{_W}r":
                out.append(self._run_text(child))
            elif tag == f"{_W}hyperlink":
                text = self._inline(child)
                address = self._address(child)
                out.append(f'<a href="{html.escape(address, quote=True)}">{text}</a>' if address and text.strip()
                           else text)
            elif tag in (f"{_W}smartTag", f"{_W}sdt", f"{_W}sdtContent", f"{_W}ins", f"{_W}customXml",
                         f"{_W}fldSimple"):
                out.append(self._inline(child))
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
        return self._inline(p).strip()

    # -- one cell ----------------------------------------------------------------------------------
    def cell_text(self, tc, depth: int = 0) -> str:
        blocks: list[str] = []
        items: list[str] = []
        kind = None

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
                    for tr in child.iterchildren(f"{_W}tr"):
                        line = " | ".join(t for t in (self.cell_text(c, depth + 1) for c in tr.iterchildren(f"{_W}tc"))
                                          if t)
                        if line:
                            blocks.append(line)
        close()
        return "\n".join(blocks)

    def _blocks(self, parent):
        for child in parent.iterchildren():
            if child.tag in (f"{_W}p", f"{_W}tbl"):
                yield child
            elif child.tag in (f"{_W}sdt", f"{_W}sdtContent", f"{_W}customXml"):
                yield from self._blocks(child)

    # -- one table -----------------------------------------------------------------------------------
    def table(self, tbl, label: str, above: list[str], heading: str) -> Part:
        rows: list[list] = []
        merged_down: list[list[bool]] = []
        header_marked: list[bool] = []
        spans_across = False
        for r, tr in enumerate(tbl.iterchildren(f"{_W}tr")):
            trpr = tr.find(f"{_W}trPr")
            before = int(_attr(trpr.find(f"{_W}gridBefore") if trpr is not None else None, "val") or 0)
            header_marked.append(trpr is not None and trpr.find(f"{_W}tblHeader") is not None
                                 and _attr(trpr.find(f"{_W}tblHeader"), "val") not in ("0", "false"))
            row: list = [""] * min(before, 64)
            down: list[bool] = [False] * len(row)
            for tc in tr.iterchildren(f"{_W}tc"):
                tcpr = tc.find(f"{_W}tcPr")
                span = int(_attr(tcpr.find(f"{_W}gridSpan") if tcpr is not None else None, "val") or 1)
                span = max(1, min(span, 64))
                vmerge = tcpr.find(f"{_W}vMerge") if tcpr is not None else None
                continued = vmerge is not None and _attr(vmerge, "val") in (None, "continue")
                text = "" if continued else self.cell_text(tc)
                spans_across = spans_across or span > 1
                row.append(text)
                down.append(continued)
                row.extend([""] * (span - 1))
                down.extend([continued] * (span - 1))
            self.budget.take(label, r + 1, len(row), sum(len(v) for v in row))
            rows.append(row)
            merged_down.append(down)
            if self.budget.cut:
                break
        self._fill_heading(rows, merged_down, header_marked, spans_across)
        width = max((len(r) for r in rows), default=0)
        for row in rows:
            while row and row[-1] == "":
                row.pop()
        return Part(label, rows, above=above, heading=heading, width=width)

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


def _heading_style(p, styles_cache: dict, document) -> bool:
    style_id = _attr(p.find(f"{_W}pPr/{_W}pStyle"), "val")
    if not style_id:
        return False
    if style_id not in styles_cache:
        style = document.styles.element.get_by_id(style_id)
        name = ""
        if style is not None and style.find(f"{_W}name") is not None:
            name = _attr(style.find(f"{_W}name"), "val") or ""
        name = (name or style_id).lower()
        styles_cache[style_id] = name.startswith(("heading", "title", "subtitle")) or name == "caption"
    return styles_cache[style_id]


def read_docx(data: bytes, where: Location, budget: ReadBudget) -> list[Part]:
    """The tables of a .docx file, in document order."""
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
        raise InputError(f"this Word document cannot be read: it looks damaged or truncated "
                         f"({type(exc).__name__}: {exc}). Open it in Word and save it again as .docx.", where) from None
    reader = _Reader(document, budget, where)
    parts: list[Part] = []
    above: list[str] = []
    heading = ""
    titled = False
    styles: dict = {}
    for block in reader._blocks(document.element.body):
        if block.tag == f"{_W}p":
            text = reader.paragraph(block)
            if text:
                above = (above + [text])[-ABOVE_LINES:]
                if _heading_style(block, styles, document):
                    heading, titled = text, True
            continue
        if len(parts) >= MAX_TABLES:
            raise InputError(f"the document has more than {MAX_TABLES:,} tables, far more than a committee paper; "
                             "reading stopped there", where)
        label = f"table {len(parts) + 1}"
        parts.append(reader.table(block, label, above, heading or (above[-1] if above else "")))
        parts[-1].titled = titled
        if budget.cut:
            break
        above, titled = [], False  # the section heading stays: it heads every table below it
    return parts
