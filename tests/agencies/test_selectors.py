"""Aggregate agency-check counts for reports, scoped to the user's centres; the licence history."""
from datetime import date

import pytest
from django.urls import reverse

from agencies.models import LicenceStatus
from agencies.selectors import agency_check_counts, agency_check_totals, agency_licence_history
from tests.factories import AgencyCheckFactory, AgencyFactory, CentreFactory, ContactFactory, member

pytestmark = pytest.mark.django_db

START, END = date(2026, 1, 1), date(2026, 3, 31)


def checked_contact(centre, day=date(2026, 2, 1), *, agency="licensed"):
    contact = ContactFactory(centre=centre, date=day)
    contact.topics.create(topic="agency_check")
    if agency == "licensed":
        AgencyCheckFactory(contact=contact, agency=AgencyFactory())
    elif agency == "revoked":
        AgencyCheckFactory(contact=contact, agency=AgencyFactory(status=LicenceStatus.REVOKED))
    elif agency == "none":
        AgencyCheckFactory(contact=contact, agency=None, query="Quick Visa Brokers")
    return contact


@pytest.fixture
def checks(centre, other_centre):
    checked_contact(centre)
    checked_contact(centre, agency="revoked")
    checked_contact(centre, agency="none")
    checked_contact(centre, agency=None)  # topic ticked, agency not recorded (e.g. an old contact)
    checked_contact(centre, date(2025, 12, 31))  # before the period
    ContactFactory(centre=centre, date=date(2026, 2, 1))  # another topic
    checked_contact(other_centre, agency="none")


def test_counts_per_centre_in_the_period(checks, manager, centre):
    rows = agency_check_counts(manager, start=START, end=END)
    assert rows == [{
        "centre_id": centre.pk, "centre__code": "NDG", "centre__name": "CTUM North Dagon",
        "checks": 4, "recorded": 3, "licensed": 1, "not_licensed": 1, "not_in_register": 1, "unlicensed": 2,
    }]


def test_officers_see_their_centres_and_admins_all(checks, officer, admin_user, other_centre):
    assert agency_check_totals(officer, start=START, end=END)["checks"] == 4
    totals = agency_check_totals(admin_user, start=START, end=END)
    assert (totals["checks"], totals["unlicensed"]) == (5, 3)
    assert agency_check_totals(admin_user, start=START, end=END, centre_ids=[other_centre.pk])["unlicensed"] == 1


def test_a_user_of_another_centre_sees_nothing_of_this_one(checks):
    stranger = member("manager", CentreFactory(code="MWD"))
    assert agency_check_counts(stranger, start=START, end=END) == []


def test_counts_take_one_query_whatever_the_number_of_centres(checks, admin_user, django_assert_num_queries):
    for n in range(5):
        checked_contact(CentreFactory(code=f"X{n}"))
    admin_user._mch_roles = None
    agency_check_counts(admin_user, start=START, end=END)  # warms the role cache
    with django_assert_num_queries(1):
        assert len(agency_check_counts(admin_user, start=START, end=END)) == 7


def test_history_lists_newest_first_with_the_changed_fields(admin_user):
    agency = AgencyFactory(name_en="Golden Star")
    agency.status = LicenceStatus.REVOKED
    agency._history_user = admin_user
    agency.save()
    entries = agency_licence_history(agency)
    assert [e["record"].history_type for e in entries] == ["~", "+"]
    assert entries[0]["changes"] == [("licence status", "Licensed", "Revoked")]
    assert entries[0]["record"].history_user == admin_user


def test_report_page_shows_agency_checks_without_names(client, checks, officer, centre):
    client.force_login(officer)
    response = client.get(reverse("helpdesk:reports"), {"start": "2026-01-01", "end": "2026-03-31", "by": "quarter"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="agency-checks"' in page
    section = dict(response.context["sections"])["agencies/reports/section.html"]
    assert section["totals"]["checks"] == 4 and section["totals"]["unlicensed"] == 2
    assert "Quick Visa Brokers" not in page  # what was asked is case detail, not an aggregate


def test_report_section_follows_the_channel_filter(client, checks, officer):
    client.force_login(officer)
    response = client.get(
        reverse("helpdesk:reports"), {"start": "2026-01-01", "end": "2026-03-31", "by": "quarter", "channel": "telegram"}
    )
    section = dict(response.context["sections"])["agencies/reports/section.html"]
    assert section["rows"] == []
