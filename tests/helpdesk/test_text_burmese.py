"""Zawgyi conversion that cannot corrupt Unicode, measured on the committed short-string test set."""
import unicodedata
from pathlib import Path

import polib
import pytest

from helpdesk.text import (
    document_encoding,
    guess_encoding,
    is_wellformed_unicode,
    normalize_text,
    unicode_faults,
)

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).resolve().parents[2]


def _load(name):
    return [line.split("\t") for line in (DATA / name).read_text().splitlines() if line and not line.startswith("#")]


PAIRS = _load("zawgyi_pairs.tsv")
SAME = _load("zawgyi_same.tsv")


def test_the_test_set_is_big_enough_and_really_differs():
    assert len(PAIRS) >= 200 and len(SAME) >= 20
    assert all(unicode != zawgyi for _, unicode, zawgyi in PAIRS)
    assert {category for category, *_ in PAIRS} == {"name", "full", "honorific", "town", "agency"}


def test_no_unicode_string_is_changed():
    changed = [unicode for _, unicode, _ in PAIRS if normalize_text(unicode) != unicode]
    assert changed == []


def test_strings_spelled_the_same_in_both_encodings_are_left_alone():
    for _, text in SAME:
        assert normalize_text(text) == text
        assert normalize_text(text, encoding_hint="zawgyi") == text


def test_at_least_97_percent_of_zawgyi_is_converted():
    converted = [zawgyi for _, unicode, zawgyi in PAIRS if normalize_text(zawgyi) == unicode]
    assert len(converted) / len(PAIRS) >= 0.97


def test_a_source_known_to_be_zawgyi_converts_every_pair():
    wrong = [zawgyi for _, unicode, zawgyi in PAIRS if normalize_text(zawgyi, encoding_hint="zawgyi") != unicode]
    assert wrong == []


@pytest.mark.parametrize("text", ["မြမြ", "အမြဲစိမ်း", "ဒေါ်မြမြ", "ကို", "မြန်မာ"])
def test_reported_corruptions_no_longer_happen(text):
    """Mya Mya was stored as မွမွ, the agency query အမြဲစိမ်း echoed as အမွဲစိမျး."""
    assert normalize_text(text) == text


def test_unicode_text_in_our_own_catalogues_is_never_converted():
    """Over a thousand real Unicode sentences: only canonical reordering is allowed."""
    for path in ROOT.glob("*/locale/my/LC_MESSAGES/django.po"):
        for entry in polib.pofile(str(path)):
            if entry.msgstr:
                expected = unicodedata.normalize("NFC", entry.msgstr.strip()).replace("\u1036\u102f", "\u102f\u1036")
                assert normalize_text(entry.msgstr) == expected, entry.msgid


@pytest.mark.parametrize(
    "text,faults",
    [
        ("ကျေးဇူးတင်ပါတယ်", 0),
        ("ယောက်ျား", 0),  # asat before a medial
        ("ကျွန်ုပ်", 0),  # asat before U
        ("မင်္ဂလာ", 0),  # kinzi
        ("ကုမ္ပဏီ ဗုဒ္ဓ ဥက္ကဋ္ဌ", 0),  # stacks within one row of the table
        ("ဗြဟ္မာ", 0),
        ("ထည့်ပါ။", 0),
        ("ေက်းဇူး", 1),  # vowel sign E before its consonant
        ("ျမန္မာ", 2),  # medial RA glyph first, virama as the killer
        ("ကၠ", 1),  # Zawgyi's stacked KA
        ("တင္ပါ", 1),  # NGA stacked without kinzi
        ("ကေလး", 1),  # a tone on a bare consonant: Zawgyi's ေလး read as Unicode
        ("ပံု", 1),  # anusvara before U
    ],
)
def test_wellformedness(text, faults):
    assert unicode_faults(text) == faults
    assert is_wellformed_unicode(text) is (faults == 0)


@pytest.mark.parametrize("text", ["ၵႂၢမ်းတႆး", "လိၵ်ႈတႆး", "မႂ်ႇသုင်ၶႃႈ", "ဝဵင်းတၢင်ႈၵျီး", "ဒုၚ်", "ပ္ဍဲ"])
def test_shan_and_mon_in_unicode_are_not_converted(text):
    """Shan and Mon letters share code points with Zawgyi's glyphs (ၾ ၼ ၸ); the detector tells them apart."""
    assert normalize_text(text) == text


def test_malformed_unicode_from_a_careless_keyboard_is_not_converted():
    """A vowel sign typed before its consonant: converting would swap letters, so it is left as typed."""
    assert normalize_text("ေမာင်") == "ေမာင်"


def test_guess_says_when_the_text_proves_its_encoding():
    assert guess_encoding("ေရႊျမန္မာ").encoding == "zawgyi" and guess_encoding("ေရႊျမန္မာ").sure
    assert guess_encoding("မြမြ").encoding == "unicode" and not guess_encoding("မြမြ").sure
    assert guess_encoding("မြမြ", hint="zawgyi").encoding == "zawgyi"
    # Converting would break it: Unicode for sure, whatever the hint says.
    assert guess_encoding("ကျောင်း", hint="zawgyi") == guess_encoding("ကျောင်း")
    assert guess_encoding("ကျောင်း").encoding == "unicode" and guess_encoding("ကျောင်း").sure
    assert guess_encoding("Golden Star").encoding is None


def test_document_encoding():
    assert document_encoding(["ေအာင္ျမင္", "Golden", "မြမြ"]) == "zawgyi"
    assert document_encoding(["မြမြ", "နီနီ"]) is None
    assert document_encoding(["ေအာင္ျမင္", "ကျောင်း"]) is None  # converting ကျောင်း breaks it: Unicode for sure
    assert document_encoding(["ကျောင်း", "မြမြ"]) == "unicode"


def test_document_encoding_can_ask_for_more_than_one_proof():
    assert document_encoding(["ေအာင္ျမင္", "မြမြ"], min_sure=2) is None  # one Zawgyi name is not a Zawgyi file
    assert document_encoding(["ေအာင္ျမင္", "မခင္မာ", "မြမြ"], min_sure=2) == "zawgyi"
