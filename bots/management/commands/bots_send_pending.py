"""Re-enqueue bot replies whose next attempt is due (a safety net after a worker restart or a long outage)."""
from django.core.management.base import BaseCommand

from bots.services import outbound_enqueue_due


class Command(BaseCommand):
    help = "Enqueue every pending bot reply whose next attempt time has come. Run it from cron every few minutes."

    def handle(self, *args, **options):
        count = outbound_enqueue_due()
        self.stdout.write(f"{count} pending repl{'y' if count == 1 else 'ies'} enqueued.")
