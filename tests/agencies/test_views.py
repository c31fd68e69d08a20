"""Staff agency pages, the admin upload page, the public check page and the JSON lookup API."""
import json

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from agencies.extensions import AGENCY_PANELS, AgencyPanel, register_agency_panel
from agencies.models import Agency, LicenceStatus
from tests.factories import AgencyCheckFactory, AgencyFactory, ContactFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def golden():
    return AgencyFactory(
        licence_number="123/2019", name_en="Golden Star Overseas Employment Agency Co., Ltd.", name_my="ရွှေကြယ်",
        destination_countries="TH,MY",
    )


# Access ---------------------------------------------------------------------------

def staff_urls(agency):
    return [reverse("agencies:agency_list"), reverse("agencies:agency_detail", args=[agency.pk])]


def test_anonymous_is_sent_to_login_from_staff_pages(client, golden):
    for url in [*staff_urls(golden), reverse("agencies:agency_import")]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


@pytest.mark.parametrize("role", ["staff", "manager", "admin_user"])
def test_staff_managers_and_admins_see_the_register(client, golden, role, request):
    client.force_login(request.getfixturevalue(role))
    for url in staff_urls(golden):
        assert client.get(url).status_code == 200, url


def test_officers_get_no_staff_agency_page(client, golden, officer):
    client.force_login(officer)
    for url in staff_urls(golden):
        assert client.get(url).status_code == 403, url


def test_missing_agency_is_404(staff_client):
    assert staff_client.get(reverse("agencies:agency_detail", args=[99999])).status_code == 404


@pytest.mark.parametrize("role", ["staff", "manager", "officer"])
def test_only_admins_may_import(client, role, request):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("agencies:agency_import")).status_code == 403
    upload = SimpleUploadedFile("list.csv", b"licence_number,name_en\n1/2020,Sneaky Agency\n")
    assert client.post(reverse("agencies:agency_import"), {"file": upload}).status_code == 403
    assert not Agency.objects.exists()


def test_public_page_and_api_need_no_login(client, golden):
    assert client.get(reverse("agencies:public_check")).status_code == 200
    assert client.get(reverse("agencies:api_lookup"), {"q": "golden"}).status_code == 200


def test_menu_shows_agencies_to_staff_and_the_check_page_to_officers(client, staff, officer):
    client.force_login(staff)
    page = client.get(reverse("helpdesk:dashboard")).content.decode()
    assert reverse("agencies:agency_list") in page and reverse("agencies:public_check") in page
    client.force_login(officer)
    page = client.get(reverse("helpdesk:dashboard")).content.decode()
    assert f'href="{reverse("agencies:agency_list")}"' not in page and reverse("agencies:public_check") in page


# Staff list and detail ---------------------------------------------------------------

def test_list_searches_through_the_lookup_and_filters_by_derived_status(staff_client, golden):
    expired = AgencyFactory(name_en="Old Pearl Agency", expiry_date=timezone.localdate() - timezone.timedelta(days=1))
    AgencyFactory(name_en="Silver Moon Agency", status=LicenceStatus.SUSPENDED, destination_countries="JP")
    url = reverse("agencies:agency_list")
    page = staff_client.get(url, {"q": "ေရႊၾကယ္"}).content.decode()  # Zawgyi
    assert "Golden Star" in page and "Silver Moon" not in page
    response = staff_client.get(url, {"status": "expired"})
    assert list(response.context["page"]) == [expired]
    response = staff_client.get(url, {"country": "JP"})
    assert [a.name_en for a in response.context["page"]] == ["Silver Moon Agency"]
    response = staff_client.get(url, {"q": "123"})
    assert list(response.context["page"]) == [golden]


@pytest.mark.parametrize("count", [10, 200])
def test_list_query_count_does_not_grow_with_agencies(staff_client, django_assert_max_num_queries, count):
    for n in range(count):
        AgencyFactory(name_en=f"Agency {n} Co., Ltd.")
    with django_assert_max_num_queries(6):  # session, user, memberships, count, page
        response = staff_client.get(reverse("agencies:agency_list"))
    assert len(response.context["page"]) == min(count, 50)
    with django_assert_max_num_queries(8):  # plus the index check (and build) for a search
        response = staff_client.get(reverse("agencies:agency_list"), {"q": "Agency 7"})
    assert response.status_code == 200


def test_detail_shows_licence_history_with_who_and_what(client, admin_user, golden):
    client.force_login(admin_user)
    golden.status = LicenceStatus.SUSPENDED
    golden._history_user = admin_user
    golden.save()
    page = client.get(reverse("agencies:agency_detail", args=[golden.pk])).content.decode()
    assert "admin1" in page
    assert "licence status: Licensed → Suspended" in page
    assert "Added to the register" in page


def test_detail_renders_registered_panels(staff_client, golden):
    panel = AgencyPanel(template="agencies/includes/status.html", context=lambda request, agency: {"agency": agency.pk})
    register_agency_panel(panel)
    try:
        response = staff_client.get(reverse("agencies:agency_detail", args=[golden.pk]))
        assert ("agencies/includes/status.html", {"agency": golden.pk}) in response.context["panels"]
    finally:
        AGENCY_PANELS.remove(panel)


# Import page ------------------------------------------------------------------------

def test_admin_upload_dry_run_then_import_shows_the_report(client, admin_user):
    client.force_login(admin_user)
    csv = "licence_number,name_en,status,expiry_date\n1/2020,Lotus Agency,licensed,2030-01-01\n,No Number,licensed,\n"
    url = reverse("agencies:agency_import")
    response = client.post(url, {"file": SimpleUploadedFile("list.csv", csv.encode()), "dry_run": "on"})
    report = response.content.decode()
    assert "Dry run" in report and "Row 2: new Lotus Agency (1/2020)" in report and "Row 3: ERROR" in report
    assert not Agency.objects.exists()
    response = client.post(url, {"file": SimpleUploadedFile("list.csv", csv.encode())})
    assert "1 new" in response.content.decode()
    agency = Agency.objects.get()
    assert agency.history.get().history_user == admin_user


def test_upload_of_a_wrong_file_says_why(client, admin_user):
    client.force_login(admin_user)
    response = client.post(reverse("agencies:agency_import"), {"file": SimpleUploadedFile("list.pdf", b"%PDF")})
    assert "Upload a .csv or .xlsx file." in response.content.decode()


# Public page ------------------------------------------------------------------------

def test_public_page_shows_status_and_advice(client, golden):
    AgencyFactory(licence_number="77/2020", name_en="Dragon Agency", status=LicenceStatus.REVOKED)
    page = client.get(reverse("agencies:public_check"), {"q": "Golden Star"}).content.decode()
    assert "Golden Star" in page and "123/2019" in page and "Licensed until" in page
    page = client.get(reverse("agencies:public_check"), {"q": "77/2020"}).content.decode()
    assert "revoked" in page and "Do not pay it" in page
    page = client.get(reverse("agencies:public_check"), {"q": "Nowhere Agency"}).content.decode()
    assert 'data-verdict="not_found"' in page and "NOT on the Ministry" in page


def test_public_page_is_small_and_needs_no_javascript(client, golden):
    response = client.get(reverse("agencies:public_check"), {"q": "golden"})
    assert len(response.content) < 12_000
    assert b"<script" not in response.content


def test_public_page_in_burmese(client, golden):
    response = client.get(reverse("agencies:public_check"), {"q": "၁၂၃"}, HTTP_ACCEPT_LANGUAGE="my")
    page = response.content.decode()
    assert "ရွှေကြယ်" in page and 'lang="my"' in page
    assert "ဤအေဂျင်စီသည် လိုင်စင်ရှိပါသလား။" in page and "လိုင်စင်ရ" in page  # the interface itself is Burmese
    assert "Is this agency licensed?" not in page


# JSON API ----------------------------------------------------------------------------

def test_api_returns_ranked_matches_with_status_expiry_and_confidence(client, golden):
    PersonFactory(name="Ma Hla", phone="+959450123456")  # personal data exists, and must not leak
    response = client.get(reverse("agencies:api_lookup"), {"q": "ေရႊၾကယ္"})
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    body = response.json()
    assert body["count"] == 1 and body["query"] == "ေရႊၾကယ္"
    result = body["results"][0]
    assert result == {
        "licence_number": "123/2019",
        "name_en": "Golden Star Overseas Employment Agency Co., Ltd.",
        "name_my": "ရွှေကြယ်",
        "status": "licensed",
        "status_label": "Licensed",
        "issue_date": golden.issue_date.isoformat(),
        "expiry_date": golden.expiry_date.isoformat(),
        "destination_countries": ["TH", "MY"],
        "confidence": result["confidence"],
        "matched_on": "name",
        "same_as_query": True,
    }
    assert body["verdict"] == "licensed" and body["agency"] == {**result, "since": None}
    assert 90 <= result["confidence"] <= 100
    assert "Ma Hla" not in response.content.decode() and "959450123456" not in response.content.decode()


def test_api_orders_best_first_and_respects_limit(client, golden):
    AgencyFactory(name_en="Golden Sky Co., Ltd.")
    AgencyFactory(name_en="Golden Star Myanmar Co., Ltd.")
    body = client.get(reverse("agencies:api_lookup"), {"q": "golden star", "limit": "2"}).json()
    assert body["count"] == 2
    assert body["results"][0]["licence_number"] == "123/2019"
    assert body["results"][0]["confidence"] >= body["results"][1]["confidence"]


@pytest.mark.parametrize(("params", "error"), [({}, "missing_query"), ({"q": " "}, "missing_query"), ({"q": "x", "limit": "many"}, "invalid_limit")])
def test_api_bad_requests_are_400_with_a_json_error(client, params, error):
    response = client.get(reverse("agencies:api_lookup"), params)
    assert response.status_code == 400 and response.json()["error"] == error


def test_api_is_rate_limited_per_client_ip(client, golden, settings):
    settings.AGENCY_LOOKUP_RATE_LIMIT = 3
    settings.AGENCY_LOOKUP_RATE_WINDOW = 600
    url = reverse("agencies:api_lookup")
    for _ in range(3):
        assert client.get(url, {"q": "golden"}, REMOTE_ADDR="10.0.0.1").status_code == 200
    response = client.get(url, {"q": "golden"}, REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 429
    assert response.json()["error"] == "rate_limited"
    assert 1 <= int(response["Retry-After"]) <= 600
    # Another client is not affected.
    assert client.get(url, {"q": "golden"}, REMOTE_ADDR="10.0.0.2").status_code == 200


def test_public_page_shares_the_limit_and_says_when_to_retry(client, golden, settings):
    settings.AGENCY_LOOKUP_RATE_LIMIT = 1
    settings.AGENCY_LOOKUP_RATE_WINDOW = 600
    url = reverse("agencies:public_check")
    assert client.get(url, {"q": "golden"}).status_code == 200
    response = client.get(url, {"q": "golden"})
    assert response.status_code == 429 and "Retry-After" in response
    assert "Too many checks" in response.content.decode()
    assert client.get(url).status_code == 200  # the empty form is never limited


def test_behind_a_proxy_the_client_is_read_from_x_forwarded_for(client, golden, settings):
    settings.AGENCY_LOOKUP_RATE_LIMIT = 1
    settings.AGENCY_LOOKUP_RATE_WINDOW = 600
    settings.AGENCY_LOOKUP_TRUSTED_PROXIES = 1
    url = reverse("agencies:api_lookup")
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    assert client.get(url, {"q": "g"}, HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy).status_code == 200
    assert client.get(url, {"q": "g"}, HTTP_X_FORWARDED_FOR="203.0.113.6", **proxy).status_code == 200
    # A forged left-most address does not buy a new allowance.
    assert client.get(url, {"q": "g"}, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.5", **proxy).status_code == 429


def test_api_answers_in_json_even_for_odd_input(client, golden):
    for query in ["%", "' OR 1=1 --", "x" * 5000, "\u200b", "၀၀၀"]:
        response = client.get(reverse("agencies:api_lookup"), {"q": query})
        assert response.status_code in (200, 400)
        json.loads(response.content)


def test_detail_says_how_often_centres_were_asked_about_the_agency(staff_client, golden):
    url = reverse("agencies:agency_detail", args=[golden.pk])
    assert "No centre has recorded a question" in staff_client.get(url).content.decode()
    AgencyCheckFactory(agency=golden, contact=ContactFactory(date=timezone.localdate() - timezone.timedelta(days=3)))
    AgencyCheckFactory(agency=golden, contact=ContactFactory(date=timezone.localdate() - timezone.timedelta(days=1)))
    page = staff_client.get(url).content.decode()
    last = (timezone.localdate() - timezone.timedelta(days=1)).isoformat()
    assert f"asked about this agency 2 times, last on {last}" in page


@pytest.mark.parametrize("changes", [2, 40])
def test_detail_query_count_does_not_grow_with_history(staff_client, golden, admin_user, changes, django_assert_max_num_queries):
    for n in range(changes):
        golden.status = LicenceStatus.SUSPENDED if n % 2 == 0 else LicenceStatus.LICENSED
        golden._history_user = admin_user
        golden.save()
    staff_client.get(reverse("agencies:agency_detail", args=[golden.pk]))  # warm-up (session, panels' caches)
    with django_assert_max_num_queries(12):  # session, user, roles, agency, history, checks, other apps' panels
        response = staff_client.get(reverse("agencies:agency_detail", args=[golden.pk]))
    assert len(response.context["history"]) == changes + 1


# The verdict on the public page and in the API ---------------------------------------

@pytest.fixture
def look_alikes(golden):
    return {
        "revoked": AgencyFactory(licence_number="51/2018", name_en="Ayeyarwady Dragon Manpower Co., Ltd.", status=LicenceStatus.REVOKED),
        "licensed": AgencyFactory(licence_number="61/2019", name_en="Ayeyarwady Dragon International Co., Ltd."),
    }


@pytest.mark.parametrize(
    ("query", "verdict", "colour_words"),
    [
        ("Golden Star", "licensed", "Licensed until"),
        ("Ayeyarwady Dragon Manpower Co., Ltd.", "not_licensed", "Licence REVOKED"),
        ("Ayeyarwady Dragon", "ambiguous", "2 agencies fit this name"),
        ("Golden Sea", "not_found", "NOT on the Ministry"),
    ],
)
def test_public_page_shows_the_verdict_first_in_its_colour(client, look_alikes, query, verdict, colour_words):
    page = client.get(reverse("agencies:public_check"), {"q": query}).content.decode()
    results = page[page.index('data-testid="results"'):]
    # The verdict, in its colour, comes before any agency card.
    assert results.index(f'class="verdict verdict-{verdict}"') < results.index(colour_words) < results.index('data-testid="agency-card"')
    if verdict == "not_found":  # the look-alike comes after the warning, as a different agency
        assert results.index("NOT on the Ministry") < results.index("these are different agencies") < results.index("123/2019")
    if verdict == "ambiguous":
        assert "51/2018" in results and "61/2019" in results and "licence-revoked" in results


def test_public_page_verdict_in_burmese(client, golden):
    page = client.get(reverse("agencies:public_check"), {"q": "ေရႊၾကယ္"}, HTTP_ACCEPT_LANGUAGE="my").content.decode()
    assert 'data-verdict="licensed"' in page and "ထိ လိုင်စင်ရှိ" in page
    page = client.get(reverse("agencies:public_check"), {"q": "ငွေကြယ်"}, HTTP_ACCEPT_LANGUAGE="my").content.decode()
    assert 'data-verdict="not_found"' in page and "ဝန်ကြီးဌာန၏ စာရင်းတွင် မပါပါ" in page


def test_api_gives_the_verdict_the_agency_named_and_marks_each_result(client, look_alikes):
    url = reverse("agencies:api_lookup")
    body = client.get(url, {"q": "Ayeyarwady Dragon Manpower"}).json()
    assert (body["verdict"], body["agency"]["licence_number"], body["agency"]["status"]) == ("not_licensed", "51/2018", "revoked")
    assert body["message"].startswith("Licence REVOKED")
    assert [(r["licence_number"], r["same_as_query"]) for r in body["results"]][0] == ("51/2018", True)
    assert all(not r["same_as_query"] for r in body["results"][1:])

    body = client.get(url, {"q": "Ayeyarwady Dragon"}).json()
    assert body["verdict"] == "ambiguous" and body["agency"] is None
    assert {r["licence_number"] for r in body["results"] if r["same_as_query"]} == {"51/2018", "61/2019"}

    body = client.get(url, {"q": "Golden Sea"}).json()
    assert body["verdict"] == "not_found" and body["agency"] is None
    assert body["results"] and not any(r["same_as_query"] for r in body["results"])

    body = client.get(url, {"q": "Golden Sea"}, HTTP_ACCEPT_LANGUAGE="my").json()
    assert body["message"].startswith("ဝန်ကြီးဌာန၏ စာရင်းတွင် မပါပါ")
