"""Writes to the core records. Views, admin, imports, bots and commands all call these."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpdesk import consent
from helpdesk.choices import ConsentMethod, ReferralOutcome
from helpdesk.models import AccessLog, Activity, Centre, ConsentEvent, Contact, ContactTopic, Person, Referral
from helpdesk.reports import rollups
from helpdesk.selectors import person_served_at
from helpdesk.text.documents import nrc_key, passport_key

consent_give = consent.consent_give  # the consent services live in helpdesk.consent with the rules
consent_withdraw = consent.consent_withdraw

PERSON_ERASED = _("This person was erased on request: their details cannot be entered again. If they come back, register them as a new person.")
PERSON_FIELDS = (
    "card_number", "name", "gender", "birth_year", "phone", "nrc", "passport_number", "origin_township", "origin_region",
    "migration_status", "destination_country", "consent_record", "consent_share", "consent_date",
)


def set_document_keys(person: Person) -> None:
    """Read the typed NRC and passport into their keys; an unreadable NRC keeps no key (never a guess)."""
    person.nrc_key = nrc_key(person.nrc)
    person.passport_key = passport_key(person.passport_number)


@transaction.atomic
def person_create(
    *, centre: Centre, created_by: AbstractBaseUser | None = None, consent_method: str = ConsentMethod.IN_PERSON, **fields
) -> Person:
    """Register a person who consented to records being kept (``consent_method``: how they said yes).

    Consent date defaults to today; the consent timeline gets its first entries.
    """
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"Unknown person fields: {sorted(unknown)}")
    person = Person(centre=centre, created_by=created_by, **fields)
    set_document_keys(person)
    consent.check_new_person(person)
    if not person.consent_date:
        person.consent_date = timezone.localdate()
    person.full_clean()
    person.save()
    ConsentEvent.objects.bulk_create(consent.consent_events_for_new_person(person, method=consent_method, by=created_by))
    return person


@transaction.atomic
def person_update(
    *, person: Person, by: AbstractBaseUser | None = None, consent_method: str = ConsentMethod.IN_PERSON, **fields
) -> Person:
    """Change a person's details; the history keeps the previous values.

    Changes to ``consent_record``/``consent_share`` go on the consent timeline (given or withdrawn, by ``by``);
    other details of a person without consent to records cannot be changed (only erased).
    """
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"Unknown person fields: {sorted(unknown)}")
    if person.erased_at:
        raise ValidationError(PERSON_ERASED)
    wanted = {scope: fields.pop(f"consent_{scope}") for scope in ("record", "share") if f"consent_{scope}" in fields}
    withdraw = [scope for scope, value in wanted.items() if not value and getattr(person, f"consent_{scope}")]
    give = [scope for scope, value in wanted.items() if value and not getattr(person, f"consent_{scope}")]
    if give:
        consent.consent_give(person=person, scopes=give, method=consent_method, by=by, on=fields.get("consent_date"))
    for scope in withdraw:
        if getattr(person, f"consent_{scope}"):  # withdrawing records already withdrew sharing
            consent.consent_withdraw(person=person, scope=scope, by=by, method=consent_method, on=fields.get("consent_date"))
    fields.pop("consent_date", None)
    changed = {name: value for name, value in fields.items() if getattr(person, name) != value}
    if not changed:
        return person
    consent.check_can_record(person)
    old_gender = person.gender
    for name, value in changed.items():
        setattr(person, name, value)
    set_document_keys(person)
    person.full_clean()
    person.save()
    if person.gender != old_gender:  # attendance and unique persons count by the person's gender
        rollups.refresh(regendered=[person.pk])
    return person


@transaction.atomic
def contact_log(
    *,
    centre: Centre,
    staff: AbstractBaseUser | None,
    service: str,
    channel: str,
    person: Person | None = None,
    new_person: dict | None = None,
    date: date | None = None,
    topics: Iterable[str] = (),
    notes: str = "",
    gender: str | None = None,
    referral: dict | None = None,
) -> Contact:
    """Record one service given; create the person inline when ``new_person`` is given.

    The contact keeps a gender snapshot (the person's, else ``gender``) so
    anonymous contacts still count in the beneficiary table; an anonymous
    contact needs ``gender`` (never assumed: "undisclosed" is a choice the
    caller makes). Everything is saved together or not at all.
    """
    if person is None and new_person:
        person = person_create(centre=centre, created_by=staff, **new_person)
    elif person is not None:
        consent.check_can_record(person)
    contact = Contact(
        centre=centre,
        person=person,
        service=service,
        channel=channel,
        date=date or timezone.localdate(),
        notes=notes,
        staff=staff,
        gender=person.gender if person else (gender or ""),  # blank: full_clean asks for it
    )
    contact.full_clean()
    contact.save()
    rollups.refresh(touched=rollups.contact_keys([contact]))
    ContactTopic.objects.bulk_create([ContactTopic(contact=contact, topic=t) for t in dict.fromkeys(topics)])
    if referral and person is not None:
        referral_create(centre=centre, person=person, contact=contact, created_by=staff, **referral)
    return contact


CONTACT_UPDATABLE = ("centre", "person", "gender", "notes", "date", "channel")


@transaction.atomic
def contact_update(*, contact: Contact, **fields) -> Contact:
    """Correct a contact; giving it a person also takes the person's gender as the snapshot."""
    unknown = set(fields) - set(CONTACT_UPDATABLE)
    if unknown:
        raise TypeError(f"Unknown contact fields: {sorted(unknown)}")
    before = rollups.contact_keys([contact])
    for name, value in fields.items():
        setattr(contact, name, value)
    if "person" in fields and contact.person is not None:
        consent.check_can_record(contact.person)
        if "gender" not in fields:
            contact.gender = contact.person.gender
    contact.full_clean()
    contact.save()
    rollups.refresh(touched=before + rollups.contact_keys([contact]))
    return contact


@transaction.atomic
def contact_delete(*, contact: Contact) -> None:
    """Delete a contact logged by mistake (its history keeps it); the report rollups follow."""
    before = rollups.contact_keys([contact])
    contact.delete()
    rollups.refresh(touched=before)


def contact_add_topic(*, contact: Contact, topic: str) -> None:
    """Record that a topic came up in a contact (once, however often it is raised)."""
    row = ContactTopic(contact=contact, topic=topic)
    row.full_clean(exclude=["contact"], validate_unique=False, validate_constraints=False)
    ContactTopic.objects.get_or_create(contact=contact, topic=topic)


@transaction.atomic
def activity_create(*, centre: Centre, created_by: AbstractBaseUser | None = None, attendees: Iterable[Person] = (), **fields) -> Activity:
    """Record a training or mobilisation event with its head-count tallies and registered attendees."""
    activity = Activity(centre=centre, created_by=created_by, **fields)
    activity.full_clean()
    activity.save()
    rollups.refresh(touched=rollups.attendance_keys(activity, ()))
    if attendees:
        activity_set_attendance(activity=activity, attendees=attendees)
    return activity


@transaction.atomic
def activity_update(*, activity: Activity, **fields) -> Activity:
    before = (activity.date, activity.centre_id)
    for name, value in fields.items():
        setattr(activity, name, value)
    activity.full_clean()
    activity.save()
    moved = before != (activity.date, activity.centre_id)
    attendees = list(activity.attendees.values_list("pk", flat=True)) if moved and rollups.dated_closed(before[0]) else []
    rollups.refresh(touched=[(before[0], before[1], None), *rollups.attendance_keys(activity, attendees)]
                    + [(before[0], before[1], p) for p in attendees])
    return activity


def _check_attendees(activity: Activity, attendees: list[Person], *, present: Iterable[int] = ()) -> None:
    """Attendees are served at the activity's centre (held there or shared with it); a new one must have consented to records (else count them by head)."""
    if any(not person_served_at(p, activity.centre_id) for p in attendees):
        from django.utils.translation import gettext as _

        raise ValidationError({"attendees": _("Only people registered at this centre can be added.")})
    present = set(present)
    for person in attendees:
        if person.pk not in present and person.erased_at:
            raise ValidationError({"attendees": consent.ERASED_NOTHING_NEW}, code="erased")
        if person.pk not in present and not person.consent_record:
            raise ValidationError({"attendees": consent.RECORD_MISSING % {"person": person}}, code="consent_record")


@transaction.atomic
def activity_set_attendance(*, activity: Activity, attendees: Iterable[Person]) -> Activity:
    """Replace the registered attendees; only people of the activity's centre may attend.

    The history keeps a snapshot of the attendee list per change (django-simple-history m2m).
    """
    attendees = list(attendees)
    _check_attendees(activity, attendees, present=activity.attendees.values_list("pk", flat=True))
    before = set(activity.attendees.values_list("pk", flat=True)) if rollups.dated_closed(activity.date) else set()
    activity.attendees.set(attendees)
    rollups.refresh(touched=rollups.attendance_keys(activity, before ^ {p.pk for p in attendees}))
    return activity


@transaction.atomic
def activity_add_attendee(*, activity: Activity, person: Person) -> Activity:
    """Register one more attendee (one history snapshot, not a full replace)."""
    _check_attendees(activity, [person])
    activity.attendees.add(person)
    rollups.refresh(touched=rollups.attendance_keys(activity, [person.pk]))
    return activity


@transaction.atomic
def activities_add_attendees(
    *, additions: dict[Activity, list[Person]], user: AbstractBaseUser | None = None, reason: str = ""
) -> None:
    """Register new attendees of many activities in a few queries (the imports' way).

    Writes what ``activity.attendees.add`` would: the attendance rows, and per
    activity one history row with its m2m snapshot of every attendee, as
    django-simple-history records it, but in bulk rather than three queries an activity.
    """
    additions = {activity: people for activity, people in additions.items() if people}
    for activity, people in additions.items():
        _check_attendees(activity, people)
    if not additions:
        return
    through = Activity.attendees.through
    through.objects.bulk_create(
        [through(activity_id=activity.pk, person_id=person.pk) for activity, people in additions.items() for person in people],
        batch_size=500,
    )
    rollups.refresh(touched=[key for activity, people in additions.items()
                             for key in rollups.attendance_keys(activity, [p.pk for p in people])])
    history = Activity.history.bulk_history_create(
        list(additions), update=True, default_user=user, default_change_reason=reason, batch_size=500,
    )
    snapshot_model = Activity.history.model._meta.get_field("historicalactivity_attendees").related_model
    attendees: dict[int, list[tuple[int, int]]] = {}
    for row_id, activity_id, person_id in through.objects.filter(activity__in=list(additions)).values_list("id", "activity_id", "person_id"):
        attendees.setdefault(activity_id, []).append((row_id, person_id))
    by_activity = {record.id: record for record in history}
    snapshot_model.objects.bulk_create(
        [
            snapshot_model(history=record, id=row_id, activity_id=activity_id, person_id=person_id)
            for activity_id, record in by_activity.items()
            for row_id, person_id in attendees.get(activity_id, [])
        ],
        batch_size=500,
    )


@transaction.atomic
def activity_remove_attendee(*, activity: Activity, person: Person) -> Activity:
    activity.attendees.remove(person)
    rollups.refresh(touched=rollups.attendance_keys(activity, [person.pk]))
    return activity


@transaction.atomic
def activity_delete(*, activity: Activity) -> None:
    """Delete an activity recorded by mistake (its history keeps it); the report rollups follow."""
    attendees = list(activity.attendees.values_list("pk", flat=True))
    before = rollups.attendance_keys(activity, attendees)
    activity.delete()
    rollups.refresh(touched=before)


@transaction.atomic
def referral_create(
    *,
    centre: Centre,
    person: Person,
    target: str,
    created_by: AbstractBaseUser | None = None,
    contact: Contact | None = None,
    organisation: str = "",
    reason: str = "",
    date: date | None = None,
    override_reason: str = "",
) -> Referral:
    """Refer a person to a partner service; the outcome starts as pending.

    Needs the person's consent to share, or a manager's urgent protection override with a reason
    (``override_reason``), which goes on the person's consent timeline with the referral.
    """
    overridden = consent.check_sharing(person=person, by=created_by, override_reason=override_reason)
    referral = Referral(
        centre=centre, person=person, contact=contact, target=target, organisation=organisation,
        reason=reason, date=date or timezone.localdate(), created_by=created_by,
    )
    referral.full_clean()
    referral.save()
    if overridden:
        consent.record_override(person=person, by=created_by, reason=override_reason, referral=referral)
    return referral


@transaction.atomic
def referral_record_outcome(*, referral: Referral, outcome: str, notes: str = "", outcome_date: date | None = None) -> Referral:
    """Record what came of a referral; pending clears the outcome date."""
    referral.outcome = outcome
    referral.outcome_notes = notes
    referral.outcome_date = None if outcome == ReferralOutcome.PENDING else (outcome_date or timezone.localdate())
    referral.full_clean()
    referral.save()
    return referral


@transaction.atomic
def access_log_purge(*, older_than_days: int) -> int:
    """Delete access-log rows older than the retention period; return how many (the only delete of the log)."""
    if older_than_days < 1:
        raise ValueError("older_than_days must be at least 1")
    cutoff = timezone.now() - timedelta(days=older_than_days)
    deleted, _by_model = AccessLog.objects.older_than(cutoff).delete()
    return deleted
