"""The register's version: which snapshot of the agencies the in-process lookup index must match.

Kept in Django's cache and bumped (deleted) on every write, so a lookup reads no
table to know its index is current. Why a cache entry with a short lifetime rather
than a version row: with Redis (``REDIS_URL``) every process sees a bump at once;
with the default local-memory cache (``make run``, one process per machine) the
cache is per process, so a write in another process (a worker's import) is seen
when the entry expires, after at most ``AGENCY_REGISTER_RECHECK_SECONDS``. On a
miss the version is computed from the table (one COUNT + MAX query), as before.
"""
from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Max

CACHE_KEY = "agencies:register-version"
DEFAULT_RECHECK_SECONDS = 10


def register_version() -> tuple:
    """Return a marker that changes whenever an agency is added, changed or deleted (cached; see the module)."""
    version = cache.get(CACHE_KEY)
    if version is None:
        from agencies.models import Agency

        row = Agency.objects.aggregate(n=Count("id"), latest=Max("updated_at"))
        version = (row["n"], row["latest"])
        cache.set(CACHE_KEY, version, getattr(settings, "AGENCY_REGISTER_RECHECK_SECONDS", DEFAULT_RECHECK_SECONDS))
    return version


def register_changed() -> None:
    """Bump the version now (this transaction's own reads) and again on commit (a version computed
    by another process between the write and the commit would otherwise be kept until it expires)."""
    cache.delete(CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(CACHE_KEY))
