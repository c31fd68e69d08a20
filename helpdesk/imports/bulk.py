"""Apply a chunk of legacy rows with a few bulk writes instead of a dozen queries a row.

Every row is validated in memory first (its person, activity and contacts); only
rows that pass are written, together, with their history rows. A row that fails
validation is reported and leaves nothing. If the writes themselves fail (a
concurrent import of the same rows), the caller rolls the chunk back and applies
it row by row (``helpdesk.imports.rowwise``).
"""
from __future__ import annotations

from collections import defaultdict

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from helpdesk import services
from helpdesk.choices import ConsentAction, ConsentMethod, ConsentScope
from helpdesk.consent import consent_events_for_new_person
from helpdesk.imports.documents import DocumentIndex
from helpdesk.imports.result import DEFAULT_FORMAT, HEADCOUNT_FIELD, ImportResult, activity_title
from helpdesk.imports.rows import LegacyRow
from helpdesk.imports.rowwise import IMPORT_NOTE, error_text
from helpdesk.models import Activity, ConsentEvent, Contact, ContactTopic, ImportedRow, Person
from helpdesk.reports import rollups

BATCH = 500
REASON = "import_contacts"
# Set from validated rows and known objects: checking them again would cost a query each.
PERSON_EXCLUDE = ["centre", "created_by"]
CONTACT_EXCLUDE = ["centre", "person", "staff"]
ACTIVITY_EXCLUDE = ["centre", "created_by", "attendees"]


def _person_key(row: LegacyRow) -> tuple | None:
    """How rows name one person after their NRC or passport: by card number, else by phone (as row by row)."""
    if not row.has_person:  # no consent to records: counted anonymously, never linked to anyone
        return None
    if row.person_ref:
        return ("ref", row.centre.pk, row.person_ref)
    if row.phone:
        return ("phone", row.centre.pk, row.phone)
    return None


def _existing_people(rows: list[LegacyRow]) -> dict[tuple, Person]:
    rows = [r for r in rows if r.has_person]
    refs = {(r.centre.pk, r.person_ref) for r in rows if r.person_ref}
    phones = {(r.centre.pk, r.phone) for r in rows if r.phone and not r.person_ref}
    found: dict[tuple, Person] = {}
    if refs:
        query = Q(centre_id__in={c for c, _r in refs}, card_number__in={r for _c, r in refs})
        for person in Person.objects.filter(query):
            found[("ref", person.centre_id, person.card_number)] = person
    if phones:
        query = Q(centre_id__in={c for c, _p in phones}, phone__in={p for _c, p in phones})
        for person in Person.objects.filter(query).order_by("pk"):
            found.setdefault(("phone", person.centre_id, person.phone), person)  # the earliest, as row by row
    return found


def _existing_activities(rows: list[LegacyRow]) -> dict[tuple, Activity]:
    keys = {(r.centre.pk, r.service, r.date, activity_title(r)) for r in rows if r.is_activity}
    if not keys:
        return {}
    found: dict[tuple, Activity] = {}
    candidates = Activity.objects.filter(
        centre_id__in={k[0] for k in keys}, date__in={k[2] for k in keys}, title__in={k[3] for k in keys},
    )
    for activity in candidates:  # default order, as ``.first()`` row by row
        found.setdefault((activity.centre_id, activity.kind, activity.date, activity.title), activity)
    return found


class _Plan:
    """What the chunk will write, filled row by row after each row has been validated."""

    def __init__(self, rows: list[LegacyRow]):
        self.people = _existing_people(rows)
        self.documents = DocumentIndex(rows)
        self.activities = _existing_activities(rows)
        self.new_people: list[Person] = []
        self.new_activities: list[Activity] = []
        self.changed_activities: dict[int, Activity] = {}
        self.contacts: list[tuple[Contact, tuple[str, ...]]] = []
        self.attendees: dict[tuple, dict[tuple, Person]] = defaultdict(dict)  # activity key -> {person key: person}
        self.fingerprints: list[ImportedRow] = []
        self.consented: dict[int, Person] = {}  # people registered before, whose consent a row records

    def person_for(self, row: LegacyRow, result: ImportResult, staged: list) -> Person | None:
        key = _person_key(row)
        person = self.documents.served(row) if row.has_person else None  # the NRC or passport first
        if person is None and key:
            person = self.people.get(key)
        if person is None and row.has_person:
            self.documents.check_not_elsewhere(row)  # never a silent duplicate of another centre's person
        if person is not None and person.pk and not person.consent_record and person.pk not in self.consented:
            staged.append(("consent", row.date, person))  # registered before consent was asked; this row says yes
        if person is None and row.has_person:
            person = Person(
                centre=row.centre, card_number=row.person_ref, name=row.name, gender=row.gender,
                phone=row.phone, birth_year=row.birth_year, consent_record=True, consent_date=row.date,
                nrc=row.nrc, passport_number=row.passport,
            )
            services.set_document_keys(person)
            person.full_clean(exclude=PERSON_EXCLUDE, validate_unique=False, validate_constraints=False)
            staged.append(("person", key, person))
        return person

    def activity_for(self, row: LegacyRow, staged: list) -> tuple[tuple, Activity]:
        key = (row.centre.pk, row.service, row.date, activity_title(row))
        activity = self.activities.get(key)
        if activity is None:
            activity = Activity(
                centre=row.centre, kind=row.service, format=DEFAULT_FORMAT[row.service], title=key[3], date=row.date,
                notes=_(IMPORT_NOTE),
            )
            activity.full_clean(exclude=ACTIVITY_EXCLUDE, validate_unique=False, validate_constraints=False)
            staged.append(("activity", key, activity))
        return key, activity

    def add(self, row: LegacyRow, fingerprint: ImportedRow, result: ImportResult) -> None:
        """Validate one row and add what it writes to the plan; ValidationError leaves the plan unchanged."""
        staged: list = []  # new people and activities this row would add, kept only if the whole row is valid
        counts = ImportResult()
        head_count = None
        attendee = None
        contacts: list[tuple[Contact, tuple[str, ...]]] = []
        if row.is_activity:
            key, activity = self.activity_for(row, staged)
            if row.count is not None or not row.has_person:
                head_count = (key, activity, HEADCOUNT_FIELD[row.gender], row.count or 1)
            else:
                attendee = (key, self.person_for(row, counts, staged))
        else:
            person = None if row.count is not None else self.person_for(row, counts, staged)
            gender = person.gender if person else row.gender
            contact = Contact(centre=row.centre, person=person, date=row.date, service=row.service,
                              channel=row.channel, gender=gender)
            contact.full_clean(exclude=CONTACT_EXCLUDE, validate_unique=False, validate_constraints=False)
            contacts = [(contact, row.topics)]
            if row.count is not None:  # a head count of anonymous contacts: one contact each, as if logged one by one
                contacts += [
                    (Contact(centre=row.centre, date=row.date, service=row.service, channel=row.channel, gender=gender), row.topics)
                    for _i in range(row.count - 1)
                ]
        # The row is valid: commit its parts to the plan.
        for kind, key, obj in staged:
            if kind == "consent":
                obj.consent_record, obj.consent_date = True, key
                self.consented[obj.pk] = obj
            elif kind == "person":
                self.new_people.append(obj)
                counts.people_created += 1
                if key:
                    self.people[key] = obj
                if obj.phone:  # a later row naming only this phone finds this person
                    self.people.setdefault(("phone", obj.centre_id, obj.phone), obj)
                self.documents.add(obj)  # and one naming only this NRC or passport
            else:
                self.new_activities.append(obj)
                counts.activities_created += 1
                self.activities[key] = obj
        if head_count:
            key, activity, name, number = head_count
            setattr(activity, name, getattr(activity, name) + number)
            if activity.pk:
                self.changed_activities[activity.pk] = activity
            counts.head_counts += number
        if attendee:
            key, person = attendee
            self.attendees[key].setdefault(("id", person.pk) if person.pk else ("new", id(person)), person)
        self.contacts.extend(contacts)
        counts.contacts += len(contacts)
        counts.anonymous += int(row.names_person and not row.consent)
        counts.imported += 1
        self.fingerprints.append(fingerprint)
        result.add(counts)

    def write(self, user: AbstractBaseUser | None, result: ImportResult) -> None:
        if self.new_people:
            bulk_create_with_history(self.new_people, Person, batch_size=BATCH, default_user=user, default_change_reason=REASON)
            ConsentEvent.objects.bulk_create(
                [e for p in self.new_people for e in consent_events_for_new_person(p, method=ConsentMethod.PAPER, by=user)],
                batch_size=BATCH,
            )
        if self.consented:
            people = list(self.consented.values())
            bulk_update_with_history(
                people, Person, fields=["consent_record", "consent_date"], batch_size=BATCH, default_user=user, default_change_reason=REASON,
            )
            ConsentEvent.objects.bulk_create(
                [ConsentEvent(person=p, scope=ConsentScope.RECORD, action=ConsentAction.GIVEN, method=ConsentMethod.PAPER,
                              date=p.consent_date, recorded_by=user) for p in people],
                batch_size=BATCH,
            )
        if self.new_activities:
            bulk_create_with_history(self.new_activities, Activity, batch_size=BATCH, default_user=user, default_change_reason=REASON)
        if self.changed_activities:
            bulk_update_with_history(
                list(self.changed_activities.values()), Activity, fields=list(HEADCOUNT_FIELD.values()),
                batch_size=BATCH, default_user=user, default_change_reason=REASON,
            )
        if self.contacts:
            contacts = [contact for contact, _topics in self.contacts]  # Django takes the new people's ids
            bulk_create_with_history(contacts, Contact, batch_size=BATCH, default_user=user, default_change_reason=REASON)
            ContactTopic.objects.bulk_create(
                [ContactTopic(contact=contact, topic=topic) for contact, topics in self.contacts for topic in topics],
                batch_size=BATCH,
            )
        rollups.refresh(touched=[  # late entries in closed quarters keep the report rollups exact
            *rollups.contact_keys(contact for contact, _topics in self.contacts),
            *((a.date, a.centre_id, None) for a in [*self.new_activities, *self.changed_activities.values()]),
        ])
        self._write_attendance(user, result)
        ImportedRow.objects.bulk_create(self.fingerprints, batch_size=BATCH)

    def _write_attendance(self, user: AbstractBaseUser | None, result: ImportResult) -> None:
        """One attendance change per activity per chunk (its history row snapshots every attendee)."""
        pending = {self.activities[key]: people for key, people in self.attendees.items() if people}
        if not pending:
            return
        through = Activity.attendees.through
        present = defaultdict(set)
        for activity_id, person_id in through.objects.filter(activity__in=[a.pk for a in pending]).values_list("activity_id", "person_id"):
            present[activity_id].add(person_id)
        additions = {activity: [p for p in people.values() if p.pk not in present[activity.pk]] for activity, people in pending.items()}
        services.activities_add_attendees(additions=additions, user=user, reason=REASON)
        result.attendances += sum(len(people) for people in additions.values())


def apply_rows(todo: list[tuple[LegacyRow, str]], result: ImportResult, *, user: AbstractBaseUser | None, source: str) -> None:
    """Validate every (row, fingerprint), then write the valid rows together. Database errors propagate."""
    plan = _Plan([row for row, _key in todo])
    for row, key in todo:
        fingerprint = ImportedRow(key=key, source=source, row_number=row.number, imported_by=user)
        try:
            plan.add(row, fingerprint, result)
        except ValidationError as exc:
            result.errors.append((row.number, error_text(exc)))
    plan.write(user, result)
