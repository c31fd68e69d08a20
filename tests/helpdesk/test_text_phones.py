"""Phones with their country: Thai numbers stay Thai, numbers valid in both plans are never guessed."""
import pytest

from helpdesk.text import PhoneAmbiguous, parse_phone, phone_candidates, phone_countries_for, phone_display
from helpdesk.text.phones import parse_phone_country


@pytest.mark.parametrize(
    "typed,e164",
    [
        ("06 344 003 22", "+66634400322"),  # valid only in Thailand
        ("089 123 4567", "+66891234567"),
        ("02 123 4567", "+6621234567"),  # a Bangkok landline
        ("09 425 123 456", "+959425123456"),  # valid only in Myanmar
        ("+60 12 345 6789", "+60123456789"),  # Malaysia
        ("+65 8123 4567", "+6581234567"),  # Singapore
        ("0060123456789", "+60123456789"),
    ],
)
def test_a_number_valid_in_one_country_gets_that_country(typed, e164):
    assert parse_phone(typed) == e164


@pytest.mark.parametrize("typed", ["081 234 5678", "0812345678", "၀၈၁ ၂၃၄ ၅၆၇၈"])
def test_a_number_valid_in_both_plans_is_not_guessed(typed):
    with pytest.raises(PhoneAmbiguous) as caught:
        parse_phone(typed)
    assert caught.value.readings == {"MM": "+95812345678", "TH": "+66812345678"}
    assert "Myanmar" in str(caught.value) and "Thailand" in str(caught.value)
    assert phone_candidates(typed) == ["+66812345678", "+95812345678"]


def test_the_country_said_decides_and_must_fit_the_number():
    assert parse_phone("081 234 5678", country="TH") == "+66812345678"
    assert parse_phone("081 234 5678", country="MM") == "+95812345678"
    with pytest.raises(ValueError, match="not a valid Thailand number"):
        parse_phone("09 767 889 802", country="TH")
    assert parse_phone("+60 12 345 6789", country="TH") == "+60123456789"  # a +number carries its own country


def test_stored_numbers_are_shown_in_local_format_with_their_country():
    assert phone_display("+66812345678") == "081 234 5678 (+66)"
    assert phone_display("+95812345678") == "081 234 5678 (+95)"
    assert phone_display("+959767889802") == "09 767 889802 (+95)"
    assert phone_display("+60123456789") == "+60 12-345 6789"
    assert phone_display("") == "" and phone_display("not a number") == "not a number"


def test_border_centres_see_thailand_first():
    for township in ("Myawaddy", "Tachileik", "Kawthaung", "မြဝတီ"):
        assert phone_countries_for(township) == ("TH", "MM")
    assert phone_countries_for("North Dagon") == ("MM", "TH")
    assert phone_countries_for(None) == ("MM", "TH")


@pytest.mark.parametrize("typed,country", [("TH", "TH"), ("thailand", "TH"), ("+66", "TH"), ("ထိုင်း", "TH"), ("mm", "MM"), ("Myanmar", "MM"), ("", None)])
def test_phone_country_as_spreadsheets_write_it(typed, country):
    assert parse_phone_country(typed) == country


def test_unknown_phone_country_is_refused():
    with pytest.raises(ValueError):
        parse_phone_country("Laos")
