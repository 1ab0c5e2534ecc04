"""The canonical tables of action plans: their columns, and ``Plans``, which holds them with
what was found on the way. Every stage after reading works on these."""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import pandas as pd

from reportlib.errors import Finding, UnknownCouncil

ACTION_COLUMNS = [
    "council", "council_code", "assessment", "group", "action_id", "theme", "kloe", "kloe_name",
    "recommendation", "action", "owner", "priority", "target_text", "target_date",
    "target_recurring", "revised_target_date", "original_target_date", "details", "linked_action_id",
    "in_plan_from", "not_in_plan_since", "not_in_plan_since_date",
    "source_file", "source_sheet", "source_rows",
]
UPDATE_COLUMNS = [
    "action_id", "snapshot", "snapshot_date", "text", "stated_status", "stated_flag", "status", "status_source",
    "source_file", "source_sheet", "source_row", "source_column",
]
INPUT_COLUMNS = ["file", "path", "sha256", "bytes"]
#: What a plan's groups are called when its layouts do not agree (or say nothing).
DEFAULT_GROUP_LABEL = "Group"


def group_noun(label: str = DEFAULT_GROUP_LABEL, *, plural: bool = False, capital: bool = False) -> str:
    """A group label as a word in a sentence: "Audit report" -> "audit report" ("audit reports",
    "Audit reports"); a first word with a capital after its first letter ("KLOE", "VfM criterion",
    "ICT audit") is kept as written ("KLOEs", "VfM criterion")."""
    label = " ".join(str(label or DEFAULT_GROUP_LABEL).split())
    first = label.split(" ")[0]
    plain = first[1:].islower()  # "Audit": lower-cased mid-sentence; "VfM", "KLOE", "A": kept as written
    word = label if not plain or capital else label[:1].lower() + label[1:]
    if capital:
        word = word[:1].upper() + word[1:]
    return _plural(word) if plural else word


#: Words of a group label whose plural is not made with an "s".
_IRREGULAR = {"criterion": "criteria", "phenomenon": "phenomena", "analysis": "analyses", "basis": "bases"}


def _plural(words: str) -> str:
    """The plural of a label's last word: "report" -> "reports", "criterion" -> "criteria",
    "category" -> "categories", "process" -> "processes"; a word already plural is kept."""
    head, _, last = words.rpartition(" ")
    lower = last.lower()
    if lower in _IRREGULAR:
        plural = _IRREGULAR[lower]
    elif lower in _IRREGULAR.values() or (lower.endswith("s") and not lower.endswith(("ss", "us", "is"))):
        plural = last  # already plural: "Audit reports", "criteria"
    elif lower.endswith(("ss", "x", "ch", "sh", "us")):
        plural = last + "es"
    elif lower.endswith("y") and lower[-2:-1] not in tuple("aeiou"):
        plural = last[:-1] + "ies"
    else:
        plural = last + "s"
    return f"{head} {plural}" if head else plural


def kloe_grouped(actions: pd.DataFrame) -> bool:
    """True for actions whose groups are to be read from their KLOEs: tables made before plans had
    groups of their own (no ``group`` column, or an empty one beside KLOEs)."""
    if "group" not in actions:
        return True
    return bool(actions["group"].isna().all() and "kloe" in actions and actions["kloe"].notna().any())


def group_order(groups) -> list[str]:
    """Groups in the order given (the plan's); when every group is numbered ("2.1 Commissioning
    and procurement", "3 Finance"), by their numbers."""
    groups = list(groups)
    numbers = [re.match(r"\s*(\d+(?:\.\d+)*)\b", str(g)) for g in groups]
    if groups and all(numbers):
        keys = [tuple(int(part) for part in m.group(1).split(".")) for m in numbers]
        return [g for _, _, g in sorted(zip(keys, range(len(groups)), groups))]
    return groups


def no_group(label: str = DEFAULT_GROUP_LABEL) -> str:
    """What an action outside every group is shown under: "No audit report", "No KLOE"."""
    return f"No {group_noun(label)}"


@dataclass
class Plans:
    """The canonical tables of one or more action plans, with what was found on the way."""

    actions: pd.DataFrame
    updates: pd.DataFrame
    findings: list[Finding] = field(default_factory=list)
    sources: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: Each file read: name, path, SHA-256 and size of the very bytes that were parsed.
    inputs: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=INPUT_COLUMNS))
    #: Columns whose text was withheld for an external audience (see ``reportlib.analysis.snapshot``).
    withheld: tuple[str, ...] = ()
    #: Who the reports built from these plans are for: "internal" or "external".
    audience: str = "internal"
    #: Every version's row of actions held in several files (``reportlib.ingest.versions``).
    action_versions: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: Every version's copy of the updates of those actions (``reportlib.ingest.versions``).
    update_versions: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: What part of the plans these are, when not all of them, in a sentence for readers
    #: ("Actions of HoF only: 12 of the plan's 56 actions ..."); empty for whole plans.
    scope: str = ""

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    def findings_frame(self) -> pd.DataFrame:
        rows = [f.as_dict() for f in self.findings]
        return pd.DataFrame(rows, columns=["severity", "code", "message", "file", "sheet", "row", "column"])

    @property
    def internal_columns(self) -> tuple[str, ...]:
        """Columns a council's layout marks internal: left out of reports for external readers."""
        names = {n for cell in self.sources.get("internal_columns", []) for n in str(cell).split(",") if n}
        return tuple(sorted(names))

    @property
    def group_label(self) -> str:
        """What the plans' groups are called ("Audit report", "KLOE"...): the label of the layouts
        that read the sheets these actions come from, when they agree; "Group" otherwise."""
        sources = self.sources
        if "group_label" not in sources or sources.empty:
            return DEFAULT_GROUP_LABEL
        if {"file", "sheet"} <= set(sources) and {"source_file", "source_sheet"} <= set(self.actions):
            read = set(zip(self.actions["source_file"], self.actions["source_sheet"]))
            mine = sources[[(f, s) in read for f, s in zip(sources["file"], sources["sheet"])]]
            sources = mine if not mine.empty else sources
        labels = {str(v) for v in sources["group_label"] if isinstance(v, str) and v.strip()}
        return labels.pop() if len(labels) == 1 else DEFAULT_GROUP_LABEL

    def councils(self) -> dict[str, str]:
        """Council code -> council name, for every council in the plans."""
        pairs = self.actions[["council_code", "council"]].drop_duplicates("council_code")
        return dict(zip(pairs["council_code"], pairs["council"]))

    def council(self, council_code: str) -> Plans:
        """The same plans cut down to one council (findings and sources kept whole).

        A code that is not in the plans is an error (with the nearest code suggested),
        never an empty report.
        """
        known = self.councils()
        if council_code not in known:
            raise UnknownCouncil(council_code, known)
        actions = self.actions[self.actions["council_code"] == council_code].reset_index(drop=True)
        updates = self.updates[self.updates["action_id"].isin(actions["action_id"])].reset_index(drop=True)
        return replace(self, actions=actions, updates=updates)

    def __repr__(self) -> str:
        return (f"Plans({len(self.actions)} actions, {len(self.updates)} updates, "
                f"{len(self.errors)} errors, {len(self.warnings)} warnings)")
