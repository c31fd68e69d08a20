"""The contacts import matches a row by NRC or passport first; a document held at another centre is reported, not duplicated."""
import pytest

from helpdesk import transfers
from helpdesk.imports.contacts import import_contacts
from helpdesk.models import Contact, Person, TransferRequest
from helpdesk.services import person_create
from tests.factories import member

pytestmark = pytest.mark.django_db

HEADER = "date,centre,service,gender,person_ref,name,phone,consent,nrc,passport\n"
SECRETS = ("Khaing", "451239876", "1987", "TCL-7")


def run(text: str, **kwargs):
    return import_contacts(content=(HEADER + text).encode(), filename="legacy.csv", **kwargs)


@pytest.fixture
def here(centre):
    """Registered at North Dagon with her NRC in English and a card number the file does not use."""
    return person_create(centre=centre, name="Ma Hla", gender="woman", nrc="12/MaYaKa(N)123456", card_number="NDG-OLD",
                         consent_record=True)


@pytest.fixture
def there(other_centre):
    return person_create(centre=other_centre, name="Ma Khaing Zinmar", gender="woman", phone="+959451239876", birth_year=1987,
                         card_number="TCL-7", nrc="၁၂/မရက(နိုင်)၄၈၂၉၁၃", passport_number="MC 482913", consent_record=True)


@pytest.mark.parametrize("row_by_row", [False, True])
def test_the_nrc_in_either_script_finds_the_person_before_card_or_phone(centre, here, row_by_row):
    result = run(
        "2023-01-05,NDG,drop_in,woman,NDG-99,Hla Hla,,yes,၁၂/မရက(နိုင်)၁၂၃၄၅၆,\n"  # Burmese letters and digits
        "2023-01-06,NDG,helpline,woman,,,,yes,12/Ma Ya Ka (Naing) 123456,\n"  # English syllables, spaced
        "2023-01-07,NDG,helpline,woman,,,,yes,12/MYK(N)123456,\n",
        row_by_row=row_by_row,
    )
    assert result.errors == [] and (result.imported, result.people_created) == (3, 0)
    assert Contact.objects.filter(person=here).count() == 3 and Person.objects.count() == 1


@pytest.mark.parametrize("row_by_row", [False, True])
def test_a_passport_matches_however_typed_and_a_new_document_later_in_the_file_is_found(centre, row_by_row):
    result = run(
        "2023-01-05,NDG,drop_in,man,,Ko Min,,yes,,mc 777-001\n"
        "2023-01-06,NDG,drop_in,man,,,,yes,,MC777001\n"  # the person the row above created
        "2023-01-07,NDG,drop_in,man,,Ko Min,,yes,12/MaYaKa(N)654321,\n"
        "2023-01-08,NDG,drop_in,man,,,,yes,၁၂/မရက(နိုင်)၆၅၄၃၂၁,\n",
        row_by_row=row_by_row,
    )
    assert result.errors == [] and (result.imported, result.people_created) == (4, 2)


@pytest.mark.parametrize("row_by_row", [False, True])
def test_a_document_held_at_another_centre_is_reported_with_the_centre_only(centre, there, row_by_row):
    result = run(
        "2023-01-05,NDG,drop_in,woman,,Zin,,yes,12/MaYaKa(N)482913,\n"
        "2023-01-06,NDG,drop_in,woman,,Zin,,yes,,mc482913\n"
        "2023-01-07,NDG,drop_in,woman,,Aye,,yes,12/MYK(N)111111,\n",  # nobody has it: a new person
        row_by_row=row_by_row,
    )
    message = "This person is registered at Mawk Kon Tachileik: ask them, or request a transfer."
    assert [(n, str(e)) for n, e in result.errors] == [(2, message), (3, message)]
    assert all(secret not in str(e) for _n, e in result.errors for secret in SECRETS)
    assert (result.imported, result.people_created) == (1, 1)
    assert not Person.objects.filter(centre=centre, name="Zin").exists()  # held for the transfer, not duplicated
    assert not Contact.objects.filter(centre=centre, person=there).exists()


def test_after_a_share_the_held_rows_import_for_the_shared_person(centre, other_centre, staff, there):
    text = "2023-01-05,NDG,drop_in,woman,,Zin,,yes,12/MaYaKa(N)482913,\n"
    assert len(run(text).errors) == 1
    transfer = transfers.transfer_request(from_centre=other_centre, to_centre=centre, user=staff, passport_number="MC482913",
                                          reason="She comes to North Dagon")
    transfers.transfer_accept(transfer=transfer, user=member("manager", other_centre, username="tcl-m"), mode=TransferRequest.Mode.SHARE)
    result = run(text)
    assert result.errors == [] and result.people_created == 0
    contact = Contact.objects.get(person=there)
    assert contact.centre == centre  # served at the importing centre; the record stays at Tachileik
