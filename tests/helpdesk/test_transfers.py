"""Identity documents across centres: the flag names the other centre and nothing else; transfers move the record."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from helpdesk import transfers
from helpdesk.models import Contact, Person, TransferRequest
from helpdesk.selectors import person_centres_elsewhere, person_possible_duplicates
from helpdesk.services import person_create
from tests.factories import ContactFactory, member

pytestmark = pytest.mark.django_db

LOG = reverse("helpdesk:contact_log")
NEW = reverse("helpdesk:person_create")
NAME, PHONE, BIRTH = "Ma Khaing Zinmar Oo", "+959451239876", 1987
TACHILEIK_NRC = "၁၂/မရက(နိုင်)၄၈၂၉၁၃"


@pytest.fixture
def held(other_centre):
    """A woman registered at Tachileik with her NRC typed in Burmese and a passport."""
    return person_create(centre=other_centre, name=NAME, phone=PHONE, birth_year=BIRTH, gender="woman",
                         nrc=TACHILEIK_NRC, passport_number="MC 482913", consent_record=True)


def assert_reveals_only_the_centre(page: str, held: Person, typed: str = "") -> None:
    """Nothing of the other centre's person on the page but what staff typed themselves and the centre's name."""
    assert "Mawk Kon Tachileik" in page
    page = page.replace(typed, "") if typed else page
    for secret in (NAME, "Khaing", PHONE, "451239876", "451 239 876", str(BIRTH), TACHILEIK_NRC, "၄၈၂၉၁၃", "482913",
                   "MC 482913", f"/people/{held.pk}/"):
        assert secret not in page, secret


def test_the_person_form_flags_the_other_centre_by_name_only(staff_client, centre, held):
    response = staff_client.post(NEW, {"gender": "woman", "nrc": "12/MaYaKa(N)482913", "consent_record": "on"})
    page = response.content.decode()
    assert response.status_code == 200 and 'data-testid="registered-elsewhere"' in page
    assert "This person is registered at Mawk Kon Tachileik: ask them, or request a transfer." in page
    assert_reveals_only_the_centre(page, held, typed="12/MaYaKa(N)482913")
    assert Person.objects.filter(centre=centre).count() == 0  # nothing saved before staff decide

    response = staff_client.post(NEW, {"gender": "woman", "nrc": "12/MaYaKa(N)482913", "consent_record": "on", "confirm_new": "1"})
    assert response.status_code == 302 and Person.objects.filter(centre=centre).count() == 1


def test_the_contact_form_flags_a_passport_held_elsewhere(staff_client, centre, held):
    data = {"centre": centre.pk, "service": "drop_in", "channel": "walk_in", "date": "2026-11-20", "p-gender": "woman",
            "p-consent_record": "on", "p-name": "Ma Zin", "p-passport_number": "mc-482913"}
    page = staff_client.post(LOG, data).content.decode()
    assert "This person is registered at Mawk Kon Tachileik" in page
    assert_reveals_only_the_centre(page, held, typed="mc-482913")
    assert not Contact.objects.exists()


def test_the_selector_returns_only_centres_and_never_the_users_own(centre, other_centre, held):
    found = person_centres_elsewhere(centre_ids=[centre.pk], nrc="12/MYK(N)482913")
    assert [c.name for c in found] == ["Mawk Kon Tachileik"] and all(type(c).__name__ == "Centre" for c in found)
    assert person_centres_elsewhere(centre_ids=[other_centre.pk], nrc="12/MYK(N)482913") == []
    assert person_centres_elsewhere(centre_ids=[centre.pk], nrc="12/MYK(N)482914") == []


def test_an_unreadable_nrc_is_kept_but_matches_nobody(staff_client, centre, held):
    response = staff_client.post(NEW, {"gender": "woman", "nrc": "12/Mxyz(N)482913", "consent_record": "on"})
    assert response.status_code == 302
    person = Person.objects.get(centre=centre)
    assert (person.nrc, person.nrc_key) == ("12/Mxyz(N)482913", "")
    page = staff_client.get(response["Location"]).content.decode()
    assert "Could not read this NRC" in page


def test_the_same_nrc_in_the_other_script_is_a_duplicate_within_the_centre(other_centre, held):
    found = person_possible_duplicates(centre_ids=[other_centre.pk], nrc="12/Ma Ya Ka (Naing) 482913")
    assert found == [held]
    assert person_possible_duplicates(centre_ids=[other_centre.pk], passport_number="MC482913") == [held]


def test_editing_the_nrc_updates_the_key_and_the_history(held):
    from helpdesk.services import person_update

    person_update(person=held, nrc="12/MaYaKa(N)482914")
    held.refresh_from_db()
    assert held.nrc_key == "12/MYK(N)482914"
    assert [h.nrc_key for h in held.history.order_by("history_date")] == ["12/MYK(N)482913", "12/MYK(N)482914"]


def test_a_transfer_asked_by_staff_and_accepted_by_the_holding_manager_moves_the_record(
    staff_client, client, staff, centre, other_centre, held,
):
    contact = ContactFactory(centre=other_centre, person=held)
    page = staff_client.post(reverse("helpdesk:transfer_request"), {"from_centre": other_centre.pk, "nrc": "12/MYK(N)482913"}).content.decode()
    assert "Send the request" in page and NAME not in page and PHONE not in page
    response = staff_client.post(reverse("helpdesk:transfer_request"), {
        "from_centre": other_centre.pk, "nrc": "12/MYK(N)482913", "passport_number": "", "to_centre": centre.pk,
        "reason": "She moved to North Dagon",
    })
    assert response.status_code == 302
    transfer = TransferRequest.objects.get()
    assert (transfer.person, transfer.status) == (held, "pending")
    assert staff_client.get(reverse("helpdesk:person_detail", args=[held.pk])).status_code == 404  # not yet
    listing = staff_client.get(reverse("helpdesk:transfer_list")).content.decode()
    assert "Waiting for the other centre" in listing
    assert_reveals_only_the_centre(listing, held)

    # staff of the holding centre cannot decide; its manager can
    holding_staff = member("staff", other_centre, username="tcl-staff")
    with pytest.raises(PermissionDenied):
        transfers.transfer_accept(transfer=transfer, user=holding_staff)
    holding_manager = member("manager", other_centre, username="tcl-manager")
    client.force_login(holding_manager)
    assert NAME in client.get(reverse("helpdesk:transfer_list")).content.decode()
    response = client.post(reverse("helpdesk:transfer_decide", args=[transfer.pk]), {"decision": "accept"})
    assert response.status_code == 302

    held.refresh_from_db()
    transfer.refresh_from_db()
    assert held.centre == centre and transfer.status == "accepted" and transfer.decided_by == holding_manager
    contact.refresh_from_db()
    assert contact.centre == other_centre  # served there: Tachileik's figures
    assert held.history.first().history_change_reason == f"transfer #{transfer.pk}"
    client.force_login(staff)
    assert client.get(reverse("helpdesk:person_detail", args=[held.pk])).status_code == 200


def test_a_refused_transfer_leaves_the_record(centre, other_centre, staff, held):
    transfer = transfers.transfer_request(from_centre=other_centre, to_centre=centre, user=staff, nrc=TACHILEIK_NRC, reason="moved")
    with pytest.raises(ValidationError):
        transfers.transfer_request(from_centre=other_centre, to_centre=centre, user=staff, passport_number="MC482913", reason="again")
    transfers.transfer_refuse(transfer=transfer, user=member("manager", other_centre, username="tcl-manager"))
    held.refresh_from_db()
    assert held.centre == other_centre and TransferRequest.objects.get().status == "refused"


def test_a_transfer_needs_a_reason_a_match_and_one_of_my_centres(centre, other_centre, staff, held):
    with pytest.raises(ValidationError, match="Say why"):
        transfers.transfer_request(from_centre=other_centre, to_centre=centre, user=staff, nrc=TACHILEIK_NRC, reason=" ")
    with pytest.raises(ValidationError, match="No record"):
        transfers.transfer_request(from_centre=other_centre, to_centre=centre, user=staff, nrc="12/MYK(N)000001", reason="moved")
    with pytest.raises(PermissionDenied):
        transfers.transfer_request(from_centre=centre, to_centre=other_centre, user=staff, nrc=TACHILEIK_NRC, reason="moved")
    assert not TransferRequest.objects.exists()


def test_a_manager_of_another_centre_cannot_see_or_decide_the_request(client, centre, other_centre, staff, held):
    transfer = transfers.transfer_request(from_centre=other_centre, to_centre=centre, user=staff, nrc=TACHILEIK_NRC, reason="moved")
    client.force_login(member("manager", centre, username="ndg-manager"))
    assert NAME not in client.get(reverse("helpdesk:transfer_list")).content.decode()
    assert client.post(reverse("helpdesk:transfer_decide", args=[transfer.pk]), {"decision": "accept"}).status_code == 404
    held.refresh_from_db()
    assert held.centre == other_centre


def test_search_finds_a_person_by_any_spelling_of_their_nrc_or_by_passport(other_centre, held):
    assert list(Person.objects.search("12/MYK(N)482913")) == [held]
    assert list(Person.objects.search("၁၂/မရက(နိုင်)၄၈၂၉၁၃")) == [held]
    assert list(Person.objects.search("mc482913")) == [held]
    assert list(Person.objects.search("12/MYK(N)482914")) == []


def test_a_query_of_dashes_finds_nobody_without_a_passport(held):
    assert list(Person.objects.search("--")) == []
