"""A chart's palette PNG goes into the PDF as it is: the PNG's own palette and compressed rows,
shown pixel for pixel as the PNG shows them (and never decoded and re-encoded on the way);
any other PNG (RGB, transparent, interlaced, damaged) is embedded as WeasyPrint always did."""
from __future__ import annotations

import base64
import io
import struct
import zlib

import numpy as np
import pandas as pd
from PIL import Image
from pypdf import PdfReader

from reportlib.present import chartkit, pdf, pdfimages


def chart() -> chartkit.Chart:
    fig = chartkit.new_figure(2.4)
    ax = fig.add_subplot()
    ax.bar(["Planned", "In progress", "Complete"], [3, 5, 8], color=[chartkit.OKABE_ITO[c] for c in
                                                                    ("blue", "sky_blue", "bluish_green")])
    chartkit.figure_title(fig, "Actions by status")
    return chartkit.Chart(fig, "Actions by status", "Bars of 16 actions by status.", pd.DataFrame())


def chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    found, pos = [], 8
    while pos < len(png):
        length, kind = struct.unpack(">I4s", png[pos:pos + 8])
        found.append((kind, png[pos + 8:pos + 8 + length]))
        pos += 12 + length
    return found


def png_of(chunk_list) -> bytes:
    out = [b"\x89PNG\r\n\x1a\n"]
    for kind, body in chunk_list:
        out.append(struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body)))
    return b"".join(out)


def page_with(*pngs: bytes) -> str:
    images = "".join(f'<img alt="chart" src="data:image/png;base64,{base64.b64encode(p).decode()}" '
                     'width="400" height="150">' for p in pngs)
    return f'<html lang="en"><head><title>t</title></head><body>{images}</body></html>'


def pdf_images(html: str) -> list:
    reader = PdfReader(io.BytesIO(pdf.pdf_bytes(html, running_header="test")))
    return [image for page in reader.pages for image in page.images]


def test_a_chart_is_embedded_with_its_own_palette_and_rows_and_shows_the_same_pixels():
    png = chart().to_png()
    (image,) = pdf_images(page_with(png))
    x_object = image.indirect_reference.get_object()
    colour_space = x_object["/ColorSpace"]
    assert colour_space[0] == "/Indexed" and colour_space[1] == "/DeviceRGB"
    rows = b"".join(body for kind, body in chunks(png) if kind == b"IDAT")
    assert x_object._data == rows  # the PNG's compressed rows, byte for byte: nothing re-encoded
    shown = np.asarray(image.image.convert("RGB"))
    assert np.array_equal(shown, np.asarray(Image.open(io.BytesIO(png)).convert("RGB")))


def test_a_chart_shown_twice_is_embedded_once():
    png = chart().to_png()
    assert len({id(i.indirect_reference.get_object()) for i in pdf_images(page_with(png, png))}) == 1


def test_other_pngs_are_left_to_weasyprint_and_still_shown():
    palette = Image.new("P", (30, 20))
    palette.putpalette([255, 0, 0, 0, 0, 255] + [0] * 762)
    palette.paste(1, (0, 0, 15, 20))
    plain = io.BytesIO()
    palette.save(plain, format="PNG")
    plain = plain.getvalue()
    transparent, rgb = io.BytesIO(), io.BytesIO()
    palette.save(transparent, format="PNG", transparency=0)
    palette.convert("RGB").save(rgb, format="PNG")
    listed = chunks(plain)
    interlaced = png_of([(k, b[:-1] + b"\x01" if k == b"IHDR" else b) for k, b in listed])
    cut = png_of([(k, b[:-3] if k == b"IDAT" else b) for k, b in listed])  # rows cut short, checksums right
    bad_crc = plain[:-20] + bytes([plain[-20] ^ 1]) + plain[-19:]
    others = [transparent.getvalue(), rgb.getvalue(), interlaced, cut, bad_crc]
    found = pdfimages.palette_images(page_with(plain, *others))
    assert list(found) == [f"data:image/png;base64,{base64.b64encode(plain).decode()}"]
    assert all(pdfimages.read_palette_png("x", data) is None for data in others)
    # WeasyPrint shows the transparent and RGB ones as it always did
    shown = pdf_images(page_with(plain, *others[:2]))
    expected = np.asarray(palette.convert("RGB"))
    assert len(shown) == 3
    assert all(np.array_equal(np.asarray(i.image.convert("RGB")), expected) for i in shown)
