"""Word against word: a typo a person makes is the same word, a different word never is."""
import pytest

from agencies.matching import name_fit, word_similarity
from agencies.names import name_tokens


@pytest.mark.parametrize(
    ("typed", "word"),
    [
        ("starr", "star"), ("myt", "myat"), ("kywa", "kyaw"), ("brtohrrs", "brothers"), ("ayeyar", "ayeyarwady"),
        ("ရွေ", "ရွှေ"),  # ha-htoe left out
        ("ကြယ", "ကြယ်"),  # asat left out
        ("ကျာ", "ကြာ"),  # ya-pin for ya-yit
        ("တိ", "တီ"),  # short for long i
    ],
)
def test_typos_are_the_same_word(typed, word):
    assert 0 < word_similarity(typed, word) < 100


@pytest.mark.parametrize(
    ("typed", "word"),
    [
        ("sea", "star"), ("moon", "star"), ("zin", "win"), ("myat", "myay"),  # a letter changed in a short name ("mon", "noe"), ("yu", "yi"), ("sky", "ayeyarwady"), ("fmail", "family"),
        ("ငွေ", "ရွှေ"),  # silver is not gold
        ("မြစ်", "မြန်"),  # river is not "Myan-"
        ("မောင်", "မင်း"),
        ("ခါး", "တား"),
    ],
)
def test_different_words_are_not_matched(typed, word):
    assert word_similarity(typed, word) == 0


def test_a_fit_needs_every_distinctive_word_typed_and_weighs_boilerplate_lightly():
    name = name_tokens("Ayeyarwady Dragon Manpower Co., Ltd.")
    assert name_fit(name_tokens("Sky Dragon"), name) is None
    full = name_fit(name_tokens("Dragon Ayeyarwady Manpower"), name)
    assert (full.full, full.exact, full.weak) == (True, True, 1)
    other_boilerplate = name_fit(name_tokens("Ayeyarwady Dragon International"), name)
    assert (other_boilerplate.full, other_boilerplate.weak) == (True, -1)
    part = name_fit(name_tokens("Dragon"), name)
    assert (part.full, part.exact) == (False, True)
    assert name_fit(name_tokens("Co., Ltd."), name) is None


def test_burmese_is_compared_syllable_by_syllable():
    name = name_tokens("ငွေလမင်း ပြည်ပအလုပ်အကိုင်ရှာဖွေရေးအေဂျင်စီ")
    assert name.burmese == ("ငွေ", "လ", "မင်း")
    assert name_fit(name_tokens("ရွှေလမင်း"), name) is None
    assert name_fit(name_tokens("ငွေလမင်း"), name).full
    assert not name_fit(name_tokens("ငွေလ"), name).full


def test_part_of_a_name_with_a_typo_fits_nothing():
    # "Thaw Zin" is one typo from "Taw" and one letter from "Win": too little to name "Pyi Taw Win".
    assert name_fit(name_tokens("Thaw Zin"), name_tokens("Pyi Taw Win Recruitment Services")) is None
    assert name_fit(name_tokens("Pyi Taw Wiin"), name_tokens("Pyi Taw Win Recruitment Services")).full  # whole name: a typo is fine
