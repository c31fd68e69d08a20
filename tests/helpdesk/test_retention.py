"""helpdesk's side of retention: where a period ends, and a bad period stops the command before anything changes."""
import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from helpdesk.models import Contact
from helpdesk.retention import retention_cutoff
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db


def test_the_cutoff_is_yangon_midnight_of_the_first_day_kept():
    cutoff = retention_cutoff(days=90, today=dt.date(2026, 3, 31))
    assert cutoff.astimezone(timezone.get_default_timezone()).replace(tzinfo=None) == dt.datetime(2025, 12, 31)
    assert cutoff.astimezone(dt.UTC) == dt.datetime(2025, 12, 30, 17, 30, tzinfo=dt.UTC)  # Yangon is UTC+6:30


@pytest.mark.parametrize("days", [0, -5])
def test_a_period_under_one_day_is_refused(days):
    with pytest.raises(ValueError):
        retention_cutoff(days=days)


def test_a_zero_period_in_settings_stops_the_command_before_anything_is_blanked(settings):
    from bots.models import InboundMessage

    settings.RETENTION_OUTBOUND_DAYS = 0
    old = InboundMessage.objects.create(channel="telegram", external_id="9", payload={"update_id": 9},
                                        received_at=timezone.now() - dt.timedelta(days=1000))
    with pytest.raises(CommandError, match="RETENTION_OUTBOUND_DAYS"):
        call_command("apply_retention", stdout=StringIO())
    old.refresh_from_db()
    assert old.payload == {"update_id": 9}


def test_contacts_of_any_age_are_never_touched(centre):
    ContactFactory.create_batch(3, centre=centre, date=timezone.localdate() - dt.timedelta(days=3000), notes="walked in from Myawaddy")
    before = list(Contact.objects.order_by("pk").values())
    call_command("apply_retention", stdout=StringIO())
    assert list(Contact.objects.order_by("pk").values()) == before
