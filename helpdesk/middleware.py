"""Refuse query strings holding control characters (NUL and the like) with a 400, before any view.

No search, filter or page number needs them, and some reach the database as
errors (PostgreSQL refuses NUL in text): one rule here instead of one per view.
"""
from __future__ import annotations

import re

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.translation import gettext as _

# C0 controls except tab, line feed and carriage return (a pasted search may hold them), DEL and C1 controls.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class QueryStringGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        for key, values in request.GET.lists():
            if CONTROL.search(key) or any(CONTROL.search(value) for value in values):
                return HttpResponseBadRequest(
                    _("The address holds characters that cannot be searched for (such as NUL). Remove them and try again."),
                    content_type="text/plain; charset=utf-8",
                )
        return self.get_response(request)
