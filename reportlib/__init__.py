"""reportlib: committee-ready progress reports from councils' audit action plans.

    plans = reportlib.load_plans("data")        # canonical .actions and .updates
"""
from .errors import ReportlibError
from .load import Plans, inspect_plans, load_plans

__all__ = ["Plans", "ReportlibError", "inspect_plans", "load_plans"]
