"""Writes to the agency register. The command, the admin upload page, the contact form and the bots call these."""
from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from agencies.imports import RowError, parse_rows
from agencies.lookup import invalidate_index
from agencies.models import Agency, AgencyCheck, LicenceStatus
from agencies.register import register_changed
from helpdesk.models import Contact
from helpdesk.spreadsheets import read_table

BATCH_SIZE = 500


@dataclass(frozen=True)
class RowChange:
    row: int
    licence_number: str
    name: str
    changes: dict[str, tuple] = field(default_factory=dict)  # field -> (old, new)


@dataclass
class ImportReport:
    """What an import did (or, with dry_run, would do)."""

    source: str
    dry_run: bool
    rows: int = 0
    created: list[RowChange] = field(default_factory=list)
    updated: list[RowChange] = field(default_factory=list)
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    missing: list[Agency] = field(default_factory=list)  # registered agencies not in this file
    file_error: str = ""

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def _display(value) -> str:
    return "" if value is None else str(value)


@transaction.atomic
def agency_import(
    *,
    content: bytes,
    filename: str,
    user: AbstractBaseUser | None,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Create or update agencies from a licence list, by licence number; each change goes into the history.

    Importing the same file twice changes nothing. Rows with errors are reported
    and skipped; the valid rows are saved together. Agencies missing from the
    file are reported, never deleted. With ``dry_run`` nothing is saved.
    """
    report = ImportReport(source=filename, dry_run=dry_run)
    try:
        parsed = parse_rows(read_table(content, filename))
    except ValueError as exc:
        report.file_error = str(exc)
        return report
    report.rows, report.errors = parsed.total, list(parsed.errors)
    reason = f"import {filename}"[:100]
    existing = {agency.licence_number: agency for agency in Agency.objects.select_for_update()}
    to_create, to_update, update_fields = [], [], set()
    now = timezone.now()
    total = len(parsed.rows)
    for done, (row_number, values) in enumerate(parsed.rows):
        if progress and done and done % BATCH_SIZE == 0:
            progress(done, total)
        number = values["licence_number"]
        agency = existing.get(number)
        if agency is None:
            agency = Agency(**values)
            try:
                agency.full_clean(validate_unique=False, validate_constraints=False)
            except ValidationError as error:  # e.g. a status-only list naming an agency we do not have
                report.errors.append(RowError(row_number, number, " ".join(error.messages)))
                continue
            to_create.append(agency)
            report.created.append(RowChange(row_number, number, str(agency)))
        else:
            changes = {
                name: (_display(getattr(agency, name)), _display(value))
                for name, value in values.items()
                if getattr(agency, name) != value
            }
            if changes:
                updated = copy.copy(agency)  # the registered agency stays as it is if the row is refused
                for name, value in values.items():
                    setattr(updated, name, value)
                try:
                    updated.full_clean(validate_unique=False, validate_constraints=False)
                except ValidationError as error:  # e.g. a new expiry date before the issue date we have
                    report.errors.append(RowError(row_number, number, " ".join(error.messages)))
                    continue
                updated.updated_at = now
                update_fields.update(changes)
                to_update.append(updated)
                report.updated.append(RowChange(row_number, number, str(updated), changes))
            else:
                report.unchanged += 1
    if progress and total:
        progress(total, total)
    report.errors.sort(key=lambda error: error.row)
    seen = {values["licence_number"] for _, values in parsed.rows} | {error.licence_number for error in parsed.errors}
    report.missing = sorted((a for n, a in existing.items() if n not in seen), key=lambda a: a.licence_number)
    if dry_run:
        return report
    if to_create:
        bulk_create_with_history(to_create, Agency, batch_size=BATCH_SIZE, default_user=user, default_change_reason=reason)
    if to_update:
        bulk_update_with_history(
            to_update, Agency, fields=[*sorted(update_fields), "updated_at"], batch_size=BATCH_SIZE,
            default_user=user, default_change_reason=reason,
        )
    if report.changed:
        register_changed()  # bulk writes skip Agency.save()
        transaction.on_commit(invalidate_index)
    return report


@transaction.atomic
def agency_check_record(
    *, contact: Contact, query: str, agency: Agency | None, user: AbstractBaseUser | None = None
) -> AgencyCheck:
    """Record which agency was checked during a contact, with its licence status at that moment.

    ``agency=None`` means nothing in the register matched: an unlicensed agency.
    """
    status = agency.effective_status if agency else ""
    check = AgencyCheck(
        contact=contact,
        agency=agency,
        query=query[:255],
        status_at_check=status,
        licensed=status == LicenceStatus.LICENSED,
    )
    check.full_clean()
    check._history_user = user
    check.save()
    return check
