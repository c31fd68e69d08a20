"""The case forms: the respondent agency is typed and looked up, never chosen from the whole register."""
from decimal import Decimal

import pytest

from agencies.forms import NOT_IN_REGISTER
from complaints.forms import (
    RESPONDENT_PICK,
    RESPONDENT_TOO_LONG,
    ComplaintEditForm,
    ComplaintOpenForm,
    with_unregistered_agency,
)
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


def open_form(centre, **data):
    return ComplaintOpenForm({"grievances": ["overcharged_fees"], "channel": "walk_in", **data}, centre=centre)


def edit_form(agency, **data):
    return ComplaintEditForm({"grievances": ["overcharged_fees"], **data}, current_agency=agency)


@pytest.fixture
def golden_lands():
    return AgencyFactory(name_en="Golden Land Co., Ltd."), AgencyFactory(name_en="Golden Lands Co., Ltd.")


def test_licence_number_in_burmese_digits_picks_the_agency(centre):
    agency = AgencyFactory(licence_number="123/2019", name_en="Golden Land Overseas")
    AgencyFactory(licence_number="123/2021", name_en="Other Overseas")
    form = open_form(centre, agency_query="၁၂၃/၂၀၁၉")
    assert form.is_valid(), form.errors
    assert form.complaint_fields()["agency"] == agency
    assert "agency_query" not in form.complaint_fields() and "agency_choice" not in form.complaint_fields()


def test_ambiguous_name_asks_to_pick_among_the_matches_only(centre, golden_lands):
    form = open_form(centre, agency_query="golden land")
    assert not form.is_valid()
    assert form.errors["agency_choice"] == [str(RESPONDENT_PICK)] and form.shows_choices
    values = [value for value, _label in form.fields["agency_choice"].choices]
    assert set(values[:-1]) == {str(a.pk) for a in golden_lands} and values[-1] == NOT_IN_REGISTER

    other = AgencyFactory(name_en="Silver Sea Co., Ltd.")
    assert not open_form(centre, agency_query="golden land", agency_choice=str(other.pk)).is_valid()
    form = open_form(centre, agency_query="golden land", agency_choice=str(golden_lands[1].pk))
    assert form.is_valid() and form.complaint_fields()["agency"] == golden_lands[1]
    assert form.shows_choices  # sent back for another field, the page keeps the pick


def test_not_in_the_register_keeps_the_typed_name_with_the_employer(centre, golden_lands):
    form = open_form(centre, agency_query="golden land", agency_choice=NOT_IN_REGISTER, employer="Thai Union")
    assert form.is_valid()
    assert (form.complaint_fields()["agency"], form.complaint_fields()["employer"]) == (None, "golden land; Thai Union")

    form = open_form(centre, agency_query="ေရႊၾကယ္ ကုမၸဏီလီမိတက္")  # Zawgyi, nothing like it in the register
    assert form.is_valid()
    assert (form.complaint_fields()["agency"], form.complaint_fields()["employer"]) == (None, "ရွှေကြယ် ကုမ္ပဏီလီမိတက်")


def test_names_too_long_to_keep_together_are_refused_not_cut(centre):
    form = open_form(centre, agency_query="Quick Visa Brokers", employer="x" * 190)
    assert not form.is_valid()
    assert form.errors["agency_query"] == [str(RESPONDENT_TOO_LONG)]


@pytest.mark.parametrize(("employer", "name", "kept"), [
    ("", "Quick Visa", "Quick Visa"),
    ("Thai Union", "Quick Visa", "Quick Visa; Thai Union"),
    ("Quick Visa; Thai Union", "quick visa", "Quick Visa; Thai Union"),
    ("quick visa", "Quick Visa", "Quick Visa"),
])
def test_with_unregistered_agency(employer, name, kept):
    assert with_unregistered_agency(employer, name) == kept


def test_edit_keeps_the_current_agency_while_its_text_is_unchanged(golden_lands):
    current = golden_lands[0]
    assert edit_form(current).initial["agency_query"] == str(current)
    form = edit_form(current, agency_query=str(current))
    assert form.is_valid(), form.errors
    assert form.complaint_fields()["agency"] == current and not form.matches  # no lookup, no question

    form = edit_form(current, agency_query="")
    assert form.is_valid() and form.complaint_fields()["agency"] is None

    form = edit_form(current, agency_query=golden_lands[1].licence_number)
    assert form.is_valid() and form.complaint_fields()["agency"] == golden_lands[1]


def test_unbound_form_lists_no_agency(centre, golden_lands):
    form = ComplaintOpenForm(centre=centre)
    assert not form.shows_choices
    assert form.fields["agency_choice"].choices == [(NOT_IN_REGISTER, form.not_in_register_label)]


@pytest.mark.parametrize("typed", ["၁၅ သိန်း", "15 lakhs", "၁၅ဝဝဝဝဝ", "Ks 1,500,000"])
def test_amount_claimed_as_people_say_it(centre, typed):
    form = open_form(centre, amount_claimed=typed)
    assert form.is_valid(), form.errors
    assert form.complaint_fields()["amount_claimed"] == Decimal("1500000")


def test_an_amount_that_reads_two_ways_is_refused_with_an_example(centre):
    form = open_form(centre, amount_claimed="1.500")
    assert not form.is_valid()
    assert "more than one way" in form.errors["amount_claimed"][0] and "1,500,000" in form.errors["amount_claimed"][0]


def test_payment_amounts_use_the_same_parser_and_rates_keep_their_decimals():
    from complaints.forms import PaymentForm

    form = PaymentForm({"amount_mmk": "၂ သိန်း ၅ သောင်း", "date": "2026-01-05", "kind": "fee_reimbursement", "payer": "Golden Land",
                        "currency": "THB", "original_amount": "6,000", "exchange_rate": "41.667"})
    assert form.is_valid(), form.errors
    data = form.payment_fields()
    assert (data["amount_mmk"], data["original_amount"], data["exchange_rate"]) == (Decimal("250000"), Decimal("6000"), Decimal("41.667"))
