"""Where each action stands at an as-of date: status, timeliness and RAG, with summaries.

Only snapshots dated on or before ``as_of`` count. An action's status is that of its
latest snapshot with something to say: a blank later update ("no_update") does not
undo an earlier "Achieved". Timeliness is judged against the revised target where
there is one (the original is kept beside it):

* ``overdue``   not complete or closed, and the target date has passed;
* ``due_soon``  not complete or closed, target within ``due_soon_days`` of as_of;
* ``on_time``   a target not yet near, and not complete or closed;
* ``no_target`` no target date (e.g. "Ongoing"), and not complete or closed;
* ``closed``    complete or closed without action: not judged for timeliness at all.

A target cell that held something the date reader could not read ("30/09/2205", "some time
next year": it warned, naming the cell, and left the date empty) is not "no target":
``target_unreadable`` is set, timeliness is judged against the latest readable target an
earlier version of the plan gave (if any), and the action is never rated Green: an open one is
"Not rated", whatever the RAG rule says, and ``rag_note`` says why ("target date unreadable
('30/09/2205'); judged against the previous target, 30 June 2010"). A target still to be set
("TBC", "to be agreed") and a spreadsheet error ("#N/A") are held the same way: a committee
cannot hold an action to either, so neither may leave it rated Green. An action whose latest
update needs review is rated by its timeliness (overdue is Red) and noted "update unclear".

Extensions: ``original_target_date`` is the first target the plan ever set (its
"Original" column, or the oldest version's target). ``days_extended`` is how far the
target judged against lies beyond it, and ``days_overdue_original`` how late an open
action is against it.

Membership (versions of a plan, ``reportlib.ingest.versions``): an action added in a later
version is in the plan from that version's date, one missing from a later version has left
it from that version's date. ``Progress.actions`` holds the actions in the plan at as_of,
and only they are counted; ``Progress.left`` those that had left by then, each with its
status when it left (not judged for timeliness or RAG). Each snapshot of ``standing``
counts the plan as it stood at that snapshot.

RAG comes from one ordered rule table (``DEFAULT_RAG_RULE``): the first row whose
conditions all hold gives the rating. A committee changes it by passing its own table
(e.g. from a pack's parameters); ratings are always written as words, never colour alone.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from reportlib.analysis import owners
from reportlib.analysis.status import STATUSES
from reportlib.analysis.words import CONTRADICTED
from reportlib.model.vocab import long_date

CLOSED = ("complete", "no_action")
TIMELINESS = ("overdue", "due_soon", "on_time", "no_target", "closed")

# (rating, conditions): status in [...], timeliness in [...], min_days_overdue N.
DEFAULT_RAG_RULE: tuple = (
    ("Complete", {"status": ["complete"]}),
    # overdue is Red whatever the update says: an unclear update does not hide a late action
    ("Red", {"timeliness": ["overdue"], "min_days_overdue": 1}),
    ("Not rated", {"status": ["no_action", "needs_review"]}),
    ("Amber", {"flag": ["behind"]}),  # the council itself says "behind schedule": never Green
    ("Amber", {"timeliness": ["due_soon"]}),
    ("Amber", {"status": ["no_update"]}),
    ("Green", {}),
)
RAG_ORDER = ("Red", "Amber", "Green", "Complete", "Not rated")
#: ``rag_note`` of an action whose latest update needs review (rated by its timeliness all the same).
UPDATE_UNCLEAR = "update unclear"
TARGET_UNREADABLE = "target date unreadable"
TARGET_NOT_SET = "target date not yet set"
# Finding codes of a target cell the date reader warned about and left empty (reportlib.ingest.rows).
_UNREADABLE_TARGET_CODES = ("unreadable_target", "implausible_year", "target_not_set")
_CONDITIONS = {"status", "timeliness", "min_days_overdue", "flag"}


@dataclass
class Progress:
    """Progress of every action at ``as_of``; ``history`` is the dated status of each update used."""

    as_of: pd.Timestamp
    actions: pd.DataFrame
    history: pd.DataFrame
    withheld: tuple[str, ...] = ()   # columns withheld from an external audience (reports leave them out)
    audience: str = "internal"
    due_soon_days: int = 30
    rag_rule: tuple = DEFAULT_RAG_RULE
    #: Actions that had left the plan by as_of (versions of a plan), with their status when they left.
    left: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: What the plan's groups are called ("Audit report", "KLOE"...): ``Plans.group_label``.
    group_label: str = "Group"

    @property
    def standing(self) -> pd.DataFrame:
        """Each action's status as it stood at each snapshot, counting the plan of that snapshot (see ``standing``)."""
        everyone = pd.concat([self.actions, self.left], ignore_index=True) if len(self.left) else self.actions
        return standing(self.history, everyone["action_id"], membership=everyone)

    def summary(self, by="kloe") -> pd.DataFrame:
        return summarise(self.actions, by)

    def review_counts(self) -> dict[str, int]:
        """What a reader should know is uncertain: updates that need review, and of them those whose
        stated word their text contradicts, actions whose target date is unreadable (never rated Green), and open actions
        with no target date at all (rated by today's rule; say how many)."""
        acts = self.actions
        source = acts["status_source"] if "status_source" in acts else pd.Series(None, index=acts.index)
        return {"needs_review": int((acts["status"] == "needs_review").sum()),
                "contradicted": int((source == CONTRADICTED).sum()),
                "target_unreadable": int(_flag(acts, "target_unreadable").sum()),
                "no_target": int(no_target(acts).sum())}

    def overdue(self) -> pd.DataFrame:
        """Overdue actions, longest overdue first."""
        late = self.actions[self.actions["timeliness"] == "overdue"]
        return late.sort_values(["days_overdue", "action_id"], ascending=[False, True])


def _as_timestamp(as_of) -> pd.Timestamp:
    stamp = pd.Timestamp(as_of)
    if pd.isna(stamp):
        raise ValueError(f"as_of must be a date, not {as_of!r}")
    return stamp.normalize()


def history(updates: pd.DataFrame, actions: pd.DataFrame, as_of) -> pd.DataFrame:
    """Updates dated on or before ``as_of``, with each action's council, KLOE and owner beside them."""
    as_of = _as_timestamp(as_of)
    keep = updates[updates["snapshot_date"] <= as_of]
    context = actions[["action_id", "council_code", "assessment", "kloe", "owner"]]
    return keep.merge(context, on="action_id", how="left")


def _latest(dated: pd.DataFrame) -> pd.DataFrame:
    """Per action: the latest status that says something, and the latest snapshot at all."""
    ordered = dated.sort_values(["action_id", "snapshot_date"], kind="stable")
    latest_any = ordered.groupby("action_id").tail(1).set_index("action_id")
    said = ordered[ordered["status"] != "no_update"].groupby("action_id").tail(1).set_index("action_id")
    out = pd.DataFrame(index=latest_any.index)
    out["latest_snapshot"] = latest_any["snapshot"]
    out["latest_snapshot_text"] = latest_any["text"]  # what the latest snapshot said, where it said nothing new
    # a blank update cell says nothing new, even beside the council's status word restated, where the
    # action's updates have had text before (a plan that gives only status words is updated by them)
    written = ordered["text"].astype("string").str.strip().fillna("").ne("")
    had_text = written.groupby(ordered["action_id"]).any().reindex(out.index, fill_value=False)
    blank = latest_any["text"].astype("string").str.strip().fillna("").eq("")
    out["updated_latest"] = (latest_any["status"] != "no_update") & ~(blank & had_text)
    out["status"] = said["status"].reindex(out.index).fillna("no_update")
    out["status_snapshot"] = said["snapshot"].reindex(out.index)
    out["status_text"] = said["text"].reindex(out.index)
    out["status_source"] = said["status_source"].reindex(out.index)
    for column in ("stated_status", "stated_flag"):  # the council's own word, shown beside the status
        out[column] = said[column].reindex(out.index) if column in said else None
    return out


def standing(dated: pd.DataFrame, action_ids=None, *, membership: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each action's status as it stood at each snapshot up to the as-of date.

    The status is that of the action's latest update on or before the snapshot that
    says something (as in ``progress``). Every action in ``action_ids`` (default: those
    with updates) counts at every snapshot, as ``no_update`` until it has one, so the
    last snapshot agrees with the headline figures. With ``membership`` (actions with
    ``in_plan_from`` and ``not_in_plan_since_date``), an action counts only at the
    snapshots when it was in the plan.
    """
    columns = ["snapshot", "snapshot_date", "action_id", "status"]
    if dated.empty:
        return pd.DataFrame(columns=columns)
    order = dated[["snapshot", "snapshot_date"]].drop_duplicates("snapshot").sort_values("snapshot_date", kind="stable")
    frames = []
    for snap, when in order.itertuples(index=False):
        status = _latest(dated[dated["snapshot_date"] <= when])["status"]
        if action_ids is not None:
            ids = pd.Index(action_ids, name="action_id")
            if membership is not None:
                ids = ids[ids.isin(_members_at(membership, when))]
            status = status.reindex(ids).fillna("no_update")
        frames.append(pd.DataFrame({"snapshot": snap, "snapshot_date": when, "action_id": status.index,
                                    "status": status.values}))
    return pd.concat(frames, ignore_index=True)[columns]


def _members_at(actions: pd.DataFrame, when) -> set:
    """The ids of ``actions`` in the plan at ``when``: added on or before it, not yet left."""
    joined = _date_column(actions, "in_plan_from")
    gone = _date_column(actions, "not_in_plan_since_date")
    inside = (joined.isna() | (joined <= when)) & (gone.isna() | (gone > when))
    return set(actions.loc[inside, "action_id"])


def _date_column(frame: pd.DataFrame, name: str) -> pd.Series:
    if name not in frame:
        return pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    return pd.to_datetime(frame[name])


def _in_plan_history(dated: pd.DataFrame, actions: pd.DataFrame) -> pd.DataFrame:
    """``dated`` less updates of an action dated before it joined the plan or after it left."""
    if dated.empty:
        return dated
    by_id = actions.drop_duplicates("action_id").set_index("action_id")  # an id twice is an error found on reading
    joined = pd.to_datetime(dated["action_id"].map(_date_column(by_id, "in_plan_from")))
    gone = pd.to_datetime(dated["action_id"].map(_date_column(by_id, "not_in_plan_since_date")))
    keep = (joined.isna() | (dated["snapshot_date"] >= joined)) & (gone.isna() | (dated["snapshot_date"] < gone))
    return dated[keep.to_numpy()]


def _flag(frame: pd.DataFrame, name: str) -> pd.Series:
    if name not in frame:
        return pd.Series(False, index=frame.index)
    return frame[name].astype("boolean").fillna(False).astype(bool)


def no_target(acts: pd.DataFrame) -> pd.Series:
    """Open actions with no target date at all (not those whose target could not be read)."""
    return (acts["timeliness"] == "no_target") & ~_flag(acts, "target_unreadable")


def _unreadable_targets(plans, actions: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """``target_unreadable``, the target as written and the previous readable target, per action.

    A target is unreadable when the target judged against is empty (no revised target, no
    target date) although the target cell held text that reads as no date (not "Ongoing",
    "N/A" or "TBC"), or when no revised target was read and the reader warned about a target
    cell on the action's row (a mistyped revised target leaves only the stale original). The
    previous target is the latest readable one an earlier version of the plan gave.
    """
    out = pd.DataFrame({"target_unreadable": False, "unreadable_text": None, "previous_target": pd.NaT},
                       index=actions.index)
    if actions.empty:
        return out
    operative_empty = actions["revised_target_date"].isna() & actions["target_date"].isna()
    written = actions["target_text"].astype("string").str.strip().fillna("") if "target_text" in actions \
        else pd.Series("", index=actions.index)
    by_text = operative_empty & (written != "") & written.map(_is_a_date_gone)
    warned = _warned_rows(getattr(plans, "findings", ()) or ())
    # a warned target cell with no revised target read: the target judged against (the original, if
    # any) may be the one the unreadable cell replaced, so the rating cannot rest on it
    quoted = pd.Series(
        [_row_warned(warned, a) for a in actions[["source_file", "source_sheet", "source_rows"]].itertuples(index=False)],
        index=actions.index, dtype=object)
    by_finding = actions["revised_target_date"].isna() & quoted.map(bool)
    out["target_unreadable"] = (by_text | by_finding).astype(bool)
    out["unreadable_text"] = written.astype(object).where(
        by_text, quoted.map(lambda w: w if isinstance(w, str) else None).where(by_finding, None))
    out["previous_target"] = _previous_targets(plans, actions, as_of)
    return out


def _target_kind(text: str) -> str:
    from reportlib.ingest.dates import parse_target

    return parse_target(text, None).kind


def _is_a_date_gone(text: str) -> bool:
    """Whether a target as written is something other than "no target" ("Ongoing", "N/A"): a date
    nobody can read, or one still to be set ("TBC")."""
    return _target_kind(text) not in ("ongoing", "status", "none")


def _warned_rows(findings) -> dict[tuple, str]:
    """(file, sheet, row) -> the target as written, for each target cell the date reader left empty."""
    import re

    rows = {}
    for f in findings:
        if f.code in _UNREADABLE_TARGET_CODES and f.location.row is not None:
            quoted = re.match(r"target '(.*?)' ", f.message)
            rows.setdefault((f.location.file, f.location.sheet, int(f.location.row)),
                            quoted.group(1) if quoted else "the target cell")
    return rows


def _row_warned(warned: dict, action) -> str | bool:
    if not warned or action.source_rows is None or pd.isna(action.source_rows):
        return False
    first, _, last = str(action.source_rows).partition("-")
    try:
        span = range(int(first), int(last or first) + 1)
    except ValueError:
        return False
    return next((warned[(action.source_file, action.source_sheet, r)] for r in span
                 if (action.source_file, action.source_sheet, r) in warned), False)


def _previous_targets(plans, actions: pd.DataFrame, as_of: pd.Timestamp) -> pd.Series:
    """The latest readable target each action had in a version of the plan earlier than the one in
    force at as_of (for a plan of one version: its original target, when the plan gives one)."""
    held = getattr(plans, "action_versions", None)
    fallback = pd.to_datetime(actions["original_target_date"]) if "original_target_date" in actions \
        else pd.Series(pd.NaT, index=actions.index, dtype="datetime64[ns]")
    if held is None or held.empty or "version_date" not in held:
        return fallback
    dated = held[held["version_date"].isna() | (pd.to_datetime(held["version_date"]) <= as_of)]
    dated = dated.sort_values("version_date", na_position="first", kind="stable")
    # the version in force holds the target nobody can read: where its revised target is the one
    # unread, its own original target is stale ("31/03/2207" for 31/03/2027), so only EARLIER versions
    # say what the target was; a plan of one version falls back to its original target
    dated = dated[dated.duplicated("action_id", keep="last")]
    readable = pd.to_datetime(dated["revised_target_date"]).fillna(pd.to_datetime(dated["target_date"]))
    dated = dated.assign(_readable=readable)[readable.notna()]
    latest = dated.groupby("action_id")["_readable"].last()
    if latest.empty:  # no version gives a readable target (pandas cannot map through an empty dated Series)
        return fallback
    return actions["action_id"].map(latest).fillna(fallback)


def _timeliness(frame: pd.DataFrame, as_of: pd.Timestamp, due_soon_days: int) -> pd.DataFrame:
    target = frame["revised_target_date"].fillna(frame["target_date"])
    if "previous_target" in frame:  # a target nobody can read: the last readable one judges (not the
        # row's own original beside an unread revised target, which an earlier revision replaced)
        previous = pd.to_datetime(frame["previous_target"]).where(_flag(frame, "target_unreadable"))
        target = previous.fillna(target)
    days_late = (as_of - target).dt.days
    closed = frame["status"].isin(CLOSED)
    timeliness = pd.Series("on_time", index=frame.index, dtype=object)
    timeliness[target.isna() & ~closed] = "no_target"
    timeliness[~closed & target.notna() & (days_late > 0)] = "overdue"
    timeliness[~closed & target.notna() & (days_late <= 0) & (-days_late <= due_soon_days)] = "due_soon"
    timeliness[closed] = "closed"  # done or closed without action: neither on time nor late
    frame = frame.assign(effective_target_date=target, timeliness=timeliness)
    frame["days_overdue"] = days_late.where(timeliness == "overdue").astype("Int64")
    original = pd.to_datetime(frame["original_target_date"] if "original_target_date" in frame else frame["target_date"])
    target = pd.to_datetime(target)
    extended = (target - original).dt.days
    frame["days_extended"] = extended.where(extended > 0).astype("Int64")
    late_original = (as_of - original).dt.days
    frame["days_overdue_original"] = late_original.where(~closed & original.notna() & (late_original > 0)).astype("Int64")
    return frame


def check_rag_rule(rule) -> tuple:
    """A RAG rule table, checked: a list of (rating, {conditions}); the last row should match anything."""
    checked = []
    for i, row in enumerate(rule):
        if not (isinstance(row, (list, tuple)) and len(row) == 2 and isinstance(row[1], dict)):
            raise ValueError(f"RAG rule row {i + 1} must be [rating, {{conditions}}], not {row!r}")
        unknown = set(row[1]) - _CONDITIONS
        if unknown:
            raise ValueError(f"RAG rule row {i + 1} has unknown condition '{sorted(unknown)[0]}' "
                             f"(known: {', '.join(sorted(_CONDITIONS))})")
        checked.append((str(row[0]), dict(row[1])))
    return tuple(checked)


def rag(frame: pd.DataFrame, rule=DEFAULT_RAG_RULE) -> pd.Series:
    """The rating of each action under ``rule`` ("Not rated" where no row matches)."""
    rating = pd.Series(pd.NA, index=frame.index, dtype=object)
    for label, conditions in check_rag_rule(rule):
        match = rating.isna()
        if "status" in conditions:
            match &= frame["status"].isin(conditions["status"])
        if "timeliness" in conditions:
            match &= frame["timeliness"].isin(conditions["timeliness"])
        if "min_days_overdue" in conditions:
            match &= frame["days_overdue"].fillna(-1) >= conditions["min_days_overdue"]
        if "flag" in conditions:
            flags = frame["stated_flag"] if "stated_flag" in frame else pd.Series(None, index=frame.index)
            match &= flags.isin(conditions["flag"])
        rating[match] = label
    return rating.fillna("Not rated")


def progress(plans, as_of, *, due_soon_days: int = 30, rag_rule=DEFAULT_RAG_RULE) -> Progress:
    """Each action's status, timeliness and RAG at ``as_of`` (a date or "2010-07-31")."""
    as_of = _as_timestamp(as_of)
    in_plan, updates = plans.actions, plans.updates
    if "in_plan_from" in in_plan:  # versions of a plan: the plan as it stood at as_of (reportlib.ingest.versions)
        from reportlib.ingest import versions

        held = getattr(plans, "action_versions", None)
        in_plan = versions.as_of(in_plan, held, as_of)
        updates = versions.updates_as_of(updates, getattr(plans, "update_versions", None),
                                         versions.later_files(held, as_of))
    dated = history(updates, in_plan, as_of)
    dated = _in_plan_history(dated[dated["action_id"].isin(in_plan["action_id"])], in_plan)
    latest = _latest(dated)
    actions = in_plan.merge(latest, left_on="action_id", right_index=True, how="left")
    actions["status"] = actions["status"].fillna("no_update")
    actions["updated_latest"] = actions["updated_latest"].astype("boolean").fillna(False)
    actions = actions.join(_unreadable_targets(plans, actions, as_of))
    actions = _timeliness(actions, as_of, due_soon_days)
    actions["rag"] = rag(actions, rag_rule)
    actions = _never_green_unread(actions)
    actions = actions.drop(columns=["unreadable_text", "previous_target"])
    gone = actions["action_id"].isin(set(in_plan["action_id"]) - _members_at(in_plan, as_of))
    left = actions[gone].reset_index(drop=True)
    for column in ("timeliness", "days_overdue", "days_overdue_original", "rag"):  # not judged: not in the plan
        left[column] = pd.Series(pd.NA, index=left.index, dtype=actions[column].dtype)
    actions = actions[~gone].reset_index(drop=True)
    actions.attrs["as_of"] = left.attrs["as_of"] = as_of  # charts name the date in titles and alt text
    actions.attrs[owners.SOURCE_COLUMN] = owners.key(plans)  # the layouts' key to owner abbreviations
    actions.attrs["group_label"] = getattr(plans, "group_label", "Group")  # charts name the plan's groups
    actions.attrs["withheld"] = tuple(getattr(plans, "withheld", ()))  # columns this audience is not shown
    return Progress(as_of, actions, dated, tuple(getattr(plans, "withheld", ())),
                    getattr(plans, "audience", "internal"), due_soon_days, check_rag_rule(rag_rule), left,
                    getattr(plans, "group_label", "Group"))


def target_unreadable(actions: pd.DataFrame) -> pd.Series:
    """Actions whose target cell held something no date could be read from, or a target not yet set."""
    return _flag(actions, "target_unreadable")


def target_not_set(actions: pd.DataFrame) -> pd.Series:
    """Of the actions ``target_unreadable``, those whose target is still to be set ("TBC"), not unreadable."""
    if "rag_note" not in actions:
        return pd.Series(False, index=actions.index)
    return target_unreadable(actions) & actions["rag_note"].fillna("").astype(str).str.startswith(TARGET_NOT_SET)


def _never_green_unread(actions: pd.DataFrame) -> pd.DataFrame:
    """An open action whose target cannot be read is "Not rated" (whatever the RAG rule), and every
    rating that needs a word of explanation gets it in ``rag_note``."""
    unread = _flag(actions, "target_unreadable") & ~actions["status"].isin(CLOSED)
    actions.loc[unread, "rag"] = "Not rated"
    notes = pd.Series(None, index=actions.index, dtype=object)
    for i in actions.index[unread]:
        row = actions.loc[i]
        written = row["unreadable_text"]
        what = TARGET_NOT_SET if isinstance(written, str) and _target_kind(written) == "to_be_set" else TARGET_UNREADABLE
        said = f"{what} ('{written}')" if isinstance(written, str) and written else what
        if pd.notna(row["previous_target"]):
            when = long_date(pd.Timestamp(row["previous_target"]).date())
            late = f", {int(row['days_overdue'])} days overdue against it" if pd.notna(row["days_overdue"]) else ""
            notes[i] = f"{said}; judged against the previous target, {when}{late}"
        else:
            notes[i] = f"{said}; no earlier target to judge it by"
    unclear = actions["status"] == "needs_review"
    notes[unclear] = [f"{n}; {UPDATE_UNCLEAR}" if isinstance(n, str) else UPDATE_UNCLEAR for n in notes[unclear]]
    actions["rag_note"] = notes
    return actions


def summarise(actions: pd.DataFrame, by="kloe") -> pd.DataFrame:
    """Counts per group: actions, each status, overdue, due soon, % complete, share of High priority.

    ``by`` is a column or list of columns (council_code, assessment, group, theme, kloe,
    owner, priority...); ``group`` is the plan's own grouping (audit report, KLOE...). % complete is empty for a group with no updates at all, so a council
    that has not reported yet reads "no updates", not 0%.
    """
    keys = [by] if isinstance(by, str) else list(by)
    frame = owners.each_officer(actions) if "owner" in keys else actions.copy()  # joint owners: once under each
    for key in keys:
        frame[key] = frame[key].astype(object).where(frame[key].notna(), "(none)")
    columns = ["actions", *STATUSES, "overdue", "due_soon", "no_target", "target_unreadable", "high_priority",
               "pct_complete", "pct_high"]
    if frame.empty:
        return pd.DataFrame(columns=keys + columns)
    grouped = frame.groupby(keys, sort=True)
    out = grouped.size().rename("actions").to_frame()
    counts = pd.crosstab([frame[k] for k in keys], frame["status"]).reindex(columns=list(STATUSES), fill_value=0)
    out = out.join(counts).fillna(0)
    out["overdue"] = grouped["timeliness"].apply(lambda s: int((s == "overdue").sum()))
    out["due_soon"] = grouped["timeliness"].apply(lambda s: int((s == "due_soon").sum()))
    # open actions with no target date at all, and those whose target cell could not be read
    frame["_no_target"], frame["_unreadable"] = no_target(frame), _flag(frame, "target_unreadable")
    out["no_target"] = grouped["_no_target"].sum()
    out["target_unreadable"] = grouped["_unreadable"].sum()
    out["high_priority"] = grouped["priority"].apply(lambda s: int((s == "High").sum()))
    reported = out["actions"] - out["no_update"]
    out["pct_complete"] = (100 * out["complete"] / out["actions"]).round(1).where(reported > 0)
    out["pct_high"] = (100 * out["high_priority"] / out["actions"]).round(1)
    for col in ["actions", *STATUSES, "overdue", "due_soon", "no_target", "target_unreadable", "high_priority"]:
        out[col] = out[col].astype(int)
    out = out.reset_index()
    out.attrs = {owners.SOURCE_COLUMN: actions.attrs.get(owners.SOURCE_COLUMN, {}),
                 "withheld": actions.attrs.get("withheld", ())} if "owner" in keys else {}
    return out
