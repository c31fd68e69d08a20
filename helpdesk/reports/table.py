"""The quarterly beneficiary table, computed in the database from contacts and activities.

Built closed quarters come from the rollups (three small queries, see
``helpdesk.reports.rollups``); the rest from the raw rows in four grouped
queries (contacts by service, anonymous contacts, activity head counts,
registered attendees) plus one for unique persons, whatever the number of
records; Python only places the few aggregated rows into the table. Periods
are bucketed with CASEs over plain date ranges rather than Trunc/Extract
(which SQLite runs as a Python function per row): the same SQL on both
databases, and no time-zone conversion of a DateField.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Case, Count, DateField, F, Func, IntegerField, Q, QuerySet, Sum, Value, When
from django.utils.translation import gettext_lazy as _

from helpdesk.choices import Gender
from helpdesk.models import Activity, Centre, Contact, Person

BY_QUARTER = "quarter"
BY_YEAR = "year"
BY_CHOICES = [(BY_QUARTER, _("Quarter")), (BY_YEAR, _("Year"))]

# Row order and labels of the table the centres send to the donor.
SERVICE_ROWS = [
    ("mobilisation", _("Community mobilisation")),
    ("training", _("Training")),
    ("complaint", _("Lodging complaints")),
    ("drop_in", _("Drop-in services")),
    ("helpline", _("Helplines")),
]
GENDERS = [g.value for g in Gender]


@dataclass(frozen=True)
class Period:
    label: str
    start: date
    end: date


def report_periods(start: date, end: date, by: str = BY_YEAR) -> list[Period]:
    """Split [start, end] into calendar years or quarters, the first and last clipped to the range."""
    periods = []
    cursor = start
    while cursor <= end:
        if by == BY_QUARTER:
            quarter = (cursor.month - 1) // 3
            next_start = date(cursor.year + 1, 1, 1) if quarter == 3 else date(cursor.year, 3 * quarter + 4, 1)
            label = f"{cursor.year} Q{quarter + 1}"
        else:
            next_start = date(cursor.year + 1, 1, 1)
            label = str(cursor.year)
        period_end = min(end, date.fromordinal(next_start.toordinal() - 1))
        periods.append(Period(label, cursor, period_end))
        cursor = next_start
    return periods


def share(part: int, whole: int) -> Decimal | None:
    """Return part/whole as a whole-number percentage rounded half up (as published), None for 0/0."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal(1), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Cell:
    """People reached in one row and period, by gender."""

    woman: int = 0
    man: int = 0
    other: int = 0
    undisclosed: int = 0

    def __add__(self, other: Cell) -> Cell:
        return Cell(*(getattr(self, g) + getattr(other, g) for g in GENDERS))

    @property
    def total(self) -> int:
        return self.woman + self.man + self.other + self.undisclosed

    @property
    def known(self) -> int:
        """People whose gender is known: women, men and other (not "not disclosed")."""
        return self.woman + self.man + self.other

    @property
    def women_pct(self) -> Decimal | None:
        return share(self.woman, self.known)

    @property
    def men_pct(self) -> Decimal | None:
        return share(self.man, self.known)

    @property
    def women_ratio(self) -> float | None:
        """The unrounded share, for spreadsheets that format it as a percentage themselves."""
        return self.woman / self.known if self.known else None

    @property
    def men_ratio(self) -> float | None:
        return self.man / self.known if self.known else None


def _sum_cells(cells) -> Cell:
    total = Cell()
    for cell in cells:
        total += cell
    return total


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    cells: tuple[Cell, ...]

    @property
    def total(self) -> Cell:
        return _sum_cells(self.cells)


@dataclass(frozen=True)
class ReportFilter:
    """What the table covers. ``centre_ids`` None means every centre (admins, the command line)."""

    start: date
    end: date
    by: str = BY_YEAR
    centre_ids: tuple[int, ...] | None = None
    partner: str = ""
    channel: str = ""

    @property
    def restricted(self) -> bool:
        return self.centre_ids is not None or bool(self.partner)

    def centres(self) -> QuerySet[Centre]:
        centres = Centre.objects.all()
        if self.centre_ids is not None:
            centres = centres.filter(pk__in=self.centre_ids)
        if self.partner:
            centres = centres.filter(partner_organisation=self.partner)
        return centres


@dataclass
class BeneficiaryTable:
    filter: ReportFilter
    periods: list[Period]
    rows: list[Row]
    unique_persons: Row
    total_unique_persons: Cell
    unidentified: Row  # people who cannot be told apart, so cannot be counted once

    @property
    def grand_total(self) -> Row:
        """The sum of the rows above it, cell by cell: it cannot disagree with them."""
        cells = tuple(_sum_cells(row.cells[i] for row in self.rows) for i in range(len(self.periods)))
        return Row("total", _("Total"), cells)

    def row(self, key: str) -> Row:
        return next(row for row in self.rows if row.key == key)


def _period_case(periods: list[Period], date_field: str, lo: int = 0, hi: int | None = None) -> Case | Value:
    """Return the index of the period a date falls in, as a balanced tree of CASEs.

    The date range is filtered already, so log2(periods) comparisons per row
    suffice (24 quarters: 5, not up to 48 for a flat CASE): about twice as fast
    on a million contacts.
    """
    hi = len(periods) if hi is None else hi
    if hi - lo == 1:
        return Value(lo, output_field=IntegerField())
    mid = (lo + hi) // 2
    return Case(
        When(Q(**{f"{date_field}__lt": periods[mid].start}), then=_period_case(periods, date_field, lo, mid)),
        default=_period_case(periods, date_field, mid, hi),
        output_field=IntegerField(),
    )


class _UnindexedOnSQLite(Func):
    """The column itself, but written ``+date`` on SQLite so its planner leaves the date index alone.

    Without histograms SQLite takes the (date, service, gender) index for any
    date range, then fetches every row for person_id: 5 s on a million
    contacts, against 0.4 s reading the covering (person, date) index.
    PostgreSQL plans from its statistics and gets the plain column.
    """

    template = "%(expressions)s"
    output_field = DateField()

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"+{sql}", params


def _in_centres(queryset: QuerySet, report: ReportFilter) -> QuerySet:
    """Limit to the report's centres; no condition at all when every centre is in (admins, national totals)."""
    if not report.restricted:
        return queryset
    return queryset.filter(centre_id__in=report.centres().values("pk"))


def _contacts(report: ReportFilter) -> QuerySet[Contact]:
    contacts = _in_centres(Contact.objects.filter(date__gte=report.start, date__lte=report.end), report)
    if report.channel:
        contacts = contacts.filter(channel=report.channel)
    return contacts


def _activities(report: ReportFilter) -> QuerySet[Activity]:
    """Activities have no channel: a report filtered by channel has no activity rows."""
    if report.channel:
        return Activity.objects.none()
    return _in_centres(Activity.objects.filter(date__gte=report.start, date__lte=report.end), report)


def _attendances(report: ReportFilter) -> QuerySet:
    return Activity.attendees.through.objects.filter(activity__in=_activities(report).values("pk"))


def _rolled_quarters(report: ReportFilter) -> list[int]:
    """The built quarters lying wholly inside the report's range: read from rollups, not raw rows."""
    from helpdesk.reports.rollups import built_quarters, quarter_end, quarter_of, quarter_start

    first, last = quarter_of(report.start), quarter_of(report.end)
    if quarter_start(first) < report.start:
        first += 1
    if quarter_end(last) > report.end:
        last -= 1
    if first > last:
        return []
    return sorted(q for q in built_quarters() if first <= q <= last)


def _raw_ranges(report: ReportFilter, rolled: list[int]) -> list[tuple[date, date]]:
    """The parts of the range not covered by rolled quarters, as (first day, last day) pairs."""
    from helpdesk.reports.rollups import quarter_end, quarter_start

    ranges, cursor = [], report.start
    for q in rolled:
        if quarter_start(q) > cursor:
            ranges.append((cursor, date.fromordinal(quarter_start(q).toordinal() - 1)))
        cursor = date.fromordinal(quarter_end(q).toordinal() + 1)
    if cursor <= report.end:
        ranges.append((cursor, report.end))
    return ranges


def _dated(queryset: QuerySet, field: str, ranges: list[tuple[date, date]] | None) -> QuerySet:
    """Keep rows dated in ``ranges`` (None: the whole report range, already filtered)."""
    if ranges is None:
        return queryset
    condition = Q()
    for first, last in ranges:
        condition |= Q(**{f"{field}__gte": first, f"{field}__lte": last})
    return queryset.filter(condition)


def beneficiary_table(report: ReportFilter, *, rollups: bool = True) -> BeneficiaryTable:
    """Compute the beneficiary table: service rows x periods, each cell people reached by gender.

    A contact counts once per service given (a person who came twice counts
    twice, as in the centres' own table); an activity counts its registered
    attendees (by their recorded gender) plus its head-count tallies. Built
    closed quarters are read from the rollups (``helpdesk.reports.rollups``),
    the rest from the raw rows; ``rollups=False`` reads everything raw.
    """
    shown, report = report, _national_if_every_centre(report)
    periods = report_periods(report.start, report.end, report.by)
    counts = {key: [dict.fromkeys(GENDERS, 0) for _p in periods] for key, _label in SERVICE_ROWS}
    unidentified = [dict.fromkeys(GENDERS, 0) for _p in periods]  # anonymous contacts and head counts
    rolled = _rolled_quarters(report) if rollups else []
    ranges = _raw_ranges(report, rolled) if rolled else None
    if rolled:
        _add_rolled_counts(report, periods, rolled, counts, unidentified)
    if ranges != []:
        _add_raw_counts(report, periods, ranges, counts, unidentified)
    rows = [Row(key, label, tuple(Cell(**c) for c in counts[key])) for key, label in SERVICE_ROWS]
    if rolled and not ranges and not report.channel and not report.partner and (
        report.centre_ids is None or len(report.centre_ids) == 1
    ):
        unique_cells, unique_total = _unique_persons_rolled(report, periods)
    elif len(periods) <= 62:
        unique_cells, unique_total = _unique_persons_bitmask(report, periods)
    else:
        unique_cells, unique_total = _unique_persons(report, periods)
    return BeneficiaryTable(
        filter=shown,
        periods=periods,
        rows=rows,
        unique_persons=Row("unique", _("Unique registered persons"), tuple(unique_cells)),
        total_unique_persons=unique_total,
        unidentified=Row("unidentified", _("Anonymous contacts and head counts"), tuple(Cell(**c) for c in unidentified)),
    )


def _national_if_every_centre(report: ReportFilter) -> ReportFilter:
    """A report over every centre listed one by one (an API token's, an officer's) is the national report.

    The rows are the same either way, but only the national scope can take unique persons from the
    rollups; without this an all-centres token read every contact in the range (1.7 s at 1M contacts).
    """
    if report.centre_ids is None or len(report.centre_ids) < 2:
        return report
    every = set(Centre.objects.values_list("pk", flat=True))
    return replace(report, centre_ids=None) if every and every <= set(report.centre_ids) else report


def _period_index(periods: list[Period]):
    starts = [p.start for p in periods]

    def index(day: date) -> int:
        return bisect_right(starts, day) - 1

    return index


def _add_rolled_counts(report: ReportFilter, periods: list[Period], rolled: list[int], counts, unidentified) -> None:
    from helpdesk.reports.rollup_models import RollupCount
    from helpdesk.reports.rollups import quarter_start

    rollup = _in_centres(RollupCount.objects.filter(quarter__gte=rolled[0], quarter__lte=rolled[-1]), report)
    if len(rolled) != rolled[-1] - rolled[0] + 1:
        rollup = rollup.filter(quarter__in=rolled)
    if report.channel:
        rollup = rollup.filter(channel=report.channel)
    index = _period_index(periods)
    for item in rollup.order_by().values("quarter", "row_key", "gender").annotate(n=Sum("reached"), u=Sum("unidentified")):
        period = index(quarter_start(item["quarter"]))
        counts[item["row_key"]][period][item["gender"]] += item["n"]
        unidentified[period][item["gender"]] += item["u"]


def _add_raw_counts(report: ReportFilter, periods: list[Period], ranges, counts, unidentified) -> None:
    contacts = _dated(_contacts(report), "date", ranges)
    contact_rows = contacts.order_by().values("service", "gender", period=_period_case(periods, "date")).annotate(n=Count("id"))
    for item in contact_rows:  # read from the covering (date, service, gender) index alone
        counts[item["service"]][item["period"]][item["gender"]] += item["n"]
    anonymous = (
        contacts.filter(person__isnull=True).order_by()
        .values("gender", period=_period_case(periods, "date")).annotate(n=Count("id"))
    )
    for item in anonymous:
        unidentified[item["period"]][item["gender"]] += item["n"]

    activities = _dated(_activities(report), "date", ranges)
    tallies = (
        activities.order_by().values("kind", period=_period_case(periods, "date"))
        .annotate(woman=Sum("women_count"), man=Sum("men_count"), other=Sum("other_count"), undisclosed=Sum("undisclosed_count"))
    )
    for item in tallies:
        for gender in GENDERS:
            counts[item["kind"]][item["period"]][gender] += item[gender] or 0
            unidentified[item["period"]][gender] += item[gender] or 0

    attendance = (
        Activity.attendees.through.objects.filter(activity__in=activities.values("pk")).order_by()
        .values(kind=F("activity__kind"), gender=F("person__gender"), period=_period_case(periods, "activity__date"))
        .annotate(n=Count("id"))
    )
    for item in attendance:
        counts[item["kind"]][item["period"]][item["gender"]] += item["n"]


def _unique_persons_rolled(report: ReportFilter, periods: list[Period]) -> tuple[list[Cell], Cell]:
    """Unique persons from ``RollupReturn``: those seen in a period's quarters whose previous quarter seen is before it."""
    from helpdesk.reports.rollup_models import RollupReturn
    from helpdesk.reports.rollups import quarter_of

    scope = report.centre_ids[0] if report.centre_ids else 0
    spans = [(quarter_of(p.start), quarter_of(p.end)) for p in periods]
    first, last = spans[0][0], spans[-1][1]
    per_period = [dict.fromkeys(GENDERS, 0) for _p in periods]
    overall = dict.fromkeys(GENDERS, 0)
    rows = RollupReturn.objects.filter(scope=scope, quarter__gte=first, quarter__lte=last).values_list(
        "quarter", "previous", "gender", "persons"
    )
    for quarter, previous, gender, persons in rows:
        for i, (a, b) in enumerate(spans):
            if a <= quarter <= b and previous < a:
                per_period[i][gender] += persons
        if previous < first:
            overall[gender] += persons
    return [Cell(**c) for c in per_period], Cell(**overall)


def _unique_persons_bitmask(report: ReportFilter, periods: list[Period]) -> tuple[list[Cell], Cell]:
    """Count registered persons once per period (and once overall) from the raw rows, by their recorded gender.

    One pass: each person's periods folded into one integer (bit i = seen in
    period i: ``bit_or`` on PostgreSQL, the sum of the distinct powers of two
    on SQLite), then the bits summed by gender; no (period, person) pairs are
    ever sorted or de-duplicated.
    """
    parts, params = _pair_parts(report, periods)
    if not parts:
        return [Cell() for _p in periods], Cell()
    fold = "bit_or(1::bigint << period)" if connection.vendor == "postgresql" else "SUM(DISTINCT 1 << period)"
    bits = ", ".join(f"SUM((m >> {i}) & 1)" for i in range(len(periods)))
    person = Person._meta.db_table
    sql = (
        f"WITH pairs (period, person_id) AS ({' UNION ALL '.join(parts)}), "
        f"masks AS (SELECT person_id, {fold} AS m FROM pairs GROUP BY person_id) "
        f"SELECT p.gender, COUNT(*), {bits} FROM masks JOIN {person} p ON p.id = masks.person_id GROUP BY p.gender"
    )
    per_period = [dict.fromkeys(GENDERS, 0) for _p in periods]
    overall = dict.fromkeys(GENDERS, 0)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for gender, total, *period_counts in cursor.fetchall():
            overall[gender] += total
            for i, n in enumerate(period_counts):
                per_period[i][gender] += int(n or 0)
    return [Cell(**c) for c in per_period], Cell(**overall)


def _unique_persons(report: ReportFilter, periods: list[Period]) -> tuple[list[Cell], Cell]:
    """Count registered persons once per period (and once overall), by their recorded gender (over 62 periods).

    One query: the distinct (period, person) pairs of contacts and attendance,
    joined to the person for the gender only after de-duplication, grouped per
    period and again over the whole range. The DISTINCT is ours, not a
    queryset ``union()``: Django drops an empty side (no activities under a
    channel filter) and with it the UNION that de-duplicated, so a person with
    two contacts in a quarter counted twice.
    """
    parts, params = _pair_parts(report, periods)
    if not parts:
        return [Cell() for _p in periods], Cell()
    person = Person._meta.db_table
    sql = (
        f"WITH seen (period, person_id) AS ({' UNION ALL '.join(parts)}), "
        "pairs AS (SELECT DISTINCT period, person_id FROM seen) "
        f"SELECT pairs.period, p.gender, COUNT(*) FROM pairs JOIN {person} p ON p.id = pairs.person_id GROUP BY 1, 2 "
        f"UNION ALL SELECT -1, p.gender, COUNT(*) FROM (SELECT DISTINCT person_id FROM pairs) d "
        f"JOIN {person} p ON p.id = d.person_id GROUP BY 1, 2"
    )
    per_period = [dict.fromkeys(GENDERS, 0) for _p in periods]
    overall = dict.fromkeys(GENDERS, 0)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for period, gender, n in cursor.fetchall():
            if period == -1:
                overall[gender] += n
            else:
                per_period[period][gender] += n
    return [Cell(**c) for c in per_period], Cell(**overall)


def _pair_parts(report: ReportFilter, periods: list[Period]) -> tuple[list[str], list]:
    """The SQL of the (period, person) rows of contacts and of attendance, each part that can have rows (duplicates kept)."""
    contact_pairs = (
        Contact.objects.alias(day=_UnindexedOnSQLite("date"))
        .filter(day__gte=report.start, day__lte=report.end, person__isnull=False)
    )
    contact_pairs = _in_centres(contact_pairs, report)
    if report.channel:
        contact_pairs = contact_pairs.filter(channel=report.channel)
    contact_pairs = contact_pairs.order_by().values_list(_period_case(periods, "date"), "person_id")
    attendance_pairs = _attendances(report).order_by().values_list(_period_case(periods, "activity__date"), "person_id")
    parts, params = [], []
    for pairs in (contact_pairs, attendance_pairs):
        try:
            part_sql, part_params = pairs.query.sql_with_params()
        except EmptyResultSet:  # no activities under a channel filter
            continue
        parts.append(part_sql)
        params.extend(part_params)
    return parts, params
