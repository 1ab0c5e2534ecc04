"""A pack checked against its data, before any kernel starts, and its run snapshot.

``prepare`` reads each of the pack's data files once (hashing the very bytes it
parses), then refuses what would give a report that looks true but is not:

* data with errors (every finding is listed);
* a council code a notebook asks for that is not in the data ("did you mean 'WDC'?");
* a ``council:`` name that does not name the councils the data holds;
* a report with no actions, unless the pack says ``allow_empty: true``;
* a notebook parameter its notebook would refuse (``reportlib.analysis.parameters``, the
  check each notebook's first cell runs: a negative ``due_soon_days``...), and an ``owner:``
  no action names.

With ``owner:``, the data is cut to that officer's actions (joint ones included).

What passes is cut to the pack's as-of date and audience (``snapshot.cut``): the
notebooks, ``tables.xlsx`` and the provenance footer all come from that one cut.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reportlib.analysis import owners, snapshot
from reportlib.analysis.parameters import NAMED_COUNCILS, ParameterError, check_parameters, council_name, short_name
from reportlib.analysis.plans import inspect_plans
from reportlib.errors import PackError, UnknownCouncil, ValidationFailed
from reportlib.model.plans import Plans
from reportlib.run.packs import INJECTED_PARAMETERS, Pack

__all__ = ["NAMED_COUNCILS", "Prepared", "prepare", "short_name"]


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
    _checked_parameters(pack, plans)
    covered = list(codes) if codes is not None else list(known)
    try:
        council = council_name(pack.council or "", [known[c] for c in covered])
    except ParameterError as exc:
        raise PackError(pack.path, "council", exc.reason) from None
    if pack.owner:
        try:
            plans = owners.only(plans, pack.owner)
        except owners.UnknownOwner as exc:
            raise PackError(pack.path, "owner", exc.message) from None
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


def _checked_parameters(pack: Pack, plans: Plans) -> None:
    """Each notebook's own parameters (the pack's, over the notebook's defaults) as the notebook's
    first cell checks them; those the pack injects are checked as the pack's own keys."""
    for i, spec in enumerate(pack.notebooks):
        values = {name: spec.value(name) for name in spec.declared if name not in INJECTED_PARAMETERS}
        try:
            check_parameters(values, plans if "council_code" in values or "owner" in values else None)
        except ParameterError as exc:
            where = f"parameters.{exc.parameter}" if exc.parameter in spec.parameters else "parameters"
            reason = exc.reason if where != "parameters" else \
                f"{exc.parameter}: {exc.reason} (the notebook's default, as the pack does not set it)"
            raise PackError(pack.path, f"notebooks[{i}].{where}", reason) from None
