"""The time stamped into a document's metadata: the report's as-of date, never the clock,
so that the same inputs give the same bytes."""
from __future__ import annotations

from datetime import UTC, date, datetime, time


def document_time(as_of: date | str) -> datetime:
    """The time written into a document's metadata: midnight UTC at the start of the as-of date
    (a date, a datetime or pandas Timestamp, or an ISO date string)."""
    if isinstance(as_of, datetime):
        as_of = as_of.date()
    elif not isinstance(as_of, date):
        as_of = date.fromisoformat(str(as_of)[:10])
    return datetime.combine(as_of, time(0, 0), tzinfo=UTC)
