"""The case summary PDF, checked by extracting its text with pdftotext (poppler-utils)."""
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse

from complaints.pdf import case_summary_pdf
from complaints.services import reimbursement_record
from complaints.workflow import complaint_move
from tests.factories import PersonFactory, member

pytestmark = pytest.mark.django_db

needs_poppler = pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) not installed")


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "case.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True).stdout


@pytest.fixture
def burmese_case(open_case, centre, staff):
    centre.name_my = "မြောက်ဒဂုံ ရွှေ့ပြောင်းလုပ်သားစင်တာ"
    centre.save()
    person = PersonFactory(centre=centre, name="မခင်မာ", birth_year=1996)
    case = open_case(
        complainant=person, grievances=["overcharged_fees", "documents_withheld"], employer="ရွှေ စက်ရုံ",
        description="အေးဂျင်စီက ပိုက်ဆံ မပြန်ပေးဘူး", amount_claimed=Decimal("1500000"),
    )
    complaint_move(complaint=case, to_stage="assessment", by=staff, reason="စာရွက်စာတမ်း စစ်ပြီး")
    reimbursement_record(complaint=case, recorded_by=staff, kind="fee_reimbursement", payer="ရွှေ အေဂျင်စီ", amount_mmk=Decimal("500000"))
    reimbursement_record(
        complaint=case, recorded_by=staff, kind="back_wages", payer="Employer", currency="THB",
        original_amount=Decimal("2000"), exchange_rate=Decimal("118.35"),
    )
    case.refresh_from_db()
    return case


@needs_poppler
def test_burmese_summary_has_shaped_text_labels_and_amounts(burmese_case, tmp_path):
    pdf = case_summary_pdf(burmese_case, language="my")
    assert pdf.startswith(b"%PDF")
    (tmp_path / "keep.pdf").write_bytes(pdf)
    text = pdf_text(pdf, tmp_path)
    assert burmese_case.reference in text
    assert "မခင်မာ" in text
    # HarfBuzz reorders glyphs (the vowel sign E is drawn before its consonant), so the extracted
    # text of a shaped word is in visual order; unshaped text would come out in logical order.
    assert "ေြမာက်" in text and "မြောက်" not in text
    assert "1,500,000" in text and "500,000" in text and "236,700" in text and "736,700" in text
    assert "ပမာဏ" in text  # the Burmese label for "Amount"
    assert "Complaint case summary" not in text and "Amount" not in text


@needs_poppler
def test_english_summary_lists_grievances_payments_and_timeline(burmese_case, tmp_path):
    text = pdf_text(case_summary_pdf(burmese_case, language="en"), tmp_path)
    for expected in ("Complaint case summary", "CTUM North Dagon", "Overcharged recruitment fees", "Documents withheld",
                     "Payments", "Timeline", "Intake » Assessment", "2,000 THB × 118.35", "736,700 MMK"):
        assert expected in text, expected


def test_pdf_url_is_the_users_language(client, burmese_case, staff):
    client.force_login(staff)
    response = client.get(reverse("complaints:pdf", args=[burmese_case.pk]), HTTP_ACCEPT_LANGUAGE="my")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_sensitive_case_pdf_is_404_for_unassigned_staff(client, open_case, centre):
    case = open_case(grievances=["sexual_abuse"])
    client.force_login(member("staff", centre, username="colleague"))
    assert client.get(reverse("complaints:pdf", args=[case.pk])).status_code == 404


@needs_poppler
def test_long_burmese_run_without_spaces_wraps_between_syllables_and_stays_shaped(open_case, tmp_path):
    story = "အေးဂျင်စီကပိုက်ဆံမပြန်ပေးဘူးနိုင်ငံခြားမှာအလုပ်ရှင်ကလစာမပေးဘဲပတ်စပို့ကိုသိမ်းထားပြီးအိမ်ပြန်ခွင့်မပေးဘူး" * 2
    pdf = case_summary_pdf(open_case(description=story, employer="ရွှေ" * 40), language="my")
    (tmp_path / "long.pdf").write_bytes(pdf)
    text = pdf_text(pdf, tmp_path)
    # HarfBuzz draws a dotted circle (U+25CC) for a vowel sign cut off from its consonant.
    assert "\u25cc" not in text
    assert text.count("ေအးဂျင်စီ") == 2  # shaped (visual order), and nothing lost


@needs_poppler
def test_summary_shows_a_thai_number_as_written_locally_with_its_calling_code(open_case, centre, tmp_path):
    case = open_case(complainant=PersonFactory(centre=centre, name="Ko Aung", phone="+66812345678"))
    text = pdf_text(case_summary_pdf(case, language="en"), tmp_path)
    assert "081 234 5678 (+66)" in text and "+66812345678" not in text
