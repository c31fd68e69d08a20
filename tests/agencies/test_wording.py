"""The verdict in words: verdict first, each status said right in both languages, short enough for SMS."""
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from agencies.models import Agency
from agencies.services import agency_import
from agencies.verdict import agency_verdict
from agencies.wording import headline, short_date, verdict_lines
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).resolve().parents[2] / "agencies" / "fixtures" / "agencies_sample.csv"
# SMS: 160 GSM-7 characters; any Burmese letter makes it UCS-2: 70 characters, 67 a part when split.
GSM_SMS = 160
UCS2_PART = 67


def test_dates_are_short_and_burmese_gets_burmese_digits_and_months():
    assert short_date(date(2028, 6, 14), "en") == "14 Jun 2028"
    assert short_date(date(2028, 6, 14), "my") == "၁၄ ဇွန် ၂၀၂၈"


@pytest.mark.parametrize(
    ("status", "days", "en", "my"),
    [
        ("licensed", 400, "Licensed until ", "ထိ လိုင်စင်ရှိ"),
        ("licensed", -3, "Licence EXPIRED on ", "သက်တမ်းကုန်ပြီ"),
        ("suspended", 400, "Licence SUSPENDED: ", "လိုင်စင် ဆိုင်းငံ့ထားသည်"),
        ("revoked", 400, "Licence REVOKED: ", "လိုင်စင် ရုပ်သိမ်းခံရပြီ"),
    ],
)
def test_each_status_is_said_first_and_only_a_valid_licence_has_an_until(status, days, en, my):
    expiry = timezone.localdate() + timedelta(days=days)
    AgencyFactory(licence_number="123/2019", name_en="Golden Star Co., Ltd.", name_my="ရွှေကြယ် ကုမ္ပဏီလီမိတက်", status=status, expiry_date=expiry)
    english, burmese = headline(agency_verdict("Golden Star"), "en"), headline(agency_verdict("ရွှေကြယ်"), "my")
    assert english.startswith(en) and "Golden Star, licence 123/2019" in english
    assert my in burmese and "ရွှေကြယ်၊ လိုင်စင်အမှတ် 123/2019" in burmese
    if status == "licensed" and days > 0:
        assert short_date(expiry, "en") in english and short_date(expiry, "my") in burmese
        assert "Do not pay" not in english
    else:
        assert "until" not in english and "ထိ" not in burmese
        assert english.endswith("Do not pay.") and burmese.endswith("ငွေမပေးပါနှင့်။")


def test_a_licence_without_expiry_date_is_licensed_without_a_date():
    AgencyFactory(name_en="Golden Star", expiry_date=None)
    assert headline(agency_verdict("Golden Star"), "en") == "Licensed: Golden Star, licence " + Agency.objects.get().licence_number + "."


def test_suspended_says_since_when_the_register_changed():
    agency = AgencyFactory(name_en="Golden Star")
    agency.status = "suspended"
    agency.save()
    today = timezone.localdate()
    assert headline(agency_verdict("Golden Star"), "en").startswith(f"Licence SUSPENDED since {short_date(today, 'en')}:")
    assert headline(agency_verdict("Golden Star"), "my").startswith(f"{short_date(today, 'my')} မှစ၍ လိုင်စင် ဆိုင်းငံ့ထားသည်")


def test_not_found_warns_first_then_names_similar_agencies_as_different():
    AgencyFactory(licence_number="14/2016", name_en="Golden Star Manpower Services Co., Ltd.")
    lines = verdict_lines(agency_verdict("Golden Sea"), "en")
    assert lines == [
        "NOT on the Ministry's list: do not pay. An agency not on the list has no licence.",
        "Similar names on the list (these are different agencies):",
        f"1. Golden Star Manpower Services, 14/2016: licensed until {short_date(Agency.objects.get().expiry_date, 'en')}",
    ]


def test_ambiguous_lists_three_and_says_how_many_more():
    for n in range(5):
        AgencyFactory(licence_number=f"{n + 1}/2020", name_en=f"Shwe Word{n} Agency", status="revoked" if n == 0 else "licensed")
    lines = verdict_lines(agency_verdict("Shwe"), "en")
    assert lines[0] == "5 agencies fit this name. Check the licence number on your contract:"
    assert len(lines) == 5 and lines[-1] == "and 2 more: type the full name or the licence number."
    burmese = verdict_lines(agency_verdict("Shwe"), "my")
    assert burmese[0].startswith("ဤအမည်နှင့် ကိုက်ညီသော အေဂျင်စီ ၅ ခု") and burmese[-1].startswith("နောက်ထပ် ၂ ခု")


def test_part_of_a_name_asks_to_compare_the_full_name():
    AgencyFactory(name_en="Ayeyarwady Dragon Co., Ltd.", name_my="ဧရာဝတီနဂါး ကုမ္ပဏီလီမိတက်")
    lines = verdict_lines(agency_verdict("ဧရာဝတီ"), "my")
    assert "ဧရာဝတီနဂါး" in lines[0] and lines[1].startswith("အမည်၏ တစ်စိတ်တစ်ပိုင်းသာ")


def test_every_sample_verdict_fits_an_sms_with_the_verdict_in_its_first_part():
    agency_import(content=SAMPLE.read_bytes(), filename=SAMPLE.name, user=None)
    for agency in Agency.objects.all():
        english = headline(agency_verdict(agency.name_en), "en")
        burmese = headline(agency_verdict(agency.name_my), "my")
        assert len(english) <= GSM_SMS, english
        assert len(burmese) <= 2 * UCS2_PART, burmese
        first_part = burmese[:UCS2_PART]
        assert any(word in first_part for word in ("လိုင်စင်ရှိ", "သက်တမ်းကုန်", "ဆိုင်းငံ့", "ရုပ်သိမ်း")), burmese
