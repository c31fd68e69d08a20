"""Apply legacy rows one at a time, each in its own savepoint, through the staff services.

The slow, simple path: used for a chunk whose bulk write failed (a concurrent
import of the same rows), so each row is still kept or refused on its own.
"""
from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from helpdesk import services
from helpdesk.choices import ConsentMethod, ConsentScope
from helpdesk.imports.documents import DocumentIndex
from helpdesk.imports.result import DEFAULT_FORMAT, HEADCOUNT_FIELD, ImportResult, activity_title
from helpdesk.imports.rows import LegacyRow
from helpdesk.models import Activity, Contact, ContactTopic, ImportedRow, Person
from helpdesk.reports import rollups

IMPORT_NOTE = "Imported from a legacy spreadsheet."


def error_text(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{name}: {' '.join(messages)}" for name, messages in exc.message_dict.items())
    return " ".join(exc.messages)


def _find_or_create_person(row: LegacyRow, result: ImportResult, user: AbstractBaseUser | None) -> Person | None:
    """Link rows of one person by NRC or passport, else beneficiary card number, else phone; create the person when new.

    A row without consent to records is counted anonymously: it is never linked to anyone. A row whose
    document is held only at another centre is refused with that centre's name (``helpdesk.imports.documents``).
    """
    if not row.has_person:
        result.anonymous += int(row.names_person)
        return None
    people = Person.objects.filter(centre=row.centre)
    documents = DocumentIndex([row])
    person = documents.served(row)
    if person is None and row.person_ref:
        person = people.filter(card_number=row.person_ref).first()
    elif person is None and row.phone:
        person = people.filter(phone=row.phone).order_by("pk").first()
    if person is not None and not person.consent_record:  # registered before consent was asked; this row says yes
        services.consent_give(person=person, scopes=[ConsentScope.RECORD], method=ConsentMethod.PAPER, by=user, on=row.date)
    if person is None and row.has_person:
        documents.check_not_elsewhere(row)
        person = services.person_create(
            centre=row.centre, created_by=user, consent_method=ConsentMethod.PAPER, card_number=row.person_ref, name=row.name,
            gender=row.gender, phone=row.phone, birth_year=row.birth_year, consent_record=True, consent_date=row.date,
            nrc=row.nrc, passport_number=row.passport,
        )
        result.people_created += 1
    return person


def _activity_for(row: LegacyRow, result: ImportResult) -> Activity:
    """The activity a row belongs to: same centre, kind, date and title (title defaults to kind and date)."""
    title = activity_title(row)
    activity = Activity.objects.filter(centre=row.centre, kind=row.service, date=row.date, title=title).first()
    if activity is None:
        activity = services.activity_create(
            centre=row.centre, kind=row.service, format=DEFAULT_FORMAT[row.service], title=title, date=row.date,
            notes=_(IMPORT_NOTE),
        )
        result.activities_created += 1
    return activity


def _apply(row: LegacyRow, result: ImportResult, attendance: dict[int, dict[int, Person]], user: AbstractBaseUser | None) -> None:
    """Write one row. Attendees are collected in ``attendance`` and saved once per activity per chunk."""
    if row.is_activity:
        activity = _activity_for(row, result)
        if row.count is not None or not row.has_person:
            result.anonymous += int(row.count is None and row.names_person)
            name = HEADCOUNT_FIELD[row.gender]
            services.activity_update(activity=activity, **{name: getattr(activity, name) + (row.count or 1)})
            result.head_counts += row.count or 1
        else:
            person = _find_or_create_person(row, result, user)
            pending = attendance.setdefault(activity.pk, {})
            if person.pk not in pending and not activity.attendees.filter(pk=person.pk).exists():
                pending[person.pk] = person
                result.attendances += 1
        return
    if row.count is not None:  # a head count of anonymous contacts: one contact each, as if logged one by one
        contacts = bulk_create_with_history(
            [Contact(centre=row.centre, date=row.date, service=row.service, channel=row.channel, gender=row.gender)
             for _i in range(row.count)],
            Contact,
            default_change_reason="import_contacts",
        )
        rollups.refresh(touched=rollups.contact_keys(contacts))
        if row.topics:
            ContactTopic.objects.bulk_create([ContactTopic(contact=c, topic=t) for c in contacts for t in row.topics])
        result.contacts += row.count
        return
    person = _find_or_create_person(row, result, user)
    services.contact_log(
        centre=row.centre, staff=None, service=row.service, channel=row.channel, person=person, date=row.date,
        topics=row.topics, gender=row.gender,
    )
    result.contacts += 1


def save_attendance(attendance: dict[int, dict[int, Person]]) -> None:
    """One attendance change per activity per chunk: its history row snapshots every attendee,
    so saving after each row would store n² history rows for an event of n people."""
    for activity in Activity.objects.filter(pk__in=[pk for pk, pending in attendance.items() if pending]):
        # a fresh instance: rows after the first attendee may have changed the head counts
        services.activity_set_attendance(activity=activity, attendees=[*activity.attendees.all(), *attendance[activity.pk].values()])


def apply_rows(todo: list[tuple[LegacyRow, str]], result: ImportResult, *, user: AbstractBaseUser | None, source: str) -> None:
    """Apply each (row, fingerprint) in its own savepoint: a refused row leaves nothing behind."""
    attendance: dict[int, dict[int, Person]] = {}  # activity id -> new attendees
    for row, key in todo:
        try:
            with transaction.atomic():
                ImportedRow.objects.create(key=key, source=source, row_number=row.number, imported_by=user)
                _apply(row, result, attendance, user)
        except IntegrityError:  # a concurrent import applied the same row first
            if ImportedRow.objects.filter(key=key).exists():
                result.already_imported += 1
            else:
                result.errors.append((row.number, _("could not be saved; nothing from this row was kept.")))
            continue
        except ValidationError as exc:
            result.errors.append((row.number, error_text(exc)))
            continue
        result.imported += 1
    save_attendance(attendance)
