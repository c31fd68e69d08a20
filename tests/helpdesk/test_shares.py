"""A transfer accepted with "share": the record stays at its centre, the asking centre sees and serves the person.

Each centre sees only the contacts, referrals and cases it gave; the holding centre's manager revokes the share.
"""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from complaints.services import COMPLAINANT_OTHER_CENTRE, complaint_open
from helpdesk import services, transfers
from helpdesk.models import Contact, PersonShare, Referral, TransferRequest
from helpdesk.selectors import people_for_user, person_get_for_user, person_served_at
from tests.conftest import SecondFactorClient
from tests.factories import ActivityFactory, CentreFactory, ContactFactory, PersonFactory, member

pytestmark = pytest.mark.django_db

NRC = "၁၂/မရက(နိုင်)၄၈၂၉၁၃"
HOLDING_NOTE = "Tachileik gave her a bus fare"
ASKING_NOTE = "North Dagon helped with her pay slip"


@pytest.fixture
def holding_manager(other_centre):
    return member("manager", other_centre, username="tcl-manager")


@pytest.fixture
def held(other_centre):
    person = services.person_create(centre=other_centre, name="Ma Khaing Zinmar", gender="woman", nrc=NRC,
                                    consent_record=True, consent_share=True)
    ContactFactory(centre=other_centre, person=person, notes=HOLDING_NOTE)
    return person


@pytest.fixture
def shared(centre, other_centre, staff, holding_manager, held):
    transfer = transfers.transfer_request(from_centre=other_centre, to_centre=centre, user=staff, nrc="12/MYK(N)482913",
                                          reason="She works in North Dagon now")
    transfers.transfer_accept(transfer=transfer, user=holding_manager, mode="share")
    return PersonShare.objects.get()


def test_sharing_keeps_the_record_and_records_the_grant(centre, other_centre, held, shared, holding_manager):
    held.refresh_from_db()
    transfer = TransferRequest.objects.get()
    assert held.centre == other_centre and (transfer.status, transfer.mode) == ("accepted", "share")
    assert (shared.person, shared.centre, shared.transfer, shared.granted_by) == (held, centre, transfer, holding_manager)
    assert shared.history.get().history_change_reason == f"transfer #{transfer.pk}"
    assert person_served_at(held, centre) and person_served_at(held, other_centre)
    assert not person_served_at(held, CentreFactory())


def test_the_asking_centre_sees_the_person_and_only_its_own_contacts(staff_client, staff, centre, held, shared):
    assert held in people_for_user(staff)
    page = staff_client.get(reverse("helpdesk:person_detail", args=[held.pk])).content.decode()
    assert "Ma Khaing Zinmar" in page and 'data-testid="shared-here"' in page
    assert HOLDING_NOTE not in page  # the holding centre's contact stays its own
    assert "/edit/" not in page
    assert staff_client.get(reverse("helpdesk:person_edit", args=[held.pk])).status_code == 404
    found = staff_client.get(reverse("helpdesk:person_list"), {"q": "12/MaYaKa(N)482913"}, follow=True).content.decode()
    assert "Ma Khaing Zinmar" in found


def test_the_asking_centre_serves_the_person_at_its_own_centre(staff_client, staff, centre, other_centre, held, shared, holding_manager):
    response = staff_client.post(reverse("helpdesk:contact_log"), {
        "person": held.pk, "centre": centre.pk, "service": "drop_in", "channel": "walk_in", "date": "2026-11-20", "notes": ASKING_NOTE,
    })
    assert response.status_code == 302
    assert Contact.objects.get(notes=ASKING_NOTE).centre == centre
    staff_client.post(reverse("helpdesk:referral_create", args=[held.pk]), {"target": "social_welfare", "date": "2026-11-20", "reason": "x"})
    assert Referral.objects.get(person=held).centre == centre
    activity = ActivityFactory(centre=centre)
    services.activity_add_attendee(activity=activity, person=held)
    case = complaint_open(centre=centre, complainant=held, opened_by=staff, grievances=["underpaid_wages"])
    assert case.centre == centre

    # the holding centre sees its own contact, not the asking centre's
    client = SecondFactorClient()
    client.force_login(holding_manager)
    page = client.get(reverse("helpdesk:person_detail", args=[held.pk])).content.decode()
    assert HOLDING_NOTE in page and ASKING_NOTE not in page and case.reference not in page
    page = staff_client.get(reverse("helpdesk:person_detail", args=[held.pk])).content.decode()
    assert ASKING_NOTE in page and case.reference in page and HOLDING_NOTE not in page


def test_a_case_or_attendance_at_a_centre_that_does_not_serve_the_person_is_refused(held, shared):
    elsewhere = CentreFactory(code="MWD")
    with pytest.raises(ValidationError) as error:
        complaint_open(centre=elsewhere, complainant=held, opened_by=None, grievances=["other"])
    assert error.value.message_dict["complainant"] == [str(COMPLAINANT_OTHER_CENTRE)]
    with pytest.raises(ValidationError):
        services.activity_add_attendee(activity=ActivityFactory(centre=elsewhere), person=held)


def test_only_the_holding_manager_revokes_and_the_other_centre_loses_sight(staff_client, staff, other_centre, held, shared, holding_manager):
    with pytest.raises(PermissionDenied):
        transfers.share_revoke(share=shared, user=member("staff", other_centre, username="tcl-staff"))
    with pytest.raises(PermissionDenied):
        transfers.share_revoke(share=shared, user=staff)
    assert staff_client.post(reverse("helpdesk:share_revoke", args=[shared.pk])).status_code == 404

    client = SecondFactorClient()
    client.force_login(holding_manager)
    listing = client.get(reverse("helpdesk:transfer_list")).content.decode()
    assert 'data-testid="shares"' in listing and "shared with CTUM North Dagon" in listing
    assert client.post(reverse("helpdesk:share_revoke", args=[shared.pk])).status_code == 302
    shared.refresh_from_db()
    assert shared.revoked_at and shared.revoked_by == holding_manager
    assert [h.revoked_at is not None for h in shared.history.order_by("history_date")] == [False, True]
    assert held not in people_for_user(staff)
    assert staff_client.get(reverse("helpdesk:person_detail", args=[held.pk])).status_code == 404
    with pytest.raises(ValidationError):
        transfers.share_revoke(share=shared, user=holding_manager)


def test_a_share_of_one_person_shows_nobody_else_of_the_holding_centre(staff, other_centre, held, shared):
    stranger = PersonFactory(centre=other_centre, name="Ko Aung")
    assert list(people_for_user(staff)) == [held]
    with pytest.raises(Http404):
        person_get_for_user(staff, stranger.pk)


def test_the_people_list_costs_the_same_queries_with_shares(staff_client, staff, centre, other_centre, held, django_assert_max_num_queries):
    for _ in range(20):
        PersonFactory(centre=centre)
    with django_assert_max_num_queries(12) as before:
        staff_client.get(reverse("helpdesk:person_list"))
    manager = member("manager", other_centre, username="tcl-manager")
    for _ in range(20):
        person = PersonFactory(centre=other_centre)
        transfer = TransferRequest.objects.create(person=person, from_centre=other_centre, to_centre=centre, reason="r", requested_by=staff)
        transfers.transfer_accept(transfer=transfer, user=manager, mode="share")
    with django_assert_max_num_queries(len(before.captured_queries)):
        page = staff_client.get(reverse("helpdesk:person_list")).content.decode()
    assert page.count("/people/") >= 40


def test_a_shared_person_typed_again_is_a_duplicate_to_use_not_another_centre(staff_client, centre, held, shared):
    page = staff_client.post(reverse("helpdesk:person_create"), {
        "gender": "woman", "nrc": "12/MaYaKa(N)482913", "consent_record": "on",
    }).content.decode()
    assert 'data-testid="duplicates"' in page and "Ma Khaing Zinmar" in page
    assert 'data-testid="registered-elsewhere"' not in page


def test_moving_a_shared_record_to_the_centre_it_was_shared_with_ends_the_share(centre, other_centre, staff, held, shared, holding_manager):
    transfer = transfers.transfer_request(from_centre=other_centre, to_centre=centre, user=staff, nrc=NRC, reason="She stays")
    transfers.transfer_accept(transfer=transfer, user=holding_manager)
    held.refresh_from_db()
    shared.refresh_from_db()
    assert held.centre == centre and shared.revoked_at is not None
    assert list(people_for_user(staff)) == [held]


def test_the_asking_centre_opens_the_shared_record_from_its_requests(staff_client, held, shared):
    listing = staff_client.get(reverse("helpdesk:transfer_list")).content.decode()
    assert "Share the record" in listing and reverse("helpdesk:person_detail", args=[held.pk]) in listing
