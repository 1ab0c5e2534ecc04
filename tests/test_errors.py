"""Every error reportlib raises on purpose survives a pickle round trip whole: same type, same
message, same fields. That is how a failure comes back from a process pool, a bounded stage or a
Dask worker, so a pack's error reads the same wherever the pack ran."""
from __future__ import annotations

import importlib
import pickle
import pkgutil

import pytest

import reportlib
from reportlib.analysis.owners import UnknownOwner
from reportlib.analysis.parameters import ParameterError
from reportlib.analysis.status import RuleTableError
from reportlib.analysis.status_check import LabelledFileError
from reportlib.analysis.textmodel import ModelFileError
from reportlib.errors import (
    Finding,
    InputError,
    LayoutError,
    Location,
    NotebookFailed,
    PackError,
    RenderError,
    ReportlibError,
    TableError,
    UnknownCouncil,
    ValidationFailed,
)
from reportlib.run.bounded import StageMemory, StageTimeout
from reportlib.run.cluster import ClusterError
from reportlib.run.manifest import ManifestError
from reportlib.run.publish import ParentGone
from reportlib.run.verify import VerifyError

WHERE = Location("plan.xlsx", "Action Plan", 12, "Target")
FINDINGS = [Finding("error", "bad_date", "'Q5 2010' is not a date", WHERE),
            Finding("error", "no_action", "the action is empty", Location("plan.xlsx", "Action Plan", 13)),
            Finding("warning", "formula", "a formula without a cached value")]

ERRORS = {
    "ReportlibError": ReportlibError("something is wrong", WHERE),
    "InputError": InputError("not a workbook", Location(file="plan.pdf")),
    "LayoutError": LayoutError("no layout fits", Location("plan.xlsx", "Sheet1")),
    "ValidationFailed": ValidationFailed(FINDINGS),
    "PackError": PackError("params/wdc.yaml", "notebooks[0].parameters.council_code", "council code 'wdc' is not in the data"),
    "PackError without key": PackError("params/wdc.yaml", None, "not valid YAML"),
    "UnknownCouncil": UnknownCouncil("wdc", {"WDC": "Warwick District Council"}),
    "RenderError": RenderError("x.html would load from outside the report", pack="wdc", output="x.html"),
    "TableError": TableError("no column 'owner'"),
    "NotebookFailed": NotebookFailed("notebooks/a.ipynb", "ValueError", "totals do not add up", cell=3,
                                     cell_line="raise ValueError(…)", pack="wdc", kept="reports/_failed/wdc/2010-07-31"),
    "NotebookFailed timeout": NotebookFailed("notebooks/a.ipynb", "CellTimeout", "timed out after 2 s", cell=4,
                                             cell_line="while True: …"),
    "StageTimeout": StageTimeout("writing a.pdf (pdf stage)", 2, pack="wdc", output="a.pdf"),
    "StageTimeout while reading": StageTimeout("validate (loading the data)", 600, reading="cells.docx",
                                               advice="allow more with --time-limit SECONDS"),
    "StageMemory": StageMemory("loading the data (load stage)", 2 * 2**30, reading="plan.xlsx", pack="wdc",
                               advice="allow more with the pack's stage_memory.load (MiB)"),
    "ParentGone": ParentGone(123, 1),
    "ManifestError": ManifestError("reports/wdc/2010-07-31/manifest.json", "Expecting value"),
    "ClusterError": ClusterError("tcp://127.0.0.1:8786", "cannot reach the Dask scheduler at tcp://127.0.0.1:8786"),
    "RuleTableError": RuleTableError("rules/status_rules.yaml", "complete-done", "pattern does not compile"),
    "LabelledFileError": LabelledFileError("labelled.csv", "no status column", row=3, column="status"),
    "ModelFileError": ModelFileError("the status model has no coef", Location(file="rules/status_model.npz")),
    "VerifyError": VerifyError("reports/wdc/2010-07-31/manifest.json cannot be read"),
    "ParameterError": ParameterError("due_soon_days", "-5 days: the window must be 0 or more days"),
    "UnknownOwner": UnknownOwner("HoFF", ["HoF", "IPM"]),
}


def _every_error_class() -> set[type]:
    """Every ReportlibError subclass in the package, found by importing each module."""
    for module in pkgutil.walk_packages(reportlib.__path__, "reportlib."):
        if not module.name.endswith("__main__"):  # that one runs the command
            importlib.import_module(module.name)
    found, todo = set(), [ReportlibError]
    while todo:
        cls = todo.pop()
        found.add(cls)
        todo.extend(cls.__subclasses__())
    return {cls for cls in found if cls.__module__.startswith("reportlib")}


def test_every_error_class_has_an_example_here():
    assert _every_error_class() - {type(e) for e in ERRORS.values()} == set()


@pytest.mark.parametrize("name", list(ERRORS))
def test_error_survives_a_pickle_round_trip_with_its_fields(name):
    error = ERRORS[name]
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error)
    assert str(copy) == str(error) and copy.args == error.args
    assert vars(copy) == vars(error)  # every field: file, key, findings, cell, pack, output...


def test_fields_say_where_without_parsing_the_message():
    failed = pickle.loads(pickle.dumps(ERRORS["NotebookFailed"]))
    assert (failed.notebook, failed.cell, failed.ename, failed.evalue) == (
        "notebooks/a.ipynb", 3, "ValueError", "totals do not add up")
    assert str(failed) == "notebooks/a.ipynb, cell 3 (`raise ValueError(…)`): ValueError: totals do not add up"
    pack = pickle.loads(pickle.dumps(ERRORS["PackError"]))
    assert (pack.file, pack.key) == ("params/wdc.yaml", "notebooks[0].parameters.council_code")
    invalid = pickle.loads(pickle.dumps(ERRORS["ValidationFailed"]))
    assert invalid.findings == FINDINGS and str(invalid).endswith("(and 1 more errors)")
    assert invalid.location == WHERE
