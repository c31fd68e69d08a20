"""Background work: sending replies, fetching attachments. Production runs ``python manage.py db_worker``."""
from django_tasks import task

from bots.services.attachments import attachment_download
from bots.services.outbound import outbound_send


@task()
def send_outbound(outbound_id: int) -> str:
    """Make one sending attempt; a failure re-enqueues itself with backoff."""
    outbound = outbound_send(outbound_id=outbound_id)
    return outbound.status if outbound else "missing"


@task()
def download_attachment(attachment_id: int) -> str:
    """Fetch a file a migrant sent from the channel's file API (its own task: it never delays a reply)."""
    attachment = attachment_download(attachment_id=attachment_id)
    return attachment.status if attachment else "missing"
