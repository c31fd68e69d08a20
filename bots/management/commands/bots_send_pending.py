"""Re-enqueue bot work that lost its task: replies whose next attempt is due, webhook events never processed."""
from django.core.management.base import BaseCommand

from bots.broadcasts.sending import broadcast_enqueue_due
from bots.services import inbound_enqueue_unprocessed, outbound_enqueue_due


class Command(BaseCommand):
    help = (
        "Enqueue every pending bot reply whose next attempt time has come, and the processing of stored webhook "
        "events left unprocessed for a minute, and the next batch of broadcasts still sending. Run it from cron every few minutes."
    )

    def handle(self, *args, **options):
        count = outbound_enqueue_due()
        self.stdout.write(f"{count} pending repl{'y' if count == 1 else 'ies'} enqueued.")
        senders = inbound_enqueue_unprocessed()
        if senders:
            self.stdout.write(f"{senders} conversation(s) with unprocessed messages enqueued.")
        batches = broadcast_enqueue_due()
        if batches:
            self.stdout.write(f"{batches} broadcast batch(es) enqueued.")
