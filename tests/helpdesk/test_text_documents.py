import pytest

from helpdesk.text.documents import nrc_key, passport_key

SAME_NRC = [
    "12/MaYaKa(N)123456",
    "12/MYK(N)123456",
    "12/Ma Ya Ka (Naing) 123456",
    "12/mayaka(n)123456",
    "12/MaRaKa(N)123456",  # ရ written as it is spelled, not as spoken
    " 12 / MaYaKa ( N ) 123456 ",
    "၁၂/မရက(နိုင်)၁၂၃၄၅၆",
    "၁၂/မရက (နိုင်) ၁၂၃၄၅၆",
    "12/မရက(N)123456",
]


@pytest.mark.parametrize("typed", SAME_NRC)
def test_every_spelling_of_one_nrc_gives_one_key(typed):
    assert nrc_key(typed) == "12/MYK(N)123456"


@pytest.mark.parametrize(
    "english,burmese",
    [
        ("9/MaHtaLa(N)654321", "၉/မထလ(နိုင်)၆၅၄၃၂၁"),
        ("14/PaThaNa(E)111111", "၁၄/ပသန(ဧည့်)၁၁၁၁၁၁"),
        ("13/LaKhaNa(P)123456", "၁၃/လခန(ပြု)၁၂၃၄၅၆"),
        ("1/AhGaYa(N)000123", "၁/အဂယ(နိုင်)၀၀၀၁၂၃"),
    ],
)
def test_burmese_and_english_spellings_meet(english, burmese):
    assert nrc_key(english) == nrc_key(burmese) != ""


def test_citizenship_and_state_stay_apart():
    keys = {nrc_key(v) for v in ("12/MYK(N)123456", "12/MYK(E)123456", "12/MYK(P)123456", "13/MYK(N)123456")}
    assert len(keys) == 4


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "12/MaYaKa(N)12345",  # five digits
        "12/MaYaKa(N)1234567",  # seven
        "15/MYK(N)123456",  # there are 14 states and regions
        "0/MYK(N)123456",
        "12/Xyzzy(N)123456",  # not syllables
        "12/MaYaKa(Q)123456",  # unknown citizenship
        "12/MaYaKa123456",  # no citizenship
        "MaYaKa(N)123456",  # no state
        "12/ကမ၏(N)123456",  # a sign that is not a consonant
        "123456",
    ],
)
def test_what_cannot_be_read_gets_no_key(typed):
    assert nrc_key(typed) == ""


@pytest.mark.parametrize("typed", ["MA123456", "ma 123456", "MA-123-456", "ma.123456", "MA၁၂၃၄၅၆"])
def test_passport_numbers_are_compared_without_spaces_dashes_or_case(typed):
    assert passport_key(typed) == "MA123456"
