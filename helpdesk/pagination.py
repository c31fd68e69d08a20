"""Lists that cost the same on page 500 as on page 1, at 10,000 rows or 10 million.

Two tools, used by every long staff list (people, contacts, cases):

- :class:`KeysetPage`: "Next" carries the sort key of the last row shown (``?after=``), "Previous"
  the first (``?before=``), so a page is one index range read of ``PAGE_SIZE + 1`` rows, never an
  OFFSET that reads and throws away every earlier row. The links keep the list's other parameters
  (filters, the search token ``?s=``), so they stay stable under filters and searches; rows added
  meanwhile never shift a page by one. The price: no "page N of M" and no jumping to page 300
  (nobody reads page 300: they filter or search).
- :func:`capped_counts`: counts that stop at ``COUNT_CAP`` (shown "1,000+"), several in one
  statement, each a ``LIMIT``ed subquery, so a count never scans a centre's whole history.
  Chosen over counters kept up to date by every write (complaint services, workflow moves,
  erasure, deletion, imports): nothing to drift, nothing to lock, and the access rules apply
  to a count exactly as to the list, since both start from the same selector.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet, ValidationError
from django.db import connections
from django.db.models import Q, QuerySet

PAGE_SIZE = 50
COUNT_CAP = 1000
CURSOR_SEPARATOR = "~"
NOT_CARRIED = ("page", "after", "before")  # a list's own paging parameters; everything else is kept in its links


@dataclass(frozen=True)
class CappedCount:
    """A count that stopped at the cap: shown "1,000+" rather than a number the database never finished."""

    value: int
    capped: bool

    def __str__(self) -> str:
        return f"{self.value:,}+" if self.capped else f"{self.value:,}"

    def __bool__(self) -> bool:
        return self.value > 0


def capped_counts(querysets: dict[str, QuerySet], cap: int = COUNT_CAP) -> dict[str, CappedCount]:
    """Count each queryset up to ``cap`` rows, all in one statement (``SELECT (SELECT COUNT(*) FROM (... LIMIT cap+1)), ...``)."""
    if not querysets:
        return {}
    using = next(iter(querysets.values())).db
    parts, params = [], []
    for n, queryset in enumerate(querysets.values()):
        inner = queryset.order_by().values("pk")[: cap + 1]
        try:
            sql, inner_params = inner.query.get_compiler(using=using).as_sql()
        except EmptyResultSet:  # .none(), or a filter that can match nothing
            parts.append("0")
            continue
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) capped_{n})")
        params.extend(inner_params)
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    return {name: CappedCount(min(value, cap), value > cap) for name, value in zip(querysets, row, strict=True)}


def list_query(params) -> str:
    """Return a list's query string without its paging parameters (for its filter and pager links)."""
    query = params.copy()
    for name in NOT_CARRIED:
        query.pop(name, None)
    return query.urlencode()


class KeysetPage:
    """One page of ``queryset`` in its own order (which must end with the primary key), from ``?after=`` or ``?before=``.

    Iterates like a Django ``Page``; ``object_list``, ``has_next``, ``has_previous``, and the
    cursors for the links (``next_cursor``, ``previous_cursor``). A cursor that does not parse
    gives the first page, as a bad page number did.
    """

    def __init__(self, queryset: QuerySet, params, size: int = PAGE_SIZE):
        model = queryset.model
        ordering = list(queryset.query.order_by or model._meta.ordering)
        self.keys = [(name.lstrip("-"), name.startswith("-")) for name in ordering]
        if not self.keys or self.keys[-1][0] not in ("id", "pk"):
            raise ValueError(f"KeysetPage needs an ordering that ends with the primary key, not {ordering}")
        self.fields = [model._meta.pk if name == "pk" else model._meta.get_field(name) for name, _desc in self.keys]
        after, before = self._parse(params.get("after")), self._parse(params.get("before"))
        if before is not None:
            rows = list(self._beyond(queryset, before, backwards=True)[: size + 1])
            self.has_previous, self.has_next = len(rows) > size, True
            rows = rows[:size][::-1]
        elif after is not None:
            rows = list(self._beyond(queryset, after, backwards=False)[: size + 1])
            self.has_previous, self.has_next = True, len(rows) > size
            rows = rows[:size]
        else:
            rows = list(queryset[: size + 1])
            self.has_previous, self.has_next = False, len(rows) > size
            rows = rows[:size]
        self.object_list = rows

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    @property
    def next_cursor(self) -> str:
        return self._cursor(self.object_list[-1]) if self.object_list else ""

    @property
    def previous_cursor(self) -> str:
        return self._cursor(self.object_list[0]) if self.object_list else ""

    def _cursor(self, row) -> str:
        values = [getattr(row, field.attname) for field in self.fields]
        return CURSOR_SEPARATOR.join(value.isoformat() if hasattr(value, "isoformat") else str(value) for value in values)

    def _parse(self, cursor: str | None) -> list | None:
        if not cursor:
            return None
        parts = cursor.split(CURSOR_SEPARATOR)
        if len(parts) != len(self.fields):
            return None
        try:
            values = [field.to_python(part) for field, part in zip(self.fields, parts, strict=True)]
        except (ValidationError, ValueError, TypeError, OverflowError):
            return None
        return None if any(value is None for value in values) else values

    def _beyond(self, queryset: QuerySet, values: list, *, backwards: bool) -> QuerySet:
        """Rows after the cursor in the list's order (before it when ``backwards``, in reverse order)."""
        condition = None
        for i in range(len(self.keys) - 1, -1, -1):  # (a > x) | (a = x & ((b > y) | (b = y & ...)))
            name, descending = self.keys[i]
            step = Q(**{f"{name}__{'gt' if descending == backwards else 'lt'}": values[i]})
            condition = step if condition is None else step | (Q(**{name: values[i]}) & condition)
        first, descending = self.keys[0]
        # The same bound again as a plain range on the first key, so the database walks its index from there.
        bound = Q(**{f"{first}__{'gte' if descending == backwards else 'lte'}": values[0]})
        rows = queryset.filter(bound & condition)
        if backwards:
            rows = rows.order_by(*[name if descending else f"-{name}" for name, descending in self.keys])
        return rows
