"""Machine-to-machine endpoints (channel webhooks) answered without the user and page middleware.

A view marked ``@stateless`` is called by ``StatelessViewMiddleware``, placed after
``SecurityMiddleware``, WhiteNoise, the (lazy) session, locale and the query-string guard,
so it skips what only people's pages need: CSRF (such views are ``csrf_exempt`` anyway),
authentication, the second factor and session limits, messages, axes and the history
user. Those cost a store-only webhook about a fifth of its CPU (issue 13.4,
BENCHMARKS.md). ``SecurityMiddleware`` still runs (HTTPS redirect, HSTS, nosniff,
referrer policy), and the answer gets the framing and content-security headers the
skipped middleware would have added, for a resource that is not a page:
``X-Frame-Options: DENY`` and ``default-src 'none'``.

Only fixed paths (no URL arguments) can be marked; the middleware finds them once per
URLconf, then one dictionary lookup per request decides. A stateless view must not read
``request.user`` or ``request.session``.
"""
from __future__ import annotations

from functools import lru_cache

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

STATELESS_CSP = "default-src 'none'; frame-ancestors 'none'"


def stateless(view):
    """Mark a view that needs no session, user, language or CSRF check (see the module docstring)."""
    view.stateless = True
    return view


@lru_cache(maxsize=8)
def stateless_paths(resolver: URLResolver) -> dict:
    """Every marked view of the URLconf by its path ("/bots/telegram/")."""
    found = {}

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if isinstance(pattern.pattern, RoutePattern) and not pattern.pattern.converters:
                    walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern) and getattr(pattern.callback, "stateless", False):
                if not isinstance(pattern.pattern, RoutePattern) or pattern.pattern.converters:
                    raise ValueError(f"@stateless view {pattern.lookup_str} needs a fixed path")
                found.setdefault("/" + prefix + str(pattern.pattern), pattern.callback)

    walk(resolver.url_patterns, "")
    return found


class StatelessViewMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        view = stateless_paths(get_resolver()).get(request.path_info)
        if view is None:
            return self.get_response(request)
        response = view(request)
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Content-Security-Policy", STATELESS_CSP)
        if not response.streaming and "Content-Length" not in response.headers:
            response.headers["Content-Length"] = str(len(response.content))
        return response
