"""The one lookup: numbers in any form, names in either script and encoding, misspelt or reordered."""
import pytest
from django.utils import timezone
from rapidfuzz import fuzz, process

from agencies.lookup import AgencyMatch, lookup_agencies
from agencies.models import LicenceStatus
from agencies.names import name_key
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def register():
    return {
        "golden": AgencyFactory(
            licence_number="123/2019", name_en="Golden Star Overseas Employment Agency Co., Ltd.",
            name_my="ရွှေကြယ် ပြည်ပအလုပ်အကိုင်ရှာဖွေရေးအေဂျင်စီ ကုမ္ပဏီလီမိတက်",
        ),
        "shwe": AgencyFactory(
            licence_number="45/2018", name_en="Shwe Myanmar Manpower Co., Ltd.",
            name_my="ရွှေမြန်မာ လူ့စွမ်းအား ကုမ္ပဏီလီမိတက်",
        ),
        "dragon": AgencyFactory(
            licence_number="77/2020", name_en="Ayeyarwady Dragon Overseas Employment Agency",
            name_my="ဧရာဝတီနဂါး ပြည်ပအလုပ်အကိုင်ရှာဖွေရေးအေဂျင်စီ", status=LicenceStatus.REVOKED,
        ),
        "pearl": AgencyFactory(
            licence_number="1234/2021", name_en="Pearl Overseas Employment Agency Co., Ltd.",
            expiry_date=timezone.localdate() - timezone.timedelta(days=10),
        ),
    }


def first(query, **kwargs) -> AgencyMatch:
    matches = lookup_agencies(query, **kwargs)
    assert matches, f"nothing found for {query!r}"
    return matches[0]


@pytest.mark.parametrize("query", ["123", "၁၂၃", "No. 123/2019", "123/2019", "လိုင်စင်အမှတ် ၁၂၃/၂၀၁၉", "0123"])
def test_licence_number_variants_find_the_agency(register, query):
    match = first(query)
    assert match.agency == register["golden"] and match.matched_on == "licence_number"
    assert match.score >= 95


def test_full_number_is_more_certain_than_the_bare_number(register):
    assert first("123/2019").score == 100
    assert first("123").score < 100
    # "123" is not "1234": the number is compared whole, not as a prefix.
    assert [m.agency for m in lookup_agencies("123") if m.matched_on == "licence_number"] == [register["golden"]]


def test_zawgyi_and_unicode_queries_find_the_same_agency(register):
    unicode_match = first("ရွှေကြယ်")
    zawgyi_match = first("ေရႊၾကယ္")  # the same word typed in Zawgyi
    assert unicode_match.agency == zawgyi_match.agency == register["golden"]
    assert unicode_match.score == zawgyi_match.score
    assert first("ေရႊျမန္မာ").agency == register["shwe"]


def test_short_ambiguous_text_follows_the_conversation_encoding_hint(register):
    # "ေရႊ" alone may score as either encoding; a bot that has seen Zawgyi says so.
    assert first("ေရႊၾကယ္", encoding_hint="zawgyi").agency == register["golden"]


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ("golden star", "golden"), ("Goldn Starr", "golden"), ("star golden", "golden"),
        ("GOLDEN STAR CO LTD", "golden"), ("shwe myanmar", "shwe"), ("Myanmar Shwe", "shwe"),
        ("Ayeyarwaddy Dragon", "dragon"), ("dragon ayeyarwady", "dragon"), ("ဧရာဝတီ နဂါး", "dragon"),
    ],
)
def test_misspelt_and_reordered_names_find_the_agency(register, query, key):
    assert first(query).agency == register[key]


def test_company_suffixes_do_not_make_names_match(register):
    # Every name ends in "Overseas Employment Agency Co., Ltd."; typing only that finds nothing in particular.
    assert lookup_agencies("Overseas Employment Agency Co., Ltd.") == []
    assert lookup_agencies("ပြည်ပအလုပ်အကိုင်ရှာဖွေရေးအေဂျင်စီ ကုမ္ပဏီလီမိတက်") == []
    # A different agency with the same suffix is not a match for "Silver Moon ... Co., Ltd.".
    assert lookup_agencies("Silver Moon Overseas Employment Agency Co., Ltd.") == []


def test_nonsense_finds_nothing(register):
    assert lookup_agencies("zzqx") == []
    assert lookup_agencies("") == [] and lookup_agencies("   ") == []


def test_match_reports_the_derived_status(register):
    assert first("77/2020").status == LicenceStatus.REVOKED
    assert first("Pearl").status == LicenceStatus.EXPIRED
    assert first("123/2019").status == LicenceStatus.LICENSED


def test_results_are_ranked_and_limited(register):
    AgencyFactory(name_en="Golden Star Myanmar Co., Ltd.", licence_number="300/2022")
    AgencyFactory(name_en="Golden Sky Co., Ltd.", licence_number="301/2022")
    matches = lookup_agencies("golden star", limit=2)
    assert len(matches) == 2 and matches[0].agency == register["golden"]
    assert matches[0].score >= matches[1].score


def test_index_follows_changes_to_the_register(register):
    assert lookup_agencies("Thiri Mandalar") == []
    new = AgencyFactory(name_en="Thiri Mandalar Services", licence_number="500/2024")
    assert first("Thiri Mandalar").agency == new
    new.status = LicenceStatus.SUSPENDED
    new.save()
    assert first("Thiri Mandalar").status == LicenceStatus.SUSPENDED
    new.delete()
    assert lookup_agencies("Thiri Mandalar") == []


def test_a_warm_lookup_reads_no_table_whatever_the_register_size(register, django_assert_num_queries):
    for n in range(200):
        AgencyFactory(name_en=f"Filler{n} Trading", licence_number=f"{2000 + n}/2020")
    lookup_agencies("golden star")  # builds the index and caches the register's version
    with django_assert_num_queries(0):
        assert first("golden star").agency == register["golden"]


def test_an_agency_saved_or_deleted_is_found_or_gone_at_the_next_lookup(register):
    assert first("golden star").agency == register["golden"]
    added = AgencyFactory(licence_number="999/2024", name_en="Brand New Horizon Manpower")
    assert first("brand new horizon").agency == added
    register["golden"].name_en = "Silver Moon Overseas Employment Agency"
    register["golden"].save()
    assert first("silver moon").agency == register["golden"]
    added.delete()
    assert all(m.agency.pk != added.pk for m in lookup_agencies("brand new horizon"))


def test_a_write_in_another_process_is_seen_once_the_cached_version_expires(register, settings):
    from django.core.cache import cache

    from agencies.models import Agency
    from agencies.register import CACHE_KEY

    assert first("golden star").agency == register["golden"]
    # Another process's write: a bare update bumps nothing in this process's local-memory cache.
    Agency.objects.filter(pk=register["golden"].pk).update(name_en="Lotus Garden Agency", updated_at=timezone.now())
    assert first("golden star").agency == register["golden"]  # the cached version: the index is kept until ...
    cache.delete(CACHE_KEY)  # ... the entry expires (AGENCY_REGISTER_RECHECK_SECONDS)
    assert first("lotus garden").agency.name_en == "Lotus Garden Agency"


def test_changing_a_returned_agency_does_not_change_the_index(register):
    match = first("123/2019")
    match.agency.name_en = "Tampered"
    assert first("123/2019").agency.name_en.startswith("Golden Star")


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Golden Star Overseas Employment Agency Co., Ltd.", "golden star"),
        ("ရွှေကြယ် ပြည်ပအလုပ်အကိုင်ရှာဖွေရေးအေဂျင်စီ ကုမ္ပဏီလီမိတက်", "ရွှေကြယ်"),
        ("ရွှေ၀ါ", "ရွှေဝါ"),  # digit zero typed for the letter wa
        ("Overseas Employment Agency", "overseas employment agency"),  # nothing but filler: keep it
    ],
)
def test_name_key_drops_filler_and_keeps_burmese_marks(name, key):
    assert name_key(name) == key


def test_a_query_mixing_scripts_is_matched_script_by_script(register):
    assert first("ရွှေကြယ် Golden Star").agency == register["golden"]
    assert first("Shwe ရွှေမြန်မာ").agency == register["shwe"]


def test_look_alikes_are_scored_among_the_names_sharing_a_word_typed(register, monkeypatch):
    AgencyFactory.create_batch(30)  # "Agency NumberN ...": no word in common with the query
    scored = []
    extract = process.extract

    def counting(query, choices, **kwargs):
        if kwargs.get("scorer") is fuzz.WRatio:  # the names compared (not the vocabulary searched for typos)
            scored.append(len(choices))
        return extract(query, choices, **kwargs)

    monkeypatch.setattr(process, "extract", counting)
    matches = lookup_agencies("Golden Sea")  # "sea" is in no name: a look-alike, not a fit
    assert [m.agency for m in matches][:1] == [register["golden"]] and matches[0].rank == 0
    assert scored == [1], "every English name was scored, not the pool sharing a word"


def test_a_query_sharing_no_word_with_the_register_is_compared_with_every_name(register):
    # "eyarwaddy" is three letters from "ayeyarwady": no word of the register, but alike as a whole.
    assert register["dragon"] in [m.agency for m in lookup_agencies("Eyarwaddy")]
