"""The access matrix after every state change a staff member can make.

One sensitive bot conversation (a trafficking report) with the case the bot opened from it, and an
ordinary unassigned case of the same migrant. Staff then, one after the other: open a trivial case
for the migrant, pick up the unassigned case, get the sensitive case from a manager, hand it on to a
colleague, take the conversation over from the bot and mark it handled. After each step every URL of
the four apps is requested as every role: the transcript and the sensitive case show for the centre's
managers, admins and whoever carries the case at that moment, and for nobody else, on any page.

Aggregate and public pages (``AGGREGATE``: no name, phone or story on them by design), and anonymous
users and officers (kept out of personal pages by the decorators) are walked at the start and at the
end; every other URL and role after every step. A URL added to the apps without an entry in
``ROUTES`` fails ``test_every_url_is_in_the_matrix``.
"""
from __future__ import annotations

import subprocess

import pytest
from django.core.files.base import ContentFile
from django.urls import URLResolver, get_resolver, reverse

from agencies.models import AgencyImport
from bots.broadcasts.sending import photo_token
from bots.broadcasts.services import broadcast_create
from bots.models import Attachment, Conversation, InboundMessage, OutboundMessage
from complaints.group import complaint_member_add
from complaints.models import Complaint
from complaints.services import complaint_open
from helpdesk.models import ContactImport, ErasureRequest, PersonShare, TransferRequest
from tests.conftest import SecondFactorClient
from tests.factories import (
    ActivityFactory,
    AgencyFactory,
    CentreFactory,
    PersonFactory,
    ReferralFactory,
    ReimbursementFactory,
    UserFactory,
    member,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "bot_attachments": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)},
    }}

TRANSCRIPT = "The broker sold us to a fishing boat in Ranong"
STORY = "Kept on the boat for nine months without pay"
NAMESPACES = ("helpdesk", "complaints", "bots", "agencies")
PUBLIC = {"agencies:public_check", "agencies:api_lookup", "bots:broadcast_photo"}
WEBHOOKS = {"bots:telegram", "bots:viber", "bots:twilio_sms", "bots:twilio_voice", "bots:twilio_status", "bots:messenger"}  # signed by the channel, no user

# name -> (method, which record the URL is about, arguments, POST data that changes nothing)
ROUTES = {
    "helpdesk:dashboard": ("GET", None, (), None),
    "helpdesk:person_list": ("GET", None, (), None),
    "helpdesk:person_create": ("GET", None, (), None),
    "helpdesk:person_detail": ("GET", "person", ("person",), None),
    "helpdesk:person_edit": ("GET", "person", ("person",), None),
    "helpdesk:person_card": ("GET", "person", ("person",), None),
    "helpdesk:person_consent": ("POST", "person", ("person",), {}),
    "helpdesk:referral_create": ("GET", "person", ("person",), None),
    "helpdesk:person_erase": ("GET", "person", ("person",), None),
    "helpdesk:person_merge": ("GET", "person", ("person", "twin"), None),
    "helpdesk:erasure_list": ("GET", None, (), None),
    "helpdesk:erasure_confirm": ("POST", "person", ("erasure",), {}),  # the box not ticked: nothing is erased
    "helpdesk:erasure_cancel": ("POST", "person", ("other_erasure",), {}),  # another person's request, cancelled by the first POST
    "helpdesk:transfer_list": ("GET", None, (), None),
    "helpdesk:transfer_request": ("POST", None, (), {}),  # no reason yet: the request form, nothing sent
    "helpdesk:transfer_decide": ("POST", "person", ("transfer",), {}),  # no decision: nothing changes
    "helpdesk:share_revoke": ("POST", "person", ("share",), {}),  # the holding centre's manager revokes it with the first POST
    "helpdesk:contact_list": ("GET", None, (), None),
    "helpdesk:contact_log": ("GET", None, (), None),
    "helpdesk:activity_list": ("GET", None, (), None),
    "helpdesk:activity_create": ("GET", None, (), None),
    "helpdesk:activity_detail": ("GET", "activity", ("activity",), None),
    "helpdesk:activity_edit": ("GET", "activity", ("activity",), None),
    "helpdesk:activity_attendance": ("POST", "activity", ("activity",), {"person": "0"}),
    "helpdesk:referral_list": ("GET", None, (), None),
    "helpdesk:referral_outcome": ("GET", "referral", ("referral",), None),
    "helpdesk:reports": ("GET", None, (), None),
    "helpdesk:report_export": ("GET", None, ("csv",), None),
    "helpdesk:import_contacts": ("GET", None, (), None),
    "helpdesk:import_template": ("GET", None, ("csv",), None),
    "helpdesk:import_job": ("GET", "job", ("job",), None),
    "helpdesk:import_job_continue": ("POST", "job", ("job",), {}),
    "helpdesk:access_log": ("GET", None, (), None),
    "helpdesk:access_log_export": ("GET", None, (), None),
    "helpdesk:outreach": ("GET", None, (), None),
    "helpdesk:outreach_sw": ("GET", None, (), None),
    "helpdesk:outreach_bootstrap": ("GET", None, (), None),
    "helpdesk:outreach_sync": ("POST", None, (), {}),  # not JSON: a 400, nothing applied
    "helpdesk:outreach_review_list": ("GET", None, (), None),
    "helpdesk:outreach_review_decide": ("POST", "person", ("outreach_review",), {}),  # no decision: nothing changes
    "agencies:agency_list": ("GET", None, (), None),
    "agencies:agency_detail": ("GET", None, ("agency",), None),
    "agencies:agency_import": ("GET", None, (), None),
    "agencies:agency_import_job": ("GET", None, ("agency_job",), None),
    "agencies:public_check": ("GET", None, (), None),
    "agencies:api_lookup": ("GET", None, (), None),
    "complaints:list": ("GET", None, (), None),
    "complaints:export": ("GET", None, (), None),
    "complaints:open": ("GET", "person", ("person",), None),
    "complaints:detail": ("GET", "case", ("case",), None),
    "complaints:edit": ("GET", "case", ("case",), None),
    "complaints:move": ("POST", "case", ("case",), {}),
    "complaints:note": ("POST", "case", ("case",), {}),
    "complaints:payment": ("POST", "case", ("case",), {}),
    "complaints:reassign": ("POST", "case", ("case",), {"assign-assigned_to": "999999"}),
    "complaints:pdf": ("GET", "case", ("case",), None),
    "complaints:payment_correct": ("GET", "case", ("payment",), None),
    "complaints:members": ("GET", "case", ("case",), None),
    "complaints:member_add": ("POST", "case", ("case",), {}),
    "complaints:member_change": ("POST", "case", ("member",), {"action": "remove"}),
    "complaints:make_single": ("POST", "case", ("case",), {}),
    "complaints:payment_remove": ("POST", "case", ("payment",), {}),
    "complaints:outcomes": ("GET", None, (), None),
    "complaints:outcomes_csv": ("GET", None, (), None),
    "complaints:outcomes_export": ("GET", None, ("xlsx",), None),
    "bots:inbox": ("GET", None, (), None),
    "bots:conversation": ("GET", "conversation", ("conversation",), None),
    "bots:reply": ("POST", "conversation", ("conversation",), {"text": ""}),
    "bots:resolve": ("POST", "conversation", ("conversation",), {}),
    "bots:retry": ("POST", "conversation", ("conversation", "outbound"), {}),
    "bots:attachment": ("GET", "conversation", ("attachment",), None),
    "bots:attachment_evidence": ("POST", "conversation", ("attachment",), {"evidence-complaint": "0"}),
    "bots:case_request": ("POST", "case", ("case",), {"ask-text": ""}),
    "bots:broadcast_list": ("GET", None, (), None),
    "bots:broadcast_create": ("GET", None, (), None),
    "bots:broadcast_detail": ("GET", "broadcast", ("broadcast",), None),
    "bots:broadcast_send": ("POST", "broadcast", ("broadcast",), {}),  # not confirmed: nothing is sent
    "bots:broadcast_cancel": ("POST", "broadcast", ("broadcast",), {}),  # not confirmed (and a draft): nothing stops
    "bots:broadcast_activity": ("POST", "broadcast", ("broadcast",), {}),  # a draft: nothing to record
    "bots:broadcast_photo": ("GET", None, ("photo_token",), None),  # signed link the channels fetch; this one has no photo
}
SECRET_RECORDS = {"case", "conversation"}
AGGREGATE = {
    "helpdesk:reports", "helpdesk:report_export", "helpdesk:import_template", "complaints:outcomes",
    "complaints:outcomes_csv", "complaints:outcomes_export", "agencies:agency_list", "agencies:agency_detail",
    "agencies:agency_import", "agencies:agency_import_job", *PUBLIC,
}
ROLES = ["anonymous", "officer", "actor", "colleague", "manager", "admin", "other_staff", "other_manager"]


def _named_routes(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in NAMESPACES or (not pattern.namespace and pattern.app_name is None):
                yield from _named_routes(pattern.url_patterns, f"{pattern.namespace}:" if pattern.namespace else namespace)
        elif namespace and pattern.name:
            yield f"{namespace}{pattern.name}"


def test_every_url_is_in_the_matrix():
    routes = set(_named_routes(get_resolver().url_patterns))
    assert routes - WEBHOOKS == set(ROUTES), "add the new URL to ROUTES (or WEBHOOKS) with what it is about"


@pytest.mark.parametrize("name", sorted(WEBHOOKS))
def test_webhooks_are_public_but_refuse_unsigned_calls(client, name):
    assert client.post(reverse(name), b"{}", content_type="application/json").status_code == 403
    assert not InboundMessage.objects.exists()


def test_messenger_url_check_with_a_wrong_verify_token_is_refused(client):
    params = {"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "42"}
    assert client.get(reverse("bots:messenger"), params).status_code == 403


def outreach_review(centre, user):
    """An entry sent from a phone for a person who may already be registered, waiting for the centre's decision."""
    import uuid

    from helpdesk.outreach.models import OutreachEntry, OutreachReview

    entry = OutreachEntry.objects.create(client_id=uuid.uuid4(), kind="contact", status="review", centre=centre, user=user)
    return OutreachReview.objects.create(entry=entry, centre=centre, payload={"new_person": {"name": "Ma Nwe Ni", "gender": "woman"}})


class World:
    """The records and users of the scenario, and the staff actions that change it."""

    def __init__(self):
        self.centre = CentreFactory(code="NDG", name="CTUM North Dagon")
        self.other = CentreFactory(code="OTH", name="Other Centre")
        centres = {"admin": CentreFactory(code="HQ"), "other_staff": self.other, "other_manager": self.other}
        roles = {"actor": "staff", "colleague": "staff", "other_staff": "staff", "other_manager": "manager"}
        # password "!" (unusable, unhashed): the users log in with force_login, and hashing eight passwords is slow
        self.users = {
            name: member(roles.get(name, name), centres.get(name, self.centre), username=name, password="!")
            for name in ROLES if name != "anonymous"
        }
        self.clients = {"anonymous": SecondFactorClient()}
        for name, user in self.users.items():
            self.clients[name] = SecondFactorClient()
            self.clients[name].force_login(user)
        self.person = PersonFactory(centre=self.centre, name="Ma Nwe Ni", phone="+959767889802")
        self.conversation = Conversation.objects.create(
            channel="telegram", external_user_id="6021", centre=self.centre, person=self.person,
            sensitive=True, last_message_text=TRANSCRIPT[:200], attention="handover",
        )
        inbound = InboundMessage.objects.create(channel="telegram", external_id="9001", conversation=self.conversation, text=TRANSCRIPT)
        photo = Attachment(inbound=inbound, conversation=self.conversation, kind="photo", mime="image/jpeg", status="stored")
        photo.file.save("contract.jpg", ContentFile(b"\xff\xd8\xff\xe0 a photo of the contract"), save=False)
        photo.save()
        self.case = complaint_open(
            centre=self.centre, complainant=self.person, opened_by=None, grievances=["trafficking"], channel="telegram",
            description=STORY,
        )
        self.conversation.complaints.add(self.case)
        self.ordinary = complaint_open(
            centre=self.centre, complainant=self.person, opened_by=None, grievances=["underpaid_wages"], channel="telegram",
        )
        self.records = {
            "person": self.person.pk,
            "activity": ActivityFactory(centre=self.centre).pk,
            "referral": ReferralFactory(centre=self.centre, person=self.person).pk,
            "job": ContactImport.objects.create(file_name="old-register.xlsx", created_by=self.users["admin"]).pk,
            "agency": AgencyFactory().pk,
            "agency_job": AgencyImport.objects.create(file_name="moe-2026.xlsx", created_by=self.users["admin"]).pk,
            "case": self.case.pk,
            "payment": ReimbursementFactory(complaint=self.case, payer="Andaman Fishing Co").pk,
            "conversation": self.conversation.pk,
            "member": complaint_member_add(complaint=self.case, person=PersonFactory(centre=self.centre), by=None).pk,
            "outbound": OutboundMessage.objects.create(conversation=self.conversation, text="We are here", status="sent").pk,
            "erasure": ErasureRequest.objects.create(
                person=self.person, centre=self.centre, reason="asked at the centre", requested_by=self.users["manager"]).pk,
            "other_erasure": ErasureRequest.objects.create(
                person=PersonFactory(centre=self.centre), centre=self.centre, reason="asked", requested_by=self.users["manager"]).pk,
            "attachment": photo.pk,
            "outreach_review": outreach_review(self.centre, self.users["actor"]).pk,
            "broadcast": (broadcast := broadcast_create(
                title="Check the licence", text_en="Check the licence before you pay", channels=["telegram"], centres=[self.centre],
                created_by=self.users["manager"])).pk,
            "photo_token": photo_token(broadcast),
            "transfer": TransferRequest.objects.create(
                person=self.person, from_centre=self.centre, to_centre=self.other, reason="moved", requested_by=self.users["other_staff"]).pk,
            "twin": PersonFactory(centre=self.centre, name="Ma Nwe Nwe Ni").pk,
            "share": PersonShare.objects.create(person=self.person, centre=CentreFactory(code="MWD")).pk,  # a third centre
        }
        self.carrier = None  # who carries the sensitive case

    def as_user(self, name) -> SecondFactorClient:
        return self.clients[name]

    def post(self, who, url, data):
        response = self.as_user(who).post(url, data)
        assert response.status_code == 302, (url, response.status_code)

    # The state changes, in the order they happen.
    def open_trivial_case(self):
        self.post("actor", reverse("complaints:open", args=[self.person.pk]), {"grievances": ["other"], "channel": "walk_in"})
        assert Complaint.objects.filter(opened_by=self.users["actor"]).exists()

    def pick_up_unassigned_case(self):
        self.post("actor", reverse("complaints:reassign", args=[self.ordinary.pk]), {"assign-assigned_to": self.users["actor"].pk})

    def manager_assigns_sensitive_case(self):
        self.post("manager", reverse("complaints:reassign", args=[self.case.pk]), {"assign-assigned_to": self.users["actor"].pk})
        self.carrier = "actor"

    def carrier_adds_a_worker_to_the_sensitive_case(self):
        worker = PersonFactory(centre=self.centre, name="Ko Min Min")
        self.post("actor", reverse("complaints:member_add", args=[self.case.pk]), {"person": worker.pk})
        assert self.case.members.filter(person=worker).exists()

    def hand_case_on(self):
        self.post("actor", reverse("complaints:reassign", args=[self.case.pk]), {"assign-assigned_to": self.users["colleague"].pk})
        self.carrier = "colleague"

    def take_over_conversation(self):
        self.post("colleague", reverse("bots:reply", args=[self.conversation.pk]), {"text": "We are here, you are safe to write"})

    def mark_handled(self):
        self.post("colleague", reverse("bots:resolve", args=[self.conversation.pk]), {})


STEPS = [
    "open_trivial_case", "pick_up_unassigned_case", "manager_assigns_sensitive_case",
    "carrier_adds_a_worker_to_the_sensitive_case", "hand_case_on",
    "take_over_conversation", "mark_handled",
]


def sees_secret(world: World, role: str) -> bool:
    return role in ("manager", "admin") or role == world.carrier


def reveals(world: World, response) -> bool:
    body = response.content.decode("utf-8", "ignore")
    if response.get("Content-Type") == "application/pdf" and response.status_code == 200:  # its text, not its compressed bytes
        body = subprocess.run(["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True).stdout.decode()
    return TRANSCRIPT in body or STORY in body or world.case.reference in body


def walk(world: World, routes: dict, after: str, roles=ROLES) -> int:
    """Request every route as every role; return how many requests were checked."""
    checked = 0
    for role in roles:
        allowed = sees_secret(world, role)
        for name, (method, about, arguments, data) in routes.items():
            url = reverse(name, args=[world.records.get(a, a) for a in arguments])
            where = f"{role} after {after}: {method} {url}"
            browser = world.as_user(role)
            response = browser.post(url, data) if method == "POST" else browser.get(url)
            checked += 1
            assert response.status_code < 500, where
            if role == "anonymous" and name not in PUBLIC:
                assert response.status_code == 302 and "/accounts/login/" in response["Location"], where
            elif about in SECRET_RECORDS and not allowed:
                assert response.status_code in ((403, 404) if role == "officer" else (404,)), where
            elif about in SECRET_RECORDS:
                assert response.status_code not in (403, 404), where
            elif about is not None and role.startswith("other_"):
                assert response.status_code in (403, 404), where
            if not allowed:
                assert not reveals(world, response), where
        if allowed:
            page = world.as_user(role).get(reverse("bots:conversation", args=[world.conversation.pk]))
            assert TRANSCRIPT in page.content.decode(), f"{role} after {after}"
            listed = world.as_user(role).get(reverse("complaints:list")).content.decode()
            assert world.case.reference in listed, f"{role} after {after}"
    return checked


def test_every_url_for_every_role_after_each_staff_action():
    world = World()
    personal = {name: route for name, route in ROUTES.items() if name not in AGGREGATE}
    # Anonymous users and officers are kept out by the decorators, whatever the records: walked at both ends.
    with_records = [role for role in ROLES if role not in ("anonymous", "officer")]
    checked = walk(world, ROUTES, "start")
    for step in STEPS:
        getattr(world, step)()
        checked += walk(world, personal, step, with_records)
    checked += walk(world, ROUTES, "the last step")
    assert world.carrier == "colleague"
    assert checked == 2 * len(ROLES) * len(ROUTES) + len(STEPS) * len(with_records) * len(personal)


def test_a_user_without_a_centre_is_told_nothing(client):
    world = World()
    client.force_login(UserFactory(username="nobody"))
    for name in ("bots:inbox", "complaints:list", "helpdesk:person_list"):
        assert not reveals(world, client.get(reverse(name)))
