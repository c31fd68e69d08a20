"""Data protection: the access log is kept ACCESS_LOG_DAYS days, then deleted. Run it daily from cron."""
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from helpdesk.services import access_log_purge


class Command(BaseCommand):
    help = "Delete access-log entries older than --days (default: the ACCESS_LOG_DAYS setting). Run it daily from cron."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="keep this many days (default ACCESS_LOG_DAYS)")

    def handle(self, *args, days: int | None, **options):
        days = settings.ACCESS_LOG_DAYS if days is None else days
        if days < 1:
            raise CommandError("--days must be at least 1.")
        count = access_log_purge(older_than_days=days)
        self.stdout.write(f"{count} access-log entr{'y' if count == 1 else 'ies'} older than {days} days deleted.")
