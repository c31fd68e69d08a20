import os

import pytest
from django.utils import translation

from tests.factories import CentreFactory, member


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    """Run background tasks inline in tests; the database worker is exercised in its own tests."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """A request in Burmese leaves "my" active in the thread (LocaleMiddleware); later tests expect the default."""
    yield
    translation.deactivate()


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
