"""Import the Ministry's licence list: ``manage.py import_agencies FILE [--dry-run]``."""
from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from agencies.report import report_lines
from agencies.services import agency_import


class Command(BaseCommand):
    help = "Create or update agencies from a CSV or XLSX licence list (by licence number). Never deletes."

    def add_arguments(self, parser):
        parser.add_argument("file", help="a .csv (UTF-8) or .xlsx file; the first row names the columns")
        parser.add_argument("--dry-run", action="store_true", help="show what would change without saving")
        parser.add_argument("--user", help="username recorded in the history as having made the changes")
        parser.add_argument("--missing-limit", type=int, default=50, metavar="N",
                            help="list at most N registered agencies missing from the file (default 50)")

    def handle(self, *args, file, dry_run, user, missing_limit, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        history_user = None
        if user:
            history_user = get_user_model().objects.filter(username=user).first()
            if history_user is None:
                raise CommandError(f"No user named {user!r}")

        def progress(done: int, total: int) -> None:
            if total >= 1000:
                self.stderr.write(f"  {done}/{total} rows checked", ending="\r" if done < total else "\n")

        report = agency_import(
            content=path.read_bytes(), filename=path.name, user=history_user, dry_run=dry_run, progress=progress
        )
        if report.file_error:
            raise CommandError(report.file_error)
        for line in report_lines(report, missing_limit=missing_limit):
            self.stdout.write(line)
        if report.errors:
            self.stdout.write(self.style.WARNING(f"{len(report.errors)} row(s) not imported: see the errors above."))
