"""The read API: every endpoint against the served OpenAPI document, token scoping, no names, read-only, limits, log."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from api.models import ApiToken
from api.services import api_token_revoke
from api.v1 import NOT_CASE_LEVEL, TOKEN_INVALID
from complaints.models import Complaint
from helpdesk.models import AccessLog
from tests.api.conftest import SCHEMA_URL, bearer, validate_against_served_schema
from tests.factories import (
    ActivityFactory,
    AgencyFactory,
    CentreFactory,
    ComplaintFactory,
    ContactFactory,
    PersonFactory,
    ReimbursementFactory,
)

pytestmark = pytest.mark.django_db

NAME, PHONE, STORY = "Daw Khin Mya Thida", "+959791234567", "The broker kept our passports in Ranong"
SECRET_NAME = "Ma Hnin Si Sensitive"
THIS_YEAR = {"start": f"{date.today().year}-01-01", "end": f"{date.today().year}-12-31", "by": "quarter"}
ENDPOINTS = ["/api/v1/beneficiary-table", "/api/v1/complaint-outcomes", "/api/v1/agencies", "/api/v1/cases"]


@pytest.fixture
def world(db):
    """Two centres, each with a named person, a contact, an activity and a case; one sensitive case at the first."""
    ndg = CentreFactory(code="NDG", name="CTUM North Dagon", partner_organisation="CTUM")
    tcl = CentreFactory(code="TCL", name="Mawk Kon Tachileik", partner_organisation="Mawk Kon")
    agency = AgencyFactory(licence_number="123/2020")
    for centre, name in ((ndg, NAME), (tcl, "U Other Centre Person")):
        person = PersonFactory(centre=centre, name=name, phone=PHONE if centre == ndg else "+959797654321", gender="woman")
        ContactFactory(centre=centre, person=person, service="drop_in", channel="walk_in")
        ContactFactory(centre=centre, person=person, service="helpline", channel="viber")
        ActivityFactory(centre=centre)
        case = ComplaintFactory(centre=centre, complainant=person, agency=agency, description=STORY, employer="U Ba Employer")
        ReimbursementFactory(complaint=case, amount_mmk=Decimal("250000.00"))
    sensitive = ComplaintFactory(
        centre=ndg, complainant=PersonFactory(centre=ndg, name=SECRET_NAME), sensitive=True, grievances=["sexual_abuse"],
    )
    return {"ndg": ndg, "tcl": tcl, "sensitive": sensitive}


def _get(api_client, secret, path, **params):
    return api_client.get(path, params, **bearer(secret))


def test_the_openapi_document_is_served_without_a_token_and_lists_every_endpoint(api_client):
    response = api_client.get(SCHEMA_URL)
    assert response.status_code == 200
    spec = response.json()
    assert spec["openapi"].startswith("3.")
    assert sorted(spec["paths"]) == sorted(ENDPOINTS)
    assert all(set(ops) == {"get"} for ops in spec["paths"].values())  # read-only


@pytest.mark.parametrize("path", ENDPOINTS)
def test_every_endpoint_answers_in_the_shape_the_served_document_describes(api_client, make_token, world, path):
    _token, secret = make_token(world["ndg"], case_level=True)
    response = _get(api_client, secret, path, **({} if path.endswith(("agencies", "cases")) else THIS_YEAR))
    assert response.status_code == 200, response.content
    validate_against_served_schema(api_client, path, response)
    assert response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("path", ENDPOINTS)
def test_errors_are_json_in_the_documented_shape(api_client, make_token, world, path):
    assert (missing := api_client.get(path)).status_code == 401
    validate_against_served_schema(api_client, path, missing)
    assert missing.json()["detail"] == str(TOKEN_INVALID)
    _token, secret = make_token(world["ndg"], case_level=True)
    field = "status" if path.endswith("agencies") else "centre"
    bad = _get(api_client, secret, path, **{field: "NOPE"})
    assert bad.status_code == 400 and bad.json()["field"] == field
    validate_against_served_schema(api_client, path, bad)


def test_a_token_for_one_centre_never_sees_another(api_client, make_token, world):
    _token, secret = make_token(world["ndg"], case_level=True)
    table = _get(api_client, secret, "/api/v1/beneficiary-table", **THIS_YEAR).json()
    drop_in = next(row for row in table["rows"] if row["key"] == "drop_in")
    assert drop_in["total"]["total"] == 1  # NDG's contact only, not TCL's
    assert table["filters"]["centres"] == ["NDG"]
    outcomes = _get(api_client, secret, "/api/v1/complaint-outcomes", **THIS_YEAR).json()
    assert [c["code"] for c in outcomes["by_centre"]] == ["NDG"]
    assert outcomes["total"]["opened"] == 2  # the ordinary and the sensitive case of NDG
    cases = _get(api_client, secret, "/api/v1/cases").json()["items"]
    assert {case["centre"] for case in cases} == {"NDG"}
    # Asking for the other centre is refused exactly like an unknown code: nothing is revealed.
    for path in ENDPOINTS[:2] + ENDPOINTS[3:]:
        other = _get(api_client, secret, path, centre="TCL")
        unknown = _get(api_client, secret, path, centre="ZZZ")
        assert other.status_code == unknown.status_code == 400
        assert other.json()["detail"].replace("TCL", "ZZZ") == unknown.json()["detail"]
    assert _get(api_client, secret, "/api/v1/beneficiary-table", partner="Mawk Kon").status_code == 400


def test_a_token_whose_centres_were_taken_away_sees_no_figures(api_client, make_token, world):
    token, secret = make_token(world["ndg"], case_level=True)
    token.centres.clear()
    for path in (ENDPOINTS[0], ENDPOINTS[1], ENDPOINTS[3]):
        response = _get(api_client, secret, path, **THIS_YEAR)
        assert response.status_code == 403
        validate_against_served_schema(api_client, path, response)


def test_names_phones_and_stories_never_appear(api_client, make_token, world):
    _token, secret = make_token(world["ndg"], world["tcl"], case_level=True)
    for path in ENDPOINTS:
        body = _get(api_client, secret, path, **({} if path.endswith(("agencies", "cases")) else THIS_YEAR)).content.decode()
        for personal in (NAME, SECRET_NAME, PHONE, STORY, "U Ba Employer", "U Other Centre Person"):
            assert personal not in body, (path, personal)
    person_ids = [str(c.complainant_id) for c in Complaint.objects.all()]
    for case in _get(api_client, secret, "/api/v1/cases").json()["items"]:
        assert not {"complainant", "person", "person_id", "name", "phone", "description", "notes"} & set(case)
        assert case["reference"] and person_ids  # cases carry a reference, never a person


def test_sensitive_cases_are_counted_but_never_listed(api_client, make_token, world):
    _token, secret = make_token(world["ndg"], case_level=True)
    references = [c["reference"] for c in _get(api_client, secret, "/api/v1/cases").json()["items"]]
    assert world["sensitive"].reference not in references and len(references) == 1
    outcomes = _get(api_client, secret, "/api/v1/complaint-outcomes", **THIS_YEAR).json()
    assert next(g for g in outcomes["by_grievance"] if g["code"] == "sexual_abuse")["cases"] == 1


def test_cases_need_a_case_level_token(api_client, make_token, world):
    _token, secret = make_token(world["ndg"])
    response = _get(api_client, secret, "/api/v1/cases")
    assert response.status_code == 403 and response.json()["detail"] == str(NOT_CASE_LEVEL)
    validate_against_served_schema(api_client, "/api/v1/cases", response)


def test_a_case_shows_its_amounts_agency_and_grievances(api_client, make_token, world):
    _token, secret = make_token(world["tcl"], case_level=True)
    [case] = _get(api_client, secret, "/api/v1/cases").json()["items"]
    assert case["centre"] == "TCL" and case["agency_licence_number"] == "123/2020"
    assert case["grievances"] == ["overcharged_fees"] and case["stage"] == "intake"
    assert Decimal(case["amount_claimed_mmk"]) == Decimal("1500000.00")
    assert Decimal(case["amount_recovered_mmk"]) == Decimal("250000.00")
    assert case["opened_on"] == timezone.localdate().isoformat() and case["closed_on"] is None


def test_cases_page_by_cursor_without_repeats_or_gaps(api_client, make_token, world):
    centre = world["tcl"]
    base = timezone.now() - timedelta(days=10)
    for i in range(6):
        ComplaintFactory(centre=centre, opened_at=base)  # the same moment: the id breaks the tie
        ComplaintFactory(centre=centre, opened_at=base + timedelta(hours=i))
    _token, secret = make_token(centre, case_level=True)
    seen, url, params = [], "/api/v1/cases", {"limit": 5}
    while url:
        body = api_client.get(url, params, **bearer(secret)).json()
        seen += [c["reference"] for c in body["items"]]
        url, params = body["next"], {}
    expected = list(Complaint.objects.filter(centre=centre).order_by("opened_at", "id").values_list("reference", flat=True))
    assert seen == expected and len(seen) == 13


def test_agencies_page_by_cursor(api_client, make_token, world):
    for i in range(4):
        AgencyFactory(licence_number=f"{900 + i}/2021", status="suspended" if i % 2 else "licensed")
    _token, secret = make_token(world["ndg"])
    first = _get(api_client, secret, "/api/v1/agencies", limit=2).json()
    assert len(first["items"]) == 2 and first["next"]
    second = api_client.get(first["next"], **bearer(secret)).json()
    assert {a["licence_number"] for a in first["items"]}.isdisjoint(a["licence_number"] for a in second["items"])
    suspended = _get(api_client, secret, "/api/v1/agencies", status="suspended").json()["items"]
    assert {a["status"] for a in suspended} == {"suspended"} and len(suspended) == 2


@pytest.mark.parametrize("params,field", [
    ({"cursor": "not-a-cursor"}, "cursor"), ({"cursor": "WyJ4Il0"}, "cursor"), ({"limit": "0"}, "limit"),
    ({"limit": "many"}, "limit"), ({"stage": "lost"}, "stage"), ({"opened_from": "yesterday"}, "opened_from"),
])
def test_bad_parameters_are_a_400_naming_the_parameter(api_client, make_token, world, params, field):
    _token, secret = make_token(world["ndg"], case_level=True)
    response = _get(api_client, secret, "/api/v1/cases", **params)
    assert response.status_code == 400 and response.json()["field"] == field


@pytest.mark.parametrize("params,field", [
    ({"start": "2026-05-01", "end": "2026-01-01"}, "end"), ({"by": "month"}, "by"), ({"channel": "pigeon"}, "channel"),
    ({"start": "2000-01-01", "end": "2026-12-31", "by": "quarter"}, "start"),
])
def test_report_filters_are_checked_like_the_page_form(api_client, make_token, world, params, field):
    _token, secret = make_token(world["ndg"])
    response = _get(api_client, secret, "/api/v1/beneficiary-table", **params)
    assert response.status_code == 400 and response.json()["field"] == field


def test_filters_match_the_report_page(api_client, make_token, world):
    _token, secret = make_token(world["ndg"], world["tcl"])
    viber = _get(api_client, secret, "/api/v1/beneficiary-table", channel="viber", **THIS_YEAR).json()
    assert next(r for r in viber["rows"] if r["key"] == "helpline")["total"]["total"] == 2
    assert next(r for r in viber["rows"] if r["key"] == "drop_in")["total"]["total"] == 0
    mawk_kon = _get(api_client, secret, "/api/v1/beneficiary-table", partner="Mawk Kon", by="year", **{
        k: v for k, v in THIS_YEAR.items() if k != "by"}).json()
    assert len(mawk_kon["periods"]) == 1 and next(r for r in mawk_kon["rows"] if r["key"] == "drop_in")["total"]["total"] == 1


def test_revoked_and_wrong_tokens_are_refused(api_client, make_token, world):
    token, secret = make_token(world["ndg"])
    assert _get(api_client, secret, "/api/v1/agencies").status_code == 200
    api_token_revoke(token=token)
    response = _get(api_client, secret, "/api/v1/agencies")
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Bearer"
    assert api_client.get("/api/v1/agencies", HTTP_AUTHORIZATION="Token abc").status_code == 401


def test_only_get_is_allowed(api_client, make_token, world):
    _token, secret = make_token(world["ndg"], case_level=True)
    for path in ENDPOINTS:
        for method in ("post", "put", "patch", "delete"):
            assert getattr(api_client, method)(path, **bearer(secret)).status_code == 405


def test_every_call_is_in_the_access_log_under_the_token(api_client, make_token, world):
    token, secret = make_token(world["ndg"], case_level=True)
    _get(api_client, secret, "/api/v1/cases", stage="open")
    _get(api_client, secret, "/api/v1/beneficiary-table", **THIS_YEAR)
    api_client.get("/api/v1/cases")  # no token: nobody to log
    rows = list(AccessLog.objects.order_by("id"))
    assert [r.path for r in rows] == ["/api/v1/cases", "/api/v1/beneficiary-table"]
    assert {r.kind for r in rows} == {AccessLog.Kind.API} and {r.api_token for r in rows} == {f"#{token.pk} ILO M&E"}
    assert rows[0].user is None and rows[0].detail == "stage=open"
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_calls_are_limited_per_token(api_client, make_token, world, settings):
    from django.core.cache import cache

    cache.clear()
    settings.API_RATE_LIMIT, settings.API_RATE_WINDOW = 2, 60
    _token, secret = make_token(world["ndg"])
    _other, other_secret = make_token(world["ndg"], organisation="MOLIP desk")
    assert [_get(api_client, secret, "/api/v1/agencies").status_code for _ in range(3)] == [200, 200, 429]
    limited = _get(api_client, secret, "/api/v1/agencies")
    assert int(limited["Retry-After"]) >= 1
    validate_against_served_schema(api_client, "/api/v1/agencies", limited)
    assert _get(api_client, other_secret, "/api/v1/agencies").status_code == 200  # another token, its own window
    cache.clear()


def test_a_logged_in_session_is_not_enough(client, make_token, world, officer):
    client.force_login(officer)
    assert client.get("/api/v1/agencies").status_code == 401


def test_errors_speak_burmese_when_asked(api_client):
    response = api_client.get("/api/v1/agencies", HTTP_ACCEPT_LANGUAGE="my")
    with translation.override("en"):
        english = str(TOKEN_INVALID)
    assert response.status_code == 401 and response.json()["detail"].startswith("မှန်ကန်ပြီး") and english.startswith("Send")


def test_tokens_are_listed_once_per_organisation(make_token):
    centre = CentreFactory()
    make_token(centre, organisation="B org")
    make_token(centre, organisation="A org")
    assert list(ApiToken.objects.values_list("organisation", flat=True)) == ["A org", "B org"]


def test_a_group_case_gives_its_workers_by_gender_and_each_members_amounts_without_names(api_client, make_token, world):
    from complaints.group import complaint_member_add

    tcl = world["tcl"]
    case = Complaint.objects.get(centre=tcl)
    worker = PersonFactory(centre=tcl, name="Ko Group Worker", gender="man")
    complaint_member_add(complaint=case, person=worker, by=None, amount_claimed=Decimal("500000"))
    _token, secret = make_token(tcl, case_level=True)
    response = _get(api_client, secret, "/api/v1/cases")
    validate_against_served_schema(api_client, "/api/v1/cases", response)
    [item] = response.json()["items"]
    assert item["workers_covered"] == 2
    assert item["workers_by_gender"] == [{"gender": "woman", "workers": 1}, {"gender": "man", "workers": 1}]
    assert [(m["role"], m["gender"], Decimal(m["amount_claimed_mmk"]), Decimal(m["amount_received_mmk"])) for m in item["members"]] == [
        ("lead", "woman", Decimal("1500000"), Decimal("187500")), ("member", "man", Decimal("500000"), Decimal("62500")),
    ]
    assert Decimal(item["amount_claimed_mmk"]) == Decimal("2000000")
    assert "Ko Group Worker" not in response.content.decode() and str(worker.pk) not in json_values(item)
    ndg = _get(api_client, make_token(world["ndg"], case_level=True)[1], "/api/v1/cases").json()["items"][0]
    assert (ndg["workers_covered"], ndg["workers_by_gender"], ndg["members"]) == (1, [{"gender": "woman", "workers": 1}], [])


def json_values(item) -> set[str]:
    """Every value of a member entry, as text (to show no person id slipped in)."""
    return {str(v) for member in item["members"] for v in member.values()}
