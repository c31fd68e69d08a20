"""Rollups of the beneficiary table for closed quarters, kept exact by the writes and rebuildable.

Past quarters barely change (late entries, imports, corrections), so the table
reads them from three small tables instead of scanning every contact:

- ``RollupCount``: people reached per quarter, centre, row, channel and gender
  (the cells; additive, so any centre set or partner sums them);
- ``RollupPresence``: each registered person's (centre, quarter) pairs, the
  source of truth for the next one;
- ``RollupReturn``: per scope (a centre, or 0 for all) and quarter, how many
  persons were seen whose previous quarter seen was ``previous``; unique
  persons over consecutive quarters a..b = the rows of a..b with previous < a.

Only quarters listed in ``RollupQuarter`` (built by ``rebuild``, normally the
``rebuild_rollups`` command after a quarter closes) are read from rollups; the
open quarter and any unbuilt one are always counted from the raw rows. A write
that touches a built quarter calls ``refresh`` in its transaction: the
affected (quarter, centre) cells are recounted from the raw rows and each
affected person's presence is recomputed and its difference applied to
``RollupReturn``, under one lock so concurrent late entries queue. Writes
dated in the open quarter (nearly all) cost nothing.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from helpdesk.models import Activity, Contact, Person
from helpdesk.reports.rollup_models import RollupCount, RollupPresence, RollupQuarter, RollupReturn


def quarter_of(day: date) -> int:
    return day.year * 4 + (day.month - 1) // 3


def quarter_start(quarter: int) -> date:
    return date(quarter // 4, quarter % 4 * 3 + 1, 1)


def quarter_end(quarter: int) -> date:
    nxt = quarter_start(quarter + 1)
    return date.fromordinal(nxt.toordinal() - 1)


def quarter_label(quarter: int) -> str:
    return f"{quarter // 4} Q{quarter % 4 + 1}"


def open_quarter() -> int:
    """The quarter of today (Asia/Yangon): never rolled up, its rows change every day."""
    return quarter_of(timezone.localdate())


def _quarter_sql(column: str) -> str:
    """The quarter number of a date column in this database's SQL (no Python function per row on SQLite)."""
    if connection.vendor == "postgresql":
        return f"(EXTRACT(YEAR FROM {column})::int * 4 + (EXTRACT(MONTH FROM {column})::int - 1) / 3)"
    return f"(CAST(strftime('%Y', {column}) AS integer) * 4 + (CAST(strftime('%m', {column}) AS integer) - 1) / 3)"


def _tables() -> dict[str, str]:
    return {
        "contact": Contact._meta.db_table, "activity": Activity._meta.db_table, "person": Person._meta.db_table,
        "attendees": Activity.attendees.through._meta.db_table, "count": RollupCount._meta.db_table,
        "presence": RollupPresence._meta.db_table, "return": RollupReturn._meta.db_table,
    }


def _count_select(where_c: str, where_a: str) -> str:
    """SELECT quarter, centre, row, channel, gender, reached, unidentified from the raw rows (where_* on c.* / a.*)."""
    t = _tables()
    qc, qa = _quarter_sql("c.date"), _quarter_sql("a.date")
    tallies = " UNION ALL ".join(
        f"SELECT {qa} AS q, a.centre_id, a.kind, '', '{gender}', SUM(a.{field}), SUM(a.{field}) "
        f"FROM {t['activity']} a WHERE {where_a} GROUP BY {qa}, a.centre_id, a.kind"
        for gender, field in [("woman", "women_count"), ("man", "men_count"), ("other", "other_count"),
                              ("undisclosed", "undisclosed_count")]
    )
    return (
        "SELECT q, centre_id, row_key, channel, gender, SUM(reached), SUM(unidentified) FROM ("
        f"SELECT {qc} AS q, c.centre_id, c.service AS row_key, c.channel AS channel, c.gender AS gender, COUNT(*) AS reached, "
        f"SUM(CASE WHEN c.person_id IS NULL THEN 1 ELSE 0 END) AS unidentified FROM {t['contact']} c WHERE {where_c} "
        f"GROUP BY {qc}, c.centre_id, c.service, c.channel, c.gender "
        f"UNION ALL {tallies} "
        f"UNION ALL SELECT {qa}, a.centre_id, a.kind, '', p.gender, COUNT(*), 0 FROM {t['attendees']} aa "
        f"JOIN {t['activity']} a ON a.id = aa.activity_id JOIN {t['person']} p ON p.id = aa.person_id WHERE {where_a} "
        f"GROUP BY {qa}, a.centre_id, a.kind, p.gender"
        ") x GROUP BY q, centre_id, row_key, channel, gender HAVING SUM(reached) > 0 OR SUM(unidentified) > 0"
    )


def _presence_select(where_c: str, where_a: str) -> str:
    """SELECT person, centre, quarter, gender: every registered person seen, from the raw rows."""
    t = _tables()
    return (
        f"SELECT x.person_id, x.centre_id, x.q, p.gender FROM ("
        f"SELECT c.person_id, c.centre_id, {_quarter_sql('c.date')} AS q FROM {t['contact']} c "
        f"WHERE c.person_id IS NOT NULL AND {where_c} "
        f"UNION SELECT aa.person_id, a.centre_id, {_quarter_sql('a.date')} FROM {t['attendees']} aa "
        f"JOIN {t['activity']} a ON a.id = aa.activity_id WHERE {where_a}"
        f") x JOIN {t['person']} p ON p.id = x.person_id"
    )


def _return_select(presence: str) -> str:
    """SELECT scope, quarter, previous, gender, persons from a presence source (a table or a subquery)."""
    return (
        "SELECT 0, quarter, previous, gender, COUNT(*) FROM (SELECT quarter, COALESCE(LAG(quarter) OVER "
        "(PARTITION BY person_id ORDER BY quarter), 0) AS previous, gender FROM "
        f"(SELECT DISTINCT person_id, quarter, gender FROM {presence} s) d) w GROUP BY quarter, previous, gender "
        "UNION ALL SELECT centre, quarter, previous, gender, COUNT(*) FROM (SELECT centre, quarter, COALESCE(LAG(quarter) "
        "OVER (PARTITION BY person_id, centre ORDER BY quarter), 0) AS previous, gender FROM "
        f"{presence} s2) w2 GROUP BY centre, quarter, previous, gender"
    )


def _built_range_where(last: int) -> tuple[str, str, list]:
    end = quarter_end(last)
    return "c.date <= %s", "a.date <= %s", [end]


def _last_closed() -> int:
    return open_quarter() - 1


EARLIEST = quarter_of(date(2000, 1, 1))  # empty quarters cost nothing; building them lets late entries in too


def _first_quarter(last: int) -> int | None:
    dates = [d for d in (Contact.objects.order_by("date").values_list("date", flat=True).first(),
                         Activity.objects.order_by("date").values_list("date", flat=True).first()) if d]
    first = min(quarter_of(min(dates)), EARLIEST) if dates else None
    return first if first is not None and first <= last else None


def _lock() -> None:
    """Queue every rollup writer behind one row (the oldest built quarter); SQLite serialises writers anyway."""
    list(RollupQuarter.objects.select_for_update().order_by("quarter").values_list("pk", flat=True)[:1])


@transaction.atomic
def rebuild(*, last: int | None = None) -> list[int]:
    """Rebuild every rollup from the raw rows, for every quarter from the oldest record to ``last``.

    ``last`` defaults to the last closed quarter. Returns the built quarters.
    """
    last = _last_closed() if last is None else last
    _lock()
    t = _tables()
    with connection.cursor() as cursor:
        for table in ("count", "presence", "return"):
            cursor.execute(f"DELETE FROM {t[table]}")
    first = _first_quarter(last)
    quarters = list(range(first, last + 1)) if first is not None else []
    RollupQuarter.objects.exclude(quarter__in=quarters).delete()
    existing = set(RollupQuarter.objects.values_list("quarter", flat=True))
    RollupQuarter.objects.bulk_create([RollupQuarter(quarter=q) for q in quarters if q not in existing])
    if not quarters:
        return []
    where_c, where_a, params = _built_range_where(last)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {t['count']} (quarter, centre_id, row_key, channel, gender, reached, unidentified) "
            + _count_select(where_c, where_a),
            params * 6,
        )
        cursor.execute(
            f"INSERT INTO {t['presence']} (person_id, centre, quarter, gender) " + _presence_select(where_c, where_a),
            params * 2,
        )
        cursor.execute(f"INSERT INTO {t['return']} (scope, quarter, previous, gender, persons) " + _return_select(t["presence"]))
    return quarters


def check() -> dict[str, int]:
    """Compare every rollup with the raw rows; return the number of differing rows per table (all 0 when exact)."""
    t = _tables()
    quarters = list(RollupQuarter.objects.values_list("quarter", flat=True))
    differences = {}
    if quarters:
        where_c, where_a, params = _built_range_where(max(quarters))
        in_built = f"BETWEEN {min(quarters)} AND {max(quarters)}"
        presence = f"({_presence_select(where_c, where_a)})"
        expected = {
            "count": (f"SELECT * FROM ({_count_select(where_c, where_a)}) e WHERE q {in_built}", params * 6),
            "presence": (f"SELECT * FROM {presence} e WHERE q {in_built}", params * 2),
            "return": (f"SELECT * FROM ({_return_select(f'(SELECT person_id, centre_id AS centre, q AS quarter, gender FROM {presence} pr WHERE q {in_built})')}) e", params * 4),
        }
    else:
        expected = {}
    stored = {
        "count": f"SELECT quarter, centre_id, row_key, channel, gender, reached, unidentified FROM {t['count']}",
        "presence": f"SELECT person_id, centre, quarter, gender FROM {t['presence']}",
        "return": f"SELECT scope, quarter, previous, gender, persons FROM {t['return']}",
    }
    if not quarters:
        expected = {name: (f"{sql} WHERE 1 = 0", []) for name, sql in stored.items()}
    with connection.cursor() as cursor:
        for name, (sql, params) in expected.items():
            cursor.execute(
                f"SELECT (SELECT COUNT(*) FROM (SELECT * FROM ({sql}) a EXCEPT SELECT * FROM ({stored[name]}) b) d1) + "
                f"(SELECT COUNT(*) FROM (SELECT * FROM ({stored[name]}) b EXCEPT SELECT * FROM ({sql}) a) d2)",
                params + params,
            )
            differences[name] = cursor.fetchone()[0]
    return differences


def built_quarters() -> set[int]:
    return set(RollupQuarter.objects.values_list("quarter", flat=True))


def _contributions(rows: Iterable[tuple[int, int, str]]) -> Counter:
    """One person's RollupReturn rows from their (centre, quarter, gender) presence."""
    rows = list(rows)
    counter: Counter = Counter()
    if not rows:
        return counter
    by_scope: dict[int, set[int]] = {0: set()}
    for centre, quarter, _gender in rows:
        by_scope[0].add(quarter)
        by_scope.setdefault(centre, set()).add(quarter)
    gender = rows[0][2]
    for scope, quarters in by_scope.items():
        previous = 0
        for quarter in sorted(quarters):
            counter[(scope, quarter, previous, gender)] += 1
            previous = quarter
    return counter


def _apply_returns(delta: Counter) -> None:
    for (scope, quarter, previous, gender), change in delta.items():
        if not change:
            continue
        rows = RollupReturn.objects.filter(scope=scope, quarter=quarter, previous=previous, gender=gender)
        if not rows.update(persons=F("persons") + change):
            RollupReturn.objects.create(scope=scope, quarter=quarter, previous=previous, gender=gender, persons=change)
    RollupReturn.objects.filter(persons=0).delete()


def _recount(blocks: set[tuple[int, int]]) -> None:
    t = _tables()
    for chunk in _chunks(sorted(blocks), 100):
        where_c = " OR ".join(["(c.centre_id = %s AND c.date BETWEEN %s AND %s)"] * len(chunk))
        where_a = where_c.replace("c.", "a.")
        params = [value for q, centre in chunk for value in (centre, quarter_start(q), quarter_end(q))]
        with connection.cursor() as cursor:
            for q, centre in chunk:
                RollupCount.objects.filter(quarter=q, centre_id=centre).delete()
            cursor.execute(
                f"INSERT INTO {t['count']} (quarter, centre_id, row_key, channel, gender, reached, unidentified) "
                + _count_select(f"({where_c})", f"({where_a})"),
                params * 6,
            )


def _represent(persons: set[int], built: set[int]) -> None:
    """Recompute the presence of ``persons`` from the raw rows; apply the difference to RollupReturn."""
    delta: Counter = Counter()
    for chunk in _chunks(sorted(persons), 500):
        marks = ", ".join(["%s"] * len(chunk))
        with connection.cursor() as cursor:
            cursor.execute(_presence_select(f"c.person_id IN ({marks})", f"aa.person_id IN ({marks})"), chunk * 2)
            new: dict[int, set] = {}
            for person, centre, quarter, gender in cursor.fetchall():
                if quarter in built:
                    new.setdefault(person, set()).add((centre, quarter, gender))
        old: dict[int, set] = {}
        for person, centre, quarter, gender in RollupPresence.objects.filter(person__in=chunk).values_list(
            "person", "centre", "quarter", "gender"
        ):
            old.setdefault(person, set()).add((centre, quarter, gender))
        changed = [p for p in chunk if old.get(p, set()) != new.get(p, set())]
        if not changed:
            continue
        for person in changed:
            delta.update(_contributions(new.get(person, ())))
            delta.subtract(_contributions(old.get(person, ())))
        RollupPresence.objects.filter(person__in=changed).delete()
        RollupPresence.objects.bulk_create(
            [RollupPresence(person=p, centre=c, quarter=q, gender=g) for p in changed for c, q, g in new.get(p, ())],
            batch_size=500,
        )
    _apply_returns(delta)


def _chunks(items: list, size: int):
    for i in range(0, len(items), size):
        yield items[i:i + size]


def dated_closed(day: date) -> bool:
    """Whether a write dated ``day`` may touch the rollups (no query: the open quarter never does)."""
    return quarter_of(day) < open_quarter()


def refresh(*, touched: Iterable[tuple[date, int, int | None]] = (), regendered: Iterable[int] = ()) -> None:
    """Keep the rollups exact after a write, in its transaction.

    ``touched``: (date, centre id, person id or None) of every contact or
    attendance written, moved or deleted (before and after an edit);
    ``regendered``: persons whose gender changed. Nothing happens (and no
    query runs) unless one of them falls in a closed quarter.
    """
    current = open_quarter()
    touched = [(quarter_of(day), centre, person) for day, centre, person in touched if day and quarter_of(day) < current]
    regendered = set(regendered)
    if not touched and not regendered:
        return
    _lock()  # before reading which quarters are built: a rebuild running now either waits for us or we for it
    built = built_quarters()
    if not built:
        return
    blocks = {(q, centre) for q, centre, _p in touched if q in built}
    persons = {person for q, _c, person in touched if q in built and person} | regendered
    if regendered:  # their attendances are counted by their gender
        attended = Activity.objects.filter(attendees__in=regendered).values_list("date", "centre_id")
        blocks |= {(quarter_of(day), centre) for day, centre in attended if quarter_of(day) in built}
    if not blocks and not persons:
        return
    if blocks:
        _recount(blocks)
    if persons:
        _represent(persons, built)


def contact_keys(contacts: Iterable[Contact]) -> list[tuple[date, int, int | None]]:
    """The (date, centre, person) a contact counts under, for ``refresh``."""
    return [(c.date, c.centre_id, c.person_id) for c in contacts]


def attendance_keys(activity: Activity, person_ids: Iterable[int]) -> list[tuple[date, int, int | None]]:
    """The (date, centre, person) attendances count under; with no person, the activity's head counts."""
    return [(activity.date, activity.centre_id, p) for p in person_ids] + [(activity.date, activity.centre_id, None)]
