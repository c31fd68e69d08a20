"""403/404/500 pages in the site's layout and language with a way back; expected ones are not logged as errors."""
import logging

import pytest
from django.test import RequestFactory
from django.views.defaults import server_error

from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_404_in_the_layout_with_a_way_back(staff_client, settings, other_centre):
    settings.DEBUG = False
    foreign = PersonFactory(centre=other_centre)
    response = staff_client.get(f"/people/{foreign.pk}/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in page and 'href="/"' in page and "Back to the dashboard" in page
    assert 'href="/people/"' in page  # the menu is there too


def test_403_for_an_officer_in_burmese(client, officer, settings):
    settings.DEBUG = False
    client.force_login(officer)
    response = client.get("/people/", HTTP_ACCEPT_LANGUAGE="my")
    page = response.content.decode()
    assert response.status_code == 403
    assert 'lang="my"' in page and "ခွင့်မပြု" in page and 'href="/"' in page


def test_500_page_renders_without_a_request_context(settings):
    settings.DEBUG = False
    response = server_error(RequestFactory().get("/people/"))
    page = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong" in page and 'href="/"' in page and "app.css" in page


def test_expected_404_and_403_are_one_info_line_without_traceback(staff_client, officer, client, caplog, settings):
    settings.DEBUG = False
    with caplog.at_level(logging.INFO, logger="django.request"):
        staff_client.get("/people/987654/")
        client.force_login(officer)
        client.get("/people/")
    records = [r for r in caplog.records if r.name == "django.request"]
    assert [r.status_code for r in records] == [404, 403]
    assert all(r.levelno == logging.INFO and r.exc_info is None for r in records)
