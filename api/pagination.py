"""Cursor pagination: an opaque cursor holds the sort key of the last item sent, so pages never shift or repeat."""
from __future__ import annotations

import base64
import binascii
import json

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


class CursorInvalid(ValueError):
    pass


def cursor_encode(values: list) -> str:
    return base64.urlsafe_b64encode(json.dumps(values, default=str).encode()).decode().rstrip("=")


def cursor_decode(cursor: str, size: int) -> list:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise CursorInvalid from None
    if not isinstance(values, list) or len(values) != size or not all(isinstance(v, str | int) for v in values):
        raise CursorInvalid
    return values


def _after(fields: tuple[str, ...], values: list) -> Q:
    """Rows strictly after ``values`` in the (ascending) order of ``fields``."""
    condition = Q()
    for i, field in enumerate(fields):
        step = Q(**{f"{field}__gt": values[i]}, **{fields[j]: values[j] for j in range(i)})
        condition |= step
    return condition


def cursor_page(
    queryset: QuerySet, *, fields: tuple[str, ...], cursor: str | None, limit: int, request: HttpRequest
) -> tuple[list, str | None]:
    """Return one page of ``queryset`` ordered by ``fields`` (the last one unique) and the next page's address, or None."""
    if cursor:
        try:
            queryset = queryset.filter(_after(fields, cursor_decode(cursor, len(fields))))
        except (ValidationError, ValueError, TypeError):  # a forged value of the wrong type
            raise CursorInvalid from None
    items = list(queryset.order_by(*fields)[: limit + 1])
    if len(items) <= limit:
        return items, None
    items = items[:limit]
    query = request.GET.copy()
    query["cursor"] = cursor_encode([_key(getattr(items[-1], f)) for f in fields])
    return items, request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def _key(value):
    return value if isinstance(value, int) else str(value.isoformat() if hasattr(value, "isoformat") else value)
