"""Bearer-token authentication, the per-token rate limit and the access log: every API call passes here first."""
from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ninja.security import HttpBearer

from agencies.ratelimit import window_hit
from api.models import ApiToken
from api.selectors import api_token_for_secret
from api.services import api_token_touch
from helpdesk.access import access_record, export_detail
from helpdesk.models import AccessLog


class RateLimited(Exception):
    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = retry_after


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>``; no session, no cookie, so no CSRF and no second-factor step."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        api_token = api_token_for_secret(token)
        if api_token is None:
            return None
        decision = window_hit(f"api:{api_token.pk}", limit=settings.API_RATE_LIMIT, window=settings.API_RATE_WINDOW)
        if not decision.allowed:
            raise RateLimited(decision.retry_after)
        api_token_touch(token=api_token)
        access_record(request, kind=AccessLog.Kind.API, detail=export_detail(request.GET), api_token=api_token.label)
        return api_token
