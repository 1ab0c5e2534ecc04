"""Measure the status rules against hand-labelled updates.

    from reportlib.analysis import status_check
    m = status_check.measure(status_check.read_labelled("tests/data/labelled_fresh.csv"))
    m.agreement, m.review_share, m.confusion, m.misses

A labelled file is a CSV with one update per row: ``text`` and the status a reader
gave it (``status``, or ``expected_status`` in the older file), plus when it was
written (``snapshot_date``, or a ``snapshot`` name and a ``snapshot_dates`` mapping).
``action_ref`` and ``council_code`` (the older file, whose rows are a plan's rows in order)
are used so that "As above" and "As March 2010 update" can be followed within the file. A
file with an ``id`` column holds updates of separate actions, one a row: each row is its
own sheet there, so "As above" has nothing above it.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from reportlib.analysis.status import SHIPPED, STATUSES, classify
from reportlib.errors import Location, ReportlibError


class LabelledFileError(ReportlibError):
    """A labelled file cannot be measured: ``row`` (spreadsheet-style, header = 1) names the row."""

    def __init__(self, path, reason: str, row: int | None = None, column: str | None = None):
        self.path, self.reason, self.row, self.column = str(path), reason, row, column
        super().__init__(reason, Location(file=self.path, row=row, column=column))



@dataclass(frozen=True)
class Measured:
    """How far the rules agree with a reader's labels."""

    total: int
    agreed: int
    needs_review: int        # updates the rules left needs_review
    confusion: pd.DataFrame  # labelled status (rows) x rules' status (columns), counts
    misses: pd.DataFrame     # the rows that disagree: id, text, label, got, status_source

    @property
    def agreement(self) -> float:
        return self.agreed / self.total if self.total else 0.0

    @property
    def review_share(self) -> float:
        return self.needs_review / self.total if self.total else 0.0

    @property
    def wrong(self) -> int:
        """Confidently wrong: a status other than needs_review that disagrees with the label."""
        return int((self.misses["got"] != "needs_review").sum())

    @property
    def wrong_share(self) -> float:
        return self.wrong / self.total if self.total else 0.0

    def summary(self, name: str = "") -> str:
        head = f"{name}: " if name else ""
        return (f"{head}agreement {self.agreement:.1%} ({self.agreed}/{self.total}); "
                f"left needs_review {self.review_share:.1%} ({self.needs_review}/{self.total}); "
                f"confidently wrong {self.wrong_share:.1%} ({self.wrong}/{self.total})")


def read_labelled(path, snapshot_dates: dict[str, str] | None = None) -> pd.DataFrame:
    """The labelled file as an updates frame with a ``label`` column, ready for ``classify``."""
    path = Path(path)
    try:
        raw = pd.read_csv(path, keep_default_na=False, dtype=str)
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise LabelledFileError(path, f"cannot read the labelled file: {exc}") from None
    label_col = "status" if "status" in raw.columns else "expected_status"
    for needed in ("text", label_col):
        if needed not in raw.columns:
            raise LabelledFileError(path, f"no column {needed!r} (it has: {', '.join(raw.columns)})")
    bad = ~raw[label_col].isin(STATUSES)
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise LabelledFileError(path, f"label {raw.at[i, label_col]!r} is not one of {', '.join(STATUSES)}",
                                row=i + 2, column=label_col)
    if "snapshot_date" in raw.columns:
        snapshot = raw.get("snapshot", raw["snapshot_date"])
        dates = pd.to_datetime(raw["snapshot_date"], errors="coerce")
    elif "snapshot" in raw.columns and snapshot_dates is not None:
        snapshot = raw["snapshot"]
        dates = pd.to_datetime(raw["snapshot"].map(snapshot_dates), errors="coerce")
    else:
        raise LabelledFileError(path, "needs a snapshot_date column, or a snapshot column and snapshot_dates")
    if dates.isna().any():
        i = int(dates.isna().to_numpy().nonzero()[0][0])
        raise LabelledFileError(path, "the date this update was written is missing or not a date",
                                row=i + 2, column="snapshot_date" if "snapshot_date" in raw.columns else "snapshot")
    ids = raw["id"] if "id" in raw.columns else raw.get("action_ref", pd.Series(raw.index.astype(str), index=raw.index))
    source = raw["source"] if "source" in raw.columns else raw.get("council_code", pd.Series("", index=raw.index))
    return pd.DataFrame({
        "action_id": ids,
        "snapshot": snapshot,
        "snapshot_date": dates,
        "text": raw["text"],
        "stated_status": pd.Series(pd.NA, index=raw.index, dtype="string"),
        "source_file": source,
        "source_sheet": raw["id"] if "id" in raw.columns else "labelled",
        "source_row": pd.array(range(2, len(raw) + 2), dtype="Int64"),
        "source_column": snapshot,
        "label": raw[label_col],
    })


def measure(labelled: pd.DataFrame, rules=None, stated_map=None, model=SHIPPED) -> Measured:
    """Classify a frame from ``read_labelled`` and compare with its labels (``model=None``: the rules alone)."""
    out = classify(labelled.drop(columns="label"), rules, stated_map, model)
    got, want = out["status"], labelled["label"]
    agree = got == want
    confusion = pd.crosstab(pd.Categorical(want, STATUSES), pd.Categorical(got, STATUSES),
                            rownames=["labelled"], colnames=["rules"], dropna=False)
    misses = pd.DataFrame({"id": labelled["action_id"], "text": labelled["text"], "label": want,
                           "got": got, "status_source": out["status_source"]})[~agree]
    return Measured(int(len(agree)), int(agree.sum()), int((got == "needs_review").sum()), confusion, misses)
