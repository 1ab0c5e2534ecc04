"""The council's own status words: what each means, what it flags, and the ones nobody mapped.

A stated word (a spreadsheet's status column) is read through the sheet's layout first
(``status_words``), then through the shared list (``rules/stated_status.yaml``, applied
by ``status.classify``). The word itself is always kept in ``stated_status``, so reports
show it beside the computed status. A word flagged ``behind`` (by the layout, or by
``rules/stated_flags.yaml``) keeps the action from being rated Green. A word neither
knows sends its update to review, with a warning naming the cell. A word the update
text contradicts ("Implemented" beside "awaiting evidence") is not counted as it says:
the update's status becomes ``needs_review`` (``status_source`` ``needs_review.contradicted``;
the word stays in ``stated_status``, shown beside it), so it waits in the review queue, is
never counted complete, and a warning names the cell.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from reportlib.analysis.status import contradictions
from reportlib.core import safeyaml
from reportlib.errors import Finding, LayoutError, Location
from reportlib.ingest.layouts import WORD_FLAGS, word_key

#: ``status_source`` of an update whose stated word its own text contradicts (its status: needs_review).
CONTRADICTED = "needs_review.contradicted"

FLAGS_FILE = Path(__file__).resolve().parents[1] / "rules" / "stated_flags.yaml"


@lru_cache(maxsize=4)
def shared_flags(path: Path = FLAGS_FILE) -> dict[str, str]:
    """Normalised word -> flag, from ``rules/stated_flags.yaml``."""
    doc = safeyaml.load(Path(path).read_bytes(), source=Path(path).name) or {}
    flags: dict[str, str] = {}
    for flag, listed in doc.items():
        if flag not in WORD_FLAGS or not isinstance(listed, list):
            raise LayoutError(f"'{flag}' must be one of {', '.join(WORD_FLAGS)}, holding a list of words",
                              Location(file=Path(path).name))
        flags.update({word_key(word): flag for word in listed})
    return flags


def apply(updates: pd.DataFrame) -> tuple[pd.DataFrame, list[Finding]]:
    """Updates with the layouts' word meanings applied over the shared list, ``stated_flag``
    filled in, and a warning for each stated word nobody mapped or the update text contradicts."""
    out = updates.copy()
    by_layout = out["stated_as"].notna() if "stated_as" in out else pd.Series(False, index=out.index)
    if by_layout.any():
        out.loc[by_layout, "status"] = out.loc[by_layout, "stated_as"]
        out.loc[by_layout, "status_source"] = "stated"
    flags = shared_flags()
    stated = out["stated_status"].notna() & (out["stated_status"].astype("string").str.strip() != "")
    if "stated_flag" not in out:
        out["stated_flag"] = None
    unflagged = stated & ~by_layout & out["stated_flag"].isna()
    out.loc[unflagged, "stated_flag"] = out.loc[unflagged, "stated_status"].map(lambda w: flags.get(word_key(w)))
    out["stated_flag"] = out["stated_flag"].astype(object).where(out["stated_flag"].notna(), None)
    unknown = out[stated & ~by_layout & (out["status_source"] == "stated") & (out["status"] == "needs_review")]
    findings = [_unknown(u) for u in unknown.itertuples()]
    against = contradictions(out)
    for position, found in enumerate(against):
        if found is not None:
            findings.append(_contradicted(out.iloc[position], *found))
    marked = np.array([found is not None for found in against], dtype=bool)
    out.loc[marked, "status"] = "needs_review"
    out.loc[marked, "status_source"] = CONTRADICTED
    return out.drop(columns=["stated_as"], errors="ignore"), findings


def _where(u) -> Location:
    return Location(u.source_file, u.source_sheet, None if pd.isna(u.source_row) else int(u.source_row),
                    f"status for {u.snapshot}")


def _unknown(u) -> Finding:
    return Finding("warning", "unknown_stated_status",
                   f"the stated status '{u.stated_status}' (for {u.snapshot}) is a word neither the sheet's layout "
                   "(its status_words) nor the shared list (reportlib/rules/stated_status.yaml) knows, so the update "
                   "goes to review whatever its text says; add the word to the layout's status_words with the "
                   "status it means, or correct the cell", _where(u))


_SAYS = {"open": "is not done yet", "complete": "is done"}


def _contradicted(u, cue, words: str) -> Finding:
    return Finding("warning", "stated_contradicted",
                   f"the stated status '{u.stated_status}' (for {u.snapshot}) means {str(u.status).replace('_', ' ')}, but the update text "
                   f"says it {_SAYS[cue.says]} ('{words}', {cue.id}); the update needs review and is not counted as "
                   f"{str(u.status).replace('_', ' ')}: correct the cell or the text, or settle it with 'reportlib review'",
                   _where(u))
