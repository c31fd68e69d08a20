"""Background work of the bots, on the ``replies`` queue: its own workers, so no import ever delays a reply.

Production runs ``manage.py db_worker --queue-name replies`` (several processes:
one slow channel call then delays only its own conversation) beside
``manage.py db_worker --queue-name imports``; see docs/bots.md.
"""
from django_tasks import task

from bots.broadcasts.sending import BROADCAST_PRIORITY
from bots.services.attachments import attachment_download
from bots.services.events import inbound_process
from bots.services.outbound import outbound_send

REPLIES_QUEUE = "replies"


@task(queue_name=REPLIES_QUEUE)
def process_inbound(inbound_id: int) -> int:
    """Run the conversation for a stored webhook event (and any earlier one of its sender still waiting)."""
    return inbound_process(inbound_id=inbound_id)


@task(queue_name=REPLIES_QUEUE)
def send_outbound(outbound_id: int) -> str:
    """Make one sending attempt; a failure re-enqueues itself with backoff."""
    outbound = outbound_send(outbound_id=outbound_id, only_when_due=True)
    return outbound.status if outbound else "missing"


@task()  # the default queue (served with imports): a 10 MB download must not hold up a reply
def download_attachment(attachment_id: int) -> str:
    """Fetch a file a migrant sent from the channel's file API (its own task: it never delays a reply)."""
    attachment = attachment_download(attachment_id=attachment_id)
    return attachment.status if attachment else "missing"


@task(queue_name=REPLIES_QUEUE, priority=BROADCAST_PRIORITY)  # below live replies (priority 0): see bots/broadcasts/sending.py
def send_broadcast_batch(broadcast_id: int, channel: str) -> str:
    """Send one batch of a broadcast on one channel; the batch enqueues the next one."""
    from bots.broadcasts.sending import broadcast_send_batch

    result = broadcast_send_batch(broadcast_id=broadcast_id, channel=channel)
    return f"sent {result.sent}, failed {result.failed}, skipped {result.skipped}, requeued {result.requeued}"
