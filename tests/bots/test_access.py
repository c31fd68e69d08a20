"""Who sees a sensitive bot conversation: keyed on the conversation's own sensitivity and cases, never its person.

The audit's leak: a staff member with no cases opened a trivial complaint for the migrant of a
sensitive conversation (or picked up an unassigned case of theirs) and could then read the transcript.
"""
import pytest
from django.urls import reverse

from bots.models import Conversation, InboundMessage
from complaints.models import Complaint
from complaints.services import complaint_open, complaint_reassign
from tests.factories import ComplaintFactory, PersonFactory, member

pytestmark = pytest.mark.django_db

SECRET = "The broker locked us in the boat"


@pytest.fixture
def person(centre):
    return PersonFactory(centre=centre, name="Ma Nwe Ni")


@pytest.fixture
def secret(centre, person):
    chat = Conversation.objects.create(channel="telegram", external_user_id="6021", centre=centre, person=person, sensitive=True)
    InboundMessage.objects.create(channel="telegram", external_id="9001", conversation=chat, text=SECRET)
    return chat


def test_opening_a_trivial_complaint_for_the_person_does_not_open_the_transcript(client, centre, person, secret):
    client.force_login(member("staff", centre, username="nocases"))
    url = reverse("bots:conversation", args=[secret.pk])
    assert client.get(url).status_code == 404
    opened = client.post(reverse("complaints:open", args=[person.pk]), {"grievances": ["other"], "channel": "walk_in"})
    assert opened.status_code == 302 and Complaint.objects.filter(complainant=person).exists()
    response = client.get(url)
    assert response.status_code == 404
    assert SECRET not in client.get(reverse("bots:inbox")).content.decode()
    assert SECRET not in client.get(reverse("helpdesk:person_detail", args=[person.pk])).content.decode()


def test_picking_up_an_unassigned_case_of_the_person_does_not_open_the_transcript(client, centre, person, secret):
    staff = member("staff", centre, username="picker")
    other_case = ComplaintFactory(centre=centre, complainant=person, assigned_to=None, grievances=["underpaid_wages"])
    client.force_login(staff)
    picked = client.post(reverse("complaints:reassign", args=[other_case.pk]), {"assign-assigned_to": staff.pk})
    assert picked.status_code == 302
    other_case.refresh_from_db()
    assert other_case.assigned_to == staff
    assert client.get(reverse("bots:conversation", args=[secret.pk])).status_code == 404


def test_the_staff_assigned_to_the_conversations_own_case_see_it_and_lose_it_when_reassigned(client, centre, person, secret):
    manager = member("manager", centre, username="boss")
    first, second = member("staff", centre, username="first"), member("staff", centre, username="second")
    case = complaint_open(centre=centre, complainant=person, opened_by=None, grievances=["trafficking"])
    secret.complaints.add(case)
    url = reverse("bots:conversation", args=[secret.pk])
    client.force_login(first)
    assert client.get(url).status_code == 404
    complaint_reassign(complaint=case, by=manager, assigned_to=first)
    assert SECRET in client.get(url).content.decode()
    complaint_reassign(complaint=case, by=first, assigned_to=second)
    assert client.get(url).status_code == 404
    client.force_login(second)
    assert client.get(url).status_code == 200


def test_a_case_of_the_same_person_at_another_centre_opens_nothing(client, centre, other_centre, person, secret):
    """The case link counts only for a case of the conversation's centre."""
    foreign = member("staff", other_centre, username="abroad")
    from tests.factories import MembershipFactory

    MembershipFactory(user=foreign, centre=centre, role="staff")
    case = ComplaintFactory(centre=other_centre, complainant=PersonFactory(centre=other_centre), assigned_to=foreign)
    secret.complaints.add(case)
    client.force_login(foreign)
    assert client.get(reverse("bots:conversation", args=[secret.pk])).status_code == 404
