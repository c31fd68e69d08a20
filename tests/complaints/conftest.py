import pytest

from complaints.services import complaint_open
from tests.factories import PersonFactory


@pytest.fixture
def person(centre):
    return PersonFactory(centre=centre, name="Ma Hla Hla", birth_year=1994, destination_country="TH")


@pytest.fixture
def open_case(centre, staff, person):
    """Return a function opening a case at the test centre through the real service."""

    def _open(**kwargs):
        values = {"centre": centre, "complainant": person, "opened_by": staff, "grievances": ["overcharged_fees"]}
        values.update(kwargs)
        return complaint_open(**values)

    return _open
