"""Write the beneficiary table for scripting: ``beneficiary_table --from 2019-01-01 --to 2020-12-31 --by year --format csv``."""
import sys
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from helpdesk.models import Centre
from helpdesk.reports.exports import table_csv, table_xlsx
from helpdesk.reports.forms import MAX_PERIODS
from helpdesk.reports.pdf import table_pdf
from helpdesk.reports.table import BY_QUARTER, BY_YEAR, ReportFilter, beneficiary_table, report_periods

BUILDERS = {"csv": table_csv, "xlsx": table_xlsx, "pdf": table_pdf}


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"Not a date (YYYY-MM-DD): {value}") from exc


class Command(BaseCommand):
    help = "Write the beneficiary table (all centres unless --centre) as CSV, XLSX or PDF."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="end", required=True, help="last day, YYYY-MM-DD")
        parser.add_argument("--by", choices=[BY_QUARTER, BY_YEAR], default=BY_QUARTER)
        parser.add_argument("--format", choices=sorted(BUILDERS), default="csv")
        parser.add_argument("--centre", action="append", default=[], metavar="CODE", help="repeat for several centres")
        parser.add_argument("--partner", default="", help="partner organisation, as written on the centres")
        parser.add_argument("--channel", default="", help="count only contacts through this channel")
        parser.add_argument("--output", help="file to write (default: standard output)")

    def handle(self, *args, start, end, by, format, centre, partner, channel, output, **options):
        start, end = _date(start), _date(end)
        if end < start:
            raise CommandError("--to is before --from.")
        if len(report_periods(start, end, by)) > MAX_PERIODS:
            raise CommandError(f"More than {MAX_PERIODS} columns: choose a shorter range or --by year.")
        centre_ids = None
        if centre:
            found = {code.upper(): pk for pk, code in Centre.objects.values_list("pk", "code")}
            unknown = [code for code in centre if code.upper() not in found]
            if unknown:
                raise CommandError(f"Unknown centre code(s): {', '.join(unknown)}")
            centre_ids = tuple(found[code.upper()] for code in centre)
        report = ReportFilter(start=start, end=end, by=by, centre_ids=centre_ids, partner=partner, channel=channel)
        content = BUILDERS[format](beneficiary_table(report))
        if output:
            with open(output, "wb") as handle:
                handle.write(content)
            self.stderr.write(f"Wrote {output}")
        elif format == "csv":
            self.stdout.write(content.decode("utf-8-sig"), ending="")
        else:
            if sys.stdout.isatty():
                raise CommandError(f"{format.upper()} is binary: give --output FILE.")
            sys.stdout.buffer.write(content)
