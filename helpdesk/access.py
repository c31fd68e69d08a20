"""The access log's one writer: who opened which person, case, conversation, PDF or export.

Every personal page and download is decorated with :func:`logs_access` (apps import it from here;
helpdesk knows nothing of their models, only the kind and the id in the URL). The same decorator
marks the response ``Cache-Control: no-store`` so no shared phone or proxy keeps a copy.
"""
from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.http import HttpRequest, QueryDict
from django.utils.cache import add_never_cache_headers

from helpdesk.models import AccessLog

Kind = AccessLog.Kind
# Query parameters never written to the log: search terms (and their session token) are personal data.
SECRET_PARAMETERS = {"q", "s", "csrfmiddlewaretoken"}


def client_ip(request: HttpRequest) -> str | None:
    """Return the client's address: REMOTE_ADDR, or the address the trusted proxies saw.

    With ``TRUSTED_PROXIES = n`` (n proxies in front of the app, each appending to
    X-Forwarded-For) the client is the n-th address from the right; anything further left was
    written by the client itself and is not trusted.
    """
    proxies = getattr(settings, "TRUSTED_PROXIES", 0)
    if proxies:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(hops) >= proxies:
            return _valid_ip(hops[-proxies])
    return _valid_ip(request.META.get("REMOTE_ADDR", ""))


def _valid_ip(text: str) -> str | None:
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_ipv46_address

    try:
        validate_ipv46_address(text)
    except ValidationError:
        return None
    return text


def export_detail(query: QueryDict) -> str:
    """Describe an export's filters for the log, without search terms."""
    kept = QueryDict(mutable=True)
    for name, values in query.lists():
        if name not in SECRET_PARAMETERS and name != "page":
            kept.setlist(name, values)
    detail = kept.urlencode()
    if query.get("q") or query.get("s"):
        detail = f"{detail} +search" if detail else "+search"
    return detail[:300]


def access_record(
    request: HttpRequest, *, kind: str, object_id: int | None = None, detail: str = "", api_token: str = ""
) -> AccessLog:
    """Write one access-log row for the request's user, or the API token that made the call (the only place rows are written)."""
    user = request.user
    return AccessLog.objects.create(
        user=user if user.is_authenticated else None,
        username=user.get_username() if user.is_authenticated else "",
        kind=kind,
        object_id=object_id,
        path=request.path[:300],
        detail=detail[:300],
        ip=client_ip(request),
        api_token=api_token[:100],
    )


def logs_access(kind: str, *, id_arg: str | None = "pk"):
    """Log a successful GET of the view (``kind``, the URL's ``id_arg``) and forbid caching its answer.

    Put it under the permission decorator: refused and missing records (403/404) are not reads.
    """

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            add_never_cache_headers(response)
            if request.method == "GET" and response.status_code == 200:
                object_id = kwargs.get(id_arg) if id_arg else None
                detail = export_detail(request.GET) if kind in (Kind.EXPORT, Kind.PDF) else ""
                access_record(request, kind=kind, object_id=object_id, detail=detail)
            return response

        return wrapper

    return decorate
