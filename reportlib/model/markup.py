"""The markup a cell of free text may keep: the rich-text allow-list, shared by the reader
that lists cells holding other markup (``reportlib.ingest.sources``) and the renderer that
shows that markup as the literal text it is (``reportlib.present.tables``)."""
from __future__ import annotations

import re

RICH_TAGS = {"ul", "ol", "li", "p", "br", "strong", "em", "b", "i", "a"}
RICH_ATTRIBUTES = {"a": {"href"}}
RICH_URL_SCHEMES = {"http", "https", "mailto"}
# what an HTML parser would read as the start of markup: a tag, end tag, comment, CDATA or processing instruction
_MARKUP_START = re.compile(r"<(/?[A-Za-z][A-Za-z0-9:-]*|!|\?)")


def markup_outside_allow_list(text: str) -> list[str]:
    """The markup in ``text`` that rich columns show as literal text: ``["<script", "</script", "<!"]``."""
    if "<" not in text:
        return []
    found = []
    for match in _MARKUP_START.finditer(text):
        name = match.group(1).lstrip("/").lower()
        if name not in RICH_TAGS:
            found.append("<" + match.group(1))
    return found
