"""Apply entries made offline on a phone, once each, through the same services as the forms.

Each entry is atomic on its own: a batch is never half-applied per entry, and one bad entry does not stop the
others. The entry's phone-made UUID is unique in ``OutreachEntry``: a replay (a second send, or a send whose answer
was lost) finds it and gets the same answer; two sends racing each other meet at the unique constraint.
"""
from __future__ import annotations

import uuid
from datetime import date, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk import consent, selectors, services
from helpdesk.choices import Channel, ConsentMethod, ConsentScope, Service, Topic
from helpdesk.models import Centre, Person
from helpdesk.outreach.models import OutreachEntry, OutreachReview
from helpdesk.text import normalize_text

MAX_BATCH = 200
ACTIVITY_FIELDS = {"activity_kind": "kind", "format": "format", "title": "title", "location": "location", "notes": "notes"}
COUNTS = {"women": "women_count", "men": "men_count", "other": "other_count", "undisclosed": "undisclosed_count"}
PERSON_KEYS = ("name", "gender", "phone", "birth_year", "nrc", "passport_number", "consent_record", "consent_share")


class EntryError(Exception):
    """An entry that cannot be applied as sent; ``errors`` maps field names to messages for the phone."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors


def _errors_of(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {field: [str(m) for m in messages] for field, messages in error.message_dict.items()}
    return {"__all__": [str(m) for m in error.messages]}


def _date(value) -> date:
    try:
        day = date.fromisoformat(str(value)) if value else timezone.localdate()
    except ValueError:
        raise EntryError({"date": [_("Enter a valid date.")]}) from None
    if day > timezone.localdate() + timedelta(days=1):  # a phone's clock a time zone ahead is fine, next week is not
        raise EntryError({"date": [_("The date cannot be in the future.")]})
    return day


def _text(data: dict, key: str) -> str:
    return normalize_text(str(data.get(key) or ""))


def _new_person_fields(data: dict, centre: Centre) -> dict:
    """Read a person typed on the phone through the contact form's quick-person form (Zawgyi, digits, phones)."""
    from helpdesk.forms import QuickPersonForm

    raw = data.get("new_person") or {}
    if not isinstance(raw, dict):
        raise EntryError({"new_person": [_("Enter the person's details.")]})
    values = {k: raw.get(k) for k in PERSON_KEYS if raw.get(k) not in (None, "", False)}
    form = QuickPersonForm(data={k: "on" if v is True else str(v) for k, v in values.items()}, phone_centre=centre)
    if not form.is_valid():
        raise EntryError({f"new_person.{field}": [str(m) for m in messages] for field, messages in form.errors.items()})
    fields = form.person_fields()
    fields["consent_method"] = ConsentMethod.IN_PERSON
    if not fields["consent_record"]:  # checked here so nothing of a person who said no reaches the review list
        raise EntryError({"new_person.consent_record": [str(consent.RECORD_REQUIRED)]})
    return fields


def _matches(fields: dict, centre: Centre) -> list[Person]:
    found = selectors.person_possible_duplicates(
        centre_ids=[centre.pk], phone=fields.get("phone") or "", name=fields.get("name") or "",
        birth_year=fields.get("birth_year"), nrc=fields.get("nrc") or "", passport_number=fields.get("passport_number") or "",
    )
    return [person for person in found if not person.erased_at]


def _known_person(data: dict, user: AbstractBaseUser, centre: Centre) -> Person | None:
    if data.get("person") in (None, ""):
        return None
    served = selectors.people_for_user(user).filter(selectors.served_filter([centre.pk]))  # held there or shared with it
    person = served.filter(pk=str(data["person"])).first() if str(data["person"]).isdigit() else None
    if person is None:
        raise EntryError({"person": [_("This person is not registered at the centre.")]})
    return person


def _apply_activity(entry: OutreachEntry, data: dict, user: AbstractBaseUser) -> None:
    fields = {model_field: _text(data, key) for key, model_field in ACTIVITY_FIELDS.items()}
    for key, model_field in COUNTS.items():
        value = data.get(key) or 0
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise EntryError({key: [_("Enter a whole number, 0 or more.")]})
        fields[model_field] = value
    entry.activity = services.activity_create(centre=entry.centre, created_by=user, date=_date(data.get("date")), **fields)


def _attend(entry: OutreachEntry, person: Person) -> None:
    services.activity_add_attendee(activity=entry.activity, person=person)
    entry.person = person


def _log_contact(entry: OutreachEntry, data: dict, person: Person | None) -> None:
    entry.contact = services.contact_log(
        centre=entry.centre, staff=entry.user, service=Service.DROP_IN, channel=Channel.OUTREACH, person=person,
        date=_date(data.get("date")), topics=data.get("topics") or [], notes=_text(data, "notes"),
        gender=None if person else str(data.get("gender") or ""),
    )
    entry.person = person


def _with_person(entry: OutreachEntry, data: dict, user: AbstractBaseUser, apply) -> None:
    """Apply with a person from the phone's list, a new person (or the review list if they may exist), or nobody."""
    person = _known_person(data, user, entry.centre)
    if person is None and data.get("new_person"):
        fields = _new_person_fields(data, entry.centre)
        matches = _matches(fields, entry.centre)
        if matches:
            entry.status = OutreachEntry.Status.REVIEW
            entry.save()
            review = OutreachReview.objects.create(entry=entry, centre=entry.centre, payload=data)
            review.candidates.set(matches)
            return
        person = services.person_create(centre=entry.centre, created_by=user, **fields)
    apply(person)


def _apply_attendee(entry: OutreachEntry, data: dict, user: AbstractBaseUser) -> None:
    activity_entry = OutreachEntry.objects.filter(
        client_id=_uuid(data.get("activity"), "activity"), kind=OutreachEntry.Kind.ACTIVITY, centre=entry.centre,
    ).select_related("activity").first()
    if activity_entry is None or activity_entry.activity is None:
        raise EntryError({"activity": [_("The activity has not been sent yet: send it first.")]})
    entry.activity = activity_entry.activity
    if not data.get("person") and not data.get("new_person"):
        raise EntryError({"person": [_("Choose a person from the list or register a new one.")]})
    _with_person(entry, data, user, lambda person: _attend(entry, person))


def _apply_contact(entry: OutreachEntry, data: dict, user: AbstractBaseUser) -> None:
    topics = data.get("topics") or []
    if not isinstance(topics, list) or any(t not in Topic.values for t in topics):
        raise EntryError({"topics": [_("Choose topics from the list.")]})
    _with_person(entry, data, user, lambda person: _log_contact(entry, data, person))


APPLY = {
    OutreachEntry.Kind.ACTIVITY: _apply_activity,
    OutreachEntry.Kind.ATTENDEE: _apply_attendee,
    OutreachEntry.Kind.CONTACT: _apply_contact,
}


def _uuid(value, field: str = "id") -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise EntryError({field: [_("This entry has no valid id: make it again on the phone.")]}) from None


def _replay(client_id: uuid.UUID, user: AbstractBaseUser) -> dict | None:
    entry = OutreachEntry.objects.filter(client_id=client_id).first()
    if entry is None:
        return None
    if entry.user_id != user.pk:  # never say what another user's entry was
        return {"id": str(client_id), "status": "error", "errors": {"id": [_("This id was already used.")]}}
    return entry.answer()


def outreach_entry_apply(*, user: AbstractBaseUser, data: dict) -> dict:
    """Apply one entry (or find it applied already) and return the answer for the phone."""
    raw_id = data.get("id") if isinstance(data, dict) else None
    try:
        if not isinstance(data, dict):
            raise EntryError({"__all__": [_("An entry must be an object.")]})
        client_id = _uuid(raw_id)
        if (answer := _replay(client_id, user)) is not None:
            return answer
        if data.get("kind") not in APPLY:
            raise EntryError({"kind": [_("Unknown kind of entry.")]})
        centre = selectors.centres_for_user(user).filter(pk=str(data.get("centre"))).first() if str(data.get("centre")).isdigit() else None
        if centre is None:
            raise EntryError({"centre": [_("Choose one of your centres.")]})
        try:
            with transaction.atomic():
                entry = OutreachEntry.objects.create(client_id=client_id, kind=data["kind"], centre=centre, user=user)
                APPLY[entry.kind](entry, data, user)
                entry.save()
        except IntegrityError:  # the same entry sent twice at once: the other request applied it
            if (answer := _replay(client_id, user)) is not None:
                return answer
            raise
        return entry.answer()
    except EntryError as error:
        return {"id": str(raw_id or ""), "status": "error", "errors": error.errors}
    except ValidationError as error:
        return {"id": str(raw_id or ""), "status": "error", "errors": _errors_of(error)}


def outreach_sync(*, user: AbstractBaseUser, entries: list) -> list[dict]:
    """Apply a phone's batch in its order (an activity before its attendees); one answer per entry."""
    return [outreach_entry_apply(user=user, data=data) for data in entries[:MAX_BATCH]]


ALREADY_DECIDED = _("This entry was already decided.")


@transaction.atomic
def outreach_review_decide(*, review: OutreachReview, decision: str, by: AbstractBaseUser, person: Person | None = None) -> OutreachEntry:
    """Attach a reviewed entry to the existing person ("same") or register the person ("new"), then apply it.

    "Same person" records the consent the person gave on the phone if the record had none yet. The entry's
    details are blanked from the review once applied.
    """
    review = OutreachReview.objects.select_for_update(of=("self",)).select_related("entry__centre", "entry__activity", "entry__user").get(pk=review.pk)
    if review.decision != OutreachReview.Decision.PENDING:
        raise ValidationError(ALREADY_DECIDED)
    entry, data = review.entry, review.payload
    if decision == OutreachReview.Decision.SAME:
        if person is None or not review.candidates.filter(pk=person.pk).exists():
            raise ValidationError({"person": _("Choose one of the people listed.")})
        if person.erased_at:
            raise ValidationError(consent.ERASED_NOTHING_NEW)
        if not person.consent_record:
            consent.consent_give(person=person, scopes=[ConsentScope.RECORD], method=ConsentMethod.IN_PERSON, by=entry.user)
    elif decision == OutreachReview.Decision.NEW:
        try:
            fields = _new_person_fields(data, entry.centre)
        except EntryError as error:
            raise ValidationError(error.errors) from None
        person = services.person_create(centre=entry.centre, created_by=entry.user or by, **fields)
    else:
        raise ValidationError({"decision": _("Choose “same person” or “new person”.")})
    if entry.kind == OutreachEntry.Kind.ATTENDEE:
        _attend(entry, person)
    else:
        _log_contact(entry, data, person)
    entry.status = OutreachEntry.Status.APPLIED
    entry.save()
    review.decision, review.decided_by, review.decided_at, review.payload = decision, by, timezone.now(), {}
    review.save()
    return entry


def outreach_merge_person(*, keep: Person, gone: Person, user: AbstractBaseUser | None = None) -> int:
    """Re-point the sync records and review candidates of a person merged into another (``helpdesk.merge`` handler)."""
    moved = OutreachEntry.objects.filter(person=gone).update(person=keep)
    for review in OutreachReview.objects.filter(candidates=gone):
        review.candidates.remove(gone)
        review.candidates.add(keep)
        moved += 1
    return moved
