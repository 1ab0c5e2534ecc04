"""Open a source file (xlsx or csv) and give back its sheets as rows of plain values.

Files are recognised by their content, not their name: an xlsx is a zip, an encrypted
workbook or an old .xls is an OLE compound file, and anything else named .csv must be
text. Cells come back as str, int, float, bool or date/datetime; text is stripped of
control characters. The source file is only ever opened for reading.

Reading is bounded, so that a small hostile file cannot take gigabytes or minutes:

* Rows are read one at a time and reading stops after ``max_rows`` filled rows plus
  ``HEADER_ROWS`` (the header is somewhere in the first rows); the sheet is then marked
  cut (``Source.cut``) and the loader reports ``too_many_rows`` at that row.
* At most ``TEXT_BUDGET`` characters of text and ``CELL_BUDGET`` cells are read from one
  sheet; past either, reading the sheet stops and the loader reports an error naming the
  file, sheet and row where the budget ran out.
* Before calamine (fast, but it holds a whole sheet in memory, one copy of a shared
  string per cell that uses it) reads a sheet, the sheet's XML is scanned without being
  parsed: when the cells that use shared strings, times the longest shared string, could
  exceed the text budget (a 377 KB file reusing one 32,000-character string over 20,000
  rows expands to 5.7 GB), or the sheet's grid is too large, the sheet is read instead
  by openpyxl's streaming reader, which keeps one copy of each shared string.
* A shared-strings part bigger than ``SHARED_STRINGS_LIMIT`` bytes refuses the file.

Formula cells give their cached value. A formula saved without one (a file written by a
program rather than Excel) gives its display text: a ``HYPERLINK``'s label, else the
formula itself as text; each is listed in ``Source.formula_cells`` for a warning. A cell
holding a spreadsheet error ("#N/A", "#REF!"), which calamine gives as empty, gives the error
as Excel shows it, and is listed in ``Source.error_cells`` (as is such text in a csv).
Cells holding markup outside the rich-text allow-list (``reportlib.model.markup.RICH_TAGS``) are listed in
``Source.markup_cells``: reports show such markup as literal text, never delete it.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from python_calamine import CalamineWorkbook

from reportlib.errors import InputError, Location
from reportlib.model.markup import markup_outside_allow_list
from reportlib.model.vocab import SPREADSHEET_ERROR, SPREADSHEET_SUFFIXES

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_MARK = "EncryptionInfo".encode("utf-16-le")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
READABLE = SPREADSHEET_SUFFIXES
CELL_LIMIT = 32_767  # Excel's own limit on the characters of one cell

MAX_ROWS = 50_000  # filled rows a sheet may have below its header (load.MAX_ROWS passes the same)
HEADER_ROWS = 1_000  # filled rows read beyond max_rows, for the title and header rows above the data
TEXT_BUDGET = 20_000_000  # characters of text read from one sheet
CELL_BUDGET = 10_000_000  # cells (filled or not, as the sheet's grid has them) read from one sheet
SHARED_STRINGS_LIMIT = 64 * 1024 * 1024  # bytes of xl/sharedStrings.xml
SHEET_XML_LIMIT = 256 * 1024 * 1024  # bytes of one sheet's XML scanned before handing it to calamine
NOTED_CELLS = 200  # formula and markup cells listed per sheet (then counted)


@dataclass
class Cut:
    """Reading a sheet stopped early: ``row`` (1-based) is where, ``reason`` is
    "rows" (row limit), "text" (text budget) or "cells" (cell budget)."""

    row: int
    reason: str
    read: int  # filled rows read ("rows"), characters ("text") or cells ("cells") up to the cut


@dataclass
class Source:
    path: Path
    name: str
    sha256: str
    sheets: dict[str, list[list]]
    long_cells: list[tuple[str, int, int, int]] = field(default_factory=list)  # sheet, row, col, length
    formula_cells: list[tuple[str, int, int, str, str]] = field(default_factory=list)  # sheet, row, col, formula, shown
    markup_cells: list[tuple[str, int, int, str]] = field(default_factory=list)  # sheet, row, col, first tag
    error_cells: list[tuple[str, int, int, str]] = field(default_factory=list)  # sheet, row, col, "#N/A"
    more_noted: dict[tuple[str, str], int] = field(default_factory=dict)  # (kind, sheet) -> cells not listed
    cut: dict[str, Cut] = field(default_factory=dict)  # sheet -> where reading stopped
    #: sheet -> the cells (row, column; 0-based in ``sheets``) a cell above is merged down over: each
    #: takes the value of the top cell of its merge, as the cell stands for every row it spans.
    merged_down: dict[str, set[tuple[int, int]]] = field(default_factory=dict)
    #: sheet -> rows (0-based) that may be the rest of the row above, cut by a PDF page break
    rests: dict[str, set[int]] = field(default_factory=dict)
    #: sheet -> (page or table, row there) of each row, where the sheet is a paper's table read on
    #: over pages (``reportlib.ingest.papers``): for messages that name a row of another page
    origins: dict[str, list[tuple[str, int | None]]] = field(default_factory=dict)
    max_rows: int = MAX_ROWS
    size: int = 0  # bytes read, hashed and parsed (the file is read once)

    def row_place(self, sheet: str, row: int) -> str:
        """Where row ``row`` of ``sheet`` is, as a message names it: "row 12", or on a paper "page 1, row 10"."""
        places = self.origins.get(sheet) or []
        if 1 <= row <= len(places) and places[row - 1][1] is not None:
            return f"{places[row - 1][0]}, row {places[row - 1][1]}"
        return f"row {row}"


def clean_text(value: str) -> str:
    """Text as a reader should see it: no control characters, no trailing blanks per line."""
    if value.isprintable() and value == value.strip():
        return value  # the common case, 20x faster than the full clean below
    value = _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " "))
    return "\n".join(line.rstrip() for line in value.split("\n")).strip()


def _clean(value):
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date()  # as calamine gives a date-only cell
    if isinstance(value, (dt.time, dt.timedelta)):
        return str(value)
    return value


def _describe(head: bytes) -> str:
    if head.startswith(b"%PDF"):
        return "a PDF document"
    if head.lstrip().lower().startswith((b"<!doctype html", b"<html")):
        return "an HTML page"
    if b"\x00" in head:
        return "a binary file of an unknown kind"
    return "a text file"


# -- reading rows within the budgets ---------------------------------------------------------------

def _note(source: Source, kind: str, sheet: str, entry) -> None:
    listed = getattr(source, f"{kind}_cells")
    if sum(1 for e in listed if e[0] == sheet) < NOTED_CELLS:
        listed.append(entry)
    else:
        source.more_noted[(kind, sheet)] = source.more_noted.get((kind, sheet), 0) + 1


def collect_rows(source: Source, sheet: str, rows, col_offset: int = 0) -> list[list]:
    """Clean the rows of one sheet as they come, stopping at the row limit or a budget."""
    out: list[list] = []
    chars = cells = filled = 0
    row_cap = source.max_rows + HEADER_ROWS
    pad = [""] * col_offset
    for r, raw in enumerate(rows):
        cells += len(raw) + col_offset
        if cells > CELL_BUDGET:
            source.cut[sheet] = Cut(r + 1, "cells", cells)
            break
        row = list(pad)
        any_filled = False
        for c, value in enumerate(raw, start=col_offset):
            if isinstance(value, str):
                if value:
                    chars += len(value)
                    if chars > TEXT_BUDGET:
                        break
                    if len(value) >= CELL_LIMIT:
                        source.long_cells.append((sheet, r + 1, c, len(value)))
                        if len(value) > CELL_LIMIT:
                            value = value[:CELL_LIMIT] + f" [… {len(value) - CELL_LIMIT:,} more characters not shown]"
                    if "<" in value:
                        tags = markup_outside_allow_list(value)
                        if tags:
                            _note(source, "markup", sheet, (sheet, r + 1, c, tags[0]))
                    value = clean_text(value)
                    if value[:1] == "#" and SPREADSHEET_ERROR.match(value):  # as a csv or a typed cell shows it
                        _note(source, "error", sheet, (sheet, r + 1, c, value))
            elif value is not None:
                value = _clean(value)
            else:
                value = ""
            if value != "":
                any_filled = True
            row.append(value)
        if chars > TEXT_BUDGET:
            source.cut[sheet] = Cut(r + 1, "text", chars)
            break
        while row and row[-1] == "":
            row.pop()
        if any_filled:
            filled += 1
            if filled > row_cap:
                source.cut[sheet] = Cut(r + 1, "rows", filled - 1)
                break
        out.append(row)
    return out


# -- xlsx ----------------------------------------------------------------------------------------------

_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_ROW_NUMBER = re.compile(rb'<(?:\w+:)?row\b[^>]*?\br="(\d{1,9})"')
_WIDE_3 = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="[A-Z]{3}\d')
_WIDE_2 = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="[A-Z]{2}\d')
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_HYPERLINK = re.compile(r'^\s*HYPERLINK\s*\(\s*"((?:[^"]|"")*)"\s*(?:[,;]\s*"((?:[^"]|"")*)"\s*)?\)\s*$', re.IGNORECASE)
_CELL_REF = re.compile(r"^([A-Z]{1,3})(\d{1,7})$")


@dataclass
class _SheetScan:
    part: str
    xml_bytes: int = 0
    shared_refs: int = 0  # cells using a shared string
    max_row: int = 0
    width: int = 26  # an upper bound on the columns: 26 (A-Z), 702 (to ZZ) or 16,384
    formulas: bool = False
    errors: bool = False  # a cell of type "e": a formula's error ("#N/A"), which calamine gives as ""
    too_big: bool = False


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _rels(zf: zipfile.ZipFile, part: str) -> dict[str, str]:
    folder, name = posixpath.split(part)
    rels_part = posixpath.join(folder, "_rels", name + ".rels")
    if rels_part not in zf.NameToInfo:
        return {}
    found = {}
    for rel in ET.fromstring(zf.read(rels_part)):
        target = rel.get("Target", "")
        target = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        found[rel.get("Id")] = target
    return found


def _scan_sheet(zf: zipfile.ZipFile, part: str) -> _SheetScan:
    """Count, without parsing, what calamine would have to hold for this sheet."""
    scan = _SheetScan(part)
    carry = b""
    with zf.open(part) as stream:
        while True:
            chunk = stream.read(1 << 20)
            buf = carry + chunk
            if chunk:
                cut = buf.rfind(b"<")
                if cut <= 0 and len(buf) < (4 << 20):
                    carry = buf
                    continue
                if cut <= 0:
                    cut = len(buf)
                buf, carry = buf[:cut], buf[cut:]
            scan.xml_bytes += len(buf)
            scan.shared_refs += buf.count(b't="s"') + buf.count(b"t='s'")
            rows = _ROW_NUMBER.findall(buf)
            if rows:
                scan.max_row = max(scan.max_row, max(map(int, rows)))
            if scan.width < 16_384 and _WIDE_3.search(buf):
                scan.width = 16_384
            elif scan.width < 702 and _WIDE_2.search(buf):
                scan.width = 702
            scan.formulas = scan.formulas or bool(_FORMULA.search(buf))
            scan.errors = scan.errors or b't="e"' in buf or b"t='e'" in buf
            if scan.xml_bytes > SHEET_XML_LIMIT:
                scan.too_big = True
                break
            if not chunk:
                break
    return scan


def _longest_shared_string(zf: zipfile.ZipFile, part: str) -> int:
    longest = 0
    with zf.open(part) as stream:
        for _, element in ET.iterparse(stream, events=("end",)):
            if _local(element.tag) == "si":
                longest = max(longest, sum(len(t.text or "") for t in element.iter() if _local(t.tag) == "t"))
                element.clear()
    return longest


def _scan_package(data: bytes, where: Location) -> dict[str, tuple[_SheetScan, bool]]:
    """Sheet name -> (scan, read it with calamine?). Empty when the package cannot be mapped."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        office = "xl/workbook.xml"
        if "_rels/.rels" in zf.NameToInfo:
            for rel in ET.fromstring(zf.read("_rels/.rels")):
                if rel.get("Type", "").endswith("/officeDocument"):
                    office = posixpath.normpath(rel.get("Target", office).lstrip("/"))
        if office not in zf.NameToInfo:
            return {}
        rels = _rels(zf, office)
        book_root = ET.fromstring(zf.read(office))
        shared = next((t for t in rels.values() if t.endswith("sharedStrings.xml")), None)
        shared_size = zf.getinfo(shared).file_size if shared in zf.NameToInfo else 0
        if shared_size > SHARED_STRINGS_LIMIT:
            raise InputError(f"the workbook's shared text is {shared_size / 2**20:,.0f} MB, more than the "
                             f"{SHARED_STRINGS_LIMIT / 2**20:,.0f} MB an action plan could need; it was not read",
                             where)
        found = {}
        longest = None
        for sheet in book_root.iter(f"{_MAIN_NS}sheet"):
            part = rels.get(sheet.get(f"{_REL_NS}id"))
            if not part or part not in zf.NameToInfo:
                continue
            scan = _scan_sheet(zf, part)
            safe = not scan.too_big and min(scan.max_row, 1_048_576) * scan.width <= CELL_BUDGET
            if safe and scan.shared_refs * shared_size > TEXT_BUDGET:  # a coarse bound first, then the exact one
                if longest is None:
                    longest = _longest_shared_string(zf, shared)
                safe = scan.shared_refs * longest <= TEXT_BUDGET
            found[sheet.get("name")] = (scan, safe)
        return found


def _cells_to_fill(zf: zipfile.ZipFile, part: str, row_cap: int) -> list[tuple[int, int, str, str]]:
    """(row, col, kind, text) of each cell calamine gives as empty though it is not, both 0-based:
    kind "formula" for a formula saved with no cached value (text: the formula), "error" for a
    cell holding a spreadsheet error (text: what Excel shows, "#N/A")."""
    found, shared = [], {}
    row_index, col_index, rows_seen = -1, -1, 0
    with zf.open(part) as stream:
        for event, element in ET.iterparse(stream, events=("start", "end")):
            tag = _local(element.tag)
            if event == "start":
                if tag == "row":
                    rows_seen += 1
                    row_index = int(element.get("r")) - 1 if element.get("r", "").isdigit() else row_index + 1
                    col_index = -1
                continue
            if tag == "c":
                ref = _CELL_REF.match(element.get("r", ""))
                if ref:
                    col_index = _column_index(ref.group(1))
                    row_index = int(ref.group(2)) - 1
                else:
                    col_index += 1
                formula = value = None
                for child in element:
                    name = _local(child.tag)
                    if name == "f":
                        formula = child
                    elif name in ("v", "is"):
                        value = child
                if formula is not None:
                    text = formula.text or ""
                    if formula.get("t") == "shared" and formula.get("si") is not None:
                        text = shared.setdefault(formula.get("si"), text) if text else shared.get(formula.get("si"), "")
                    kind = element.get("t", "n")
                    no_value = value is None or (kind not in ("str", "inlineStr") and not (value.text or "").strip())
                    if no_value:
                        found.append((row_index, col_index, "formula", text))
                if element.get("t") == "e" and value is not None and (value.text or "").strip():
                    found.append((row_index, col_index, "error", value.text.strip()))
                element.clear()
            elif tag == "row":
                element.clear()
                if rows_seen > row_cap:
                    break
    return found


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index - 1


def formula_display(formula: str) -> str:
    """What a formula with no saved value shows as text: a HYPERLINK's label (or its address), else "=formula"."""
    match = _HYPERLINK.match(formula)
    if match:
        label = match.group(2) if match.group(2) is not None else match.group(1)
        return label.replace('""', '"')
    return "=" + formula


def _openpyxl_rows(data: bytes, name: str):
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = book[name]
        sheet.reset_dimensions()  # the stored dimension may claim a grid far larger than the cells
        yield from sheet.iter_rows(min_row=1, min_col=1, values_only=True)
    finally:
        book.close()


def _read_xlsx(data: bytes, where: Location, source: Source) -> None:
    try:
        scans = _scan_package(data, where)
    except InputError:
        raise
    except Exception:  # an odd package: calamine below says whether it can be read at all
        scans = {}
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        for name in book.sheet_names:
            scan, safe = scans.get(name, (None, True))
            if safe:
                sheet = book.get_sheet_by_name(name)
                offset = sheet.start[1] if sheet.start else 0  # iter_rows starts at the first filled column
                source.sheets[name] = collect_rows(source, name, sheet.iter_rows(), offset)
                source.merged_down[name] = _merged_down(sheet)
            else:
                source.sheets[name] = collect_rows(source, name, _openpyxl_rows(data, name))
            if scan is not None and (scan.formulas or scan.errors):
                _fill_cells(data, source, name, scan.part)
    except Exception as exc:  # calamine raises several kinds for a damaged zip or xml
        raise InputError(
            f"this workbook cannot be read: it looks damaged or truncated ({type(exc).__name__}: {exc}). "
            "Open it in Excel and save it again as .xlsx, or take it again from its source.",
            where,
        ) from None


def _merged_down(sheet) -> set[tuple[int, int]]:
    """The cells a merged range one column wide covers below its top cell (ranges wider than one
    column are headings or notes, whose text stays in their top-left cell)."""
    covered: set[tuple[int, int]] = set()
    for (top, left), (bottom, right) in (sheet.merged_cell_ranges or [])[:10_000]:
        if left == right and bottom > top:
            covered.update((r, left) for r in range(top + 1, min(bottom, top + MAX_ROWS) + 1))
    return covered


def _fill_cells(data: bytes, source: Source, name: str, part: str) -> None:
    """Give each cell calamine left empty what it shows in Excel: a formula saved without its value
    its display text, an error cell its error ("#N/A"); each is noted for a warning."""
    rows = source.sheets[name]
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        missing = _cells_to_fill(zf, part, source.max_rows + HEADER_ROWS)
    for r, c, kind, text in missing:
        if r >= len(rows) or r < 0 or c < 0:
            continue
        row = rows[r]
        if c < len(row) and row[c] not in ("", None):
            continue  # calamine found a value after all
        shown = clean_text(formula_display(text) if kind == "formula" else text)[:40 if kind == "error" else None]
        row.extend([""] * (c + 1 - len(row)))
        row[c] = shown
        if kind == "formula":
            _note(source, "formula", name, (name, r + 1, c, text, shown))
        else:
            _note(source, "error", name, (name, r + 1, c, shown))


def _read_csv(data: bytes, where: Location, source: Source) -> list[list]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        text = data.decode("latin-1")
    reader = csv.reader(io.StringIO(text))
    try:
        return collect_rows(source, Path(source.name).stem, reader)
    except csv.Error as exc:  # e.g. a field over csv's own limit of 131,072 characters
        raise InputError(f"this csv file cannot be read at line {reader.line_num}: {exc}", where) from None


def read_spreadsheet(path: Path, data: bytes, source: Source) -> Source:
    """Fill ``source`` with the sheets of an xlsx workbook, or the one table of a csv file."""
    where = Location(file=path.name)
    if data.startswith(_ZIP):
        _read_xlsx(data, where, source)
        return source
    if data.startswith(_OLE):
        if _ENCRYPTED_MARK in data:
            raise InputError(
                "this workbook is password-protected, so it cannot be read. "
                "Remove the password in Excel (File > Info > Protect Workbook) and save a copy as .xlsx.",
                where,
            )
        raise InputError("this is an old-style Excel 97-2003 (.xls) workbook; save it as .xlsx and try again", where)
    if path.suffix.lower() == ".csv" and b"\x00" not in data[:4096]:
        source.sheets[path.stem] = _read_csv(data, where, source)
        return source
    raise InputError(
        f"this is not an xlsx workbook or a csv file: it is {_describe(data[:512])}"
        f"{' despite its name' if path.suffix.lower() in READABLE else ''}. "
        "Expected an Excel workbook saved as .xlsx, or a .csv file.",
        where,
    )


#: Control characters, line and paragraph separators, and bidirectional overrides.
UNSHOWABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def shown_name(name: str) -> str:
    """A file name as messages and reports show it: control and bidi characters written escaped."""
    return UNSHOWABLE.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                           else f"\\u{ord(m.group()):04x}", name)


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
