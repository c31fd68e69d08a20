"""The centres' published 2019-2020 beneficiary table, rebuilt from records through import_contacts.

The published grand totals (12,914 / 17,312 / 30,226) were added up by hand
and are not the sums of the rows; ours is computed, so it is 11,800 / 15,442 / 27,242.
"""
import csv
import io
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest

from helpdesk.imports import import_contacts
from helpdesk.reports.table import BY_YEAR, ReportFilter, beneficiary_table

pytestmark = pytest.mark.django_db

# service: {year: (number reached, % women, % men)}, as published
PUBLISHED = {
    "mobilisation": {2019: (7063, 48, 52), 2020: (6048, 53, 47)},
    "training": {2019: (2717, 52, 48), 2020: (1612, 57, 43)},
    "complaint": {2019: (1576, 18, 82), 2020: (1374, 26, 74)},
    "drop_in": {2019: (222, 59, 41), 2020: (1650, 39, 61)},
    "helpline": {2019: (222, 40, 60), 2020: (4758, 45, 55)},
}
PUBLISHED_TOTALS = {"mobilisation": 13111, "training": 4329, "complaint": 2950, "drop_in": 1872, "helpline": 4980}
REGISTERED = {"woman": 3, "man": 2}  # per service and year: people with a beneficiary card, the rest head counts


def legacy_file() -> bytes:
    """One row per registered person (with card number and consent) plus head-count rows for everyone else."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["date", "centre", "service", "gender", "count", "person_ref", "name", "activity", "consent"])
    for service, years in PUBLISHED.items():
        for year, (reached, women_pct, _men_pct) in years.items():
            women = int((Decimal(reached) * women_pct / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
            for gender, total in (("woman", women), ("man", reached - women)):
                registered = REGISTERED[gender]
                for i in range(registered):
                    ref = f"{service[:3].upper()}-{year}-{gender[0]}{i}"
                    writer.writerow([f"{year}-03-1{i}", "NDG", service, gender, "", ref, f"Person {ref}", f"{service} event", "yes"])
                rest = total - registered
                # split the head count over two dates, the second written in Burmese digits and words
                first = rest // 2
                burmese_gender = {"woman": "အမျိုးသမီး", "man": "ကျား"}[gender]
                writer.writerow([f"{year}-05-02", "NDG", service, gender, first, "", "", f"{service} event"])
                writer.writerow([f"၀၂/၁၁/{year}", "ndg", service, burmese_gender, str(rest - first), "", "", ""])
    return out.getvalue().encode()


def test_published_rows_add_up_to_the_issues_totals():
    for service, years in PUBLISHED.items():
        assert years[2019][0] + years[2020][0] == PUBLISHED_TOTALS[service], service
    assert sum(y[2019][0] for y in PUBLISHED.values()) == 11800
    assert sum(y[2020][0] for y in PUBLISHED.values()) == 15442


def test_import_reproduces_the_published_table(centre):
    result = import_contacts(content=legacy_file(), filename="mc-2019-2020.csv")
    assert result.errors == []

    table = beneficiary_table(ReportFilter(start=date(2019, 1, 1), end=date(2020, 12, 31), by=BY_YEAR))

    assert [p.label for p in table.periods] == ["2019", "2020"]
    for row in table.rows:
        for period, year in zip(row.cells, (2019, 2020), strict=True):
            reached, women_pct, men_pct = PUBLISHED[row.key][year]
            assert (period.total, period.women_pct, period.men_pct) == (reached, women_pct, men_pct), (row.key, year)
            assert period.other == period.undisclosed == 0
        assert row.total.total == PUBLISHED_TOTALS[row.key]
    grand = table.grand_total
    assert [c.total for c in grand.cells] == [11800, 15442]
    assert grand.total.total == 27242
    assert grand.total.total == sum(row.total.total for row in table.rows)
    # registered people: 5 per service and year, each counted once
    assert table.total_unique_persons.total == 5 * 5 * 2
    assert table.total_unique_persons.woman == 3 * 5 * 2


def test_reimporting_the_same_file_changes_nothing(centre):
    content = legacy_file()
    first = import_contacts(content=content, filename="mc-2019-2020.csv")
    again = import_contacts(content=content, filename="copy of mc-2019-2020.csv")
    assert again.imported == 0 and again.already_imported == first.imported == first.rows
    table = beneficiary_table(ReportFilter(start=date(2019, 1, 1), end=date(2020, 12, 31)))
    assert table.grand_total.total.total == 27242
