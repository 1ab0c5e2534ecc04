"""Owners as people use them: an owner cell may name several officers, by abbreviation.

* ``named``: the officers an owner cell names. Joint owners are written "HoF/IPM",
  "HoF & IPM", "HoF and IPM", "HoF, IPM" or "HoF; IPM"; an ampersand with no space either
  side belongs to an abbreviation ("A&RM") and joins no one. "and" or "&" joins two officers
  only where each side is one alone (an abbreviation, or words naming a post: "ICT Manager",
  "Head of Legal"), so "Head of Audit and Risk" and "Revenues and Benefits Manager" are one each. A name the layout's key
  knows (either side of it) is never split, so "Head of Finance and Performance" stays
  one officer when the key gives it.
* ``each_officer``: actions with one row per action and officer named, so a summary or a
  chart by owner counts a joint action once under each of its officers (never twice
  under one). Names that differ only in case or spaces ("A&RM", "A&R M") are one
  officer, shown as the plan writes them most often.
* ``key``: the abbreviations a layout explains (``owner_names:``, see the layouts README).
* ``only``: the plans cut to one officer's actions, joint ones included.
"""
from __future__ import annotations

import difflib
import json
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import replace

import pandas as pd

from reportlib.errors import ReportlibError

#: Where the layouts' keys travel with the plans: a column of ``Plans.sources`` (JSON per sheet).
SOURCE_COLUMN = "owner_names"
_LISTS = re.compile(r"\s*/\s*|\s*[,;]\s*")
_WORD_JOINS = re.compile(r"\s+&\s+|\s+and\s+", re.IGNORECASE)
#: Words that make a post: "and" splits an owner cell only where each side holds one (or is an abbreviation).
_POSTS = frozenset("""head manager managers director directors officer officers lead leads chief executive clerk
    accountant controller auditor auditors team teams assistant deputy coordinator co-ordinator adviser advisor
    administrator supervisor leader secretary treasurer solicitor lawyer cfo ceo s151 monitoring partner
    commissioner superintendent inspector engineer surveyor architect analyst specialist consultant""".split())
_SPACES = re.compile(r"\s+")


class UnknownOwner(ReportlibError):
    """An officer no action of the plans names; ``known`` lists those that are named."""

    def __init__(self, owner: str, known: list[str]):
        self.owner = owner
        self.known = list(known)
        close = difflib.get_close_matches(owner, self.known, n=1, cutoff=0.5)
        hint = f"did you mean '{close[0]}'? " if close else ""
        listed = ", ".join(self.known) or "none"
        super().__init__(f"no action names the officer '{owner}'; {hint}officers named in the plan: {listed}")


def same(name) -> str:
    """The form names are compared in: case and spaces set aside ("A&R M" and "a&rm" are one)."""
    return _SPACES.sub("", str(name)).casefold()


def named(owner, key: Mapping[str, str] | None = None) -> list[str]:
    """The officers ``owner`` names, in order, each once: "HoF/IPM" -> ["HoF", "IPM"]."""
    if owner is None or (not isinstance(owner, str) and pd.isna(owner)):
        return []
    text = " ".join(str(owner).split())
    if not text:
        return []
    whole = {same(k) for k in (key or {})} | {same(v) for v in (key or {}).values()}
    if same(text) in whole:
        return [text]
    out: list[str] = []
    for piece in _LISTS.split(text):
        parts = [p.strip() for p in _WORD_JOINS.split(piece)]
        # "and" joins two officers only where each side is one on its own: "Head of Audit and Risk"
        # and "Revenues and Benefits Manager" are one officer each, never "Risk" or "Revenues"
        for part in parts if len(parts) == 1 or all(_an_officer(p) for p in parts) else [piece.strip()]:
            if part and same(part) not in {same(o) for o in out}:
                out.append(part)
    return out


def _an_officer(part: str) -> bool:
    """Whether ``part`` names an officer standing alone: an abbreviation ("HoF", "S151", "CMT") or
    words with a post in them ("ICT Manager", "Head of Legal", "Monitoring Officer")."""
    words = part.split()
    if len(words) == 1 and (sum(ch.isupper() or ch.isdigit() for ch in part) >= 2):
        return True
    return any(w.strip(".,()").casefold() in _POSTS for w in words)


def key(plans) -> dict[str, str]:
    """Abbreviation -> name, from the ``owner_names:`` of the layouts that read the plans."""
    sources = getattr(plans, "sources", None)
    out: dict[str, str] = {}
    if sources is None or SOURCE_COLUMN not in sources:
        return out
    for cell in sources[SOURCE_COLUMN]:
        if isinstance(cell, str) and cell.strip():
            out.update(json.loads(cell))
    return out


def each_officer(actions: pd.DataFrame, key: Mapping[str, str] | None = None) -> pd.DataFrame:
    """``actions`` with one row per action and officer its owner names (``owner`` holds that one
    officer); an action naming no one keeps one row with no owner."""
    if "owner" not in actions or actions.empty:
        return actions
    key = key if key is not None else actions.attrs.get(SOURCE_COLUMN) or {}
    lists = actions["owner"].map(lambda o: named(o, key) or [pd.NA])
    spelling = _spellings(o for names in lists for o in names if not pd.isna(o))
    out = actions.assign(owner=lists.map(lambda names: [spelling.get(same(o), o) if not pd.isna(o) else o
                                                        for o in names]))
    out = out.explode("owner", ignore_index=True)
    out.attrs = dict(actions.attrs)
    return out


def _spellings(names) -> dict[str, str]:
    """Each officer's compared form -> the spelling the plan uses most (the first, on a tie)."""
    counts = Counter(names)
    best: dict[str, str] = {}
    for name, n in counts.items():
        if same(name) not in best or n > counts[best[same(name)]]:
            best[same(name)] = name
    return best


def officers(plans) -> list[str]:
    """Every officer the plans' actions name, in their most used spelling, sorted."""
    keyed = key(plans)
    return sorted(set(each_officer(plans.actions, keyed)["owner"].dropna()), key=str.casefold)


def only(plans, officer: str):
    """``plans`` cut to the actions that name ``officer`` (alone or jointly) and their updates.

    ``officer`` is matched setting case and spaces aside, and as either side of the layout's key
    ("Head of Finance" finds "HoF"); raises ``UnknownOwner`` when no action names it."""
    keyed = key(plans)
    wanted = {same(officer)}
    for short, name in keyed.items():
        if same(officer) in (same(short), same(name)):
            wanted |= {same(short), same(name)}
    mine = plans.actions["owner"].map(lambda o: any(same(n) in wanted for n in named(o, keyed)))
    if not mine.any():
        raise UnknownOwner(officer, officers(plans))
    actions = plans.actions[mine].reset_index(drop=True)
    updates = plans.updates[plans.updates["action_id"].isin(actions["action_id"])].reset_index(drop=True)
    full = keyed.get(officer) or next((name for short, name in keyed.items() if same(short) == same(officer)), "")
    who = f"{officer} ({full})" if full and same(full) != same(officer) else officer
    whole = "the plan's" if plans.actions["council_code"].nunique() <= 1 else "the plans'"
    scope = (f"Actions of {who} only: {len(actions)} of {whole} {len(plans.actions)} actions "
             f"(those {officer} shares with others included).")
    return replace(plans, actions=actions, updates=updates, scope=scope)


def key_for(shown, names: Mapping[str, str]) -> dict[str, str]:
    """The entries of the key ``names`` for the officers ``shown`` (in their order)."""
    by_form = {same(k): (k, v) for k, v in names.items()}
    out: dict[str, str] = {}
    for officer in shown:
        if isinstance(officer, str) and same(officer) in by_form:
            short, name = by_form[same(officer)]
            out[officer] = name
    return out
