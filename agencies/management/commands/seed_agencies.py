"""Load the sample licence list for a demo: ``manage.py seed_agencies`` (DEBUG only, idempotent)."""
from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from agencies.services import agency_import

SAMPLE = Path(__file__).resolve().parents[2] / "fixtures" / "agencies_sample.csv"


class Command(BaseCommand):
    help = "Load agencies/fixtures/agencies_sample.csv (30 agencies). Refuses to run without DEBUG unless --force."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="run even when DEBUG is off")

    def handle(self, *args, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError("seed_agencies loads made-up demo agencies: run it with DEBUG=1 (or --force).")
        report = agency_import(content=SAMPLE.read_bytes(), filename=SAMPLE.name, user=None)
        self.stdout.write(
            f"Sample agencies: {len(report.created)} new, {len(report.updated)} updated, {report.unchanged} unchanged."
        )
