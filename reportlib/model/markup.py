"""The markup a cell of free text may keep: the rich-text allow-list, shared by the reader
that lists cells holding other markup (``reportlib.ingest.sources``) and the renderer that
shows that markup as the literal text it is (``reportlib.present.tables``)."""
from __future__ import annotations

import re
from html.parser import HTMLParser

RICH_TAGS = {"ul", "ol", "li", "p", "br", "strong", "em", "b", "i", "a"}
RICH_ATTRIBUTES = {"a": {"href"}}
RICH_URL_SCHEMES = {"http", "https", "mailto"}
# what an HTML parser would read as the start of markup: a tag, end tag, comment, CDATA or processing instruction
_MARKUP_START = re.compile(r"<(/?[A-Za-z][A-Za-z0-9:-]*|!|\?)")
# an <a> start tag (attribute values may hold ">") or an </a> end tag, as a browser would read them
ANCHOR = re.compile(r"""<(/?)a(?=[\s/>])(?:[^>"']|"[^"]*"|'[^']*')*>""", re.IGNORECASE)
_URL_BLANKS = "".join(map(chr, range(33)))  # what a browser strips from either end of an address
ABSOLUTE_LINK = re.compile(r"(?:https?://|mailto:)", re.IGNORECASE)


def markup_outside_allow_list(text: str) -> list[str]:
    """The markup in ``text`` that rich columns show as literal text: ``["<script", "</script", "<!"]``,
    and each link whose target is not an absolute http(s) or mailto address (``<a href="javascript:…"``)."""
    if "<" not in text:
        return []
    found = []
    for match in _MARKUP_START.finditer(text):
        name = match.group(1).lstrip("/").lower()
        if name not in RICH_TAGS:
            found.append("<" + match.group(1))
        elif name == "a" and not match.group(1).startswith("/"):
            anchor = ANCHOR.match(text, match.start())
            href = link_target(anchor.group(0)) if anchor else None
            if href is not None and not allowed_link_target(href):
                found.append(f'<a href="{href[:80]}"')
    return found


class _Attributes(HTMLParser):
    def __init__(self, tag: str):
        super().__init__(convert_charrefs=True)
        self.attributes: list[tuple[str, str | None]] = []
        self.feed(tag)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.attributes = self.attributes or attrs


def link_target(start_tag: str) -> str | None:
    """The ``href`` of an ``<a …>`` start tag as a browser reads it (entities decoded), or None."""
    return next(((value or "") for name, value in _Attributes(start_tag).attributes if name == "href"), None)


def allowed_link_target(href: str) -> bool:
    """Whether a link to ``href`` is kept as a link: an absolute http(s) or mailto address."""
    return bool(ABSOLUTE_LINK.match(href.strip(_URL_BLANKS)))
