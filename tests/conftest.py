import os

import pytest
from django.test import Client
from django.utils import translation

from tests.factories import CentreFactory, member


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    """Run background tasks inline in tests; the database worker is exercised in its own tests."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default", "replies", "imports"]}}


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """A request in Burmese leaves "my" active in the thread (LocaleMiddleware); later tests expect the default."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _agency_register_version_forgotten():
    """Each test's rolled-back agencies must not leave their register version cached for the next test."""
    from django.core.cache import cache

    from agencies.register import CACHE_KEY

    cache.delete(CACHE_KEY)


class SecondFactorClient(Client):
    """A test client whose ``force_login`` also passes the second factor, as a manager or admin does every day.

    Tests of the second factor itself log in with ``login()`` (the password form's path) or a plain Client.
    """

    def force_login(self, user, backend=None):
        super().force_login(user, backend)
        pass_second_factor(self, user)


def pass_second_factor(client: Client, user) -> None:
    """Mark the client's session verified through django-otp's own ``login(request, device)``."""
    from django.http import HttpRequest
    from django_otp import login as otp_login
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from helpdesk.accounts.selectors import second_factor_enrolled, second_factor_required

    if not (second_factor_required(user) or second_factor_enrolled(user)):
        return
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="test phone", confirmed=True)
    request = HttpRequest()
    request.session = client.session
    request.user = user
    otp_login(request, device)
    request.session.save()


@pytest.fixture
def client():
    """pytest-django's client, with force_login passing the second factor (see SecondFactorClient)."""
    return SecondFactorClient()


@pytest.fixture
def centre(db):
    return CentreFactory(code="NDG", name="CTUM North Dagon")


@pytest.fixture
def other_centre(db):
    return CentreFactory(code="TCL", name="Mawk Kon Tachileik")


@pytest.fixture
def staff(centre):
    return member("staff", centre, username="staff1")


@pytest.fixture
def manager(centre):
    return member("manager", centre, username="manager1")


@pytest.fixture
def officer(centre):
    return member("officer", centre, username="officer1")


@pytest.fixture
def admin_user(centre):
    return member("admin", centre, username="admin1")


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def pytest_collection_modifyitems(config, items):
    """Skip PostgreSQL-only tests on SQLite."""
    if "postgres" in os.environ.get("DATABASE_URL", ""):
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)
