"""Kyat amounts as people write them, in one parser; what reads two ways is refused with an example."""
from decimal import Decimal

import pytest

from helpdesk.text import AmountError, parse_amount, parse_decimal


@pytest.mark.parametrize(
    "typed,amount",
    [
        ("၁၅ သိန်း", "1500000"),
        ("15 lakhs", "1500000"),
        ("15 Lakh", "1500000"),
        ("၁၅ဝဝဝဝဝ", "1500000"),  # the letter ဝ typed for zero
        ("၁ဝ၅ဝ", "1050"),
        ("15,ဝဝဝ", "15000"),
        ("1,500,000 MMK", "1500000"),
        ("Ks. 1,500,000", "1500000"),
        ("၁,၅၀၀,၀၀၀ ကျပ်", "1500000"),
        ("၁၅ သိန်းကျပ်", "1500000"),
        ("15,00,000", "1500000"),  # lakh grouping
        ("1 500 000", "1500000"),
        ("1.500.000", "1500000"),  # only one reading
        ("1.5 lakh", "150000"),
        ("၁.၅ သိန်း", "150000"),
        ("၁၅ သိန်း ၅ သောင်း", "1550000"),
        ("2 lakh 50000", "250000"),
        ("၅ ထောင်", "5000"),
        ("၃ သန်း", "3000000"),
        ("1,250,000.50", "1250000.50"),
        ("150000.5", "150000.5"),
        ("0", "0"),
        ("၁၅ သိန်း။", "1500000"),
    ],
)
def test_amounts_as_people_write_them(typed, amount):
    assert parse_amount(typed) == Decimal(amount)


@pytest.mark.parametrize(
    "typed",
    [
        "1.500",  # one and a half, or fifteen hundred?
        "1,5",  # a decimal comma?
        "15,00",
        "100k",  # a hundred kyats or a hundred thousand?
        "1 lakh 200000",  # more than the unit before it
        "5 သောင်း 2 သိန်း",  # units out of order
        "2 2",
        "1.500.000,50",
    ],
)
def test_what_reads_two_ways_is_refused_with_an_example(typed):
    with pytest.raises(AmountError) as caught:
        parse_amount(typed)
    assert typed in str(caught.value) and "1,500,000" in str(caught.value)


@pytest.mark.parametrize("typed", ["abc", "ဝ", "သိန်း 15", "lakh", "15 ဒေါ်လာ", ".5", "MMK ကျပ် 5"])
def test_what_is_not_an_amount_is_refused_with_an_example(typed):
    with pytest.raises(AmountError, match="၁၅ သိန်း"):
        parse_amount(typed)


def test_negative_and_empty():
    with pytest.raises(AmountError, match="negative"):
        parse_amount("-5")
    assert parse_amount("") is None and parse_amount("  ") is None and parse_amount(None) is None


def test_more_decimal_places_only_where_the_field_keeps_them():
    """An exchange rate keeps six decimals, so 35.125 is a rate, not thirty-five thousand."""
    assert parse_amount("35.125", places=6) == Decimal("35.125")
    with pytest.raises(AmountError):
        parse_amount("35.125")


def test_the_old_name_is_the_same_parser():
    assert parse_decimal("၁၅ သိန်း") == Decimal("1500000")
    assert parse_decimal(Decimal("5")) == Decimal("5") and isinstance(parse_amount("1.5 lakh"), Decimal)
