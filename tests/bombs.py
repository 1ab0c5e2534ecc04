"""Committee papers that are small on disk and huge to read ("bombs"), built in code for the
tests and ``benchmarks/bench_hostile.py``. Each stays inside the reader's stated limits
(bytes unpacked, pages, characters a page, cells, text): only the time or memory it takes
to read is out of proportion.

* ``docx_cell_bomb``: a Word table of empty cells, ``<w:tc><w:p/></w:tc>`` repeated; word/document.xml
  just under its 32 MB limit, the .docx (deflated, the cells all alike) a few dozen KB.
* ``docx_styles_bomb``: a plan table, and twenty million empty ``<w:style/>`` in word/styles.xml
  (not limited like the text part), which python-docx parses whole as it opens the file: a few
  hundred KB that take gigabytes.
* ``pdf_text_bomb``: one page whose content stream, deflated, draws a character hundreds of
  thousands of times, every one in its own place on a page as big as PDF allows.
* ``pdf_grid_bomb``: one page of a few hundred thousand characters under a ruled grid of
  a few hundred lines each way: the table finder and the cells' words are the slow part.
"""
from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx_cell_bomb(path: Path, *, xml_bytes: int = 31 * 2**20, columns: int = 50) -> Path:
    """A .docx whose one table holds ``xml_bytes`` of empty cells, ``columns`` to a row."""
    import docx

    buffer = io.BytesIO()
    docx.Document().save(buffer)
    cell = "<w:tc><w:p/></w:tc>"
    row = "<w:tr>" + cell * columns + "</w:tr>"
    rows = max(1, xml_bytes // len(row))
    head = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="{_W}"><w:body>'
            "<w:p><w:r><w:t>Action plan</w:t></w:r></w:p><w:tbl>")
    body = head + row * rows + "</w:tbl><w:p/></w:body></w:document>"
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for info in source.infolist():
            data = body.encode() if info.filename == "word/document.xml" else source.read(info)
            out.writestr(info.filename, data)
    return path


def docx_styles_bomb(path: Path, *, styles: int = 20_000_000) -> Path:
    """A .docx with a small plan table whose styles part holds ``styles`` empty styles."""
    import docx

    document = docx.Document()
    table = document.add_table(rows=2, cols=3)
    for r, values in enumerate([["Ref", "Recommendation", "Action"], ["1", "Do it", "Done"]]):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    buffer = io.BytesIO()
    document.save(buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/styles.xml":
                data = data.replace(b"</w:styles>", b"<w:style/>" * styles + b"</w:styles>")
            out.writestr(info.filename, data)
    return path


def _pdf(path: Path, content: bytes, media_box: str) -> Path:
    """A one-page PDF: Helvetica, the given (deflated) content stream and MediaBox."""
    stream = zlib.compress(content, 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [{media_box}] /Resources << /Font << /F1 5 0 R >> >> "
        "/Contents 4 0 R >>".encode(),
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def pdf_text_bomb(path: Path, *, chars: int = 190_000) -> Path:
    """One huge page drawing ``chars`` single letters, each moved on a little (just under
    the reader's 200,000 characters a page): a few KB on disk."""
    # each ' (a) Tj' shows one letter and moves the pen on by its width; 1 T* starts a new line every 400
    line = b"(a) Tj " * 400 + b"T* "
    content = b"BT /F1 1 Tf 1 TL 0 14000 Td " + line * (chars // 400) + b"ET"
    return _pdf(path, content, "0 0 14400 14400")


def pdf_grid_bomb(path: Path, *, lines: int = 300, chars: int = 150_000) -> Path:
    """One page ruled with ``lines`` lines each way (a grid of ``lines``² cells) over ``chars``
    letters in short words: each cell looks for its words among all the page's words."""
    size = 6 * lines + 40
    rules = b"".join(b"20 %d m %d %d l " % (20 + 6 * i, size - 20, 20 + 6 * i) for i in range(lines + 1))
    rules += b"".join(b"%d 20 m %d %d l " % (20 + 6 * i, 20 + 6 * i, size - 20) for i in range(lines + 1))
    per_line = max(1, chars // lines)
    text = b"BT /F1 2 Tf 6 TL 22 %d Td " % (size - 24) + (b"(ab ) Tj " * (per_line // 3) + b"T* ") * lines + b"ET"
    return _pdf(path, b"0.1 w " + rules + b"S " + text, f"0 0 {size} {size}")
