"""The engine's window on the database: agency register, people, complaints, call-backs."""
from __future__ import annotations

from django.utils import timezone

from agencies.verdict import Verdict, agency_verdict
from bots.conversation import CaseStatus, CentreOption, ComplaintIntake
from bots.conversation.engine import SENSITIVE_TOPICS
from bots.models import (
    CONTACT_CHANNEL,
    Attachment,
    AttachmentKind,
    Attention,
    CallbackRequest,
    ComplaintEvidence,
    Conversation,
)
from complaints.group import own_received, person_case_list
from complaints.services import complaint_open
from helpdesk.choices import ConsentMethod, ConsentScope, Gender
from helpdesk.models import DEFAULT_SENSITIVE_WORDS, Centre, Person
from helpdesk.services import consent_give, contact_add_topic, contact_update, person_create, person_update
from helpdesk.text import parse_phone


def centre_option(centre: Centre) -> CentreOption:
    return CentreOption(code=centre.code, name=centre.name, name_my=centre.name_my, phone=centre.phone)


class DatabaseEffects:
    """Effects for one conversation; changes to the conversation are saved by the caller."""

    def __init__(self, conversation: Conversation, attachments=()):
        self.conversation = conversation
        self.attachments = list(attachments)  # the files of the message being answered
        self._centres: list[Centre] | None = None

    def agency_verdict(self, query: str, *, encoding_hint: str | None) -> Verdict:
        return agency_verdict(query, encoding_hint=encoding_hint)

    def centre(self) -> CentreOption | None:
        return centre_option(self.conversation.centre) if self.conversation.centre else None

    def _centre_rows(self) -> list[Centre]:
        if self._centres is None:
            self._centres = list(Centre.objects.filter(active=True, kind="migrant_centre").order_by("name"))
        return self._centres

    def centres(self) -> list[CentreOption]:
        return [centre_option(c) for c in self._centre_rows()]

    def topic(self, code: str) -> None:
        """Count the day's helpline contact under the topic asked about; never under "abuse".

        Every staff member of the centre sees the contact list: an abuse topic there would tell them
        what the (sensitive) conversation is about, as complaint contacts never carry their grievance.
        """
        contact = self.conversation.last_contact
        if code and contact is not None and code not in SENSITIVE_TOPICS:
            contact_add_topic(contact=contact, topic=code)

    def sensitive_words(self) -> list[str]:
        return conversation_sensitive_words(self.conversation)

    def flag_sensitive(self) -> None:
        self.conversation.sensitive = True

    def hand_over(self) -> None:
        self._attention(Attention.HANDOVER)

    def wait_for_staff(self) -> None:
        """A message while staff answer: keep (or put back) the conversation among those waiting for staff."""
        if not self.conversation.attention:
            self._attention(Attention.HANDOVER)

    def subscribe(self, subscribed: bool) -> None:
        """An SMS STOP (False) or START (True): the carrier already applied it; the inbox shows it."""
        self.conversation.subscribed = subscribed

    def broadcast_received(self) -> bool:
        """Whether a broadcast ever reached this conversation (a plain "stop" then answers it)."""
        return self.conversation.broadcasts.filter(sent_at__isnull=False).exists()

    def stop_broadcasts(self, stop: bool) -> None:
        """Record that the migrant wants no more (or again) broadcasts; live replies are not affected."""
        if stop and self.conversation.broadcasts_stopped_at is None:
            self.conversation.broadcasts_stopped_at = timezone.now()
        elif not stop:
            self.conversation.broadcasts_stopped_at = None

    def choose_centre(self, code: str) -> None:
        move_to_centre(self.conversation, next(c for c in self._centre_rows() if c.code == code))

    def request_callback(self, *, name: str, phone: str, centre_code: str, topic: str) -> None:
        self.choose_centre(centre_code)
        centre = self.conversation.centre
        person = self._person(name=name, phone=phone)
        CallbackRequest.objects.create(
            conversation=self.conversation, centre=centre, person=person, name=name, phone=phone, topic=topic
        )
        self.topic(topic)
        self._attention(Attention.CALLBACK)

    def open_complaint(self, intake: ComplaintIntake) -> str:
        agency, employer = None, intake.party
        if intake.party:
            # Only an agency the verdict names becomes the respondent; a look-alike stays typed text for staff.
            named = self.agency_verdict(intake.party, encoding_hint="unicode").agency  # already normalised by the engine
            if named is not None:
                agency, employer = named, ""
        phone = intake.phone or self._sender_phone()
        person = self._person(name=intake.name, phone=phone, gender=intake.gender, destination_country=intake.country)
        complaint = complaint_open(
            centre=self.conversation.centre,
            complainant=person,
            opened_by=None,
            grievances=[intake.grievance],
            channel=CONTACT_CHANNEL[self.conversation.channel],
            agency=agency,
            employer=employer,
            destination_country=intake.country,
            description=intake.story,
            amount_claimed=intake.amount,
            # The case tells the same story as the transcript: either one sensitive makes both so.
            sensitive=self.conversation.sensitive,
        )
        if complaint.sensitive:
            self.conversation.sensitive = True
        evidence = Attachment.objects.filter(pk__in=intake.evidence, conversation=self.conversation)
        ComplaintEvidence.objects.bulk_create([ComplaintEvidence(complaint=complaint, attachment=a) for a in evidence])
        # The staff assigned to this case (now or later) see the conversation it came from, whatever its sensitivity.
        self.conversation.complaints.add(complaint)
        return complaint.reference

    def keep_attachments(self) -> list[int]:
        return [a.pk for a in self.attachments if a.kind != AttachmentKind.STICKER]

    def my_cases(self) -> list[CaseStatus]:
        """Cases whose complainant is this conversation's person, and group cases they are a member of: never anyone else's.

        On a group case the money told is the person's own: their payments and their share of lump sums.
        """
        person_id = self.conversation.person_id
        if person_id is None:
            return []
        cases = person_case_list(person_id)[:5]
        return [CaseStatus(c.reference, c.stage, own_received(c, person_id), c.sensitive) for c in cases]
    def _sender_phone(self) -> str:
        """On SMS the bot does not ask the phone: it is the number the migrant writes from."""
        if self.conversation.channel != "sms":
            return ""
        try:
            return parse_phone(self.conversation.external_user_id)
        except ValueError:
            return ""

    def _attention(self, kind: str) -> None:
        conversation = self.conversation
        if conversation.attention != kind or conversation.attention_since is None:
            conversation.attention = kind
            conversation.attention_since = timezone.now()

    def _person(self, *, name: str, phone: str, **fields) -> Person:
        """Reuse the conversation's person at this centre (updating what they told us), else register one.

        The engine asks these only after the migrant agreed (1 = yes) to their name and phone being kept:
        the consent is recorded as given in the bot chat, to keep records only (not to share).
        """
        conversation = self.conversation
        fields = {k: v for k, v in {"name": name, "phone": phone, **fields}.items() if v}
        person = conversation.person
        if person is not None and person.centre_id == conversation.centre_id:
            if not person.consent_record:
                consent_give(person=person, scopes=[ConsentScope.RECORD], method=ConsentMethod.BOT, by=None)
            person = person_update(person=person, **fields)
        else:
            # A call-back request does not ask the gender: recorded as not disclosed, never guessed.
            person = person_create(
                centre=conversation.centre, created_by=None, consent_method=ConsentMethod.BOT,
                **{"gender": Gender.UNDISCLOSED, **fields, "consent_record": True},
            )
        conversation.person = person
        contact = conversation.last_contact
        if contact is not None and contact.person_id != person.pk:
            # The day's helpline contact now has a person: count it under their gender.
            contact_update(contact=contact, person=person)
        return person


def conversation_sensitive_words(conversation: Conversation) -> list[str]:
    """The words that make this conversation sensitive: its centre's list, or the defaults before it has a centre."""
    if conversation.centre is not None:
        return conversation.centre.sensitive_word_list()
    return list(DEFAULT_SENSITIVE_WORDS)


def move_to_centre(conversation: Conversation, centre: Centre) -> None:
    """Hand the conversation (and today's helpline contact) to the centre the migrant chose."""
    if conversation.centre_id == centre.pk:
        return
    conversation.centre = centre
    contact = conversation.last_contact
    if contact is not None and contact.date == timezone.localdate() and contact.staff_id is None:
        contact_update(contact=contact, centre=centre)
    if conversation.person_id and conversation.person.centre_id != centre.pk:
        conversation.person = None
