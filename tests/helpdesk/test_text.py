from decimal import Decimal

import pytest

from helpdesk.text import detect_encoding, digits_to_ascii, normalize_text, parse_decimal, parse_phone

# Real Zawgyi strings with their Unicode twins.
PAIRS = [
    ("ေက်းဇူးတင္ပါတယ္", "ကျေးဇူးတင်ပါတယ်"),
    ("မဂၤလာပါ", "မင်္ဂလာပါ"),
    ("ရွင္းလင္းသာ ကုမၸဏီ", "ရှင်းလင်းသာ ကုမ္ပဏီ"),
    ("ျမန္မာ", "မြန်မာ"),
    ("အလုပ္အကိုင္ ေအဂ်င္စီ", "အလုပ်အကိုင် အေဂျင်စီ"),
]


@pytest.mark.parametrize("zawgyi,unicode", PAIRS)
def test_zawgyi_is_converted_and_unicode_left_alone(zawgyi, unicode):
    assert normalize_text(zawgyi) == unicode
    assert normalize_text(unicode) == unicode


def test_encoding_detection():
    assert detect_encoding("ေက်းဇူးတင္ပါတယ္") == "zawgyi"
    assert detect_encoding("ကျေးဇူးတင်ပါတယ်") == "unicode"
    assert detect_encoding("Golden Star") is None


def test_hint_decides_short_ambiguous_text():
    assert normalize_text("ျမန္မာ", encoding_hint="zawgyi") == "မြန်မာ"
    assert normalize_text("မြန်မာ", encoding_hint="unicode") == "မြန်မာ"


def test_myanmar_and_shan_digits():
    assert digits_to_ascii("၁၂၃ ႑႒") == "123 12"
    assert parse_decimal("၁၅၀,၀၀၀") == Decimal("150000")
    assert parse_decimal("1,250,000.50 MMK") == Decimal("1250000.50")
    with pytest.raises(ValueError):
        parse_decimal("a lot")


@pytest.mark.parametrize(
    "typed,e164",
    [
        ("09 767 889 802", "+959767889802"),
        ("၀၉ ၇၆၇ ၈၈၉ ၈၀၂", "+959767889802"),
        ("+95 9 767 889 802", "+959767889802"),
        ("0095 9767889802", "+959767889802"),
        ("06 344 003 22", "+66634400322"),
        ("+66 63 440 0322", "+66634400322"),
    ],
)
def test_phone_parsing(typed, e164):
    assert parse_phone(typed) == e164


@pytest.mark.parametrize("typed", ["", "12", "hello", "09 1"])
def test_bad_phone_is_refused(typed):
    with pytest.raises(ValueError):
        parse_phone(typed)
