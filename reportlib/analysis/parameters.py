"""A report's parameters checked before anything is shown: the same check in Lab, papermill and
``reportlib render`` (``reportlib.run.prepare`` calls it for every notebook of a pack; each
notebook calls it in its first code cell).

Refused, naming the parameter and the form expected: an ``as_of`` that is not an ISO date
("March 2010" would be read as 1 March), a negative ``due_soon_days``, an unknown
``audience``, a council code or an officer (``owner``) the data does not hold, and a
``council`` name that does not name the council whose figures the report shows. A council
name not given is taken from the data, so figures are never headed with another council's
name.
"""
from __future__ import annotations

import atexit
import re
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from reportlib.analysis import owners, snapshot
from reportlib.errors import ReportlibError, UnknownCouncil, ValidationFailed

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# How council names are shortened when compared: "Warwick District Council" -> "warwick dc".
_SHORT = (("metropolitan borough council", "mbc"), ("district council", "dc"), ("borough council", "bc"),
          ("county council", "cc"), ("city council", "cc"), ("council", ""))
_WORDS = re.compile(r"[^a-z0-9]+")
#: Councils named one by one when no council is given; above this, "400 councils".
NAMED_COUNCILS = 3


class ParameterError(ReportlibError):
    """A parameter a report cannot run with: ``parameter`` names it, ``reason`` says what is wrong."""

    def __init__(self, parameter: str, reason: str):
        self.parameter = parameter
        self.reason = reason
        super().__init__(f"parameter '{parameter}': {reason}")


@dataclass(frozen=True)
class Checked:
    """What the checked parameters come to: the council name the report shows, and the data it
    reads (``snapshot``: a run snapshot cut to one officer's actions when ``owner`` is given)."""

    council: str
    snapshot: str = ""

    def __iter__(self):  # council, snapshot = check_parameters(...)
        return iter((self.council, self.snapshot))


def iso_date(value, parameter: str = "as_of") -> date:
    """``value`` as a date when it is one, or ISO text (YYYY-MM-DD); else ``ParameterError``."""
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if _ISO_DATE.match(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise ParameterError(parameter, f"{value!r} is not a date written YYYY-MM-DD (e.g. 2010-07-31)")


#: The longest "due soon" window a report may use: ten years (anything longer is a typing slip).
MAX_DUE_SOON_DAYS = 3660


def check_values(values: Mapping) -> None:
    """The checks that need no data: dates, windows, audience, codes and names as text."""
    if "as_of" in values and values["as_of"] not in (None, ""):
        iso_date(values["as_of"])
    if "due_soon_days" in values:
        days = values["due_soon_days"]
        if isinstance(days, bool) or not isinstance(days, int):
            raise ParameterError("due_soon_days", f"{days!r} is not a whole number of days (0 or more)")
        if days < 0:
            raise ParameterError("due_soon_days", f"{days} days: the window must be 0 or more days")
        if days > MAX_DUE_SOON_DAYS:
            raise ParameterError("due_soon_days", f"{days} days: the window must be at most {MAX_DUE_SOON_DAYS} "
                                 "days (ten years)")
    if "audience" in values and values["audience"] not in snapshot.AUDIENCES:
        raise ParameterError("audience", f"{values['audience']!r} is not one of {', '.join(snapshot.AUDIENCES)}")
    if "council_code" in values and (not isinstance(values["council_code"], str) or not values["council_code"].strip()):
        raise ParameterError("council_code", f"{values['council_code']!r} is not a council code (e.g. WDC)")
    for name in ("council", "owner"):
        if name in values and values[name] is not None and not isinstance(values[name], str):
            raise ParameterError(name, f"{values[name]!r} is not text")


def check_parameters(values: Mapping, plans=None) -> Checked:
    """Check a notebook's parameters (``values``: name -> value; names it does not know are left
    alone) and return the council name to show and the data to read.

    ``plans``: the data, when the caller has it; else it is read from ``snapshot`` or
    ``data_paths`` in ``values`` (when neither is given, only the checks needing no data run).
    """
    check_values(values)
    code, council = values.get("council_code"), (values.get("council") or "").strip()
    owner = (values.get("owner") or "").strip()
    data_given = values.get("snapshot") or values.get("data_paths")
    if plans is None and not data_given:
        return Checked(council, values.get("snapshot") or "")
    if plans is None:
        as_of = values.get("as_of") or None
        plans = snapshot.plans_for_report(values.get("data_paths") or [], values.get("snapshot") or "",
                                          as_of=as_of, audience=values.get("audience", "internal"), strict=False)
    known = plans.councils()
    if code is not None and code not in known:
        raise ParameterError("council_code", UnknownCouncil(code, known).message)
    covered = [code] if code is not None else sorted(known)
    shown = council_name(council, [known[c] for c in covered])
    if not owner:
        return Checked(shown, values.get("snapshot") or "")
    mine = plans.council(code) if code is not None else plans
    try:
        cut = owners.only(mine, owner)
    except owners.UnknownOwner as exc:
        raise ParameterError("owner", exc.message) from None
    if values.get("snapshot") and len(cut.actions) == len(mine.actions):
        return Checked(shown, values["snapshot"])  # already one officer's (prepared by render)
    if plans.errors:
        raise ValidationFailed(plans.findings)
    folder = tempfile.mkdtemp(prefix="reportlib-owner-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    snapshot.write(cut, folder, owner=owner, as_of=str(values.get("as_of") or ""), council=shown)
    return Checked(shown, folder)


def short_name(name: str) -> str:
    """ "Warwick District Council" -> "warwick dc": names compared without their formal ending."""
    text = " ".join(_WORDS.split(name.lower())).strip()
    for long, short in _SHORT:
        text = re.sub(rf"\b{long}\b", short, text)
    return " ".join(text.split())


def council_name(given: str, names: list[str]) -> str:
    """The council name a report shows: ``given``, when it names every council of ``names`` (the
    councils whose figures the report shows), else ``ParameterError``; the data's names when not given.
    Above ``NAMED_COUNCILS`` councils ``given`` describes them ("45 councils") and is taken as it is."""
    if not given:
        return " and ".join(names) if len(names) <= NAMED_COUNCILS else f"{len(names)} councils"
    if len(names) > NAMED_COUNCILS:  # "45 synthetic councils": many councils are described, not named
        return given
    padded = f" {short_name(given)} "
    missing = [n for n in names if f" {short_name(n)} " not in padded]
    if missing:
        raise ParameterError("council", f"'{given}' does not name {' and '.join(missing)}, whose figures the report "
                                        f"shows (the data holds: {'; '.join(names)}). Write the council as the data "
                                        "names it, or leave it empty to take the name from the data")
    return given


def council_from_data(values: Mapping) -> str:
    """The council a run with ``values`` reports on, named from its data ("" when that cannot be read)."""
    try:
        return check_parameters({k: values[k] for k in ("data_paths", "snapshot", "council_code", "as_of", "audience")
                                 if k in values}).council
    except (ReportlibError, OSError, ValueError):
        return ""
