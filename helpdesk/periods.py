"""Reporting periods (quarters and years) in Asia/Yangon."""
from __future__ import annotations

from datetime import date


def quarter_bounds(day: date) -> tuple[date, date]:
    """Return the first and last day of the quarter containing ``day``."""
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = date(day.year, first_month, 1)
    end = date(day.year + 1, 1, 1) if first_month == 10 else date(day.year, first_month + 3, 1)
    return start, date.fromordinal(end.toordinal() - 1)


def quarter_label(day: date) -> str:
    return f"{day.year} Q{(day.month - 1) // 3 + 1}"
