"""Permission matrix: every staff URL, as every role and as a user of another centre.

Fails on any leak: a record of another centre must be a 404, officers get no
personal page at all, anonymous users are sent to the login page.
"""
import pytest
from django.urls import reverse

from tests.factories import ActivityFactory, CentreFactory, PersonFactory, ReferralFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(centre):
    person = PersonFactory(centre=centre, name="Ma Hla")
    return {
        "person": person,
        "activity": ActivityFactory(centre=centre),
        "referral": ReferralFactory(centre=centre, person=person),
    }


def staff_urls(records):
    person, activity, referral = records["person"], records["activity"], records["referral"]
    return [
        ("GET", reverse("helpdesk:person_list")),
        ("GET", reverse("helpdesk:person_create")),
        ("GET", reverse("helpdesk:person_detail", args=[person.pk])),
        ("GET", reverse("helpdesk:person_edit", args=[person.pk])),
        ("GET", reverse("helpdesk:referral_create", args=[person.pk])),
        ("GET", reverse("helpdesk:contact_list")),
        ("GET", reverse("helpdesk:contact_log")),
        ("GET", reverse("helpdesk:contact_log") + f"?person={person.pk}"),
        ("GET", reverse("helpdesk:activity_list")),
        ("GET", reverse("helpdesk:activity_create")),
        ("GET", reverse("helpdesk:activity_detail", args=[activity.pk])),
        ("GET", reverse("helpdesk:activity_edit", args=[activity.pk])),
        ("POST", reverse("helpdesk:activity_attendance", args=[activity.pk])),
        ("GET", reverse("helpdesk:referral_list")),
        ("GET", reverse("helpdesk:referral_outcome", args=[referral.pk])),
    ]




def is_object_url(url, records):
    return any(f"/{records[k].pk}/" in url for k in records) or "?person=" in url


def request(client, method, url, person_pk):
    return client.post(url, {"person": person_pk}) if method == "POST" else client.get(url)


def test_anonymous_is_sent_to_login(client, records):
    for method, url in staff_urls(records):
        response = request(client, method, url, records["person"].pk)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


@pytest.mark.parametrize("role", ["staff", "manager", "admin"])
def test_own_centre_roles_get_every_page(client, centre, records, role):
    client.force_login(member(role, centre))
    for method, url in staff_urls(records):
        response = request(client, method, url, records["person"].pk)
        assert response.status_code == (302 if method == "POST" else 200), url
        if url in (reverse("helpdesk:person_list"), reverse("helpdesk:person_detail", args=[records["person"].pk])):
            assert "Ma Hla" in response.content.decode(), url


def test_officer_sees_no_personal_page(client, centre, records):
    client.force_login(member("officer", centre))
    for method, url in staff_urls(records):
        response = request(client, method, url, records["person"].pk)
        assert response.status_code == 403, url
        assert "Ma Hla" not in response.content.decode()


@pytest.mark.parametrize("role", ["staff", "manager"])
def test_other_centre_gets_404_for_records_and_empty_lists(client, records, role):
    client.force_login(member(role, CentreFactory(code="OTH")))
    for method, url in staff_urls(records):
        response = request(client, method, url, records["person"].pk)
        if is_object_url(url, records):
            assert response.status_code == 404, url
        else:
            assert response.status_code in (200, 302), url
            assert "Ma Hla" not in response.content.decode(), url


def test_missing_and_forbidden_look_the_same(client, records):
    client.force_login(member("staff", CentreFactory(code="OTH")))
    forbidden = client.get(reverse("helpdesk:person_detail", args=[records["person"].pk]))
    missing = client.get(reverse("helpdesk:person_detail", args=[999999]))
    assert forbidden.status_code == missing.status_code == 404


def test_admin_of_one_centre_sees_every_centre(client, records):
    client.force_login(member("admin", CentreFactory(code="OTH")))
    assert client.get(reverse("helpdesk:person_detail", args=[records["person"].pk])).status_code == 200


def test_user_without_membership_is_refused(client, records):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    assert client.get(reverse("helpdesk:person_list")).status_code == 403
    assert client.get(reverse("helpdesk:dashboard")).status_code == 200
