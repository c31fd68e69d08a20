"""Find imports whose background worker died and resume or fail them (contact imports and licence lists).

Run it from cron every few minutes and before starting the imports worker (``make run`` does).
"""
from django.core.management.base import BaseCommand

from agencies.tasks import agency_imports_recover
from helpdesk.imports.jobs import STALLED_AFTER, contact_imports_recover


class Command(BaseCommand):
    help = (
        f"Imports still 'running' with no progress for {int(STALLED_AFTER.total_seconds() // 60)} minutes lost their worker: "
        "contact imports are queued again and resume where they stopped; checks (dry runs) and licence lists "
        "are marked failed and their file deleted."
    )

    def handle(self, *args, **options):
        resumed, failed = contact_imports_recover()
        failed += agency_imports_recover()
        self.stdout.write(f"{resumed} import(s) resumed, {failed} marked failed.")
