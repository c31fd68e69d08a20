"""The one verdict: licensed / not_licensed / ambiguous / not_found, decided on distinctive words."""
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from agencies.models import Agency, LicenceStatus
from agencies.services import agency_import
from agencies.verdict import VerdictKind, agency_verdict
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).resolve().parents[2] / "agencies" / "fixtures" / "agencies_sample.csv"


@pytest.fixture
def register():
    agency_import(content=SAMPLE.read_bytes(), filename=SAMPLE.name, user=None)
    return {agency.licence_number: agency for agency in Agency.objects.all()}


def named(query, **kwargs) -> str:
    verdict = agency_verdict(query, **kwargs)
    assert verdict.agency is not None, f"{query!r}: {verdict.kind}"
    return verdict.agency.licence_number


def test_every_sample_agency_is_named_by_its_english_and_burmese_name_with_its_own_status(register):
    for agency in register.values():
        for query in (agency.name_en, agency.name_my):
            verdict = agency_verdict(query)
            expected = VerdictKind.LICENSED if agency.effective_status == LicenceStatus.LICENSED else VerdictKind.NOT_LICENSED
            assert (verdict.kind, verdict.agency) == (expected, agency), query


@pytest.mark.parametrize(
    "query",
    [
        "Golden Sea", "Sky Dragon Recruitment", "Golden Moon", "Silver Star", "Diamond Ocean", "Shwe Pyi Taw",
        "ရွှေလမင်း", "ကောင်းကင်နဂါး", "ငွေကြယ်", "စိန်သမုဒ္ဒရာ", "ညီနောင်ရွှေ", "Quick Visa Brokers",
    ],
)
def test_invented_names_one_distinctive_word_away_are_not_found(register, query):
    verdict = agency_verdict(query)
    assert verdict.kind == VerdictKind.NOT_FOUND and verdict.agency is None
    # Look-alikes may be shown, as different agencies: never one the verdict counts as the query's.
    assert not any(verdict.same_as_query(match) for match in verdict.similar)


def test_golden_sea_shows_golden_star_only_as_a_similar_different_agency(register):
    verdict = agency_verdict("Golden Sea")
    assert [m.agency.licence_number for m in verdict.similar] == ["14/2016"]


@pytest.mark.parametrize(
    ("query", "number"),
    [
        ("Golden Star", "14/2016"), ("golden starr", "14/2016"), ("Goldn Starr", "14/2016"), ("Star Golden Manpower", "14/2016"),
        ("GOLDEN STAR CO LTD", "14/2016"), ("goldenstar", "14/2016"), ("ေရႊၾကယ္", "14/2016"), ("ရွှေကြယ်", "14/2016"),
        ("ရွှေကြယ", "14/2016"),  # asat left out
        ("ရွေကြယ်", "14/2016"),  # ha-htoe left out
        ("ရွှေကြယ် Golden Star", "14/2016"), ("Ayeyarwaddy Dragon", "51/2018"), ("ဧရာဝတီ နဂါး", "51/2018"),
    ],
)
def test_typos_order_encodings_and_scripts_still_name_the_agency(register, query, number):
    assert named(query) == number


@pytest.mark.parametrize(("query", "number"), [("ဧရာဝတီ", "51/2018"), ("နဂါး", "51/2018"), ("Ayeyar", "51/2018"), ("ငွေလ", "58/2018")])
def test_part_of_a_name_names_the_only_agency_having_it_and_says_it_was_partial(register, query, number):
    verdict = agency_verdict(query)
    assert verdict.agency.licence_number == number and verdict.partial


@pytest.mark.parametrize(("query", "numbers"), [("Shwe", {"1/2015", "108/2020", "37/2017"}), ("Myanmar", {"1/2015", "79/2019", "101/2020"})])
def test_a_word_in_several_names_is_ambiguous_and_lists_them_all(register, query, numbers):
    verdict = agency_verdict(query)
    assert verdict.kind == VerdictKind.AMBIGUOUS and verdict.agency is None
    assert {m.agency.licence_number for m in verdict.candidates} == numbers


def test_names_differing_only_in_boilerplate_are_told_apart_by_it_and_otherwise_ambiguous():
    revoked = AgencyFactory(licence_number="51/2018", name_en="Ayeyarwady Dragon Manpower Co., Ltd.", status="revoked")
    licensed = AgencyFactory(licence_number="61/2019", name_en="Ayeyarwady Dragon International Co., Ltd.")
    verdict = agency_verdict("Ayeyarwady Dragon Manpower Co., Ltd.")
    assert (verdict.kind, verdict.agency, verdict.status) == (VerdictKind.NOT_LICENSED, revoked, "revoked")
    assert agency_verdict("Ayeyarwady Dragon International").agency == licensed
    verdict = agency_verdict("Ayeyarwady Dragon")
    assert verdict.kind == VerdictKind.AMBIGUOUS and {m.agency for m in verdict.candidates} == {revoked, licensed}


def test_same_name_registered_twice_is_ambiguous_whatever_the_alphabet():
    a = AgencyFactory(licence_number="9/2015", name_en="Zeya Overseas Employment Agency", status="revoked")
    b = AgencyFactory(licence_number="10/2022", name_en="Zeya Overseas Employment Agency")
    verdict = agency_verdict("Zeya Overseas Employment Agency")
    assert verdict.kind == VerdictKind.AMBIGUOUS and {m.agency for m in verdict.candidates} == {a, b}
    assert all(verdict.same_as_query(m) for m in verdict.candidates)


def test_one_letter_apart_names_tie_instead_of_picking_the_exact_one():
    AgencyFactory(name_en="Golden Star Co., Ltd.")
    AgencyFactory(name_en="Golden Stars Co., Ltd.", status="revoked")
    assert agency_verdict("golden star").kind == VerdictKind.AMBIGUOUS
    assert agency_verdict("golden starr").kind == VerdictKind.AMBIGUOUS


def test_licence_numbers_keep_their_exact_match(register):
    assert named("014/2016") == named("No. ၁၄/၂၀၁၆") == named("14") == "14/2016"
    assert agency_verdict("14/2017").kind == VerdictKind.NOT_FOUND  # another year is another licence
    AgencyFactory(licence_number="14/2021", name_en="Other Fourteen Co.")
    assert agency_verdict("14").kind == VerdictKind.AMBIGUOUS  # the bare number is in two licences
    assert named("14/2016") == "14/2016"


def test_a_number_and_a_name_that_disagree_are_ambiguous(register):
    verdict = agency_verdict("Silver Moon 014/2016")
    assert verdict.kind == VerdictKind.AMBIGUOUS
    assert {m.agency.licence_number for m in verdict.candidates} == {"14/2016", "58/2018"}
    assert named("Golden Star 014/2016") == "14/2016"


def test_boilerplate_alone_names_no_one(register):
    for query in ("Overseas Employment Agency Co., Ltd.", "ပြည်ပအလုပ်အကိုင်ရှာဖွေရေးအေဂျင်စီ ကုမ္ပဏီလီမိတက်", "", "  ", "x"):
        assert agency_verdict(query).kind == VerdictKind.NOT_FOUND


def test_a_word_most_of_the_register_shares_is_weak_evidence():
    golden = AgencyFactory(name_en="Golden Star Trading")
    for n in range(12):
        AgencyFactory(name_en=f"Myanmar Word{n} Trading")
    # "trading" is in 13 of 13 names: typed or not, it neither names nor rules out an agency.
    assert agency_verdict("Golden Star").agency == golden
    assert agency_verdict("Golden Star Trading Company").agency == golden
    assert agency_verdict("Trading").kind == VerdictKind.NOT_FOUND
    # "myanmar" is in 12 of 13: typed beside a distinctive name it is weak, not a different agency.
    assert agency_verdict("Golden Star Myanmar").agency == golden


def test_a_distinctive_word_not_in_the_name_rules_it_out():
    AgencyFactory(name_en="Golden Star Trading")
    assert agency_verdict("Golden Star Myanmar").kind == VerdictKind.NOT_FOUND


def test_not_licensed_says_since_when_if_the_register_knows():
    agency = AgencyFactory(licence_number="5/2020", name_en="Htoo Win Agency")
    agency.status = LicenceStatus.SUSPENDED
    agency.save()
    verdict = agency_verdict("Htoo Win")
    assert (verdict.kind, verdict.status, verdict.since) == (VerdictKind.NOT_LICENSED, "suspended", timezone.localdate())
    AgencyFactory(licence_number="6/2020", name_en="Kyaw Zin Agency", status=LicenceStatus.REVOKED)
    assert agency_verdict("Kyaw Zin").since is None  # registered revoked: the day it began is unknown
    expired = AgencyFactory(name_en="Moe Hein Agency", expiry_date=timezone.localdate() - timedelta(days=3))
    verdict = agency_verdict("Moe Hein")
    assert (verdict.status, verdict.since) == ("expired", expired.expiry_date)


def test_results_mark_only_the_named_agency_as_the_same(register):
    verdict = agency_verdict("Golden Star", limit=5)
    assert [verdict.same_as_query(m) for m in verdict.results][0] is True
    assert not any(verdict.same_as_query(m) for m in verdict.results[1:])


def test_short_unicode_burmese_the_detector_takes_for_zawgyi_is_read_both_ways(register):
    # "အမြဲစိမ်း" (Ever Green) scores 0.67 as Zawgyi and "အမြဲ" 0.94: converting them garbles them.
    assert named("အမြဲစိမ်း") == named("အမြဲ") == "209/2024"
    assert named("ေရႊၾကယ္") == "14/2016"  # real Zawgyi still converted
    # A caller that knows the encoding is trusted: no second reading.
    assert agency_verdict("အမြဲစိမ်း", encoding_hint="unicode").agency.licence_number == "209/2024"
