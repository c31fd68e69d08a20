"""Password validators: numeric, common, guessable-for-this-project and the demo password are refused."""
import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from helpdesk.demo.logins import DEMO_PASSWORD
from tests.factories import CentreFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_user():
    CentreFactory(code="NDG", name="CTUM North Dagon", township="North Dagon", state_region="Yangon")
    CentreFactory(code="MWD", name="Samaritans' Purse Myawaddy", township="Myawaddy", state_region="Kayin")
    return UserFactory(username="staff")


def codes(password, user, settings, debug=False):
    settings.DEBUG = debug
    try:
        validate_password(password, user)
    except ValidationError as error:
        return {e.code for e in error.error_list}
    return set()


@pytest.mark.parametrize("password,code", [
    ("19930415", "password_entirely_numeric"),
    ("staffstaff", "password_guessable"),  # the username twice
    ("yangon2026", "password_guessable"),
    ("Yangon@2026!", "password_guessable"),
    ("NorthDagon2026", "password_guessable"),  # a centre's township
    ("myawaddy-1990", "password_guessable"),
    ("Migrant-Centre-1", "password_guessable"),
    ("abcabcabcabc", "password_guessable"),
    ("1234512345", "password_entirely_numeric"),
    ("password123", "password_too_common"),
    ("short1", "password_too_short"),
    (DEMO_PASSWORD, "password_demo"),
])
def test_guessable_passwords_are_refused(staff_user, settings, password, code):
    assert code in codes(password, staff_user, settings)


@pytest.mark.parametrize("password", [
    "kyaw-river-tamarind-91",
    "Ma Hla's green umbrella",
    "မြစ်ကမ်းပေါ်က သရက်ပင်",  # a Burmese passphrase
    "Yangon tamarind bicycle",  # a place name plus words of one's own
])
def test_passphrases_of_ones_own_are_accepted(staff_user, settings, password):
    assert codes(password, staff_user, settings) == set()


def test_demo_password_is_accepted_only_in_debug(staff_user, settings):
    assert "password_demo" not in codes(DEMO_PASSWORD, staff_user, settings, debug=True)
    assert "password_demo" in codes(DEMO_PASSWORD, staff_user, settings, debug=False)
