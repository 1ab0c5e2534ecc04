"""Text a spreadsheet keeps as text: never run as a formula, however it is written.

A cell starting = + - @ (or a tab or carriage return) is a formula to Excel and its
kin, also when the sign is fullwidth ("＝") or behind invisible characters. ``neutralise``
puts an apostrophe before such text, which the spreadsheet shows as the text it is; every
file reportlib writes for spreadsheets (exports, tables.xlsx, decisions.csv) goes through it.
"""
from __future__ import annotations

import unicodedata

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _as_read(value: str) -> str:
    """The start of ``value`` as a spreadsheet program may read it: NFKC, no invisible characters."""
    head = value[:64]  # enough to see past any run of invisible characters
    head = "".join(ch for ch in unicodedata.normalize("NFKC", head) if unicodedata.category(ch) != "Cf")
    return head.lstrip(" \u00a0\u3000\n")


def neutralise(value):
    """ "=HYPERLINK(...)" -> "'=HYPERLINK(...)", "＝1" and "\u200b=1" likewise, "'=1" -> "''=1";
    anything else unchanged."""
    if isinstance(value, str) and value and (value.startswith(_TRIGGERS + ("'",))
                                             or _as_read(value).startswith(_TRIGGERS + ("'",))):
        return "'" + value
    return value
