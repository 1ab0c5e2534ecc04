"""A pack checked against its data, before any kernel starts, and its run snapshot.

``prepare`` reads each of the pack's data files once (hashing the very bytes it
parses), then refuses what would give a report that looks true but is not:

* data with errors (every finding is listed);
* a council code a notebook asks for that is not in the data ("did you mean 'WDC'?");
* a ``council:`` name that does not name the councils the data holds;
* a report with no actions, unless the pack says ``allow_empty: true``.

What passes is cut to the pack's as-of date and audience (``snapshot.cut``): the
notebooks, ``tables.xlsx`` and the provenance footer all come from that one cut.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from reportlib.analysis import snapshot
from reportlib.analysis.plans import inspect_plans
from reportlib.errors import PackError, UnknownCouncil, ValidationFailed
from reportlib.model.plans import Plans
from reportlib.run.packs import Pack

# How council names are shortened in titles: "Warwick District Council" -> "Warwick DC".
_SHORT = (("metropolitan borough council", "mbc"), ("district council", "dc"), ("borough council", "bc"),
          ("county council", "cc"), ("city council", "cc"), ("council", ""))
_WORDS = re.compile(r"[^a-z0-9]+")
#: Councils named one by one in a report's heading when the pack gives no ``council:``; above, "400 councils".
NAMED_COUNCILS = 3


@dataclass(frozen=True)
class Prepared:
    """A pack's data, checked and cut: what every output of the pack is built from."""

    plans: Plans                  # cut to the pack's as-of date and audience
    council: str                  # the council name shown on the reports
    inputs: tuple[dict, ...]      # {file, path, sha256, bytes} of the bytes parsed

    def write_snapshot(self, folder: Path, pack: Pack) -> Path:
        return snapshot.write(self.plans, folder, pack=pack.pack, as_of=pack.as_of.isoformat(),
                              audience=pack.audience, council=self.council)


def prepare(pack: Pack) -> Prepared:
    """Load and check ``pack``'s data; raise ``PackError``/``ValidationFailed`` when it would mislead."""
    plans = inspect_plans(list(pack.data))
    if plans.errors:
        raise ValidationFailed(plans.findings)
    known = plans.councils()
    codes = _checked_codes(pack, known)
    covered = list(codes) if codes is not None else list(known)
    council = _council_name(pack, [known[c] for c in covered])
    mine = plans.actions[plans.actions["council_code"].isin(covered)]
    if mine.empty and not pack.allow_empty:
        raise PackError(pack.path, "data", "the pack's data holds no actions for "
                        f"{', '.join(covered) or 'any council'}, so every report would be empty; check the files "
                        "named under 'data' (or set allow_empty: true if an empty report is expected)")
    inputs = tuple({**row, "path": pack.relative(Path(row["path"]))}
                   for row in plans.inputs.to_dict("records"))
    return Prepared(snapshot.cut(plans, pack.as_of, pack.audience), council, inputs)


def _checked_codes(pack: Pack, known: dict[str, str]) -> tuple[str, ...] | None:
    for i, spec in enumerate(pack.notebooks):
        if "council_code" not in spec.declared:
            continue
        code = spec.value("council_code")
        if code not in known:
            reason = UnknownCouncil(code, known).message
            where = "parameters.council_code" if "council_code" in spec.parameters else "parameters"
            if where == "parameters":
                reason += " (the notebook's default, as the pack sets no council_code)"
            raise PackError(pack.path, f"notebooks[{i}].{where}", reason)
    return pack.council_codes()


def short_name(name: str) -> str:
    """ "Warwick District Council" -> "warwick dc": names compared without their formal ending."""
    text = " ".join(_WORDS.split(name.lower())).strip()
    for long, short in _SHORT:
        text = re.sub(rf"\b{long}\b", short, text)
    return " ".join(text.split())


def _council_name(pack: Pack, names: list[str]) -> str:
    """The name the reports show: the pack's own ``council:``, checked, or the data's names."""
    if not pack.council:
        return " and ".join(names) if len(names) <= NAMED_COUNCILS else f"{len(names)} councils"
    given = f" {short_name(pack.council)} "
    missing = [n for n in names if f" {short_name(n)} " not in given]
    if missing:
        raise PackError(pack.path, "council",
                        f"'{pack.council}' does not name {' and '.join(missing)}, whose plan the pack reports on "
                        f"(the data holds: {'; '.join(names)}). Write the council as the data names it, or leave "
                        "'council' out to take the name from the data")
    return pack.council
