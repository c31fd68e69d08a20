"""The benchmark's generated data and hand-written SQL give the same table as beneficiary_table (PostgreSQL only)."""
from datetime import date

import pytest
from django.db import connection

from bench.bench_reports import HAND_SQL, TABLES, flat_table, generate, hand_written_table
from helpdesk.models import Contact, Person
from helpdesk.reports import rollups
from helpdesk.reports.table import BY_QUARTER, ReportFilter, beneficiary_table

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("the benchmark generates its data with generate_series and bit_or (PostgreSQL)")


def test_every_hand_written_version_and_the_rollups_give_the_same_table():
    generate(5000)
    assert Contact.objects.count() == 5000 and Person.objects.count() == 1000
    assert Contact.objects.order_by("date").first().date >= date(2019, 1, 1)
    assert Contact.objects.order_by("date").last().date <= date(2024, 12, 31)
    rollups.rebuild()
    for start, end in TABLES.values():
        report = ReportFilter(start=start, end=end, by=BY_QUARTER)
        raw = flat_table(beneficiary_table(report, rollups=False))
        assert raw and flat_table(beneficiary_table(report)) == raw
        for version in HAND_SQL:
            assert hand_written_table(version, start, end) == raw, version
