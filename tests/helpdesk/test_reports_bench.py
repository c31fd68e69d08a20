"""The benchmark's hand-written SQL and beneficiary_table agree on a small generated data set (both backends)."""
from datetime import date

import pytest

from bench.bench_reports import END, START, function_table_by_quarter, generate, hand_written_table
from helpdesk.models import Contact
from helpdesk.reports.table import BY_QUARTER, ReportFilter, beneficiary_table

pytestmark = pytest.mark.django_db


def test_hand_written_sql_and_function_give_the_same_table():
    generate(3000)
    assert Contact.objects.count() == 3000
    table = beneficiary_table(ReportFilter(start=START, end=END, by=BY_QUARTER))
    hand = hand_written_table(START, END)
    assert function_table_by_quarter(table) == hand
    assert table.grand_total.total.total == sum(n for key, n in hand.items() if key[0] == "cell")
    assert len(table.periods) == 24 and table.periods[-1].end == date(2024, 12, 31)
