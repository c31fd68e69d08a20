"""Background work: sending replies. Production runs ``python manage.py db_worker``."""
from django_tasks import task

from bots.services.outbound import outbound_send


@task()
def send_outbound(outbound_id: int) -> str:
    """Make one sending attempt; a failure re-enqueues itself with backoff."""
    outbound = outbound_send(outbound_id=outbound_id)
    return outbound.status if outbound else "missing"
