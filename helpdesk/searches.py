"""Search terms (a migrant's name or phone) never travel in a URL.

A search form posts its terms; they are kept in the user's session under a random token and the
browser is sent to ``?s=<token>``. So the names typed never reach the browser history of a shared
centre phone, a proxy's or the web server's access log, or a Referer header, while pagination,
the back button and the export link (which carry only the token) keep working. An old ``?q=`` link
is turned into a token the same way.
"""
from __future__ import annotations

import secrets

from django.http import HttpRequest, HttpResponseRedirect, QueryDict

SESSION_KEY = "helpdesk_searches"
KEEP = 20  # tokens kept per session, newest last
TERMS_MAX = 200
NOT_CARRIED = {"q", "s", "page", "after", "before", "csrfmiddlewaretoken"}  # a new search starts at the first page


def search_terms(request: HttpRequest) -> str:
    """Return the terms behind the request's ``?s=`` token ("" when none or expired)."""
    token = request.GET.get("s", "")
    return request.session.get(SESSION_KEY, {}).get(token, "") if token else ""


def _remember(request: HttpRequest, terms: str) -> str:
    saved = dict(request.session.get(SESSION_KEY, {}))
    token = secrets.token_urlsafe(6)
    saved[token] = terms[:TERMS_MAX]
    request.session[SESSION_KEY] = dict(list(saved.items())[-KEEP:])
    return token


def search_redirect(request: HttpRequest) -> HttpResponseRedirect | None:
    """For a posted search (or a legacy ``?q=`` link), remember the terms and redirect to ``?s=<token>``.

    Other filters posted with the search (stage, centre, ...) and the page's own query parameters
    are carried into the new address; return None when the request is not a search.
    """
    source = request.POST if request.method == "POST" else request.GET
    if "q" not in source:
        return None
    query = QueryDict(mutable=True)
    for params in (request.GET, request.POST) if request.method == "POST" else (request.GET,):
        for name, values in params.lists():
            if name not in NOT_CARRIED:
                query.setlist(name, values)
    terms = source.get("q", "").strip()
    if terms:
        query["s"] = _remember(request, terms)
    return HttpResponseRedirect(f"{request.path}?{query.urlencode()}" if query else request.path)
