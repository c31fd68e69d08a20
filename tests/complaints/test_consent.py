"""Consent in complaints: a case records a person only with consent, a referral shares them only with consent."""
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from complaints.choices import EntryKind, Stage
from complaints.services import complaint_open
from complaints.workflow import complaint_move
from helpdesk.models import ConsentEvent
from tests.factories import ComplaintFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_no_case_is_opened_for_someone_without_consent_to_records(centre, staff):
    legacy = PersonFactory(centre=centre, consent_record=False)
    with pytest.raises(ValidationError, match="has not consented to records"):
        complaint_open(centre=centre, complainant=legacy, opened_by=staff, grievances=["overcharged_fees"])
    assert not legacy.complaints.exists() and not legacy.contacts.exists()


def test_referring_a_case_needs_consent_to_share_or_a_managers_reason_on_the_case_timeline(centre, staff, manager):
    case = ComplaintFactory(centre=centre, stage=Stage.NEGOTIATION)
    refer = {"to_stage": Stage.REFERRED, "reason": "Agency does not answer", "referred_to": "molip"}
    with pytest.raises(ValidationError) as refused:
        complaint_move(complaint=case, by=staff, **refer)
    assert "override_reason" in refused.value.message_dict
    with pytest.raises(ValidationError, match="Only a manager"):
        complaint_move(complaint=case, by=staff, override_reason="She is in danger", **refer)
    moved = complaint_move(complaint=case, by=manager, override_reason="Broker threatens her family", **refer)
    assert moved.stage == Stage.REFERRED
    entry = moved.timeline.get(kind=EntryKind.STAGE)
    assert "Urgent protection override" in entry.text and "Broker threatens her family" in entry.text
    # Not on the person page, which every staff member of the centre sees (a sensitive case is not).
    assert not ConsentEvent.objects.exists()


def test_with_consent_to_share_the_case_is_referred_without_override(centre, staff):
    case = ComplaintFactory(centre=centre, stage=Stage.NEGOTIATION, complainant__consent_share=True)
    moved = complaint_move(complaint=case, by=staff, to_stage=Stage.REFERRED, reason="No reply", referred_to="court")
    assert moved.stage == Stage.REFERRED and "override" not in moved.timeline.get(kind=EntryKind.STAGE).text


def test_the_case_page_says_when_the_complainant_has_not_consented_to_sharing(client, centre, manager):
    case = ComplaintFactory(centre=centre, stage=Stage.NEGOTIATION, assigned_to=manager)
    client.force_login(manager)
    page = client.get(reverse("complaints:detail", args=[case.pk])).content.decode()
    assert 'data-testid="no-share-consent"' in page and 'name="move-override_reason"' in page
    response = client.post(reverse("complaints:move", args=[case.pk]), {
        "move-to_stage": "referred", "move-reason": "No reply", "move-referred_to": "molip", "move-override_reason": "",
    })
    assert response.status_code == 400 and "has not consented to their details being shared" in response.content.decode()
