"""The report page and its downloads: who may see them, what they show, and that no name ever appears."""
import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import ActivityFactory, CentreFactory, ContactFactory, PersonFactory, member

pytestmark = pytest.mark.django_db

RANGE = {"start": "2024-01-01", "end": "2024-12-31", "by": "year"}


@pytest.fixture
def records(centre, other_centre):
    ma_hla = PersonFactory(centre=centre, name="Ma Hla", phone="+959767889802", gender="woman")
    ContactFactory(centre=centre, person=ma_hla, service="drop_in", date=date(2024, 2, 1))
    ContactFactory(centre=centre, person=None, gender="man", service="helpline", channel="phone", date=date(2024, 5, 1))
    ContactFactory(centre=other_centre, person=PersonFactory(centre=other_centre, name="Ko Zaw"), service="helpline", date=date(2024, 5, 1))
    ActivityFactory(centre=centre, kind="training", date=date(2024, 3, 3), women_count=4, men_count=1)
    return ma_hla


def report_urls():
    return [reverse("helpdesk:reports")] + [reverse("helpdesk:report_export", args=[f]) for f in ("csv", "xlsx", "pdf")]


def test_anonymous_is_sent_to_login(client, records):
    for url in report_urls():
        response = client.get(url, RANGE)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_staff_get_no_reports(client, staff, records):
    client.force_login(staff)
    for url in report_urls():
        assert client.get(url, RANGE).status_code == 403, url


@pytest.mark.parametrize("role", ["officer", "manager", "admin"])
def test_reporting_roles_get_the_page_and_every_download_without_names(client, centre, records, role):
    client.force_login(member(role, centre))
    for url in report_urls():
        response = client.get(url, RANGE)
        assert response.status_code == 200, url
        body = response.content
        if url.endswith(".xlsx"):
            sheet = load_workbook(io.BytesIO(body)).active
            body = " ".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None).encode()
        for secret in (b"Ma Hla", b"Ko Zaw", b"767889802"):
            assert secret not in body, (url, secret)


def test_officer_sees_only_their_centres_even_when_asking_for_another(client, centre, other_centre, records):
    client.force_login(member("officer", centre))
    response = client.get(reverse("helpdesk:reports"), {**RANGE, "centres": [other_centre.pk]})
    assert "table" not in response.context
    assert "Select a valid choice" in response.content.decode()
    assert client.get(reverse("helpdesk:report_export", args=["csv"]), {**RANGE, "centres": [other_centre.pk]}).status_code == 400
    response = client.get(reverse("helpdesk:reports"), RANGE)
    table = response.context["table"]
    # own centre: 1 drop-in, 1 helpline, 5 trained; the other centre's helpline is not counted
    assert [row.total.total for row in table.rows] == [0, 5, 0, 1, 1]


def test_report_filter_never_reaches_past_the_users_centres(centre, other_centre):
    from helpdesk.reports.access import report_filter_for_user

    officer = member("officer", centre)
    asked = report_filter_for_user(officer, start=date(2024, 1, 1), end=date(2024, 12, 31), centre_ids=[other_centre.pk])
    assert asked.centre_ids == ()
    assert report_filter_for_user(officer, start=date(2024, 1, 1), end=date(2024, 12, 31)).centre_ids == (centre.pk,)
    staff = member("staff", centre)
    assert report_filter_for_user(staff, start=date(2024, 1, 1), end=date(2024, 12, 31)).centre_ids == ()


def test_admin_sees_every_centre_and_filters_by_channel(client, centre, records):
    client.force_login(member("admin", centre))
    table = client.get(reverse("helpdesk:reports"), RANGE).context["table"]
    assert table.row("helpline").total.total == 2
    table = client.get(reverse("helpdesk:reports"), {**RANGE, "channel": "phone"}).context["table"]
    assert [row.total.total for row in table.rows] == [0, 0, 0, 0, 1]


def test_bad_range_is_explained_and_nothing_is_computed(client, officer):
    client.force_login(officer)
    response = client.get(reverse("helpdesk:reports"), {"start": "2024-12-31", "end": "2024-01-01", "by": "year"})
    assert "table" not in response.context
    assert "The end date must not be before the start date." in response.content.decode()
    response = client.get(reverse("helpdesk:report_export", args=["csv"]), {"start": "2000-01-01", "end": "2024-12-31", "by": "quarter"})
    assert response.status_code == 400
    assert "more than 40 columns" in response.content.decode()


def test_page_shows_the_table(client, officer, records):
    client.force_login(officer)
    html = client.get(reverse("helpdesk:reports"), RANGE).content.decode()
    assert "Beneficiary table" in html and "Training" in html and "80%" in html  # 4 of 5 trained are women


def add_contacts(centre, n):
    from helpdesk.models import Contact, Person

    people = Person.objects.bulk_create([Person(centre=centre, gender="woman" if i % 2 else "man") for i in range(max(n // 10, 1))])
    Contact.objects.bulk_create([
        Contact(centre=centre, person=people[i % len(people)] if i % 3 else None, service=("drop_in", "helpline", "complaint")[i % 3],
                channel="walk_in", gender=("woman", "man", "other", "undisclosed")[i % 4], date=date(2024, 1 + i % 12, 1))
        for i in range(n)
    ])
    activity = ActivityFactory(centre=centre, date=date(2024, 6, 1))
    activity.attendees.add(*people[:50])


def test_page_queries_do_not_grow_with_records(client, centre, officer):
    """The same number of queries for 10 and 1,000 contacts: everything is aggregated in the database."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from helpdesk.models import Contact

    client.force_login(officer)
    counts = []
    for n in (10, 990):
        add_contacts(centre, n)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("helpdesk:reports"), {**RANGE, "by": "quarter"})
        counts.append(len(queries))
        table = response.context["table"]
        assert sum(table.row(key).total.total for key in ("drop_in", "helpline", "complaint")) == Contact.objects.count()
    assert counts[0] == counts[1] and counts[0] <= 40, counts


def test_nav_and_dashboard_link_to_reports_for_officers(client, officer):
    client.force_login(officer)
    html = client.get(reverse("helpdesk:dashboard")).content.decode()
    assert html.count(f'href="{reverse("helpdesk:reports")}"') >= 2


def test_staff_see_no_reports_link(client, staff):
    client.force_login(staff)
    assert reverse("helpdesk:reports") not in client.get(reverse("helpdesk:dashboard")).content.decode()


def test_unknown_export_format_is_404(client, officer):
    client.force_login(officer)
    assert client.get(reverse("helpdesk:report_export", args=["docx"]), RANGE).status_code == 404


def test_partner_filter(client, admin_user, records):
    CentreFactory(code="MKT", partner_organisation="Mawk Kon")
    client.force_login(admin_user)
    table = client.get(reverse("helpdesk:reports"), {**RANGE, "partner": "Mawk Kon"}).context["table"]
    assert table.grand_total.total.total == 0
    table = client.get(reverse("helpdesk:reports"), {**RANGE, "partner": "CTUM"}).context["table"]
    assert table.grand_total.total.total == 8


def test_officer_dashboard_shows_this_quarters_figures(client, centre, officer):
    from django.utils import timezone

    today = timezone.localdate()
    ContactFactory(centre=centre, person=None, gender="woman", service="helpline", date=today)
    ContactFactory(centre=centre, person=None, gender="man", service="helpline", date=today)
    ContactFactory(centre=CentreFactory(code="MKT"), person=None, gender="man", service="helpline", date=today)
    client.force_login(officer)
    response = client.get(reverse("helpdesk:dashboard"))
    html = response.content.decode()
    assert 'id="quarter-summary"' in html and "50% women" in html
    assert response.context["table"].row("helpline").total.total == 2  # the other centre is not counted
