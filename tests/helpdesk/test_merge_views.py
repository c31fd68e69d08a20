"""The merge page: who may open it, what it shows side by side, what staff choose, and where the merged-away record leads."""
import pytest
from django.urls import reverse

from complaints.services import complaint_open
from helpdesk import transfers
from helpdesk.models import Contact, Person, TransferRequest
from helpdesk.services import person_create
from tests.conftest import SecondFactorClient
from tests.factories import ActivityFactory, CentreFactory, ContactFactory, member

pytestmark = pytest.mark.django_db



@pytest.fixture
def twins(centre, staff):
    """One woman registered twice at North Dagon: once by name, once with her NRC in Burmese and a phone."""
    first = person_create(centre=centre, created_by=staff, name="Ma Hnin Wai", gender="woman", birth_year=1992,
                          phone="+959451234000", origin_township="Hpa-an", consent_record=True)
    second = person_create(centre=centre, created_by=staff, name="မနှင်းဝေ", gender="woman", birth_year=1992,
                           phone="+959451234000", origin_township="Myawaddy", nrc="၁၂/မရက(နိုင်)၄၈၂၉၁၃", consent_record=True,
                           consent_share=True)
    ContactFactory(centre=centre, person=first)
    ContactFactory(centre=centre, person=second)
    ContactFactory(centre=centre, person=second)
    ActivityFactory(centre=centre).attendees.add(second)
    return first, second


def url(one, other):
    return reverse("helpdesk:person_merge", args=[one.pk, other.pk])


def as_user(user):
    client = SecondFactorClient()
    client.force_login(user)
    return client


@pytest.mark.parametrize("role, status", [
    ("staff", 200), ("manager", 200), ("admin", 200), ("officer", 403), ("other_staff", 404), ("other_manager", 404),
    ("shared_staff", 404),
])
def test_who_may_open_the_merge_page(centre, other_centre, staff, twins, role, status):
    first, second = twins
    users = {
        "staff": staff, "manager": member("manager", centre, username="m"), "admin": member("admin", CentreFactory(code="HQ"), username="a"),
        "officer": member("officer", centre, username="o"), "other_staff": member("staff", other_centre, username="os"),
        "other_manager": member("manager", other_centre, username="om"),
    }
    if role == "shared_staff":  # both records shared with Tachileik: it serves her, it does not merge her records
        for person in twins:
            transfer = TransferRequest.objects.create(person=person, from_centre=centre, to_centre=other_centre, reason="r",
                                                      requested_by=staff)
            transfers.transfer_accept(transfer=transfer, user=users["manager"], mode="share")
        users[role] = member("staff", other_centre, username="ss")
    assert as_user(users[role]).get(url(first, second)).status_code == status


def test_anonymous_is_sent_to_log_in(client, twins):
    response = client.get(url(*twins))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_person_page_lists_the_twin_and_the_page_compares_them(staff_client, twins):
    first, second = twins
    page = staff_client.get(reverse("helpdesk:person_detail", args=[first.pk])).content.decode()
    assert 'data-testid="possible-twins"' in page and url(first, second) in page
    page = staff_client.get(url(first, second)).content.decode()
    assert "Hpa-an" in page and "Myawaddy" in page and "12/MYK(N)482913" not in page  # the NRC as typed
    assert "၁၂/မရက(နိုင်)၄၈၂၉၁၃" in page
    assert 'name="take_origin_township"' in page and 'name="take_name"' in page
    assert 'name="take_nrc"' not in page  # only one record holds it: it is kept without asking


def test_merging_keeps_what_staff_chose_and_the_old_address_leads_to_the_kept_record(staff_client, staff, twins):
    first, second = twins
    response = staff_client.post(url(first, second), {
        "keep": first.pk, "take_name": first.pk, "take_origin_township": second.pk, "confirm": "on",
    })
    assert response.status_code == 302 and response["Location"] == reverse("helpdesk:person_detail", args=[first.pk])
    first.refresh_from_db()
    assert (first.name, first.origin_township, first.nrc_key, first.consent_share) == ("Ma Hnin Wai", "Myawaddy", "12/MYK(N)482913", True)
    assert not Person.objects.filter(pk=second.pk).exists() and Contact.objects.filter(person=first).count() == 3
    assert first.activities.count() == 1

    page = staff_client.get(reverse("helpdesk:person_detail", args=[first.pk])).content.decode()
    assert f"merged #{second.pk} into #{first.pk}" in page  # the history shows it
    gone = staff_client.get(reverse("helpdesk:person_detail", args=[second.pk]), follow=True)
    assert gone.redirect_chain[-1][0] == reverse("helpdesk:person_detail", args=[first.pk])
    assert f"Record #{second.pk} was merged into this one." in gone.content.decode()


def test_the_merged_away_address_is_a_plain_404_for_another_centre(twins, staff, other_centre):
    first, second = twins
    staff_client = as_user(staff)
    staff_client.post(url(first, second), {"keep": first.pk, "take_name": first.pk, "take_origin_township": first.pk, "confirm": "on"})
    assert as_user(member("staff", other_centre, username="os")).get(reverse("helpdesk:person_detail", args=[second.pk])).status_code == 404


def test_nothing_merges_without_the_confirmation(staff_client, twins):
    first, second = twins
    response = staff_client.post(url(first, second), {"keep": second.pk})
    assert response.status_code == 200 and Person.objects.filter(pk=first.pk).exists() and Person.objects.filter(pk=second.pk).exists()


def test_a_sensitive_case_the_user_cannot_see_blocks_the_merge_without_showing_it(centre, twins, staff, manager):
    first, second = twins
    case = complaint_open(centre=centre, complainant=second, opened_by=None, grievances=["trafficking"], description="Sold to a boat")
    page = as_user(staff).get(url(first, second)).content.decode()
    assert 'data-testid="merge-blocked"' in page and "ask a manager of the centre" in page
    assert case.reference not in page and "Sold to a boat" not in page and "trafficking" not in page.lower()
    response = as_user(staff).post(url(first, second), {"keep": first.pk, "take_name": first.pk, "take_origin_township": first.pk, "confirm": "on"})
    assert response.status_code == 200 and Person.objects.filter(pk=second.pk).exists()
    # the centre's manager sees the case and may merge
    response = as_user(manager).post(url(first, second), {"keep": first.pk, "take_name": first.pk, "take_origin_township": first.pk,
                                                         "confirm": "on"})
    assert response.status_code == 302 and not Person.objects.filter(pk=second.pk).exists()
    case.refresh_from_db()
    assert case.complainant == first


def test_an_erased_record_or_two_centres_never_merge(centre, other_centre, staff, twins, manager):
    from helpdesk.erasure import erasure_confirm, erasure_request

    first, second = twins
    asked = erasure_request(person=second, user=manager, reason="asked at the centre")
    erasure_confirm(erasure=asked, user=member("manager", centre, username="m2"))
    page = as_user(staff).get(url(first, second)).content.decode()
    assert "An erased record cannot be merged." in page
    elsewhere = person_create(centre=other_centre, name="Ma Hnin", gender="woman", consent_record=True)
    assert as_user(staff).get(url(first, elsewhere)).status_code == 404
