"""The SQL of a webhook's store: the event once and, on PostgreSQL, its task row in the same statement.

Why raw SQL rather than ``InboundMessage.objects.create`` and ``task.enqueue``: what a
webhook costs bounds how many updates one server takes (issue 13, BENCHMARKS.md). On
PostgreSQL the event and its task go in with one data-modifying statement in
autocommit mode: one round trip and one durable commit (``synchronous_commit`` as
configured, never turned off), where BEGIN, two INSERTs and COMMIT were four round
trips. The statement is atomic: both rows or, for a replay, neither.

The SQL is compiled by Django from the models once per database and kept, so a column
added to either model is not forgotten. Where the one statement does not apply
(SQLite, another tasks backend, the task table on another database) the two INSERTs
run in one transaction as before.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db import connections, router, transaction
from django.db.models.constants import OnConflict
from django.db.models.sql import InsertQuery
from django.utils import timezone

from bots.models import InboundMessage

_INBOUND_SQL: dict[str, str] = {}  # by database alias
_PLANS: dict[tuple, _TaskPlan | None] = {}  # by (database alias, task)


@dataclass(frozen=True)
class _TaskPlan:
    """The event-and-task statement for one task on one database, and the task row's constant parameters."""

    sql: str
    params: tuple
    id_index: int
    enqueued_index: int
    fields: tuple  # the task row's fields in ``params`` order (for the two that change per call)


def insert_event(inbound: InboundMessage, *, task=None) -> int | None:
    """Insert ``inbound`` unless its (channel, external_id) exists; when new, queue ``task(inbound.id)`` with it.

    Return the new row's id, or None for a replay (then nothing is written and nothing queued).
    """
    using = router.db_for_write(InboundMessage)
    connection = connections[using]
    params = _inbound_params(inbound, connection)
    if task is None:
        return _fetch_first(connection, _inbound_sql(connection) + _returning_id(connection), params)
    plan = _task_plan(task, connection)
    if plan is None:
        with transaction.atomic(using=using):
            inbound_id = _fetch_first(connection, _inbound_sql(connection) + _returning_id(connection), params)
            if inbound_id is not None:
                task.enqueue(inbound_id)
        return inbound_id
    task_params = list(plan.params)
    task_params[plan.id_index] = plan.fields[plan.id_index].get_db_prep_save(uuid.uuid4(), connection)
    task_params[plan.enqueued_index] = plan.fields[plan.enqueued_index].get_db_prep_save(timezone.now(), connection)
    return _fetch_first(connection, plan.sql, params + task_params)


def _fetch_first(connection, sql: str, params: list) -> int | None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return row[0] if row else None


def _returning_id(connection) -> str:
    return f" RETURNING {connection.ops.quote_name('id')}"


def _inbound_fields() -> list:
    return [field for field in InboundMessage._meta.concrete_fields if not field.primary_key]


def _inbound_params(inbound: InboundMessage, connection) -> list:
    return [field.get_db_prep_save(getattr(inbound, field.attname), connection) for field in _inbound_fields()]


def _inbound_sql(connection) -> str:
    """``INSERT … ON CONFLICT DO NOTHING`` (``INSERT OR IGNORE`` on SQLite) of every column but the id."""
    sql = _INBOUND_SQL.get(connection.alias)
    if sql is None:
        query = InsertQuery(InboundMessage, on_conflict=OnConflict.IGNORE)
        query.insert_values(_inbound_fields(), [InboundMessage()])
        [(sql, _params)] = query.get_compiler(using=connection.alias).as_sql()
        _INBOUND_SQL[connection.alias] = sql
    return sql


def _task_plan(task, connection) -> _TaskPlan | None:
    backend = task.get_backend()  # by instance: a settings change (tests) makes new backends
    key = (connection.alias, task, backend)
    if key not in _PLANS:
        _PLANS[key] = _build_task_plan(task, backend, connection)
    return _PLANS[key]


def _build_task_plan(task, backend, connection) -> _TaskPlan | None:
    """The one statement for ``task`` with the database tasks backend on PostgreSQL, or None where it does not apply.

    The task row is the one ``DatabaseBackend.enqueue`` writes (tests compare them), except that its
    ``args_kwargs`` take the event's id inside the statement. The ``task_enqueued`` signal is not sent:
    nothing here listens to it (django-tasks only logs it at DEBUG).
    """
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult, get_date_max

    if (
        connection.vendor != "postgresql" or not isinstance(backend, DatabaseBackend) or backend.options.get("id_function")
        or router.db_for_write(DBTaskResult) != connection.alias
    ):
        return None
    backend.validate_task(task)
    fields = tuple(DBTaskResult._meta.concrete_fields)
    row = DBTaskResult(
        id=uuid.uuid4(), args_kwargs={}, priority=task.priority, task_path=task.module_path, queue_name=task.queue_name,
        run_after=task.run_after or get_date_max(), backend_name=backend.alias,  # as enqueue() and its pre_save handler
    )
    query = InsertQuery(DBTaskResult)
    query.insert_values(list(fields), [row])
    [(sql, _params)] = query.get_compiler(using=connection.alias).as_sql()
    head, _, values = sql.partition(" VALUES ")
    if values != "(" + ", ".join(["%s"] * len(fields)) + ")":
        return None  # a column needs a placeholder of its own: keep the two statements
    quote = connection.ops.quote_name
    select = [
        f"jsonb_build_object('args', jsonb_build_array(inbound.{quote('id')}), 'kwargs', '{{}}'::jsonb)"
        if field.name == "args_kwargs" else "%s"
        for field in fields
    ]
    kept = tuple(field for field in fields if field.name != "args_kwargs")
    params = tuple(field.get_db_prep_save(field.pre_save(row, add=True), connection) for field in kept)
    names = [field.name for field in kept]
    statement = (
        f"WITH inbound AS ({_inbound_sql(connection)}{_returning_id(connection)}) "
        f"{head} SELECT {', '.join(select)} FROM inbound RETURNING (SELECT {quote('id')} FROM inbound)"
    )
    return _TaskPlan(statement, params, names.index("id"), names.index("enqueued_at"), kept)
