"""Report pieces for notebooks: each call returns one thing to show (a safe table or text).

Notebooks stay a list of calls: ``report.headline(p)``, ``report.overdue_table(p)``...
Text from spreadsheets reaches the page only through ``reportlib.present.tables`` (escaped,
or allow-list cleaned for the free-text columns that may hold lists and links).
"""
from __future__ import annotations

import html
import re

import nh3
import pandas as pd

from reportlib.analysis import decisions
from reportlib.analysis.owners import key_for
from reportlib.analysis.progress import no_target, target_not_set, target_unreadable
from reportlib.analysis.status import read_model_source
from reportlib.analysis.words import CONTRADICTED as CONTRADICTED_SOURCE
from reportlib.model.kloe import label as kloe_label
from reportlib.model.plans import DEFAULT_GROUP_LABEL, group_noun, group_order, kloe_grouped, no_group
from reportlib.model.vocab import (
    CHANGE_LABELS,
    OWNERS_WITHHELD,
    STATUS_EXPLAINED,
    STATUS_LABELS,
    TIMELINESS_LABELS,
    long_date,
    short_date,
)
from reportlib.present.tables import SafeTable, table, with_note

# `table` is imported above so notebooks need only `report` (report.table(...)).

STATUS_WORDS = STATUS_LABELS  # the words of every status, timeliness and change: model.vocab
# After the status of an update whose stated status its own text contradicts (words.apply: needs review).
CONTRADICTED = " (the stated status and the update text disagree)"
TIMELINESS_WORDS = TIMELINESS_LABELS
CHANGE_WORDS = CHANGE_LABELS
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


def _group_heading(progress) -> tuple[str, str]:
    """The plan's group label, and the heading of its group column ("Audit report", "KLOE")."""
    label = getattr(progress, "group_label", DEFAULT_GROUP_LABEL)
    if kloe_grouped(progress.actions):  # actions read before plans had groups: their KLOEs
        label = "KLOE"
    return label, group_noun(label, capital=True)


def _readable(actions: pd.DataFrame, label: str = DEFAULT_GROUP_LABEL) -> pd.DataFrame:
    out = actions.copy()
    out["kloe_label"] = out["kloe"].map(lambda k: kloe_label(k if isinstance(k, str) else None))
    if not kloe_grouped(out):  # the plan's own grouping: audit report, theme, KLOE...
        out["group_shown"] = out["group"].astype(object).where(out["group"].notna(), no_group(label))
    else:
        out["group_shown"] = out["kloe_label"]
    out["status_word"] = out["status"].map(STATUS_WORDS).fillna(out["status"])
    if "status_source" in out:  # an analyst's decision says so beside the status it settled
        reviewed = decisions.reviewed(out["status_source"])
        out.loc[reviewed, "status_word"] = out.loc[reviewed, "status_word"] + " (" + out.loc[reviewed, "status_source"] + ")"
        disputed = (out["status_source"] == CONTRADICTED_SOURCE).fillna(False)
        out.loc[disputed, "status_word"] = out.loc[disputed, "status_word"] + CONTRADICTED
    if "timeliness" in out:
        out["timeliness_word"] = out["timeliness"].map(TIMELINESS_WORDS).fillna(out["timeliness"])
    if "rag" in out:
        out["rag_shown"] = _rag_with_note(out)
    if {"status_text", "status_snapshot", "latest_snapshot"} <= set(out.columns):
        out["status_text"] = _said_when(out)
    if {"stated_status", "status_snapshot", "latest_snapshot"} <= set(out.columns):
        # the council's word of an earlier update is dated, as its text is: never read as this quarter's
        older = _from_earlier(out) & out["stated_status"].notna()
        out["stated_status"] = out["stated_status"].astype(object)
        out.loc[older, "stated_status"] = out.loc[older, "stated_status"].astype(str) + " (" + \
            out.loc[older, "status_snapshot"].astype(str) + " update)"
    return out


def _from_earlier(frame: pd.DataFrame) -> pd.Series:
    """Actions whose status stands from an earlier update than their latest (which said nothing new)."""
    said, latest = frame["status_snapshot"], frame["latest_snapshot"]
    return said.notna() & latest.notna() & (said.astype(str) != latest.astype(str))


def _said_when(frame: pd.DataFrame) -> pd.Series:
    """The latest update that says something, led by the snapshot it is from where a later one was read
    as saying nothing new, and by what that one said: "(March 2010 update; July 2010's was blank) ...",
    "(March 2010 update; July 2010's, read as no update: 'No update received') ...". An older text is
    never shown as the latest, and the later words are never hidden behind it."""
    said, latest = frame["status_snapshot"], frame["latest_snapshot"]
    older = _from_earlier(frame) & frame["status_text"].notna()
    out = frame["status_text"].astype(object).copy()
    later = frame.get("latest_snapshot_text", pd.Series(pd.NA, index=frame.index))
    for index in frame.index[older]:
        words = later[index]
        what = (f"{latest[index]}'s, read as no update: '{excerpt(str(words), 20)}'"
                if isinstance(words, str) and words.strip() else f"{latest[index]}'s was blank")
        out[index] = f"({said[index]} update; {what}) {frame.at[index, 'status_text']}"
    return out


def _rag_with_note(frame: pd.DataFrame) -> pd.Series:
    """The rating with the word that explains it, where one is needed: "Red (update unclear)",
    "Not rated (target date unreadable ('30/09/2205'); judged against ...)" (``rag_note``)."""
    rating = frame["rag"].astype(object)
    if "rag_note" not in frame:
        return rating
    noted = frame["rag_note"].map(lambda n: isinstance(n, str) and bool(n.strip())) & rating.notna()
    return rating.where(~noted, rating.astype(str) + " (" + frame["rag_note"].astype(str) + ")")


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


def _left(progress, council_code: str | None = None) -> pd.DataFrame:
    """The actions that had left the plan by the as-of date (``Progress.left``; none for a plan of one version)."""
    gone = getattr(progress, "left", None)
    if gone is None or gone.empty:
        return pd.DataFrame(columns=["action_id", "status"])
    return gone if council_code is None else gone[gone["council_code"] == council_code]


def headline(progress, council_code: str | None = None) -> SafeTable:
    """Headline figures: actions, complete, in progress, overdue (and the longest), no update, needs review,
    the actions whose target date cannot be read or is not yet set (where any), open actions with no target
    date; then how many actions have left the plan (versions of a plan), which no figure above counts."""
    acts = progress.actions if council_code is None else progress.actions[progress.actions["council_code"] == council_code]
    n = len(acts)
    count = lambda col, val: int((acts[col] == val).sum())  # noqa: E731
    late = acts[acts["timeliness"] == "overdue"]
    longest = f"{int(late['days_overdue'].max())} days" if len(late) else "–"
    pct = f"{100 * count('status', 'complete') / n:.0f}%" if n else "–"
    unread = _unread_target_figure(acts)
    rows = pd.DataFrame([
        ("Actions in the plan", n),
        ("Complete", f"{count('status', 'complete')} ({pct})"),
        *((STATUS_EXPLAINED[s], count("status", s)) for s in ("in_progress", "planned", "no_action", "no_update")),
        (STATUS_EXPLAINED["needs_review"], _review_figure(acts)),
        *([(TARGET_UNREAD_ROW, unread)] if unread else []),
        ("Overdue (not complete, target passed)", len(late)),
        ("Longest overdue", longest),
        (f"Due soon (target within {progress.due_soon_days} days)", count("timeliness", "due_soon")),
        (NO_TARGET_ROW, int(no_target(acts).sum())),
        ("Overdue against the original target", int(acts["days_overdue_original"].notna().sum())
         if "days_overdue_original" in acts else len(late)),
        ("Target extended since first set", int(acts["days_extended"].notna().sum()) if "days_extended" in acts else 0),
    ], columns=["Measure", "Figure"])
    gone = _left(progress, council_code)
    if len(gone):  # versions of a plan: actions that left it are listed apart, counted in no figure above
        done = int((gone["status"] == "complete").sum())
        figure = f"{len(gone)} ({done} complete when {'it' if len(gone) == 1 else 'they'} left)" if done else len(gone)
        rows.loc[len(rows)] = ("Left the plan (not counted above)", figure)
    return table(rows, figures=["Figure"], caption=f"Headline figures as of {long_date(progress.as_of)}")


def anchor(council_code, action_id) -> str:
    """The id of an action's row in the action table ("action-wdc-wdc-2009-003"): what the summary links to."""
    slug = re.sub(r"[^a-z0-9]+", "-", f"{council_code}-{action_id}".lower()).strip("-")
    return f"action-{slug}"


def _with_row_ids(shown: SafeTable, ids) -> SafeTable:
    """``shown`` (a table of one row per id, in order) with each body row carrying its id."""
    head, _, body = shown.html.partition("<tbody>")
    names = iter(ids)
    body = re.sub(r"<tr>", lambda _: f'<tr id="{html.escape(next(names), quote=True)}">', body)
    return SafeTable(f"{head}<tbody>{body}", frame=shown.frame)


def _change_words(figure, previous) -> str:
    """"13 more than at 31 March 2010", "2 fewer ...", "no change since ..." (the summary's figures)."""
    change = figure.change
    if change == 0:
        return f"no change since {long_date(previous)}"
    return f"{abs(change)} {'more' if change > 0 else 'fewer'} than at {long_date(previous)}"


def summary(plans, progress) -> SafeTable:
    """What a committee reads first: the position in a few sentences and figures (actions, complete,
    overdue, due soon, RAG), each with its change since the previous report, and the few actions that
    need the committee's attention, each linked to its row in the action table (``action_table``)."""
    from reportlib.analysis.summary import summarise

    found = summarise(plans, progress)
    figure, previous = found.figure, found.previous
    n, done, late, soon = (figure(k).now for k in ("actions", "complete", "overdue", "due_soon"))
    as_of = long_date(found.as_of)
    if n == 0:
        return text(f"As of {as_of}, the plan has no actions.")
    longest = progress.actions["days_overdue"].max()
    late_words = f"{late} overdue" + (f", {_change_words(figure('overdue'), previous)}" if previous is not None else "")
    if late:
        late_words += f" (the longest by {_count(int(longest), 'day')})"
    sentences = [
        f"As of {as_of}, {done} of the {n} actions are complete ({100 * done / n:.0f}%), with {late_words}.",
        (f"{soon} {'is' if soon == 1 else 'are'}" if soon else "None is") + f" due in the next {found.due_soon_days} days.",
    ]
    if previous is None:
        sentences.append("There is no previous report to compare with: " + (
            "the plan has no progress update yet." if progress.history.empty else
            "this is the plan's first progress update."))
    else:
        sentences.append(_since_previous(found))
    scope = [f"<p><strong>{html.escape(plans.scope)}</strong></p>"] if getattr(plans, "scope", "") else []
    parts = ['<div class="rl-summary">', *scope, f"<p>{html.escape(' '.join(sentences[:2]))}</p>",
             f"<p>{html.escape(sentences[2])}</p>"]
    uncertain = _uncertain_words(found)
    if uncertain:
        parts.append(f"<p>{html.escape(' '.join(uncertain))}</p>")
    parts.append(_figures_table(found))
    parts.append(_attention_list(found))
    parts.append("</div>")
    frame = pd.DataFrame([(f.label, f.now, f.before, f.change) for f in (*found.figures, *found.uncertain)],
                         columns=["Measure", "Now", "Previous report", "Change"])
    return SafeTable("".join(parts), frame=frame)


#: How the summary says each kind of change (``compare.CHANGES``), after a count: "6 became complete".
_CHANGED_WORDS = {"newly_complete": "became complete", "newly_closed_without_action": "were closed without action",
                  "newly_overdue": "became overdue",
                  "gone_backwards": "went backwards", "rated_worse": "were rated worse",
                  "new_in_plan": "joined the plan", "left_plan": "left the plan",
                  "no_update_this_time": "had no update this time"}


def _since_previous(found) -> str:
    """"Since the previous report (31 March 2010), 30 actions changed: 6 became complete, ...", counting
    each action once, as the table of changes lists it, and every kind of change the table shows."""
    previous, kinds = long_date(found.previous), found.changes
    if not found.changed:
        return f"Since the previous report ({previous}), no action has changed in any way the table of changes lists."
    said = []
    for kind in kinds:
        n = kinds[kind]
        if not n:
            continue
        if kind == "no_longer_reads_complete":
            said.append(f"the update of {n} no longer reads as complete" if n == 1
                        else f"the updates of {n} no longer read as complete")
        else:
            words = _CHANGED_WORDS.get(kind, CHANGE_WORDS.get(kind, kind).lower())
            said.append(f"{n} {words.replace('were ', 'was ') if n == 1 else words}")
    several = sum(kinds.values()) > found.changed
    return (f"Since the previous report ({previous}), {_count(found.changed, 'action')} changed"
            + (" (some in more than one way)" if several else "") + ": " + _listed(said) + "."
            + "".join(f" {sentence}" for sentence in _how_figures_moved(found)))


def _how_figures_moved(found) -> list[str]:
    """Where the change in the complete or overdue figure is not simply the count of actions that became
    complete or overdue, the sentence that makes it add up ("Overdue rose by 12: 9 passed their target
    since ..., 4 whose target had already passed are overdue now, and 1 is no longer overdue.")."""
    moved, said = found.moves, []
    if not moved:
        return said
    previous = long_date(found.previous)
    complete, overdue = found.figure("complete").change, found.figure("overdue").change
    if complete != moved["complete_new"]:
        parts = [f"{moved['complete_new']} became complete"]
        if moved["complete_undone"]:
            n = moved["complete_undone"]
            parts.append(f"{n} complete then {'is' if n == 1 else 'are'} not now (gone backwards, or no longer read as complete)")
        if moved["complete_left"]:
            parts.append(f"{moved['complete_left']} complete then left the plan")
        said.append(f"Complete {_moved(complete)}: {_listed(parts)}.")
    if overdue != moved["overdue_passed"]:
        parts = [f"{moved['overdue_passed']} passed {'its' if moved['overdue_passed'] == 1 else 'their'} target "
                 f"since {previous}"]
        if moved["overdue_other"]:
            parts.append(f"{moved['overdue_other']} whose target had already passed "
                         f"{'is' if moved['overdue_other'] == 1 else 'are'} overdue now (an update no longer read as "
                         "done, a status gone backwards, or new in the plan)")
        if moved["overdue_cleared"]:
            parts.append(f"{moved['overdue_cleared']} {'is' if moved['overdue_cleared'] == 1 else 'are'} no longer overdue")
        said.append(f"Overdue {_moved(overdue)}: {_listed(parts)}.")
    return said


def _moved(change: int) -> str:
    return "unchanged" if change == 0 else f"{'rose' if change > 0 else 'fell'} by {abs(change)}"


def _uncertain_words(found) -> list[str]:
    """What a reader should know is uncertain, in sentences: updates that need review, stated words their
    text contradicts, targets nobody can read, and open actions with no target (with its change)."""
    keys = {f.key for f in found.uncertain}
    if not keys:
        return []
    figure = found.figure
    out = []
    waiting = figure("needs_review").now if "needs_review" in keys else 0
    if waiting:
        out.append(f"The latest update of {_count(waiting, 'action')} needs a person to read it.")
    contradicted = figure("contradicted").now if "contradicted" in keys else 0
    if contradicted:
        out.append(f"Of them, the stated status and the update text disagree for {_count(contradicted, 'action')}, "
                   "so " + ("it is" if contradicted == 1 else "they are") + " not counted as the stated status says.")
    unreadable = figure("target_unreadable").now if "target_unreadable" in keys else 0
    if unreadable:
        out.append(f"{_count(unreadable, 'action')} {'has' if unreadable == 1 else 'have'} a target date that cannot "
                   "be read or is not yet set ('TBC'): " + ("it is" if unreadable == 1 else "each is") + " judged against an earlier target where "
                   "there is one, and never rated Green.")
    if "no_target" in keys:
        none = figure("no_target")
        change = f" ({_change_words(none, found.previous)})" if none.before is not None else ""
        if none.now:
            out.append(f"{_count(none.now, 'open action')} {'has' if none.now == 1 else 'have'} no target date, so "
                       + ("it cannot" if none.now == 1 else "none of them can") + f" be overdue{change}.")
        elif none.before:
            out.append(f"Every open action has a target date ({none.before} had none at {long_date(found.previous)}).")
    return out


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _figures_table(found) -> str:
    """The figures across (measure by measure), now and, where there is a previous report, the change."""
    heads = {"actions": "Actions", "complete": "Complete", "overdue": "Overdue",
             "due_soon": f"Due soon (within {found.due_soon_days} days)"}
    figures = list(found.figures)
    labels = [heads.get(f.key, f"RAG {f.label}") for f in figures]
    n = found.figure("actions").now
    now = [f"{f.now} ({100 * f.now / n:.0f}%)" if f.key == "complete" and n else str(f.now) for f in figures]
    rows = [(f"At {long_date(found.as_of)}", now)]
    if found.previous is not None:
        rows.append((f"Change since {long_date(found.previous)}",
                     ["no change" if f.change == 0 else f"{abs(f.change)} {'more' if f.change > 0 else 'fewer'}"
                      for f in figures]))
    out = ['<table class="rl-table rl-summary-figures">',
           f"<caption>The position at {html.escape(long_date(found.as_of))}"
           + (f", and the change since {html.escape(long_date(found.previous))}" if found.previous is not None else "")
           + "</caption>", '<thead><tr><td></td>']
    out += [f'<th scope="col">{html.escape(label)}</th>' for label in labels]
    out.append("</tr></thead><tbody>")
    for head, cells in rows:
        out.append(f'<tr><th scope="row">{html.escape(head)}</th>')
        out += [f'<td class="rl-num">{html.escape(c)}</td>' for c in cells]
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _attention_list(found) -> str:
    listed = found.attention
    if listed.empty:
        return "<p>No action needs the committee's particular attention: none is overdue or has gone backwards.</p>"
    items = []
    for row in listed.itertuples(index=False):
        what = excerpt(row.action, 16)
        owner = f" (owner: {row.owner})" if isinstance(row.owner, str) and row.owner.strip() else ""
        items.append(f'<li><a href="#{html.escape(anchor(row.council_code, row.action_id), quote=True)}">'
                     f"{html.escape(str(row.action_id))}</a> {html.escape(str(what or ''))}{html.escape(owner)}: "
                     f"<strong>{html.escape(row.reason)}</strong></li>")
    return (f"<p><strong>For the committee's attention</strong> ({_count(len(listed), 'action')}"
            '<span class="rl-screen-only">; each links to its row in the table of all actions</span>):</p><ol>'
            + "".join(items) + "</ol>")


#: The headline's row of open actions with no target date at all (not those whose target cannot be read).
NO_TARGET_ROW = "Open, with no target date (so none of them can be overdue)"
#: The headline's row of actions whose target date cannot be read or is not yet set ("TBC"); shown where
#: there is one.
TARGET_UNREAD_ROW = ("Target date that cannot be read or is not yet set (judged against an earlier target where "
                     "there is one, never rated Green)")


def _review_figure(acts: pd.DataFrame):
    """Updates left for review, among them those whose stated status their own text contradicts (never
    counted as the word says)."""
    waiting = int((acts["status"] == "needs_review").sum())
    contradicted = int((acts["status_source"] == CONTRADICTED_SOURCE).sum()) if "status_source" in acts else 0
    return f"{waiting} (including {contradicted} where the stated status and the update text disagree)" \
        if contradicted else waiting


def _unread_target_figure(acts: pd.DataFrame):
    """Actions whose target date cannot be read, and those whose target is not yet set, each counted."""
    not_set = target_not_set(acts)
    unreadable, unset = int((target_unreadable(acts) & ~not_set).sum()), int(not_set.sum())
    kinds = ([f"{unreadable} cannot be read"] if unreadable else []) + \
        ([f"{unset} not yet set: 'TBC'"] if unset else [])
    return f"{unreadable + unset} ({', '.join(kinds)})" if kinds else 0


_HEADINGS = {"kloe": "KLOE", "council_code": "Council", "owner": "Responsible officer", "priority": "Priority",
             "assessment": "Assessment", "theme": "Theme", "actions": "Actions", "complete": "Complete",
             **STATUS_LABELS, "overdue": "Overdue", "pct_complete": "% complete"}


def summary_table(summary: pd.DataFrame, by, caption: str, *, label: str = DEFAULT_GROUP_LABEL) -> SafeTable:
    """A ``Progress.summary`` frame with readable headings; ``by`` is the column (or list) it was grouped by.

    ``label`` names the plan's groups (``Progress.group_label``) when ``by`` includes "group".
    """
    keys = [by] if isinstance(by, str) else list(by)
    if "owner" in keys and "owner" in summary.attrs.get("withheld", ()):  # never a table of "(none)"
        return SafeTable(f'<p class="rl-note">{html.escape(OWNERS_WITHHELD[:1].upper() + OWNERS_WITHHELD[1:])}, '
                         f"so there is no table of {html.escape(caption[:1].lower() + caption[1:])}.</p>",
                         pd.DataFrame(columns=keys))
    frame = summary.copy()
    if "kloe" in keys:
        frame["kloe"] = frame["kloe"].map(lambda k: kloe_label(k if k != "(none)" else None))
    if "group" in keys:
        frame["group"] = frame["group"].replace("(none)", no_group(label))
    if "priority" in keys:  # an action whose plan gives it no priority: not "(none)", nor counted as any
        frame["priority"] = frame["priority"].replace("(none)", NOT_RECORDED)
    frame["pct_complete"] = frame["pct_complete"].map(lambda p: "no updates" if pd.isna(p) else f"{p:.0f}%")
    columns = keys + ["actions", "complete", "in_progress", "planned", "no_action", "no_update", "needs_review",
                      "overdue", "pct_complete"]
    headings = {**_HEADINGS, "group": group_noun(label, capital=True)}
    out = table(frame, {c: headings.get(c, c.replace("_", " ").capitalize()) for c in columns}, caption=caption,
                figures=["pct_complete"])
    names = key_for(frame["owner"], summary.attrs.get("owner_names") or {}) if "owner" in keys else {}
    return with_note(out, "Key: " + "; ".join(f"{k}: {v}" for k, v in names.items())) if names else out


def group_summary(progress) -> SafeTable:
    """Actions by the plan's own groups (audit report, theme, KLOE...), headed with its label."""
    label, _ = _group_heading(progress)
    if kloe_grouped(progress.actions):
        return summary_table(progress.summary("kloe"), "kloe", f"Actions by {group_noun(label)}", label=label)
    summary = progress.summary("group")  # in the plan's order (numbered groups by number), none last
    order = group_order(dict.fromkeys(progress.actions["group"].dropna())) + ["(none)"]
    summary = summary.set_index("group").reindex([g for g in order if g in set(summary["group"])]).reset_index()
    return summary_table(summary, "group", f"Actions by {group_noun(label)}", label=label)


def heading(progress, template: str, intro: str | None = None) -> SafeTable:
    """A section heading (and an optional paragraph) in the plan's words: ``{group}``,
    ``{groups}``, ``{Group}`` and ``{Groups}`` in ``template`` and ``intro`` become what the plan
    calls its groups ("By {group}" -> "By audit report"; "{Groups} that recur" -> "KLOEs that recur")."""
    label = progress if isinstance(progress, str) else _group_heading(progress)[0]
    words = {"group": group_noun(label), "groups": group_noun(label, plural=True),
             "Group": group_noun(label, capital=True), "Groups": group_noun(label, plural=True, capital=True)}
    text_ = template.format(**words)
    anchor = "-".join(text_.split())
    out = f'<h2 id="{html.escape(anchor, quote=True)}">{html.escape(text_)}</h2>'
    if intro:
        out += f"<p>{html.escape(intro.format(**words))}</p>"
    return SafeTable(out)


def group_heading(progress) -> SafeTable:
    """The heading of the progress-by-group section: "Progress by audit report", or for a
    Use of Resources plan "Progress by KLOE" with what a KLOE is."""
    label, _ = _group_heading(progress)
    intro = ("Each bar is one key line of enquiry (KLOE) of the Use of Resources framework." if label == "KLOE"
             else "Each bar is one {group} of the plan.")
    return heading(label, "Progress by {group}", intro)


NOT_RECORDED = "not recorded"


def comparison_table(comparison: pd.DataFrame, unrecorded=()) -> SafeTable:
    """``compare.compare_councils`` with readable headings; ``unrecorded``: the councils whose plans
    record no priority, whose count and share of High priority read "not recorded" (never 0 and 0%)."""
    frame = comparison.copy()
    frame["pct_high"] = frame["pct_high"].map(lambda p: f"{p:.0f}%").astype(object)
    frame["high_priority"] = frame["high_priority"].astype(object)
    silent = frame["council_code"].isin(set(unrecorded))
    frame.loc[silent, ["high_priority", "pct_high"]] = NOT_RECORDED
    return table(frame, {"council_code": "Council", "kloe_label": "KLOE", "actions": "Actions",
                         "complete_text": "Complete", "overdue": "Overdue", "high_priority": "High priority",
                         "pct_high": "Share High"}, caption="Councils by KLOE",
                 figures=["complete_text", "high_priority", "pct_high"])


def years_table(progress, years: dict) -> SafeTable:
    """Actions per group in each assessment year (``compare.compare_assessments``), in the plan's words."""
    label, _ = _group_heading(progress)
    return table(years["per_group"], caption=f"Actions per {group_noun(label)} by assessment")


def recurring_table(progress, years: dict) -> SafeTable:
    """The groups with actions in every assessment year, in the plan's words."""
    label, _ = _group_heading(progress)
    return table(years["recurring"], caption=f"{group_noun(label, plural=True, capital=True)} with actions in every "
                                             "assessment year")


def overdue_table(progress) -> SafeTable:
    """Overdue actions, longest overdue first, with their original and revised targets."""
    label, group_column = _group_heading(progress)
    late = _readable(progress.overdue(), label)
    if late.empty:
        return text("No action is overdue at this date.")
    late["action"] = late["action"].map(excerpt)
    columns = shown({"action_id": "ID", "group_shown": group_column, "action": "Action", "owner": "Owner",
                     "target_text": "Target as written", "target_date": "Target date",
                     "revised_target_date": "Revised target", "days_overdue": "Days overdue",
                     "status_word": "Status", "rag_shown": "RAG"}, progress.withheld)
    columns = _with_word(columns, late)
    return table(late, columns, rich=[c for c in columns if c in FREE_TEXT and c != "action"],
                 caption=f"{_count(len(late), 'overdue action')} as of {short_date(progress.as_of)}", wide=True,
                 show_link_targets=progress.audience == "external")


def changes_table(changes: pd.DataFrame) -> SafeTable:
    """What changed since the last snapshot (``compare.since_last``): each action once, with every way it
    changed in one cell ("Rated worse (RAG); No update this time"), in the order of its first change."""
    previous, as_of = changes.attrs.get("previous"), changes.attrs.get("as_of")
    if changes.empty:
        if previous is None:
            when = f" on or before {long_date(as_of)}" if as_of is not None else ""
            return text(f"There is no previous snapshot{when} to compare with: this is the plan's first "
                        "progress update, so nothing can have changed since the last one.")
        return text(f"No changes since the previous snapshot ({long_date(previous)}).")
    from reportlib.analysis.compare import by_action

    frame = by_action(changes)
    frame["change"] = frame["changes"].map(lambda kinds: "; ".join(CHANGE_WORDS.get(k, k) for k in kinds))
    frame["action"] = frame["action"].map(excerpt)
    frame["status_before"] = frame["status_before"].map(STATUS_WORDS)
    frame["status_now"] = frame["status_now"].map(STATUS_WORDS)
    group = {"kloe": "KLOE"}
    if "group" in frame and not kloe_grouped(frame):  # the plan's own grouping, named as the plan names it
        label = changes.attrs.get("group_label", DEFAULT_GROUP_LABEL)
        frame["group"] = frame["group"].astype(object).where(frame["group"].notna(), no_group(label))
        group = {"group": group_noun(label, capital=True)}
    columns = shown({"change": "Change", "action_id": "ID", **group, "owner": "Owner",
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
    label, group_column = _group_heading(progress)
    frame = _readable(progress.actions, label).sort_values(["council_code", "kloe", "action_id"], na_position="last")
    columns = {"action_id": "ID", "group_shown": group_column, "priority": "Priority", "recommendation": "Recommendation",
               "action": "Action", "details": "Implementation details", "owner": "Owner", "target_text": "Target",
               "revised_target_date": "Revised target", "status_word": "Status", "timeliness_word": "Timeliness",
               "rag_shown": "RAG", "status_text": "Latest update"}
    for optional in ("priority", "details", "owner", "revised_target_date", "status_text"):
        if frame[optional].isna().all():
            columns.pop(optional)
    columns = _with_word(shown(columns, progress.withheld), frame)
    rich = [c for c in columns if c in FREE_TEXT]
    shown_table = table(frame, columns, rich=rich,
                        caption=f"All {_count(len(frame), 'action')} as of {short_date(progress.as_of)}", wide=True,
                        show_link_targets=progress.audience == "external")
    shown_table = _with_row_ids(shown_table, [anchor(c, a) for c, a in zip(frame["council_code"], frame["action_id"])])
    gone = _left(progress)
    if gone.empty:
        return shown_table
    return SafeTable(shown_table.html + left_table(progress).html)


def left_table(progress) -> SafeTable:
    """Actions that left the plan by the as-of date (missing from a later version), with their status when they left."""
    gone = _left(progress)
    if gone.empty:
        return text("No action has left the plan.")
    label, group_column = _group_heading(progress)
    frame = _readable(gone, label).sort_values(["council_code", "action_id"], na_position="last")
    columns = shown({"action_id": "ID", "group_shown": group_column, "action": "Action", "owner": "Owner",
                     "not_in_plan_since": "Not in the plan since", "status_word": "Status when it left",
                     "status_text": "Last update"}, progress.withheld)
    columns = _with_word(columns, frame)
    noun = "action that has" if len(frame) == 1 else "actions that have"
    return table(frame, columns, rich=[c for c in columns if c in FREE_TEXT],
                 caption=f"{len(frame)} {noun} left the plan, as of {short_date(progress.as_of)} (counted in no "
                 "figure of this report)", wide=True, show_link_targets=progress.audience == "external")


#: A field name in a message (``target_date``), not in a file name (``plan_2010.xlsx``).
_FIELD_NAME = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b(?!\.\w)")


def in_words(message) -> str:
    """A message with the field names it quotes written as words: "target_date left empty" ->
    "target date left empty"."""
    return message if not isinstance(message, str) else _FIELD_NAME.sub(lambda m: m.group(0).replace("_", " "), message)


def findings_table(plans) -> SafeTable:
    """Every validation finding, errors first, with where it was found."""
    frame = plans.findings_frame()
    if frame.empty:
        return text("No findings: every sheet read cleanly.")
    frame = frame.sort_values(["severity", "file", "sheet", "row"], na_position="last")
    frame["message"] = frame["message"].map(in_words)
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
    label, group_column = _group_heading(progress)
    frame = _readable(progress.actions[progress.actions["days_extended"].notna()], label)
    if frame.empty:
        return text("No action's target was extended: every target judged against is the first one set.")
    frame = frame.sort_values(["days_extended", "action_id"], ascending=[False, True])
    frame["action"] = frame["action"].map(excerpt)
    columns = shown({"action_id": "ID", "group_shown": group_column, "action": "Action", "owner": "Owner",
                     "original_target_date": "Original target", "effective_target_date": "Revised target",
                     "days_extended": "Days extended", "days_overdue_original": "Days late against the original",
                     "status_word": "Status", "timeliness_word": "Timeliness"}, progress.withheld)
    columns = _with_word(columns, frame)
    return table(frame, columns, caption=f"{_count(len(frame), 'action')} with an extended target as of "
                 f"{short_date(progress.as_of)}", wide=True, show_link_targets=progress.audience == "external")


#: Why a rule of ``rules/status_rules.yaml`` left an update for review, in a reader's words (by rule id).
REVIEW_REASONS = {
    "needs_review.query": "the update asks a question instead of giving the position",
    "needs_review.owner_changed": "the update says who now owns the action, not where it stands",
    "needs_review.mixed_signals": "the update reads as done but also says something is still open",
    "needs_review.contradicted": "the stated status and the update text disagree",
}


def _review_reason(why) -> str:
    """``decisions.queue``'s "why" in words: a rule's id becomes what it means."""
    if not isinstance(why, str):
        return "not stated"
    if why in REVIEW_REASONS:
        return REVIEW_REASONS[why]
    model = read_model_source(why)
    if model:  # the second reader found the text unclear
        said = f"the second reader (a model) finds the text unclear, {model.sure}% sure"
        said += f" (from {model.words})" if model.words else ""
        return said + (f", where a rule read it as {STATUS_WORDS.get(model.rule_status, model.rule_status)}"
                       if model.rule else "")
    if _FIELD_NAME.fullmatch(why.split(".")[0]) or "." in why and " " not in why:  # another rule's id
        return "a rule marked the update for a person to read"
    return why


def review_table(plans) -> SafeTable:
    """Updates no rule understood, and why; shown to the reader as written, never guessed.

    For an internal audience, the open review queue, cell by cell, and how an analyst settles one
    (``reportlib review``, kept in ``decisions.csv`` beside the data). For an external audience, what
    was found: how many updates, why, and for which council; no queue and no instructions.
    """
    from reportlib.analysis.decisions import queue

    frame = queue(plans)
    if frame.empty:
        return text("Every progress update was read: by a rule or the second reader, by the council's own status word or by an "
                    "analyst's decision. None is left for a person to read.")
    frame["why"] = frame["why"].map(_review_reason)
    if plans.audience == "external":
        return _review_found(frame)
    columns = shown({"action_id": "ID", "snapshot": "Snapshot", "text": "Update as written",
                     "stated_status": "Council's word", "why": "Why it needs review",
                     "source_file": "File", "source_row": "Row", "source_column": "Column"}, plans.withheld)
    if frame["stated_status"].isna().all():
        columns.pop("stated_status")
    how = text("To settle one, an analyst runs reportlib review DATA --action ID --snapshot SNAPSHOT --status "
               "STATUS --reviewer NAME --reason TEXT: the decision is kept in decisions.csv beside the data, and "
               "the next report uses it.")
    return SafeTable(table(frame, columns, rich=[c for c in columns if c == "text"],
                           caption=f"{_count(len(frame), 'update')} that "
                           + ("needs a person to read it" if len(frame) == 1 else "need a person to read them")).html
                     + how.html)


def _review_found(frame: pd.DataFrame) -> SafeTable:
    """What the review queue found, for a reader outside the council: counts by council and reason."""
    counts = (frame.assign(council=frame["council_code"].fillna("–"))
              .groupby(["council", "why"]).size().rename("updates").reset_index()
              .sort_values(["council", "updates"], ascending=[True, False]))
    actions = frame["action_id"].nunique()
    words = (f"{_count(len(frame), 'progress update')} (on {_count(actions, 'action')}) could not be read as a "
             "status by the rules. Each is shown in the reports as the council wrote it, with the status "
             "Needs review, and counted under no other status.")
    return SafeTable(text(words).html + table(counts, {"council": "Council", "why": "Why", "updates": "Updates"},
                                              caption="Updates that need a person to read them, by reason").html)


def carried_forward_table(progress, years: dict) -> SafeTable:
    """Items of the earlier assessment carried forward as a linked later action (``compare.compare_assessments``)."""
    frame = years["carried_forward"]
    group = {"kloe": "KLOE"}
    if "group" in frame and not kloe_grouped(frame):
        label, group_column = _group_heading(progress)
        frame = frame.assign(group=frame["group"].astype(object).where(frame["group"].notna(), no_group(label)))
        group = {"group": group_column}
    frame = frame.assign(earlier_status=frame["earlier_status"].map(STATUS_WORDS).fillna(frame["earlier_status"]))
    columns = shown({"action_id": "ID", **group, "earlier_action": "Earlier action",
                     "earlier_status": "Earlier status", "later_action_id": "Later ID",
                     "later_action": "Later action"}, progress.withheld)
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
        "done is never counted here), No update (left blank) and Needs review (text not understood, or a stated "
        "word not known: shown as written, never guessed). A council's own status "
        "word decides where one is given; where the update text contradicts it, the action needs review ('the stated "
        "status and the update text disagree', the council's word shown beside it) and is not counted as the word says. "
        "An action's status is its latest update on or before the as-of date that says something. Rules read the "
        "text, and a model trained on hand-labelled updates where it is sure (tables.xlsx says which).",
        f"Timeliness is judged at the as-of date ({long_date(progress.as_of)}) against the revised target where "
        f"there is one: Overdue (not complete and the target has passed), Due soon (within "
        f"{progress.due_soon_days} days), On time, No target; Closed (complete or closed without action: not "
        "judged for timeliness).".replace("(0", "("),
        f"RAG, the first that applies: {rag}. Ratings are written as words, never shown by colour alone.",
    ]
    return SafeTable("".join(f"<p>{html.escape(p)}</p>" for p in paragraphs))


def _count(number: int, noun: str) -> str:
    """``1 overdue action``, ``3 overdue actions``."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


# -- what the data-quality report shows ---------------------------------------------------------------

_NOT_PLACED = ("not_placed", "not_read", "table_skipped", "row_split_at_break", "no_tables", "no_matching_table",
               "continuation_cell_not_joined")


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
                 caption=f"{_count(len(missed), 'thing')} that could not be placed")
    return SafeTable(shown.html + rest.html)
