"""Import a legacy monitoring spreadsheet: ``import_contacts FILE [--dry-run]``."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from helpdesk.imports import COLUMNS, FileError, import_contacts


class Command(BaseCommand):
    help = (
        "Import services given from a CSV or XLSX (one row per service; columns: " + ", ".join(COLUMNS) + "). "
        "Re-importing the same file changes nothing; bad rows are listed and the good ones kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="check and count everything, save nothing")

    def handle(self, *args, file, dry_run, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")

        def progress(done, total, _result):
            self.stderr.write(f"\r{done:,} / {total:,} rows", ending="")
            self.stderr.flush()

        try:
            result = import_contacts(content=path.read_bytes(), filename=path.name, dry_run=dry_run, progress=progress)
        except FileError as exc:
            raise CommandError(str(exc)) from exc
        self.stderr.write("")
        for number, message in result.errors:
            self.stdout.write(f"row {number}: {message}")
        if result.ignored_columns:
            self.stdout.write(f"ignored columns: {', '.join(result.ignored_columns)}")
        verb = "would import" if dry_run else "imported"
        self.stdout.write(
            f"{result.rows} rows: {verb} {result.imported}, already imported {result.already_imported}, "
            f"errors {len(result.errors)} ({result.contacts} contacts, {result.people_created} new people, "
            f"{result.activities_created} new activities, {result.attendances} attendances, {result.head_counts} in head counts, "
            f"{result.anonymous} counted anonymously for want of consent)"
        )
        if result.errors:
            raise SystemExit(1 if result.imported == 0 else 2)
