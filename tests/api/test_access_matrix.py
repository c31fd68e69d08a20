"""The API's own access matrix: tokens, not sessions, open it (tests/bots/test_access_matrix.py walks the session pages).

Every route under the ``api_v1`` namespace must be listed here; each refuses every session role and anonymous
callers (401), and answers a token of the right kind.
"""
import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from tests.api.conftest import bearer
from tests.conftest import SecondFactorClient
from tests.factories import CentreFactory, member

pytestmark = pytest.mark.django_db

# name -> needs a case-level token
ROUTES = {
    "api_v1:beneficiary_table_view": False,
    "api_v1:complaint_outcomes_view": False,
    "api_v1:agencies_view": False,
    "api_v1:cases_view": True,
}
PUBLIC = {"api_v1:openapi-json"}  # the description only, no data
ROOT = {"api_v1:api-root"}  # django-ninja's root, only to build paths: always 404
ROLES = ["staff", "manager", "officer", "admin"]


def _api_routes(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _api_routes(pattern.url_patterns, inner)
        elif namespace.startswith("api_v1:") and pattern.name:
            yield f"{namespace}{pattern.name}"


def test_every_api_url_is_in_the_matrix():
    assert set(_api_routes(get_resolver().url_patterns)) == set(ROUTES) | PUBLIC | ROOT
    assert Client().get(reverse("api_v1:api-root")).status_code == 404


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_no_session_role_opens_the_api(name):
    centre = CentreFactory()
    for role in ROLES:
        client = SecondFactorClient()
        user = member("admin" if role == "admin" else role, centre)
        if role == "admin":
            user.is_staff = user.is_superuser = True
            user.save()
        client.force_login(user)
        assert client.get(reverse(name)).status_code == 401, role
    assert Client().get(reverse(name)).status_code == 401


@pytest.mark.parametrize("name,case_level", sorted(ROUTES.items()))
def test_tokens_open_what_their_kind_allows(name, case_level, make_token):
    centre = CentreFactory()
    _aggregate, aggregate_secret = make_token(centre)
    _cases, cases_secret = make_token(centre, case_level=True)
    assert Client().get(reverse(name), **bearer(cases_secret)).status_code == 200
    assert Client().get(reverse(name), **bearer(aggregate_secret)).status_code == (403 if case_level else 200)
