"""reportlib: committee-ready progress reports from councils' audit action plans.

    plans = reportlib.load_plans("data")          # canonical .actions and .updates
    p = reportlib.progress(plans, "2010-07-31")   # status, timeliness and RAG at a date

The package is split by pipeline stage: ``core`` (small tools), ``model`` (the canonical
tables and vocabularies), ``ingest`` (files read through layouts), ``analysis`` (status,
progress, changes), ``present`` (tables, charts, HTML, PDF) and ``run`` (packs rendered
unattended), with ``cli`` on top. A notebook imports what it shows from here:
``from reportlib import charts, compare, comparison, report``.
"""
from __future__ import annotations

import importlib

from reportlib.analysis.parameters import check_parameters
from reportlib.analysis.plans import inspect_plans, load_plans
from reportlib.analysis.progress import Progress, progress
from reportlib.analysis.snapshot import plans_for_report
from reportlib.analysis.status import classify
from reportlib.core.version import version as _installed_version
from reportlib.errors import ReportlibError
from reportlib.model.plans import Plans

__version__ = _installed_version()

#: The modules notebooks use, by the short names they import them as.
_NOTEBOOK_MODULES = {
    "charts": "reportlib.present.charts",
    "compare": "reportlib.analysis.compare",
    "comparison": "reportlib.present.comparison",
    "report": "reportlib.present.report",
    "tables": "reportlib.present.tables",
}

__all__ = ["Plans", "Progress", "ReportlibError", "__version__", "check_parameters", "classify", "inspect_plans",
           "load_plans", "plans_for_report", "progress", *_NOTEBOOK_MODULES]


def __getattr__(name: str):
    """``from reportlib import charts`` (and the other notebook modules), imported when first asked for."""
    if name in _NOTEBOOK_MODULES:
        module = importlib.import_module(_NOTEBOOK_MODULES[name])
        globals()[name] = module
        return module
    raise AttributeError(f"module 'reportlib' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_NOTEBOOK_MODULES))
