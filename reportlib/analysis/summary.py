"""What a committee reads first: the position in a few figures, each with its change since the
previous report, and the few actions that need the committee's attention.

The figures are counted from the same ``Progress`` tables as every other figure of a report
(``reportlib.analysis.progress``); "the previous report" is the plan's previous progress update
before the as-of date (``compare.previous_snapshot_date``), the same one the table of changes
compares with. The actions needing attention are the longest overdue, those whose status has
gone backwards since then or whose update no longer reads as complete, those whose target has been
moved since then, and further overdue ones, each listed once, at most ``ATTENTION_LIMIT`` in all.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from reportlib.analysis import compare
from reportlib.analysis.progress import Progress, progress, target_not_set
from reportlib.model.vocab import STATUS_LABELS, short_date

#: At most this many actions are put to the committee's attention.
ATTENTION_LIMIT = 5
#: Of them, the longest overdue put first whatever else has happened.
LONGEST = 2
#: The ratings counted on the first screen, in this order; "Complete" is already a figure of its own.
_RATINGS_SHOWN = ("Red", "Amber", "Green", "Not rated")


@dataclass(frozen=True)
class Figure:
    """One figure of the summary: ``now`` at the as-of date, ``before`` at the previous report
    (None when there is no previous report)."""

    key: str
    label: str
    now: int
    before: int | None = None

    @property
    def change(self) -> int | None:
        return None if self.before is None else self.now - self.before


@dataclass(frozen=True)
class Summary:
    """The first screen of a progress report."""

    as_of: pd.Timestamp
    previous: pd.Timestamp | None
    figures: tuple[Figure, ...]
    #: One row per action needing attention: action_id, council_code, action, owner, reason, days_overdue.
    attention: pd.DataFrame
    due_soon_days: int = 30
    #: How many actions changed in each way since the previous report (``compare.CHANGES``); empty without one.
    changes: dict = field(default_factory=dict)
    #: How many actions changed at all (each once, as the table of changes lists them); None without a previous report.
    changed: int | None = None
    #: What a reader should know is uncertain (``Progress.review_counts``: needs_review, contradicted,
    #: target_unreadable, no_target), now and at the previous report.
    uncertain: tuple[Figure, ...] = ()

    #: How the complete and overdue figures moved since the previous report, each way counted once
    #: (``moves``); empty without a previous report.
    moves: dict = field(default_factory=dict)

    def figure(self, key: str) -> Figure:
        return next(f for f in (*self.figures, *self.uncertain) if f.key == key)


def counts(p: Progress) -> dict[str, int]:
    """The figures of one progress: actions, complete, overdue, due soon and each rating."""
    acts = p.actions
    out = {
        "actions": len(acts),
        "complete": int((acts["status"] == "complete").sum()),
        "overdue": int((acts["timeliness"] == "overdue").sum()),
        "due_soon": int((acts["timeliness"] == "due_soon").sum()),
    }
    for rating in _ratings(p):
        out[f"rag:{rating}"] = int((acts["rag"] == rating).sum())
    return out


def _ratings(p: Progress) -> list[str]:
    """The ratings the progress's rule can give, those shown first in the house order, less "Complete"."""
    given = list(dict.fromkeys(label for label, _ in p.rag_rule))
    given += [r for r in ("Not rated",) if r not in given]  # what ``rag`` gives when no row matches
    ordered = [r for r in _RATINGS_SHOWN if r in given] + [r for r in given if r not in _RATINGS_SHOWN]
    return [r for r in ordered if r != "Complete"]


_LABELS = {"actions": "Actions in the plan", "complete": "Complete", "overdue": "Overdue", "due_soon": "Due soon",
           "needs_review": "Latest update needs review", "contradicted": "Update text contradicts the council's word",
           "target_unreadable": "Target date unreadable or not yet set", "no_target": "Open, with no target date"}


def summarise(plans, p: Progress) -> Summary:
    """The summary of ``p`` (the progress of ``plans`` at its as-of date), compared with the
    previous progress update of ``plans`` where there is one."""
    previous = compare.previous_snapshot_date(plans, p.as_of)
    before, changed = None, pd.DataFrame(columns=["action_id", "change"])
    if previous is not None:
        options = {"due_soon_days": p.due_soon_days, "rag_rule": p.rag_rule}
        before = progress(plans, previous, **options)
        changed = compare.changes(plans, previous, p.as_of, known=(before, p), **options)
    now_counts = counts(p)
    then_counts = counts(before) if before is not None else {}
    figures = tuple(
        Figure(key, _LABELS.get(key, key.split(":", 1)[-1]), value,
               then_counts.get(key, 0) if before is not None else None)
        for key, value in now_counts.items()
    )
    kinds = {kind: int((changed["change"] == kind).sum()) for kind in compare.CHANGES} if previous is not None else {}
    then_review = before.review_counts() if before is not None else {}
    uncertain = tuple(Figure(key, _LABELS[key], value, then_review.get(key) if before is not None else None)
                      for key, value in p.review_counts().items())
    return Summary(p.as_of, previous, figures, attention(p, before, changed), p.due_soon_days, kinds,
                   changed["action_id"].nunique() if previous is not None else None, uncertain,
                   moves(before, p, kinds) if before is not None else {})


def moves(before: Progress, p: Progress, kinds: dict) -> dict[str, int]:
    """How the complete and overdue counts moved from ``before`` to ``p``, so that each rise or fall
    adds up: ``complete_new`` (became complete), ``complete_undone`` (complete then, not now),
    ``complete_left`` (complete then, left the plan since); ``overdue_passed`` (target passed since
    ``before``: the change list's newly overdue), ``overdue_other`` (overdue now, not then, its target
    already past: its update no longer reads as done, it went backwards, or it joined the plan late),
    ``overdue_cleared`` (overdue then, not now, or left the plan)."""
    then = before.actions.set_index("action_id")
    now = p.actions.set_index("action_id")
    was_done = then.index[then["status"] == "complete"]
    is_done = now.index[now["status"] == "complete"]
    was_late = then.index[then["timeliness"] == "overdue"]
    is_late = now.index[now["timeliness"] == "overdue"]
    passed = kinds.get("newly_overdue", 0)
    return {
        "complete_new": len(is_done.difference(was_done)),
        "complete_undone": len(was_done.intersection(now.index).difference(is_done)),
        "complete_left": len(was_done.difference(now.index)),
        "overdue_passed": passed,
        "overdue_other": len(is_late.difference(was_late)) - passed,
        "overdue_cleared": len(was_late.difference(is_late)),
    }


def attention(p: Progress, before: Progress | None, changed: pd.DataFrame | None = None,
              limit: int = ATTENTION_LIMIT) -> pd.DataFrame:
    """The actions a committee should look at, at most ``limit``, each once: the longest overdue
    (up to ``LONGEST``), those whose status has gone backwards since ``before`` (``changed``:
    ``compare.changes`` since then) or whose update no longer reads as complete, those newly overdue
    (longest first), those whose target has been moved since ``before``, then further overdue actions,
    longest first. ``reason`` says why (several reasons joined by "; ")."""
    columns = ["action_id", "council_code", "action", "owner", "reason", "days_overdue"]
    acts = p.actions.drop_duplicates("action_id").set_index("action_id", drop=False)
    late = p.overdue()
    overdue = {a: f"overdue by {int(d)} day{'s' if d != 1 else ''}" for a, d in zip(late["action_id"], late["days_overdue"])}
    if "target_unreadable" in late:  # judged against an earlier target: the committee must know the figure is uncertain
        flagged = late["target_unreadable"].fillna(False).astype(bool)
        for a, unset in zip(late.loc[flagged, "action_id"], target_not_set(late)[flagged]):
            said = "is not yet set" if unset else "cannot be read"
            overdue[a] += f" against an earlier target (its latest target date {said})"
    reasons: dict[str, list[str]] = {}
    for action_id in list(overdue)[:LONGEST]:
        reasons[action_id] = [overdue[action_id]]
    if before is not None and len(acts):
        then = before.actions.drop_duplicates("action_id").set_index("action_id").reindex(acts.index)
        backwards = [] if changed is None else list(changed.loc[changed["change"] == "gone_backwards", "action_id"])
        by_lateness = sorted((a for a in backwards if a in acts.index),
                             key=lambda a: (-_days(acts.at[a, "days_overdue"]), str(a)))
        for action_id in by_lateness:
            reasons.setdefault(action_id, []).append(
                f"gone back from {_word(then.at[action_id, 'status'])} to {_word(acts.at[action_id, 'status'])}")
        unclear = [] if changed is None else list(changed.loc[changed["change"] == "no_longer_reads_complete",
                                                              "action_id"])
        for action_id in sorted((a for a in unclear if a in acts.index),
                                key=lambda a: (-_days(acts.at[a, "days_overdue"]), str(a))):
            reasons.setdefault(action_id, []).append("its update no longer reads as complete")
        newly = [] if changed is None else list(changed.loc[changed["change"] == "newly_overdue", "action_id"])
        for action_id in sorted((a for a in newly if a in acts.index),
                                key=lambda a: (-_days(acts.at[a, "days_overdue"]), str(a))):
            reasons.setdefault(action_id, []).append(f"newly overdue since {short_date(before.as_of)}")
        target_now = pd.to_datetime(acts["effective_target_date"])
        target_then = pd.to_datetime(then["effective_target_date"])
        moved = (target_now > target_then).fillna(False) & ~acts["status"].isin(["complete", "no_action"])
        for action_id in acts.index[moved.to_numpy(dtype=bool)]:
            again = " again" if pd.notna(then.at[action_id, "days_extended"]) else ""
            reasons.setdefault(action_id, []).append(
                f"target moved{again}, from {short_date(target_then[action_id])} to {short_date(target_now[action_id])}")
    for action_id, why in overdue.items():
        if action_id in reasons and why not in reasons[action_id]:
            reasons[action_id].insert(0, why)
        elif action_id not in reasons:
            reasons[action_id] = [why]
    picked = list(reasons)[:limit]
    if not picked:
        return pd.DataFrame(columns=columns)
    rows = acts.loc[picked]
    return pd.DataFrame({
        "action_id": picked, "council_code": rows["council_code"].to_numpy(), "action": rows["action"].to_numpy(),
        "owner": rows["owner"].to_numpy(), "reason": ["; ".join(reasons[a]) for a in picked],
        "days_overdue": rows["days_overdue"].to_numpy(),
    })[columns]


def _days(value) -> int:
    return -1 if pd.isna(value) else int(value)


def _word(status) -> str:
    return STATUS_LABELS.get(status, str(status)).lower()
