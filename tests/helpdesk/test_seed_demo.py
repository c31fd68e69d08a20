import pytest
from django.core.management import CommandError, call_command

from helpdesk.models import Activity, Centre, Contact, Membership, Person, Referral

pytestmark = pytest.mark.django_db


def counts():
    return [m.objects.count() for m in (Centre, Membership, Person, Contact, Activity)] + [
        m.history.count() for m in (Centre, Membership, Person, Contact, Activity)
    ]


def test_seed_demo_loads_the_six_centres_and_is_idempotent(settings):
    settings.DEBUG = True
    call_command("seed_demo", people=5)
    codes = set(Centre.objects.values_list("code", flat=True))
    assert {"NDG", "TCL", "MWD", "KTG", "OTM", "HTY"} <= codes and {"MAP", "FEDPOP", "YCO"} <= codes
    assert Person.objects.filter(centre__code="NDG").count() == 5
    assert Contact.objects.exists() and Activity.objects.exists()
    # The demo obeys the consent rules: everyone recorded consented (and the timeline says how),
    # and referrals go only to people who consented to sharing.
    assert not Person.objects.filter(consent_record=False).exists()
    assert not Person.objects.filter(consent_events__isnull=True).exists()
    assert not Referral.objects.filter(person__consent_share=False).exists()
    before = counts()
    call_command("seed_demo", people=5)
    assert counts() == before


def test_seed_demo_refuses_outside_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo")
    assert not Centre.objects.exists()
