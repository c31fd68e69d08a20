"""System checks for the agency lookup's settings."""
from django.conf import settings
from django.core.checks import Warning, register

LOCAL_CACHE = "django.core.cache.backends.locmem.LocMemCache"


@register()
def rate_limit_cache_check(app_configs, **kwargs):
    """Warn when the public lookup's rate limit would be counted per process in production."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if settings.DEBUG or settings.AGENCY_LOOKUP_RATE_LIMIT <= 0 or backend != LOCAL_CACHE:
        return []
    return [
        Warning(
            "The agency lookup rate limit uses the local-memory cache, so each server process counts on its own.",
            hint="Configure a shared cache in CACHES (e.g. Redis or the database cache) when running several processes.",
            id="agencies.W001",
        )
    ]
