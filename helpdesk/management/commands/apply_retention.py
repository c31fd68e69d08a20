"""Data protection: blank personal data past its retention period, per kind (daily from cron)."""
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from helpdesk.retention import retention_apply


class Command(BaseCommand):
    help = (
        "Blank personal data older than its retention period (RETENTION_*_DAYS settings), one kind at a time. "
        "Contacts and other aggregates are never touched. Run it daily from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count what would be blanked; change nothing.")

    def handle(self, *args, dry_run: bool, **options):
        verb = "would be blanked" if dry_run else "blanked"
        try:
            results = retention_apply(dry_run=dry_run)
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        for result in results:
            since = result.cutoff.date().isoformat()
            self.stdout.write(f"{result.name}: {result.count} {verb} (kept {result.days} days: before {since})")
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")
