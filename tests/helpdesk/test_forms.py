"""Staff forms: gender is always chosen (never defaulted), number fields take Burmese digits."""
import re

import pytest
from django.urls import reverse

from helpdesk.choices import GENDER_REQUIRED
from helpdesk.models import Activity, Contact, Person
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _gender_select(html: str, name: str) -> str:
    return re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)


@pytest.mark.parametrize("url,name", [("helpdesk:contact_log", "p-gender"), ("helpdesk:person_create", "gender")])
def test_the_gender_starts_unchosen_and_not_disclosed_is_a_choice(staff_client, centre, url, name):
    select = _gender_select(staff_client.get(reverse(url)).content.decode(), name)
    assert re.search(r'<option value="" selected>', select)
    assert "selected" not in select.replace('<option value="" selected>', "")
    assert '<option value="undisclosed">Not disclosed</option>' in select


def test_an_anonymous_caller_without_a_gender_is_refused(staff_client, centre):
    data = {"centre": centre.pk, "service": "helpline", "channel": "phone", "date": "2026-11-20", "notes": "asked about Thai jobs"}
    response = staff_client.post(reverse("helpdesk:contact_log"), data)
    assert response.status_code == 200 and str(GENDER_REQUIRED) in response.content.decode()
    assert not Contact.objects.exists()
    assert "asked about Thai jobs" in response.content.decode()  # what was typed is still there
    staff_client.post(reverse("helpdesk:contact_log"), {**data, "p-gender": "undisclosed"})
    assert Contact.objects.get().gender == "undisclosed"


def test_registering_a_person_without_a_gender_is_refused(staff_client, centre):
    response = staff_client.post(reverse("helpdesk:person_create"), {"name": "Ma Hla", "centre": centre.pk})
    assert response.status_code == 200 and str(GENDER_REQUIRED) in response.content.decode()
    assert not Person.objects.exists()


def test_the_admin_refuses_a_person_without_a_gender(client, centre):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    data = {"centre": centre.pk, "name": "Ko Ko", "created_at_0": "2026-01-01", "created_at_1": "10:00:00"}
    response = client.post(reverse("admin:helpdesk_person_add"), data)
    assert response.status_code == 200 and str(GENDER_REQUIRED) in response.content.decode()
    assert not Person.objects.exists()


def test_the_service_refuses_an_anonymous_contact_without_a_gender(centre):
    from django.core.exceptions import ValidationError

    from helpdesk import services

    with pytest.raises(ValidationError) as error:
        services.contact_log(centre=centre, staff=None, service="helpline", channel="phone")
    assert error.value.message_dict == {"gender": [str(GENDER_REQUIRED)]}


def test_head_counts_are_text_inputs_that_take_burmese_digits(staff_client, centre):
    html = staff_client.get(reverse("helpdesk:activity_create")).content.decode()
    for name in ("women_count", "men_count", "other_count", "undisclosed_count"):
        tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
        assert 'type="text"' in tag and 'inputmode="numeric"' in tag and "min=" not in tag
    data = {"centre": centre.pk, "kind": "mobilisation", "format": "outreach", "title": "Sunday dialogue", "date": "2026-11-01",
            "women_count": "၁၂", "men_count": "၁,၀၀၅", "other_count": "0", "undisclosed_count": "၀"}
    assert staff_client.post(reverse("helpdesk:activity_create"), data).status_code == 302
    activity = Activity.objects.get()
    assert (activity.women_count, activity.men_count, activity.other_count, activity.undisclosed_count) == (12, 1005, 0, 0)


@pytest.mark.parametrize("value", ["-3", "၁၂ ဦး", "twelve", "1.5"])
def test_a_head_count_that_is_not_a_whole_number_is_refused_on_the_server(staff_client, centre, value):
    data = {"centre": centre.pk, "kind": "mobilisation", "format": "outreach", "title": "Sunday dialogue", "date": "2026-11-01",
            "women_count": value, "men_count": "0", "other_count": "0", "undisclosed_count": "0"}
    response = staff_client.post(reverse("helpdesk:activity_create"), data)
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert not Activity.objects.exists()
