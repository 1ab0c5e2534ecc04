"""Report pieces for notebooks: each call returns one thing to show (a safe table or text).

Notebooks stay a list of calls: ``report.headline(p)``, ``report.overdue_table(p)``...
Text from spreadsheets reaches the page only through ``reportlib.present.tables`` (escaped,
or allow-list cleaned for the free-text columns that may hold lists and links).
"""
from __future__ import annotations

import html

import nh3
import pandas as pd

from reportlib.model.kloe import label as kloe_label
from reportlib.present.tables import SafeTable, table

# `table` is imported above so notebooks need only `report` (report.table(...)).

STATUS_WORDS = {"complete": "Complete", "in_progress": "In progress", "planned": "Planned",
                "no_action": "Closed without action (declined, superseded or no longer required)",
                "no_update": "No update",
                "needs_review": "Needs review"}
# After the status of an update whose stated status its own text contradicts (words.apply).
CONTRADICTED = " (the council's word; the update text disagrees: to review)"
TIMELINESS_WORDS = {"overdue": "Overdue", "due_soon": "Due soon", "on_time": "On time", "no_target": "No target"}
CHANGE_WORDS = {"newly_complete": "Newly complete", "newly_overdue": "Newly overdue",
                "gone_backwards": "Status gone backwards", "rated_worse": "Rated worse (RAG)",
                "new_in_plan": "New in the plan", "left_plan": "Left the plan",
                "no_update_this_time": "No update this time"}
FREE_TEXT = ("recommendation", "action", "status_text", "details", "latest_text", "earlier_action", "later_action")
# A layout's internal_columns names canonical columns; "updates" stands for the update text.
_ALIASES = {"updates": ("status_text", "latest_text", "text"), "action": ("earlier_action", "later_action")}


def shown(columns: dict, withheld=()) -> dict:
    """``columns`` less those withheld from the report's audience (``Plans.withheld``).

    The audience itself is applied once, when the plans are cut (``reportlib.analysis.snapshot``):
    withheld columns hold no text by then; this only leaves their empty columns out.
    """
    drop = set(withheld) | {alias for name in withheld for alias in _ALIASES.get(name, ())}
    return {key: label for key, label in columns.items() if key not in drop}


def _with_word(columns: dict, frame: pd.DataFrame, after: str = "status_word") -> dict:
    """``columns`` with the council's own status word beside the computed status, when any was stated."""
    if "stated_status" not in frame or frame["stated_status"].isna().all() or after not in columns:
        return columns
    out = {}
    for key, label in columns.items():
        out[key] = label
        if key == after:
            out["stated_status"] = "Council's word"
    return out


def _readable(actions: pd.DataFrame) -> pd.DataFrame:
    out = actions.copy()
    out["kloe_label"] = out["kloe"].map(lambda k: kloe_label(k if isinstance(k, str) else None))
    out["status_word"] = out["status"].map(STATUS_WORDS).fillna(out["status"])
    if "status_source" in out:  # an analyst's decision says so beside the status it settled
        reviewed = out["status_source"].astype("string").str.startswith("reviewed by").fillna(False)
        out.loc[reviewed, "status_word"] = out.loc[reviewed, "status_word"] + " (" + out.loc[reviewed, "status_source"] + ")"
        disputed = (out["status_source"] == "stated_contradicted").fillna(False)
        out.loc[disputed, "status_word"] = out.loc[disputed, "status_word"] + CONTRADICTED
    if "timeliness" in out:
        out["timeliness_word"] = out["timeliness"].map(TIMELINESS_WORDS).fillna(out["timeliness"])
    return out


def excerpt(value, words: int = 30) -> str | None:
    """The first ``words`` words of a free-text cell, as plain text (the full text is in the action table)."""
    if not isinstance(value, str):
        return value
    plain = " ".join(nh3.clean(value.replace("<li>", "<li> "), tags=set()).split())
    plain = html.unescape(plain)
    cut = plain.split(" ")
    return plain if len(cut) <= words else " ".join(cut[:words]) + " …"


def text(markdown_like: str) -> SafeTable:
    """A paragraph of text built from figures; escaped like any other text."""
    return SafeTable(f"<p>{html.escape(markdown_like)}</p>")


def headline(progress, council_code: str | None = None) -> SafeTable:
    """Headline figures: actions, complete, in progress, overdue (and the longest), no update, needs review."""
    acts = progress.actions if council_code is None else progress.actions[progress.actions["council_code"] == council_code]
    n = len(acts)
    count = lambda col, val: int((acts[col] == val).sum())  # noqa: E731
    late = acts[acts["timeliness"] == "overdue"]
    longest = f"{int(late['days_overdue'].max())} days" if len(late) else "–"
    pct = f"{100 * count('status', 'complete') / n:.0f}%" if n else "–"
    rows = pd.DataFrame([
        ("Actions in the plan", n),
        ("Complete", f"{count('status', 'complete')} ({pct})"),
        ("In progress", count("status", "in_progress")),
        ("Planned (a date given, no progress reported)", count("status", "planned")),
        ("Closed without action (declined, superseded or no longer required)", count("status", "no_action")),
        ("No update yet", count("status", "no_update")),
        ("Needs review (update text not understood)", count("status", "needs_review")),
        ("Overdue (not complete, target passed)", len(late)),
        ("Longest overdue", longest),
        ("Overdue against the original target", int(acts["days_overdue_original"].notna().sum())
         if "days_overdue_original" in acts else len(late)),
        ("Target extended since first set", int(acts["days_extended"].notna().sum()) if "days_extended" in acts else 0),
    ], columns=["Measure", "Figure"])
    return table(rows, figures=["Figure"], caption=f"Headline figures as of {progress.as_of:%d %B %Y}".replace(" 0", " "))


_HEADINGS = {"kloe": "KLOE", "council_code": "Council", "owner": "Responsible officer", "priority": "Priority",
             "assessment": "Assessment", "theme": "Theme", "actions": "Actions", "complete": "Complete",
             "in_progress": "In progress", "planned": "Planned",
             "no_action": "Closed without action", "no_update": "No update",
             "needs_review": "Needs review", "overdue": "Overdue", "pct_complete": "% complete"}


def summary_table(summary: pd.DataFrame, by, caption: str) -> SafeTable:
    """A ``Progress.summary`` frame with readable headings; ``by`` is the column (or list) it was grouped by."""
    keys = [by] if isinstance(by, str) else list(by)
    frame = summary.copy()
    if "kloe" in keys:
        frame["kloe"] = frame["kloe"].map(lambda k: kloe_label(k if k != "(none)" else None))
    frame["pct_complete"] = frame["pct_complete"].map(lambda p: "no updates" if pd.isna(p) else f"{p:.0f}%")
    columns = keys + ["actions", "complete", "in_progress", "planned", "no_action", "no_update", "needs_review",
                      "overdue", "pct_complete"]
    return table(frame, {c: _HEADINGS.get(c, c.replace("_", " ").capitalize()) for c in columns}, caption=caption,
                 figures=["pct_complete"])


def comparison_table(comparison: pd.DataFrame) -> SafeTable:
    """``compare.compare_councils`` with readable headings."""
    frame = comparison.copy()
    frame["pct_high"] = frame["pct_high"].map(lambda p: f"{p:.0f}%")
    return table(frame, {"council_code": "Council", "kloe_label": "KLOE", "actions": "Actions",
                         "complete_text": "Complete", "overdue": "Overdue", "high_priority": "High priority",
                         "pct_high": "Share High"}, caption="Councils by KLOE", figures=["complete_text", "pct_high"])


def overdue_table(progress) -> SafeTable:
    """Overdue actions, longest overdue first, with their original and revised targets."""
    late = _readable(progress.overdue())
    if late.empty:
        return text("No action is overdue at this date.")
    late["action"] = late["action"].map(excerpt)
    columns = shown({"action_id": "ID", "kloe_label": "KLOE", "action": "Action", "owner": "Owner",
                     "target_text": "Target as written", "target_date": "Target date",
                     "revised_target_date": "Revised target", "days_overdue": "Days overdue",
                     "status_word": "Status", "rag": "RAG"}, progress.withheld)
    columns = _with_word(columns, late)
    return table(late, columns, rich=[c for c in columns if c in FREE_TEXT and c != "action"],
                 caption=f"{_count(len(late), 'overdue action')} as of {progress.as_of:%d %b %Y}", wide=True,
                 show_link_targets=progress.audience == "external")


def changes_table(changes: pd.DataFrame) -> SafeTable:
    """What changed since the last snapshot (``compare.since_last``), grouped by kind of change."""
    previous, as_of = changes.attrs.get("previous"), changes.attrs.get("as_of")
    if changes.empty:
        if previous is None:
            when = f" on or before {as_of:%d %B %Y}".replace(" 0", " ") if as_of is not None else ""
            return text(f"There is no previous snapshot{when} to compare with: this is the plan's first "
                        "progress update, so nothing can have changed since the last one.")
        return text(f"No changes since the previous snapshot ({previous:%d %B %Y}).".replace(" 0", " "))
    frame = changes.copy()
    frame["change"] = frame["change"].map(CHANGE_WORDS)
    frame["action"] = frame["action"].map(excerpt)
    frame["status_before"] = frame["status_before"].map(STATUS_WORDS)
    frame["status_now"] = frame["status_now"].map(STATUS_WORDS)
    columns = shown({"change": "Change", "action_id": "ID", "kloe": "KLOE", "owner": "Owner",
                     "action": "Action", "status_before": "Before", "status_now": "Now",
                     "rag_before": "RAG before", "rag_now": "RAG now",
                     "days_overdue": "Days overdue", "latest_text": "Latest update"}, changes.attrs.get("withheld", ()))
    return table(frame, columns, rich=[c for c in columns if c in FREE_TEXT and c != "action"],
                 caption="Changes since the previous snapshot", wide=True,
                 show_link_targets=changes.attrs.get("audience") == "external")


def action_table(progress) -> SafeTable:
    """The full action table: every action with its status, timeliness, RAG and latest update.

    Columns withheld from the audience (those a council marks internal) are left out.
    """
    frame = _readable(progress.actions).sort_values(["council_code", "kloe", "action_id"], na_position="last")
    columns = {"action_id": "ID", "kloe_label": "KLOE", "priority": "Priority", "recommendation": "Recommendation",
               "action": "Action", "details": "Implementation details", "owner": "Owner", "target_text": "Target",
               "revised_target_date": "Revised target", "status_word": "Status", "timeliness_word": "Timeliness",
               "rag": "RAG", "status_text": "Latest update"}
    if "not_in_plan_since" in frame and frame["not_in_plan_since"].notna().any():
        columns["not_in_plan_since"] = "Not in the plan since"
    for optional in ("priority", "details", "owner", "revised_target_date", "status_text"):
        if frame[optional].isna().all():
            columns.pop(optional)
    columns = _with_word(shown(columns, progress.withheld), frame)
    rich = [c for c in columns if c in FREE_TEXT]
    return table(frame, columns, rich=rich,
                 caption=f"All {_count(len(frame), 'action')} as of {progress.as_of:%d %b %Y}", wide=True,
                 show_link_targets=progress.audience == "external")


def findings_table(plans) -> SafeTable:
    """Every validation finding, errors first, with where it was found."""
    frame = plans.findings_frame()
    if frame.empty:
        return text("No findings: every sheet read cleanly.")
    frame = frame.sort_values(["severity", "file", "sheet", "row"], na_position="last")
    return table(frame, {"severity": "Severity", "file": "File", "sheet": "Sheet", "row": "Row",
                         "column": "Column", "message": "Finding"}, caption=f"{len(frame)} findings")


def sources_table(plans) -> SafeTable:
    """The sheets read, with their layout and SHA-256."""
    return table(plans.sources, {"file": "File", "sheet": "Sheet", "layout": "Layout", "layout_file": "Layout file",
                                 "header_row": "Header row",
                                 "actions": "Actions", "sha256": "SHA-256"}, caption="Sheets read")


def extensions_table(progress) -> SafeTable:
    """Actions whose target was moved beyond the first one set: original, revised, days extended, status."""
    if "days_extended" not in progress.actions:
        return text("No action's target was extended.")
    frame = _readable(progress.actions[progress.actions["days_extended"].notna()])
    if frame.empty:
        return text("No action's target was extended: every target judged against is the first one set.")
    frame = frame.sort_values(["days_extended", "action_id"], ascending=[False, True])
    frame["action"] = frame["action"].map(excerpt)
    columns = shown({"action_id": "ID", "kloe_label": "KLOE", "action": "Action", "owner": "Owner",
                     "original_target_date": "Original target", "effective_target_date": "Revised target",
                     "days_extended": "Days extended", "days_overdue_original": "Days late against the original",
                     "status_word": "Status", "timeliness_word": "Timeliness"}, progress.withheld)
    columns = _with_word(columns, frame)
    return table(frame, columns, caption=f"{_count(len(frame), 'action')} with an extended target as of "
                 f"{progress.as_of:%d %b %Y}", wide=True, show_link_targets=progress.audience == "external")


def review_table(plans) -> SafeTable:
    """The open review queue: updates no rule understood, and why; shown to the reader, never guessed.

    An analyst settles one with ``reportlib review`` (kept in ``decisions.csv`` beside the data).
    """
    from reportlib.analysis.decisions import queue

    frame = queue(plans)
    if frame.empty:
        return text("The review queue is empty: every update was classified by a rule, a stated status or an "
                    "analyst's decision.")
    columns = shown({"action_id": "ID", "snapshot": "Snapshot", "text": "Update as written",
                     "stated_status": "Council's word", "why": "Why it needs review",
                     "source_file": "File", "source_row": "Row", "source_column": "Column"}, plans.withheld)
    if frame["stated_status"].isna().all():
        columns.pop("stated_status")
    return table(frame, columns, rich=[c for c in columns if c == "text"],
                 caption=f"{len(frame)} updates that need a person to read them",
                 show_link_targets=plans.audience == "external")


def carried_forward_table(progress, years: dict) -> SafeTable:
    """Items of the earlier assessment carried forward as a linked later action (``compare.compare_assessments``)."""
    columns = shown({"action_id": "ID", "kloe": "KLOE", "earlier_action": "Earlier action",
                     "earlier_status": "Earlier status", "later_action_id": "Later ID",
                     "later_action": "Later action"}, progress.withheld)
    frame = years["carried_forward"]
    if frame.empty:
        return text("No item of the earlier assessment was carried forward as a later action.")
    return table(frame, columns, rich=[c for c in ("earlier_action", "later_action") if c in columns],
                 caption="Carried forward", show_link_targets=progress.audience == "external")


def _rag_row(label: str, conditions: dict) -> str:
    parts = []
    if "status" in conditions:
        parts.append("status is " + " or ".join(STATUS_WORDS.get(c, c).split(" (")[0].lower()
                                                for c in conditions["status"]))
    if "timeliness" in conditions:
        parts.append(" or ".join(TIMELINESS_WORDS.get(c, c).lower() for c in conditions["timeliness"]))
    if "flag" in conditions:
        parts.append("the council's own status word says it is " + " or ".join(conditions["flag"])
                     + " (e.g. 'Behind schedule')")
    if "min_days_overdue" in conditions:
        days = conditions["min_days_overdue"]
        by = f"by at least {days} day{'s' if days != 1 else ''}"
        if parts and parts[-1] == "overdue":
            parts[-1] = f"overdue {by}"
        else:
            parts.append(f"overdue {by}")
    return f"{label} when {' and '.join(parts)}" if parts else f"{label} otherwise"


def how_to_read(progress) -> SafeTable:
    """The key to a report's words, stated from the settings its figures were computed with."""
    rag = "; ".join(_rag_row(label, conditions) for label, conditions in progress.rag_rule)
    paragraphs = [
        "Status comes from each progress update: Complete, In progress, Planned (a date or intention given, no "
        "progress yet), Closed without action (declined, superseded or no longer required; an action not yet "
        "done is never counted here), No update (left blank) and Needs review (text that no rule understood, or "
        "a stated status the map does not know; it is shown as written, never guessed). A council's own status "
        "word decides where one is given; where the update text contradicts it, the status is marked 'the update "
        "text disagrees: to review'. "
        "An action's status is its latest update on or before the as-of date that says something.",
        f"Timeliness is judged at the as-of date ({progress.as_of:%d %B %Y}) against the revised target where "
        f"there is one: Overdue (not complete and the target has passed), Due soon (within "
        f"{progress.due_soon_days} days), On time, No target.".replace("(0", "("),
        f"RAG, the first that applies: {rag}. Ratings are written as words, never shown by colour alone.",
    ]
    return SafeTable("".join(f"<p>{html.escape(p)}</p>" for p in paragraphs))


def _count(number: int, noun: str) -> str:
    """``1 overdue action``, ``3 overdue actions``."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


# -- what the data-quality report shows ---------------------------------------------------------------

_NOT_PLACED = ("not_placed", "not_read", "table_skipped", "row_split_at_break", "no_tables", "no_matching_table")


def parts_table(plans):
    """Each page or table read from a committee paper (what was read from it), then the text
    that could not be placed, for the data-quality report."""
    frame = plans.sources
    noted = frame["note"].map(lambda v: isinstance(v, str) and bool(v)) if "note" in frame else None
    if noted is None or not noted.any():
        return SafeTable("<p>No committee paper was read: every plan came from a spreadsheet.</p>")
    parts = frame[noted]
    shown = table(parts, {"file": "File", "sheet": "Page or table", "note": "What was read", "layout": "Layout",
                          "header_row": "Header row", "actions": "Actions starting here"},
                  caption="Pages and tables read from committee papers")
    missed = [f.as_dict() for f in plans.findings if f.code in _NOT_PLACED]
    if not missed:
        return SafeTable(shown.html + "<p>Every piece of text in the plans' tables was placed in a cell.</p>")
    rest = table(pd.DataFrame(missed), {"file": "File", "sheet": "Page or table", "row": "Row",
                                        "message": "What could not be placed"},
                 caption=f"{len(missed)} things that could not be placed")
    return SafeTable(shown.html + rest.html)
