"""What complaints adds to the person's pages: the cases section of the beneficiary card, by role."""
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.factories import ComplaintFactory, PersonFactory, ReimbursementFactory, member

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) not installed"),
]


def card_text(client, user, person, tmp_path) -> str:
    client.force_login(user)
    response = client.get(reverse("helpdesk:person_card", args=[person.pk]))
    assert response.status_code == 200
    path = tmp_path / "card.pdf"
    path.write_bytes(response.content)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True).stdout


@pytest.fixture
def cases(centre):
    """An ordinary case with a payment, and a sensitive (abuse) case carried by one staff member."""
    carrier = member("staff", centre, username="carrier")
    person = PersonFactory(centre=centre, name="Ma Hnin Wai")
    ordinary = ComplaintFactory(centre=centre, complainant=person, reference="NDG-2026-0101", stage="negotiation")
    ReimbursementFactory(complaint=ordinary, amount_mmk=Decimal("420000"))
    secret = ComplaintFactory(
        centre=centre, complainant=person, reference="NDG-2026-0102", stage="assessment", sensitive=True,
        assigned_to=carrier, grievances=["sexual_abuse"],
    )
    ReimbursementFactory(complaint=secret, amount_mmk=Decimal("1300000"))
    return person, ordinary, secret, carrier


@pytest.mark.parametrize("role", ["carrier", "manager", "admin"])
def test_those_who_may_see_the_sensitive_case_find_it_on_the_card(client, cases, centre, role, tmp_path):
    person, ordinary, secret, carrier = cases
    user = carrier if role == "carrier" else member(role, centre, username=f"{role}-ndg")
    text = card_text(client, user, person, tmp_path)
    assert ordinary.reference in text and "Negotiation" in text and "420,000 MMK" in text
    assert secret.reference in text and "Assessment" in text and "1,300,000 MMK" in text


def test_other_staff_get_no_trace_of_the_sensitive_case(client, cases, centre, tmp_path):
    person, ordinary, secret, _carrier = cases
    text = card_text(client, member("staff", centre, username="colleague"), person, tmp_path)
    assert ordinary.reference in text and "420,000 MMK" in text
    assert secret.reference not in text and "Assessment" not in text and "1,300,000" not in text
    cases_section = text[text.index("Complaint cases"):]
    assert cases_section.count("NDG-2026-") == 1  # no row, not even a blank one, for the hidden case


def test_the_capped_case_count_leaves_the_sensitive_case_out(client, cases, centre, tmp_path):
    person, _ordinary, _secret, _carrier = cases
    for n in range(6):
        ComplaintFactory(centre=centre, complainant=person, reference=f"NDG-2026-02{n:02d}")
    assert "Complaint cases (the latest 5 of 8)" in card_text(client, member("manager", centre, username="mgr"), person, tmp_path)
    assert "Complaint cases (the latest 5 of 7)" in card_text(client, member("staff", centre, username="colleague"), person, tmp_path)


def test_after_the_case_is_handed_on_the_former_carrier_no_longer_sees_it(client, cases, centre, tmp_path):
    person, _ordinary, secret, carrier = cases
    secret.assigned_to = member("staff", centre, username="next")
    secret.save()
    assert secret.reference not in card_text(client, carrier, person, tmp_path)
    assert secret.reference in card_text(client, secret.assigned_to, person, tmp_path)
