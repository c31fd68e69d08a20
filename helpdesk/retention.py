"""Retention: blank personal data after the period set for its kind, keeping every aggregate.

helpdesk does not know what the other apps hold; each registers its kinds
(``helpdesk.extensions.register_retention_kind``) and this module runs them,
one transaction per kind, so a failure in one kind leaves the others done.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from helpdesk.extensions import RETENTION_KINDS


@dataclass(frozen=True)
class RetentionResult:
    name: str
    days: int
    cutoff: dt.datetime
    count: int


def retention_cutoff(*, days: int, today: dt.date | None = None) -> dt.datetime:
    """Return the start (Yangon midnight) of the oldest day still kept.

    Data from Yangon day D is kept through day D + ``days`` and blanked from
    the day after, whatever UTC date the server stored it under.
    """
    if days < 1:
        raise ValueError("a retention period must be at least 1 day")
    today = today or timezone.localdate()
    midnight = dt.datetime.combine(today - dt.timedelta(days=days), dt.time.min)
    return timezone.make_aware(midnight, timezone.get_default_timezone())


def retention_apply(*, dry_run: bool = False, today: dt.date | None = None) -> list[RetentionResult]:
    """Blank (or, with ``dry_run``, count) every registered kind of personal data past its period."""
    today = today or timezone.localdate()
    for kind in RETENTION_KINDS:  # check every period before blanking anything
        if int(getattr(settings, kind.setting)) < 1:
            raise ImproperlyConfigured(f"{kind.setting} must be a number of days, at least 1")
    results = []
    for kind in RETENTION_KINDS:
        days = int(getattr(settings, kind.setting))
        cutoff = retention_cutoff(days=days, today=today)
        with transaction.atomic():
            count = kind.apply(cutoff=cutoff, today=today, dry_run=dry_run)
        results.append(RetentionResult(kind.name, days, cutoff, count))
    return results
