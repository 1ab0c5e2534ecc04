"""Palette PNG charts put into the PDF as they are: no decoding, no re-encoding.

A chart is a 256-colour palette PNG (``reportlib.present.chartkit.Chart.to_png``). Left to
itself, WeasyPrint decodes such an image to RGB, encodes it as PNG, decodes it again and
encodes the pixels once more for the PDF: about a tenth of a report's PDF time. A PDF can
hold the PNG's own compressed rows as they are, as an image in an ``Indexed`` colour space
(the PNG's palette) with the PNG row predictors (``/Predictor 15``): the same pixels, a
third of the bytes. ``palette_images`` reads each such image of a report once, for
WeasyPrint's image cache, where WeasyPrint finds it by its ``data:`` URL; any other image
(RGB, transparent, interlaced, a JPEG) is not in it, and WeasyPrint embeds it as it always did.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import re
import struct
import zlib

import pydyf

_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_DATA_PNG = "data:image/png;base64,"
_IMG_SRC = re.compile(r"<img\b[^>]*?\ssrc=\"(data:image/png;base64,[A-Za-z0-9+/=]+)\"", re.IGNORECASE)
#: Chunks that change how the pixels are shown (transparency, orientation): such a PNG is left to WeasyPrint.
_REFUSED_CHUNKS = frozenset({b"tRNS", b"eXIf"})


class PaletteImage:
    """A non-interlaced palette PNG, drawn by WeasyPrint as it draws any raster image, embedded
    in the PDF as an ``Indexed`` image made of the PNG's own palette and compressed rows."""

    def __init__(self, url: str, width: int, height: int, bits: int, palette: bytes, rows: bytes):
        self.id = hashlib.md5(url.encode("ascii"), usedforsecurity=False).hexdigest()
        self.width, self.height, self.bits = width, height, bits
        self.palette, self.rows = palette, rows

    # the image interface WeasyPrint's layout and drawing use
    def get_intrinsic_size(self, resolution, font_size):
        return self.width / resolution, self.height / resolution, self.width / self.height

    def draw(self, stream, concrete_width, concrete_height, style):
        name = stream.add_image(self, style["image_rendering"] == "auto", 1)
        stream.transform(concrete_width, 0, 0, -concrete_height, 0, concrete_height)
        stream.draw_x_object(name)

    def get_x_object(self, interpolate, dpi_ratio):
        colours = len(self.palette) // 3
        return pydyf.Stream([self.rows], pydyf.Dictionary({
            "Type": "/XObject",
            "Subtype": "/Image",
            "Width": self.width,
            "Height": self.height,
            # a hex string: a literal one would read a palette byte 13 (CR) as a line end
            "ColorSpace": pydyf.Array(("/Indexed", "/DeviceRGB", colours - 1,
                                       b"<" + self.palette.hex().encode("ascii") + b">")),
            "BitsPerComponent": self.bits,
            "Interpolate": "true" if interpolate else "false",
            "Filter": "/FlateDecode",
            "DecodeParms": pydyf.Dictionary({
                "Predictor": 15, "Colors": 1, "BitsPerComponent": self.bits, "Columns": self.width}),
        }))


def palette_images(html: str) -> dict[str, PaletteImage]:
    """Each ``<img src="data:image/png;base64,...">`` of ``html`` that is a palette PNG the PDF can
    hold as it is, by its URL (WeasyPrint's image cache key); other images are left out."""
    found: dict[str, PaletteImage] = {}
    for match in _IMG_SRC.finditer(html):
        url = match.group(1)
        if url in found:
            continue
        try:
            data = base64.b64decode(url[len(_DATA_PNG):], validate=True)
        except (binascii.Error, ValueError):
            continue
        image = read_palette_png(url, data)
        if image is not None:
            found[url] = image
    return found


def read_palette_png(url: str, data: bytes) -> PaletteImage | None:
    """``data`` as a ``PaletteImage``, or None unless it is a whole, non-interlaced, opaque
    palette PNG (any chunk's checksum wrong, or its compressed rows unreadable: None)."""
    if not data.startswith(_SIGNATURE):
        return None
    pos, header, palette, rows = len(_SIGNATURE), None, None, []
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        checksum = data[pos + 8 + length:pos + 12 + length]
        if len(body) != length or len(checksum) != 4 or struct.unpack(">I", checksum)[0] != zlib.crc32(kind + body):
            return None
        pos += 12 + length
        if kind == b"IHDR" and length == 13:
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"PLTE":
            palette = body
        elif kind == b"IDAT":
            rows.append(body)
        elif kind in _REFUSED_CHUNKS:
            return None
        elif kind == b"IEND":
            break
    else:
        return None  # no IEND: a cut-off file
    if header is None or palette is None or not rows:
        return None
    width, height, bits, colour_type, compression, filtering, interlace = header
    if (colour_type != 3 or bits not in (1, 2, 4, 8) or (compression, filtering, interlace) != (0, 0, 0)
            or not width or not height or len(palette) % 3 or not 0 < len(palette) // 3 <= 2 ** bits):
        return None
    compressed = b"".join(rows)
    try:  # the rows must be whole: a PDF viewer would otherwise draw a broken image without a word
        if len(zlib.decompress(compressed)) != height * (1 + (width * bits + 7) // 8):
            return None
    except zlib.error:
        return None
    return PaletteImage(url, width, height, bits, palette, compressed)
