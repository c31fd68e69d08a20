"""Rebuild the beneficiary-table rollups from the raw rows, or ``--check`` them (exit 1 on a difference)."""
from django.core.management.base import BaseCommand, CommandError

from helpdesk.reports import rollups


class Command(BaseCommand):
    help = (
        "Rebuild the report rollups for every closed quarter from contacts and activities "
        "(run after a quarter closes, e.g. nightly). With --check, only compare them with the raw rows."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="compare with the raw rows; exit 1 if they differ")

    def handle(self, *args, check: bool = False, **options):
        if check:
            differences = rollups.check()
            built = sorted(rollups.built_quarters())
            span = f"{rollups.quarter_label(built[0])} to {rollups.quarter_label(built[-1])}" if built else "no quarter built"
            for table, n in differences.items():
                self.stdout.write(f"{table}: {n} differing rows")
            if any(differences.values()):
                raise CommandError(f"The rollups ({span}) differ from the raw rows: run rebuild_rollups.")
            self.stdout.write(self.style.SUCCESS(f"The rollups ({span}) match the raw rows."))
            return
        quarters = rollups.rebuild()
        if quarters:
            self.stdout.write(self.style.SUCCESS(
                f"Rebuilt {len(quarters)} quarters, {rollups.quarter_label(quarters[0])} to {rollups.quarter_label(quarters[-1])}."
            ))
        else:
            self.stdout.write("Nothing to build: no contact or activity before the current quarter.")
