"""Per-client rate limit for the public lookup, on Django's cache framework.

A window per client IP: at most ``AGENCY_LOOKUP_RATE_LIMIT`` requests per
``AGENCY_LOOKUP_RATE_WINDOW`` seconds. Behind ``AGENCY_LOOKUP_TRUSTED_PROXIES``
reverse proxies the client is read from X-Forwarded-For (counting from the
right, so a client cannot forge its own address). With the default
local-memory cache each server process counts on its own; configure a shared
cache (CACHES) when running several.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from helpdesk import network


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    retry_after: int  # seconds until the window resets


def client_ip(request: HttpRequest) -> str:
    return network.client_ip(request, proxies=getattr(settings, "AGENCY_LOOKUP_TRUSTED_PROXIES", 0)) or "unknown"


def rate_limit_hit(request: HttpRequest, scope: str = "agency-lookup") -> RateDecision:
    """Count this request against the client's window and say whether it may be served."""
    return window_hit(
        f"{scope}:{client_ip(request)}", limit=settings.AGENCY_LOOKUP_RATE_LIMIT, window=settings.AGENCY_LOOKUP_RATE_WINDOW,
    )


def window_hit(client: str, *, limit: int, window: int) -> RateDecision:
    """Count one request of ``client`` (any stable key: an IP, an API token's id) against its window."""
    window = max(1, window)
    if limit <= 0:
        return RateDecision(True, 0)
    # The window opens at the client's first request and lasts ``window`` seconds.
    key = f"ratelimit:{client}"
    now = time.time()
    cache.add(f"{key}:start", now, timeout=window)
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # the window closed between add and incr
        cache.set(f"{key}:start", now, timeout=window)
        cache.set(key, 1, timeout=window)
        count = 1
    started = cache.get(f"{key}:start", now)
    retry_after = max(1, int(started + window - now + 0.999))
    return RateDecision(count <= limit, retry_after)
