"""Resolve free text to the Audit Commission's Use of Resources framework (KLOEs).

Councils write KLOEs many ways: "KLOE 2.1 commissioning and procurement",
"KLOE 1.1 - Financial planning", "Resources KLOE 3.3 workforce", or only a name:
"Managing natural resources", "Workforce management". A number wins over words; a
number outside the framework is not resolved (the caller raises a finding).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

THEMES = {1: "Managing finances", 2: "Governing the business", 3: "Managing resources"}

# code -> (name, words that identify the KLOE when no number is written)
FRAMEWORK: dict[str, tuple[str, tuple[str, ...]]] = {
    "1.1": ("Planning for financial health", ("financial health", "financial planning", "planning for financial")),
    "1.2": ("Understanding costs and achieving efficiencies", ("understanding costs", "achieving efficiencies", "cost and efficienc")),
    "1.3": ("Financial reporting", ("financial reporting",)),
    "2.1": ("Commissioning and procurement", ("commissioning", "procurement")),
    "2.2": ("Use of information", ("use of information", "data quality")),
    "2.3": ("Good governance", ("good governance", "governance")),
    "2.4": ("Risk management and internal control", ("risk management", "internal control")),
    "3.1": ("Natural resources", ("natural resources", "use of natural")),
    "3.2": ("Strategic asset management", ("asset management", "strategic asset")),
    "3.3": ("Workforce", ("workforce",)),
}

_NUMBER = re.compile(r"(?:\bkloe\s*)?\b([1-9])\s*\.\s*([0-9])\b", re.IGNORECASE)
_KLOE_WORD = re.compile(r"\bkloe\b", re.IGNORECASE)


@dataclass(frozen=True)
class Kloe:
    code: str
    name: str
    theme: int

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}"


def _make(code: str) -> Kloe:
    return Kloe(code, FRAMEWORK[code][0], int(code[0]))


@lru_cache(maxsize=4096)
def resolve(text: str | None) -> Kloe | None:
    """The KLOE that ``text`` names, or None when it names none (or one outside the framework)."""
    if not text or not isinstance(text, str):
        return None
    numbered = _NUMBER.search(text)
    if numbered and (_KLOE_WORD.search(text) or numbered.start() < 3):
        code = f"{numbered.group(1)}.{numbered.group(2)}"
        return _make(code) if code in FRAMEWORK else None
    lowered = " ".join(text.lower().split())
    for code, (_, words) in FRAMEWORK.items():
        if any(word in lowered for word in words):
            return _make(code)
    return None


def disagreement(text: str | None) -> tuple[Kloe, Kloe] | None:
    """``(by number, by words)`` when a text's KLOE number and its words name different KLOEs
    ("KLOE 2.1 - Data quality": 2.1 is Commissioning and procurement; data quality is 2.2)."""
    found = resolve(text)
    numbered = _NUMBER.search(text) if found else None
    if not numbered:
        return None
    words = " ".join((text[:numbered.start()] + " " + text[numbered.end():]).lower().split())
    for code, (_, keys) in FRAMEWORK.items():
        if any(key in words for key in keys):
            return None if code == found.code else (found, _make(code))
    return None


def names_a_kloe(text: str | None) -> bool:
    """True when the text claims to be a KLOE (it says "KLOE" or starts with a number like 2.1)."""
    if not text or not isinstance(text, str):
        return False
    return bool(_KLOE_WORD.search(text) or re.match(r"\s*[1-9]\.[0-9]\b", text))


def theme_of(text: str | None) -> int | None:
    """The theme number of a heading like "Theme 2 - Governing the Business"."""
    if not text or not isinstance(text, str):
        return None
    match = re.search(r"\btheme\s*([1-3])\b", text, re.IGNORECASE)
    if match:
        return int(match.group(1))
    lowered = text.lower()
    for number, name in THEMES.items():
        if name.lower() in lowered:
            return number
    return None


def label(code: str | None) -> str:
    """ "2.1 Commissioning and procurement" for "2.1"; "No KLOE" for nothing."""
    if code in FRAMEWORK:
        return _make(code).label
    return "No KLOE"
