"""Control characters in a query string: a 400 with a plain message on every page, never a 500."""
import pytest
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db


def _pages(patterns=None, prefix="") -> list[str]:
    """Every URL without a parameter: the lists, searches, reports, exports, admin changelists and webhooks."""
    found = []
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if "<" in route or "(?P" in route or route.startswith("^"):
            continue
        if isinstance(entry, URLResolver):
            found += _pages(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            found.append("/" + route)
    return found


def _admin_changelists():
    from django.contrib import admin

    return [f"/admin/{model._meta.app_label}/{model._meta.model_name}/" for model in admin.site._registry]


def test_every_page_refuses_a_nul_in_its_query_string(client, admin_user):
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    pages = _pages() + _admin_changelists()
    assert {"/people/", "/contacts/", "/activities/", "/referrals/", "/complaints/", "/agencies/", "/bots/inbox/"} <= set(pages)
    lists = {"/people/", "/contacts/", "/activities/", "/referrals/", "/complaints/", "/bots/inbox/"}
    for page in pages:
        junks = ("q=%00", "q=Ma%00Hla", "page=%01", "service=%7f", "%00=1") if page in lists else ("q=%00", "o=%1b")
        for junk in junks:
            response = client.get(f"{page}?{junk}")
            assert response.status_code == 400, (page, junk, response.status_code)
            assert "cannot be searched for" in response.content.decode()


def test_ordinary_searches_still_work(client, staff):
    client.force_login(staff)
    for query in ("q=Ma+Hla", "q=%E1%80%99%E1%80%BC%E1%80%99%E1%80%BC", "q=09+767+889+802", "q=%09tab", "q=%FF"):
        assert client.get(f"/people/?{query}", follow=True).status_code == 200, query  # via the search redirect
