"""The beneficiary card: the person's one-page PDF, read back with pdftotext (poppler-utils)."""
import shutil
import subprocess
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from complaints.services import complaint_open, reimbursement_record
from complaints.workflow import complaint_move
from helpdesk.models import AccessLog, ContactTopic
from tests.factories import ActivityFactory, ContactFactory, PersonFactory, ReferralFactory, member

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) not installed"),
]


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "card.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True).stdout


def pdf_pages(pdf: bytes, tmp_path) -> int:
    path = tmp_path / "pages.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def card(client, person, **headers):
    return client.get(reverse("helpdesk:person_card", args=[person.pk]), **headers)


@pytest.fixture
def thida(centre, staff):
    """A migrant with a bit of everything: contacts with topics, a referral with its outcome, a training, a paid case."""
    centre.name_my = "မြောက်ဒဂုံ ရွှေ့ပြောင်းလုပ်သားစင်တာ"
    centre.save()
    person = PersonFactory(
        centre=centre, name="မသီတာဝင်း", card_number="NDG-0042", gender="woman", birth_year=1998, phone="+959767889802",
        origin_township="Kyaukse", origin_region="Mandalay", migration_status="returned", destination_country="TH",
        consent_record=True, consent_share=False, consent_date=date(2026, 3, 14),
    )
    contact = ContactFactory(centre=centre, person=person, date=date(2026, 3, 14), service="helpline", channel="phone")
    ContactTopic.objects.create(contact=contact, topic="complaint")
    ReferralFactory(centre=centre, person=person, target="social_welfare", organisation="DSW Mandalay",
                    date=date(2026, 4, 2), outcome="served", outcome_date=date(2026, 4, 20))
    ActivityFactory(centre=centre, title="Safe migration to Thailand", date=date(2026, 5, 9)).attendees.add(person)
    case = complaint_open(centre=centre, complainant=person, opened_by=staff, grievances=["overcharged_fees"])
    complaint_move(complaint=case, to_stage="assessment", by=staff, reason="papers checked")
    complaint_move(complaint=case, to_stage="negotiation", by=staff, reason="agency answered")
    reimbursement_record(complaint=case, recorded_by=staff, kind="fee_reimbursement", payer="Golden Land", amount_mmk=Decimal("750000"))
    return person


def test_card_in_english_holds_details_consent_contacts_referrals_trainings_and_cases(client, staff, thida, tmp_path):
    client.force_login(staff)
    response = card(client, thida)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path)
    for expected in (
        "Beneficiary card", "NDG-0042", "1998", "09 767 889802 (+95)", "Kyaukse, Mandalay", "Returned migrant", "Thailand",
        "Consent to keep records", "2026-03-14", "Helpline", "Phone", "Complaint",
        "DSW Mandalay", "Service received", "2026-04-20", "Safe migration to Thailand", "2026-05-09",
        "Negotiation", "750,000 MMK", "Printed", "staff1",
    ):
        assert expected in text, expected
    consent = next(line for line in text.splitlines() if "Consent to keep records" in line)
    assert "Yes" in consent and "No" in consent  # records yes, sharing no
    assert "+959767889802" not in text  # the local format, not the stored E.164
    assert pdf_pages(response.content, tmp_path) == 1


def test_card_in_burmese_is_shaped_and_labelled_in_burmese(client, staff, thida, tmp_path):
    client.force_login(staff)
    text = pdf_text(card(client, thida, HTTP_ACCEPT_LANGUAGE="my").content, tmp_path)
    # HarfBuzz reorders glyphs (the vowel sign E is drawn before its consonant), so the extracted
    # text of a shaped word is in visual order; unshaped text would come out in logical order.
    assert "ေြမာက်ဒဂ" in text and "မြောက်" not in text
    assert "တာဝင်း" in text and "ကတ်နံပါတ်: NDG-0042" in text and "750,000" in text
    assert "အကျိုးခံ" in text  # the title, in Burmese
    assert "Beneficiary card" not in text and "Contacts" not in text and "Consent" not in text


def test_a_long_history_stays_on_one_page_and_says_how_much_is_left_out(client, staff, centre, tmp_path):
    person = PersonFactory(centre=centre, name="Ko Aung Min")
    for day in range(1, 26):
        ContactFactory(centre=centre, person=person, date=date(2026, 1, day))
        ReferralFactory(centre=centre, person=person, date=date(2026, 2, day), organisation="Legal Clinic Myanmar")
        ActivityFactory(centre=centre, date=date(2026, 3, day)).attendees.add(person)
    for _ in range(9):
        complaint_open(centre=centre, complainant=person, opened_by=staff, grievances=["underpaid_wages"])
    client.force_login(staff)
    for language in ("en", "my"):
        pdf = card(client, person, HTTP_ACCEPT_LANGUAGE=language).content
        assert pdf_pages(pdf, tmp_path) == 1, language
    text = pdf_text(card(client, person).content, tmp_path)
    # 25 contacts logged by hand and 9 intake contacts from the cases
    assert "Contacts (the latest 8 of 34)" in text and "Trainings and activities attended (the latest 5 of 25)" in text
    assert "Referrals (the latest 4 of 25)" in text and "2026-02-22" in text and "2026-02-21" not in text
    assert "Complaint cases (the latest 5 of 9)" in text


def test_query_count_does_not_grow_with_the_history(client, staff, centre):
    small = PersonFactory(centre=centre)
    ContactFactory(centre=centre, person=small)
    big = PersonFactory(centre=centre)
    for day in range(1, 16):
        contact = ContactFactory(centre=centre, person=big, date=date(2026, 1, day))
        ContactTopic.objects.create(contact=contact, topic="safe_migration")
        ReferralFactory(centre=centre, person=big)
        ActivityFactory(centre=centre).attendees.add(big)
        complaint_open(centre=centre, complainant=big, opened_by=staff, grievances=["underpaid_wages"])
    client.force_login(staff)
    card(client, small)  # warm the session and font caches
    counts = []
    for person in (small, big):
        with CaptureQueriesContext(connection) as queries:
            assert card(client, person).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_each_print_is_in_the_access_log_and_never_cached(client, staff, thida):
    client.force_login(staff)
    response = card(client, thida)
    assert "no-store" in response["Cache-Control"]
    row = AccessLog.objects.get(kind=AccessLog.Kind.PDF)
    assert (row.user, row.object_id, row.path) == (staff, thida.pk, f"/people/{thida.pk}/card.pdf")
    card(client, thida)
    assert AccessLog.objects.filter(kind=AccessLog.Kind.PDF, object_id=thida.pk).count() == 2


def test_another_centres_person_is_404_and_not_logged(client, other_centre, thida):
    client.force_login(member("manager", other_centre, username="tcl_manager"))
    response = card(client, thida)
    assert response.status_code == 404
    assert not AccessLog.objects.exists()


def test_officers_never_get_the_card(client, officer, thida):
    client.force_login(officer)
    assert card(client, thida).status_code == 403
    assert not AccessLog.objects.exists()


def test_the_person_page_links_to_the_card(client, staff, thida):
    client.force_login(staff)
    page = client.get(reverse("helpdesk:person_detail", args=[thida.pk])).content.decode()
    assert reverse("helpdesk:person_card", args=[thida.pk]) in page and "Print beneficiary card" in page
