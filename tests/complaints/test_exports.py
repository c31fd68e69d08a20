"""Every CSV and XLSX export, fed names typed as formulas: no cell may start a formula when opened.

The audit found the complaint-outcomes CSV wrote an agency named ``@SUM(1+9)*cmd|' /C calc'!A0`` raw.
Every export goes through ``helpdesk.downloads``; this walks each one with hostile names in every
typed field that reaches it (person, employer, agency, centre, partner organisation, username).
"""
import csv
import io
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from complaints.services import complaint_open
from helpdesk.downloads import FORMULA_STARTS
from helpdesk.models import AccessLog
from tests.factories import AgencyFactory, CentreFactory, PersonFactory, member

pytestmark = pytest.mark.django_db

AGENCY = "@SUM(1+9)*cmd|' /C calc'!A0"
PERSON = "=HYPERLINK(\"http://evil.example\",\"Ma Hla\")"
EMPLOYER = "\uff1dcmd|' /C calc'!A0"
CENTRE = "+Centre|' /C calc'!A0"
PARTNER = "-2+3+cmd|' /C calc'!A0"
USERNAME = "@SUM(1+9)"
TYPED = [AGENCY, PERSON, EMPLOYER, CENTRE, PARTNER, USERNAME]


@pytest.fixture
def hostile(db):
    centre = CentreFactory(code="EVL", name=CENTRE, partner_organisation=PARTNER)
    agency = AgencyFactory(licence_number="66/2020", name_en=AGENCY)
    person = PersonFactory(centre=centre, name=PERSON)
    complaint_open(
        centre=centre, complainant=person, opened_by=None, grievances=["overcharged_fees"], agency=agency, employer=EMPLOYER,
    )
    return centre


def exports(centre):
    year = timezone.localdate().year
    query = "?" + urlencode({"start": f"{year}-01-01", "end": f"{year}-12-31", "by": "year", "centres": centre.pk, "partner": PARTNER})
    return [
        reverse("complaints:export"),
        reverse("complaints:outcomes_csv") + query,
        reverse("complaints:outcomes_export", args=["csv"]) + query,
        reverse("complaints:outcomes_export", args=["xlsx"]) + query,
        reverse("helpdesk:report_export", args=["csv"]) + query,
        reverse("helpdesk:report_export", args=["xlsx"]) + query,
        reverse("helpdesk:access_log_export"),
    ]


def cells(response) -> list[tuple[str, str]]:
    """(type, text) of every cell: CSV cells are text; XLSX cells keep openpyxl's data type ("f" for a formula)."""
    if response["Content-Type"].startswith("text/csv"):
        rows = csv.reader(io.StringIO(response.content.decode("utf-8-sig")))
        return [("s", cell) for row in rows for cell in row]
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [(c.data_type, str(c.value)) for row in sheet.iter_rows() for c in row if c.value is not None]


@pytest.mark.parametrize("index", range(7))
def test_no_export_lets_a_typed_name_run_as_a_formula(client, hostile, index):
    # A username may start with "@", "+" or "-": it reaches the access log's export.
    AccessLog.objects.create(username=USERNAME, kind="person", object_id=1, path="/people/1/")
    client.force_login(member("admin", hostile))
    url = exports(hostile)[index]
    response = client.get(url)
    assert response.status_code == 200, url
    found = cells(response)
    xlsx = not response["Content-Type"].startswith("text/csv")
    for kind, text in found:
        assert kind != "f", (url, text)
        if not xlsx:
            assert not text.lstrip(" ").startswith(FORMULA_STARTS), (url, text)
    # The names are there (defused), not dropped: the export still says who and what.
    shown = " ".join(text for _kind, text in found)
    assert any(name in shown for name in TYPED), url
