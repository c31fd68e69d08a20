"""Permission matrix over every complaints URL and role, with the sensitive-case rule.

Anonymous -> login; officer -> 403; another centre -> 404 for cases (empty lists);
a sensitive case -> 404 for unassigned staff of the same centre, 200 for the
assigned staff, the centre's manager and admins.
"""
import pytest
from django.urls import reverse

from tests.factories import CentreFactory, ComplaintFactory, PersonFactory, ReimbursementFactory, member

pytestmark = pytest.mark.django_db

NAME = "Ma Sandar Win"


@pytest.fixture
def carrier(centre):
    return member("staff", centre, username="carrier")


@pytest.fixture
def case(centre, carrier):
    person = PersonFactory(centre=centre, name=NAME)
    case = ComplaintFactory(centre=centre, complainant=person, assigned_to=carrier, reference="NDG-2026-0042")
    ReimbursementFactory(complaint=case)
    return case


@pytest.fixture
def sensitive_case(case):
    case.sensitive = True
    case.save()
    return case


def urls(case):
    pk, payment = case.pk, case.reimbursements.get().pk
    return [
        ("GET", reverse("complaints:list"), False),
        ("GET", reverse("complaints:list") + "?stage=open", False),
        ("GET", reverse("complaints:export"), False),
        ("GET", reverse("complaints:open", args=[case.complainant_id]), True),
        ("GET", reverse("complaints:detail", args=[pk]), True),
        ("GET", reverse("complaints:edit", args=[pk]), True),
        ("GET", reverse("complaints:pdf", args=[pk]), True),
        ("GET", reverse("complaints:payment_correct", args=[payment]), True),
        ("POST", reverse("complaints:move", args=[pk]), True),
        ("POST", reverse("complaints:note", args=[pk]), True),
        ("POST", reverse("complaints:payment", args=[pk]), True),
        ("POST", reverse("complaints:payment_remove", args=[payment]), True),
        ("POST", reverse("complaints:reassign", args=[pk]), True),
    ]


def call(client, method, url):
    return client.post(url, {}) if method == "POST" else client.get(url)


def shows_case(response) -> bool:
    return NAME in response.content.decode("utf-8", "ignore") or b"NDG-2026-0042" in response.content


def test_anonymous_is_sent_to_login(client, case):
    for method, url, _ in urls(case):
        response = call(client, method, url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_officer_gets_403_everywhere(client, centre, case):
    client.force_login(member("officer", centre))
    for method, url, _ in urls(case):
        response = call(client, method, url)
        assert response.status_code == 403, url
        assert not shows_case(response), url


@pytest.mark.parametrize("role", ["staff", "manager", "admin"])
def test_own_centre_sees_an_ordinary_case(client, centre, case, role):
    client.force_login(member(role, centre))
    for method, url, _ in urls(case):
        response = call(client, method, url)
        # An empty POST is refused with the form errors (400) or, for reassign, unassigns (302): never 403/404.
        assert response.status_code in ((302, 400) if method == "POST" else (200,)), url
    assert shows_case(client.get(reverse("complaints:list")))


@pytest.mark.parametrize("role", ["staff", "manager"])
def test_other_centre_gets_404_and_empty_lists(client, case, role):
    client.force_login(member(role, CentreFactory(code="OTH")))
    for method, url, is_object in urls(case):
        response = call(client, method, url)
        assert response.status_code == (404 if is_object else 200), url
        assert not shows_case(response), url


def test_missing_and_forbidden_look_the_same(client, case):
    client.force_login(member("staff", CentreFactory(code="OTH")))
    assert client.get(reverse("complaints:detail", args=[case.pk])).status_code == 404
    assert client.get(reverse("complaints:detail", args=[999999])).status_code == 404


def test_sensitive_case_is_hidden_from_unassigned_staff_everywhere(client, centre, sensitive_case):
    client.force_login(member("staff", centre, username="colleague"))
    for method, url, is_object in urls(sensitive_case):
        if "/open/" in url:
            continue  # the person is not sensitive; opening another case for them is allowed
        response = call(client, method, url)
        assert response.status_code == (404 if is_object else 200), url
        assert not shows_case(response), url
    # The person page lists none of their sensitive cases either.
    response = client.get(reverse("helpdesk:person_detail", args=[sensitive_case.complainant_id]))
    assert response.status_code == 200 and b"NDG-2026-0042" not in response.content


@pytest.mark.parametrize("who", ["carrier", "manager", "admin"])
def test_sensitive_case_is_open_to_assigned_staff_manager_and_admin(client, centre, sensitive_case, carrier, who):
    user = {"carrier": carrier, "manager": member("manager", centre), "admin": member("admin", CentreFactory(code="HQ"))}[who]
    client.force_login(user)
    assert shows_case(client.post(reverse("complaints:list"), {"q": "Sandar"}, follow=True))
    assert NAME in client.get(reverse("complaints:export")).content.decode("utf-8")
    person_page = client.get(reverse("helpdesk:person_detail", args=[sensitive_case.complainant_id]))
    assert b"NDG-2026-0042" in person_page.content
    for method, url, _ in urls(sensitive_case):  # reassign comes last: an empty one hands the case to the managers
        response = call(client, method, url)
        assert response.status_code in ((302, 400) if method == "POST" else (200,)), url


def test_manager_of_another_centre_does_not_see_a_sensitive_case(client, sensitive_case):
    client.force_login(member("manager", CentreFactory(code="OTH")))
    assert client.get(reverse("complaints:detail", args=[sensitive_case.pk])).status_code == 404
