"""Plans loaded and classified in one call: ``load_plans`` and ``inspect_plans``.

Reading (``reportlib.ingest.load.read_plans``), then the statuses: each update's text
read as a status (``status.classify``), the council's own status words applied
(``words``), then the analysts' decisions kept beside the data (``decisions``).
``load_plans`` raises ``ValidationFailed`` when any finding is an error;
``inspect_plans`` returns them all for ``reportlib validate``.
"""
from __future__ import annotations

import hashlib

import pandas as pd

from reportlib.analysis import decisions, words
from reportlib.analysis.status import classify
from reportlib.errors import Finding, InputError, ValidationFailed
from reportlib.ingest.load import MAX_ROWS, plan_input, read_plans
from reportlib.model.plans import INPUT_COLUMNS, UPDATE_COLUMNS, Plans


def load_plans(paths_or_dir="data", layouts=None, *, max_rows: int = MAX_ROWS) -> Plans:
    """Load every plan named (files, or folders of .xlsx/.csv/.docx/.pdf) into canonical tables.

    ``layouts``: None to detect each sheet's layout from its headers, or a layout (name,
    path to a YAML file, or Layout) — or a list of them — to choose among only those.
    Raises ``ValidationFailed`` (holding every finding) when the input has errors.
    """
    plans = inspect_plans(paths_or_dir, layouts, max_rows=max_rows)
    if plans.errors:
        raise ValidationFailed(plans.findings)
    return plans


def inspect_plans(paths_or_dir="data", layouts=None, *, max_rows: int = MAX_ROWS) -> Plans:
    """Like ``load_plans`` but never raises for bad input: problems are in ``.findings``."""
    plans, files, layout_inputs = read_plans(paths_or_dir, layouts, max_rows=max_rows)
    try:
        decided = decisions.files_for(files)
    except InputError as exc:  # a decisions file linked in from outside its data folder
        plans.findings = [*plans.findings, Finding("error", "linked_from_outside", exc.message, exc.location)]
        decided = []
    updates, found = words.apply(classify(plans.updates))
    plans.updates = updates[UPDATE_COLUMNS]
    plans.findings = plans.findings + found
    inputs = plans.inputs.to_dict("records")
    read = [(path, path.read_bytes()) for path in decided]
    if read:  # analysts' decisions beside the data, all files together (reportlib.analysis.decisions)
        plans.updates, found = decisions.apply_all(plans.updates, plans.actions, read)
        plans.findings += found
    inputs += [plan_input(path, hashlib.sha256(data).hexdigest(), len(data)) for path, data in read]
    if decided:  # a settled update no longer "goes to review": drop that warning
        plans.findings = _settled_words_dropped(plans)
    plans.inputs = pd.DataFrame(inputs + layout_inputs, columns=INPUT_COLUMNS)
    return plans


def _settled_words_dropped(plans: Plans) -> list[Finding]:
    updates = plans.updates
    reviewed = updates[decisions.reviewed(updates["status_source"])]
    settled = {(u.source_file, u.source_sheet, None if pd.isna(u.source_row) else int(u.source_row))
               for u in reviewed.itertuples()}
    return [f for f in plans.findings if not (f.code in ("unknown_stated_status", "stated_contradicted") and
                                              (f.location.file, f.location.sheet, f.location.row) in settled)]
