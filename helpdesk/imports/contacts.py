"""Write legacy monitoring rows as contacts, activities and people.

Each row is applied in its own savepoint: a bad row is reported and undone,
the good ones are kept. A row already applied (same fingerprint) is skipped,
so importing a file twice changes nothing.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from simple_history.utils import bulk_create_with_history

from helpdesk import services
from helpdesk.choices import ActivityFormat, ActivityKind, Gender
from helpdesk.imports.reading import FileError, read_rows
from helpdesk.imports.rows import LegacyRow, RowError, parse_row
from helpdesk.models import Activity, Centre, Contact, ContactTopic, ImportedRow, Person

TOO_MANY_ROWS = _lazy(
    "This file has %(rows)s rows; the upload page takes up to %(max)s. Split it, "
    "or run “python manage.py import_contacts FILE” on the server, which shows its progress."
)
CHUNK = 500  # rows per transaction: a crash loses at most one chunk, and re-running resumes
HEADCOUNT_FIELD = {
    Gender.WOMAN: "women_count", Gender.MAN: "men_count", Gender.OTHER: "other_count", Gender.UNDISCLOSED: "undisclosed_count",
}
# Not translated: the same rows must find the same activity whatever the importer's language.
DEFAULT_TITLE = {ActivityKind.TRAINING: "Training", ActivityKind.MOBILISATION: "Community mobilisation"}
DEFAULT_FORMAT = {ActivityKind.TRAINING: ActivityFormat.TRAINING_SESSION, ActivityKind.MOBILISATION: ActivityFormat.OUTREACH}


@dataclass
class ImportResult:
    rows: int = 0
    imported: int = 0
    already_imported: int = 0
    contacts: int = 0
    people_created: int = 0
    activities_created: int = 0
    attendances: int = 0
    head_counts: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    dry_run: bool = False


def _find_or_create_person(row: LegacyRow, result: ImportResult) -> Person | None:
    """Link rows of one person by beneficiary card number, else by phone; create the person when new."""
    people = Person.objects.filter(centre=row.centre)
    person = None
    if row.person_ref:
        person = people.filter(card_number=row.person_ref).first()
    elif row.phone:
        person = people.filter(phone=row.phone).order_by("pk").first()
    if person is None and row.has_person:
        person = services.person_create(
            centre=row.centre, card_number=row.person_ref, name=row.name, gender=row.gender,
            phone=row.phone, birth_year=row.birth_year,
        )
        result.people_created += 1
    return person


def _activity_for(row: LegacyRow, result: ImportResult) -> Activity:
    """The activity a row belongs to: same centre, kind, date and title (title defaults to kind and date)."""
    title = row.activity or f"{DEFAULT_TITLE[row.service]} {row.date.isoformat()}"
    activity = Activity.objects.filter(centre=row.centre, kind=row.service, date=row.date, title=title).first()
    if activity is None:
        activity = services.activity_create(
            centre=row.centre, kind=row.service, format=DEFAULT_FORMAT[row.service], title=title, date=row.date,
            notes=_("Imported from a legacy spreadsheet."),
        )
        result.activities_created += 1
    return activity


def _apply(row: LegacyRow, result: ImportResult, attendance: dict[int, dict[int, Person]]) -> None:
    """Write one row. Attendees are collected in ``attendance`` and saved once per activity per chunk."""
    if row.is_activity:
        activity = _activity_for(row, result)
        if row.count is not None or not row.has_person:
            name = HEADCOUNT_FIELD[row.gender]
            services.activity_update(activity=activity, **{name: getattr(activity, name) + (row.count or 1)})
            result.head_counts += row.count or 1
        else:
            person = _find_or_create_person(row, result)
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
        if row.topics:
            ContactTopic.objects.bulk_create([ContactTopic(contact=c, topic=t) for c in contacts for t in row.topics])
        result.contacts += row.count
        return
    person = _find_or_create_person(row, result)
    services.contact_log(
        centre=row.centre, staff=None, service=row.service, channel=row.channel, person=person, date=row.date,
        topics=row.topics, gender=row.gender,
    )
    result.contacts += 1


def _error_text(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{name}: {' '.join(messages)}" for name, messages in exc.message_dict.items())
    return " ".join(exc.messages)


def import_contacts(
    *,
    content: bytes,
    filename: str,
    user: AbstractBaseUser | None = None,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
    max_rows: int | None = None,
) -> ImportResult:
    """Import a legacy CSV/XLSX of services given; report row errors, keep the valid rows.

    Raises helpdesk.imports.reading.FileError when the file as a whole is unreadable
    (or longer than ``max_rows``, the web page's limit: a request must not run for minutes).
    With ``dry_run`` everything is checked and counted, then rolled back.
    """
    rows, ignored = read_rows(content, filename)
    if max_rows is not None and len(rows) > max_rows:
        raise FileError(TOO_MANY_ROWS % {"rows": f"{len(rows):,}", "max": f"{max_rows:,}"})
    result = ImportResult(rows=len(rows), ignored_columns=ignored, dry_run=dry_run)
    centres = {c.code.upper(): c for c in Centre.objects.all()}
    seen: Counter[str] = Counter()

    def save_attendance(attendance):
        """One attendance change per activity per chunk: its history row snapshots every attendee,
        so saving after each row would store n² history rows for an event of n people."""
        for activity in Activity.objects.filter(pk__in=[pk for pk, pending in attendance.items() if pending]):
            # a fresh instance: rows after the first attendee may have changed the head counts
            services.activity_set_attendance(activity=activity, attendees=[*activity.attendees.all(), *attendance[activity.pk].values()])

    def run_chunk(chunk):
        attendance: dict[int, dict[int, Person]] = {}  # activity id -> new attendees
        parsed = []
        for number, raw in chunk:
            try:
                row = parse_row(number, raw, centres)
            except RowError as exc:
                result.errors.append((number, str(exc)))
                continue
            base = row.fingerprint(0)
            parsed.append((row, row.fingerprint(seen[base])))  # the n-th identical row in the file is a distinct service
            seen[base] += 1
        done_before = set(ImportedRow.objects.filter(key__in=[key for _row, key in parsed]).values_list("key", flat=True))
        for row, key in parsed:
            if key in done_before:
                result.already_imported += 1
                continue
            try:
                with transaction.atomic():
                    ImportedRow.objects.create(key=key, source=filename[:255], row_number=row.number, imported_by=user)
                    _apply(row, result, attendance)
            except IntegrityError:  # a concurrent import applied the same row first
                if ImportedRow.objects.filter(key=key).exists():
                    result.already_imported += 1
                else:
                    result.errors.append((row.number, _("could not be saved; nothing from this row was kept.")))
                continue
            except ValidationError as exc:
                result.errors.append((row.number, _error_text(exc)))
                continue
            result.imported += 1
        save_attendance(attendance)

    chunks = [rows[i:i + CHUNK] for i in range(0, len(rows), CHUNK)]
    if dry_run:
        with transaction.atomic():
            for done, chunk in enumerate(chunks, start=1):
                run_chunk(chunk)
                if progress:
                    progress(min(done * CHUNK, len(rows)), len(rows))
            transaction.set_rollback(True)
    else:
        for done, chunk in enumerate(chunks, start=1):
            with transaction.atomic():
                run_chunk(chunk)
            if progress:
                progress(min(done * CHUNK, len(rows)), len(rows))
    return result
