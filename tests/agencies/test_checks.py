"""System checks of the agency settings."""
from agencies.checks import rate_limit_cache_check


def test_system_check_warns_when_the_rate_limit_is_per_process(settings):
    settings.DEBUG = False
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert [w.id for w in rate_limit_cache_check(None)] == ["agencies.W001"]
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "cache"}}
    assert rate_limit_cache_check(None) == []
