"""Data protection: blank raw webhook payloads after a retention period (the transcript text stays)."""
from django.core.management.base import BaseCommand

from bots.services import inbound_forget_payloads


class Command(BaseCommand):
    help = "Blank the raw payloads of inbound bot messages older than --days (default 90). Run it daily from cron."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=90)

    def handle(self, *args, days: int, **options):
        count = inbound_forget_payloads(older_than_days=days)
        self.stdout.write(f"{count} payload(s) older than {days} days blanked.")
