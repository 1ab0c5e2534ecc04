"""reportlib: committee-ready progress reports from councils' audit action plans.

    plans = reportlib.load_plans("data")          # canonical .actions and .updates
    p = reportlib.progress(plans, "2010-07-31")   # status, timeliness and RAG at a date
"""
from .errors import ReportlibError
from .load import Plans, inspect_plans, load_plans
from .snapshot import plans_for_report
from .progress import Progress, progress

__all__ = ["Plans", "Progress", "ReportlibError", "inspect_plans", "load_plans", "plans_for_report", "progress"]
