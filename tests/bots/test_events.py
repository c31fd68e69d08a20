"""Webhooks that only store (bots.services.events): the worker runs each conversation in order; queues stay apart."""
import pytest
from django.core.management import call_command
from django.utils import timezone

from bots.models import Conversation, InboundMessage, OutboundMessage
from bots.services.events import inbound_enqueue_unprocessed, inbound_process
from tests.bots.conftest import load, post_telegram
from tests.bots.test_webhooks import telegram

QUEUES = ["default", "replies", "imports"]


@pytest.fixture
def database_tasks(settings):
    """The production backend: the webhook stores and queues, ``db_worker`` runs the task."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": QUEUES}}


def work(queue: str) -> None:
    call_command("db_worker", "--queue-name", queue, "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_the_webhook_only_stores_and_the_replies_worker_answers_in_order(client, centre, fake_api, database_tasks):
    for update_id, text in enumerate(["hi", "2", "menu"], start=1):
        assert post_telegram(client, telegram(text, update_id)).status_code == 200
    assert not Conversation.objects.exists() and not OutboundMessage.objects.exists()  # nothing ran in the request
    work("replies")
    texts = fake_api.texts()
    assert len(texts) == 3 and "Choose a language" in texts[0] and "Check a recruitment agency's licence" in texts[1]
    inbound = list(InboundMessage.objects.order_by("pk"))
    assert all(message.processed_at and message.conversation for message in inbound)
    assert [m.replies.get().text for m in inbound] == [o.text for o in OutboundMessage.objects.order_by("pk")]


@pytest.mark.django_db(transaction=True)
def test_a_replayed_update_stores_and_queues_nothing(client, centre, database_tasks):
    from django_tasks_db.models import DBTaskResult

    for _ in range(3):
        assert post_telegram(client, load("telegram_message")).status_code == 200
    assert InboundMessage.objects.count() == 1 and DBTaskResult.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_tasks_that_run_out_of_order_still_answer_in_received_order(client, centre, fake_api, database_tasks):
    for update_id, text in enumerate(["hi", "2", "1"], start=1):
        post_telegram(client, telegram(text, update_id))
    first, second, third = InboundMessage.objects.order_by("pk")
    assert inbound_process(inbound_id=third.pk) == 3  # the last event's task runs first: it takes all three, oldest first
    assert inbound_process(inbound_id=first.pk) == 0 and inbound_process(inbound_id=second.pk) == 0
    conversation = Conversation.objects.get()
    assert conversation.language == "en" and conversation.state["step"] != "menu"  # "1" was read after "2" chose English
    replies = [m.replies.get().pk for m in (first, second, third)]
    assert replies == sorted(replies)


@pytest.mark.django_db(transaction=True)
def test_an_event_that_fails_keeps_its_payload_and_the_conversation_goes_on(client, centre, fake_api, database_tasks):
    post_telegram(client, telegram("hi", 1))
    work("replies")
    Conversation.objects.update(state=["not", "a", "state"])  # a stored state the engine cannot read
    post_telegram(client, telegram("1", 2))
    post_telegram(client, telegram("hello", 3))
    work("replies")
    failed = InboundMessage.objects.get(external_id="2")
    assert failed.kind == "error" and failed.payload["message"]["text"] == "1" and failed.processed_at
    assert post_telegram(client, telegram("1", 2)).status_code == 200  # Telegram's retry is not run again
    work("replies")
    assert InboundMessage.objects.get(external_id="2").kind == "error"


@pytest.mark.django_db(transaction=True)
def test_the_replies_worker_answers_while_an_import_waits_on_its_own_queue(client, centre, fake_api, database_tasks, admin_user):
    from helpdesk.imports.jobs import contact_import_queue
    from helpdesk.models import ContactImport

    job = contact_import_queue(content=b"date,centre,service,gender\n2023-01-05,NDG,drop_in,woman\n", filename="big.csv",
                               user=admin_user, dry_run=True)
    post_telegram(client, load("telegram_message"))
    work("replies")
    assert OutboundMessage.objects.get().status == "sent"
    assert ContactImport.objects.get(pk=job.pk).status == "queued"  # the replies worker never takes an import
    work("imports")
    assert ContactImport.objects.get(pk=job.pk).status == "done"


def test_bot_work_and_imports_are_on_separate_queues():
    from agencies.tasks import agency_import_run
    from bots.tasks import process_inbound, send_outbound
    from helpdesk.imports.jobs import contact_import_run

    assert {process_inbound.queue_name, send_outbound.queue_name} == {"replies"}
    assert {contact_import_run.queue_name, agency_import_run.queue_name} == {"imports"}


@pytest.mark.django_db(transaction=True)
def test_an_event_whose_task_was_lost_is_queued_again(client, centre, fake_api, database_tasks):
    from django_tasks_db.models import DBTaskResult

    post_telegram(client, load("telegram_message"))
    DBTaskResult.objects.all().delete()  # the task row is gone (a database restored from backup, say)
    InboundMessage.objects.update(received_at=timezone.now() - timezone.timedelta(minutes=5))
    assert inbound_enqueue_unprocessed() == 1
    work("replies")
    assert OutboundMessage.objects.get().status == "sent"


# The store's cost (issue 13.4): one statement on PostgreSQL, the same rows as the ORM path --------------

def _new_update_queries(client, update_id: int) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert post_telegram(client, telegram("hi", update_id)).status_code == 200
    return [query["sql"] for query in queries.captured_queries]


@pytest.mark.django_db(transaction=True)
def test_a_new_update_costs_one_statement_on_postgresql_and_two_in_one_transaction_on_sqlite(client, centre, database_tasks):
    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    _new_update_queries(client, 1)  # warm: the statement is compiled once per database
    queries = _new_update_queries(client, 2)
    if connection.vendor == "postgresql":
        assert len(queries) == 1 and queries[0].startswith("WITH inbound AS (INSERT") and "ON CONFLICT DO NOTHING" in queries[0]
    else:
        assert len(queries) <= 4  # BEGIN, the event (INSERT OR IGNORE), the task row, COMMIT: no savepoint
        assert not any("SAVEPOINT" in sql for sql in queries)
    replay = _new_update_queries(client, 2)  # the event's INSERT conflicts; nothing else runs
    assert len(replay) == (1 if connection.vendor == "postgresql" else 3) and "INSERT" in replay[-1 if len(replay) == 1 else 1]
    assert InboundMessage.objects.count() == 2 and DBTaskResult.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_the_one_statement_task_row_is_the_row_the_tasks_backend_writes(client, centre, database_tasks):
    from django_tasks_db.models import DBTaskResult

    from bots.tasks import process_inbound

    post_telegram(client, telegram("hi", 1))
    stored = DBTaskResult.objects.get()
    inbound = InboundMessage.objects.get()
    enqueued = DBTaskResult.objects.get(pk=process_inbound.enqueue(inbound.pk).id)
    fields = [f.attname for f in DBTaskResult._meta.concrete_fields if f.name not in ("id", "enqueued_at")]
    assert {f: getattr(stored, f) for f in fields} == {f: getattr(enqueued, f) for f in fields}
    assert stored.args_kwargs == {"args": [inbound.pk], "kwargs": {}}
    assert abs((stored.enqueued_at - inbound.received_at).total_seconds()) < 60 and stored.id != enqueued.id


@pytest.mark.django_db(transaction=True)
def test_an_update_without_a_private_chat_is_stored_processed_and_queues_nothing(client, centre, database_tasks):
    from django_tasks_db.models import DBTaskResult

    payload = telegram("hello group", 1)
    payload["message"]["chat"]["type"] = "group"
    assert post_telegram(client, payload).status_code == 200
    assert post_telegram(client, payload).status_code == 200
    inbound = InboundMessage.objects.get()
    assert inbound.kind == "group" and inbound.processed_at and not DBTaskResult.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_same_update_posted_at_once_by_several_clients_is_stored_and_queued_once(centre, database_tasks):
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("the in-memory SQLite test database refuses concurrent writers (shared-cache table locks)")
    from django.test import Client
    from django_tasks_db.models import DBTaskResult

    barrier, statuses = threading.Barrier(4), []

    def post():
        try:
            barrier.wait()
            statuses.append(post_telegram(Client(), telegram("hi", 77)).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 4
    assert InboundMessage.objects.count() == 1 and DBTaskResult.objects.count() == 1
    assert DBTaskResult.objects.get().args_kwargs["args"] == [InboundMessage.objects.get().pk]


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_the_task_the_one_statement_queued(client, centre, fake_api, database_tasks):
    post_telegram(client, telegram("hi", 1))
    work("replies")
    assert InboundMessage.objects.get().processed_at and "Choose a language" in fake_api.texts()[0]
