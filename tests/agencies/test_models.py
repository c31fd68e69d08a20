"""The register: licence numbers normalised, expiry derived from the date, every status change in the history."""
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from agencies.models import Agency, LicenceStatus, normalize_licence_number
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "typed",
    ["123/2019", "၁၂၃/၂၀၁၉", "No. 123/2019", "no.123/2019", "Licence No: 0123/2019", "License No. 123 / 2019",
     "လိုင်စင်အမှတ် ၁၂၃/၂၀၁၉", "123-2019", " 123/2019 "],
)
def test_variants_of_one_licence_number_normalise_to_the_same(typed):
    assert normalize_licence_number(typed) == "123/2019"


def test_different_numbers_stay_different():
    assert normalize_licence_number("123/2019") != normalize_licence_number("123/2020")
    assert normalize_licence_number("12/2019") != normalize_licence_number("123/2019")


def test_saving_a_variant_of_an_existing_number_is_refused_by_validation():
    AgencyFactory(licence_number="123/2019")
    duplicate = Agency(licence_number="No. ၁၂၃/၂၀၁၉", name_en="Copy Agency")
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "licence_number" in error.value.message_dict


def test_expired_is_derived_from_the_date_not_typed():
    today = timezone.localdate()
    past = AgencyFactory(expiry_date=today - timedelta(days=1))
    current = AgencyFactory(expiry_date=today)
    revoked = AgencyFactory(status=LicenceStatus.REVOKED, expiry_date=today - timedelta(days=30))
    assert past.status == LicenceStatus.LICENSED and past.effective_status == LicenceStatus.EXPIRED
    assert current.effective_status == LicenceStatus.LICENSED
    assert revoked.effective_status == LicenceStatus.REVOKED
    annotated = dict(Agency.objects.with_current_status().values_list("pk", "current_status"))
    assert annotated == {past.pk: "expired", current.pk: "licensed", revoked.pk: "revoked"}
    assert list(Agency.objects.in_status("expired")) == [past]
    assert list(Agency.objects.in_status("licensed")) == [current]


def test_expired_cannot_be_stored_as_a_status():
    agency = AgencyFactory.build(status=LicenceStatus.EXPIRED)
    with pytest.raises(ValidationError) as error:
        agency.full_clean()
    assert "status" in error.value.message_dict


def test_agency_needs_a_name_and_a_sensible_expiry():
    with pytest.raises(ValidationError) as error:
        Agency(licence_number="9/2020", name_en="", name_my="").full_clean()
    assert "name_en" in error.value.message_dict
    today = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        Agency(licence_number="9/2020", name_en="X", issue_date=today, expiry_date=today - timedelta(days=1)).full_clean()
    assert "expiry_date" in error.value.message_dict


def test_status_change_is_in_the_history_with_who_and_when(admin_user):
    agency = AgencyFactory(name_en="Golden Star")
    agency.status = LicenceStatus.SUSPENDED
    agency._history_user = admin_user
    before = timezone.now()
    agency.save()
    latest = agency.history.first()
    assert latest.status == "suspended" and latest.history_user == admin_user
    assert latest.history_date >= before
    previous = latest.prev_record
    assert previous.status == "licensed"
    assert [c.field for c in latest.diff_against(previous).changes] == ["status"]


def test_serving_filters_by_destination_code():
    th = AgencyFactory(destination_countries="TH")
    both = AgencyFactory(destination_countries="MY,TH")
    AgencyFactory(destination_countries="JP")
    assert set(Agency.objects.serving("TH")) == {th, both}



MYANMAR_DIGITS = str.maketrans("0123456789", "၀၁၂၃၄၅၆၇၈၉")


@given(number=st.integers(min_value=1, max_value=99999), year=st.integers(min_value=1990, max_value=2099),
       label=st.sampled_from(["", "No. ", "no.", "Licence No: ", "LICENSE NO ", "လိုင်စင်အမှတ် "]),
       burmese_digits=st.booleans(), zeros=st.integers(min_value=0, max_value=2))
def test_any_way_of_writing_a_number_gives_one_canonical_form(number, year, label, burmese_digits, zeros):
    typed = f"{label}{'0' * zeros}{number}/{year}"
    if burmese_digits:
        typed = typed.translate(MYANMAR_DIGITS)
    canonical = normalize_licence_number(typed)
    assert canonical == f"{number}/{year}"
    assert normalize_licence_number(canonical) == canonical
