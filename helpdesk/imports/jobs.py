"""Large uploads import in the background (Django tasks) and show their progress on the import page.

A job that stops part-way (an error, a killed worker) keeps its file and what it
applied so far; continuing it re-runs the file, and the row fingerprints skip
every row already applied, so nothing is imported twice.
"""
from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django_tasks import task

from helpdesk.imports.contacts import TOO_MANY_ROWS, import_contacts
from helpdesk.imports.reading import FileError, read_rows
from helpdesk.imports.result import ImportResult
from helpdesk.models import ContactImport

STOPPED_MESSAGE = gettext_lazy(
    "The import stopped before the end. The rows counted below are saved; "
    "“Continue the import” imports the rest without repeating them."
)
CHECK_STOPPED = gettext_lazy("The background worker stopped before the end of the check. Nothing was saved: upload the file again.")
STALLED_AFTER = timedelta(minutes=10)  # a running job with no progress for this long lost its worker


def contact_import_queue(
    *, content: bytes, filename: str, user: AbstractBaseUser | None, dry_run: bool, max_rows: int | None = None
) -> ContactImport:
    """Check the file can be read, store it and queue its import; FileError when it cannot."""
    rows, _ignored = read_rows(content, filename)
    if max_rows is not None and len(rows) > max_rows:
        raise FileError(TOO_MANY_ROWS % {"rows": f"{len(rows):,}", "max": f"{max_rows:,}"})
    job = ContactImport.objects.create(
        file_name=filename[:255], content=content, dry_run=dry_run, rows_total=len(rows), created_by=user,
    )
    contact_import_run.enqueue(job.pk)
    return job


def contact_import_stopped(job: ContactImport) -> bool:
    """True when the job stopped part-way (failed, or running without progress) and its file is still kept."""
    if job.dry_run or not job.can_continue:
        return False
    if job.status == ContactImport.Status.FAILED:
        return True
    last = job.progress_at or job.created_at
    return job.status == ContactImport.Status.RUNNING and timezone.now() - last > STALLED_AFTER


def contact_import_continue(*, job: ContactImport) -> bool:
    """Queue a stopped job again; False when it is not stopped (finished, still running, or continued already)."""
    stalled = Q(status=ContactImport.Status.RUNNING, progress_at__lt=timezone.now() - STALLED_AFTER)
    if not contact_import_stopped(job):
        return False
    queued = ContactImport.objects.filter(Q(status=ContactImport.Status.FAILED) | stalled, pk=job.pk, dry_run=False).update(
        status=ContactImport.Status.QUEUED, error="", finished_at=None, progress_at=timezone.now(),
    )
    if queued:
        contact_import_run.enqueue(job.pk)
    return bool(queued)


def contact_imports_recover() -> tuple[int, int]:
    """Find imports whose worker died (running, no progress for STALLED_AFTER): resume or fail them.

    An import resumes from where it stopped (the fingerprints skip the rows it
    applied); a check (dry run) saved nothing, so it is marked failed and its
    file deleted. Return (resumed, failed). ``manage.py imports_recover`` runs it.
    """
    resumed = failed = 0
    stale = ContactImport.objects.filter(
        status=ContactImport.Status.RUNNING, progress_at__lt=timezone.now() - STALLED_AFTER
    ).only("pk", "dry_run", "status", "progress_at", "created_at")
    for job in stale:
        if job.dry_run:
            failed += ContactImport.objects.filter(pk=job.pk, status=ContactImport.Status.RUNNING).update(
                status=ContactImport.Status.FAILED, error=str(CHECK_STOPPED), content=b"", finished_at=timezone.now(),
            )
        elif contact_import_continue(job=job):
            resumed += 1
    return resumed, failed


def _progress_outside_the_check(import_id: int, done: int, total: int) -> None:
    """Record a check's progress on a connection of its own.

    A check runs in one transaction that is rolled back at the end, so progress written
    inside it would never be seen (and the job would look stalled). SQLite allows one
    writer at a time, so there the figures appear only at the end (production runs PostgreSQL).
    """
    if connection.vendor == "sqlite":
        ContactImport.objects.filter(pk=import_id).update(rows_done=done, rows_total=total, progress_at=timezone.now())
        return
    beat = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with beat.cursor() as cursor:
            table = beat.ops.quote_name(ContactImport._meta.db_table)
            cursor.execute(
                f"UPDATE {table} SET rows_done = %s, rows_total = %s, progress_at = %s WHERE id = %s",
                [done, total, beat.ops.adapt_datetimefield_value(timezone.now()), import_id],
            )
    finally:
        beat.close()


def _with_earlier(result: ImportResult, earlier: ImportResult | None) -> ImportResult:
    """Count the rows a stopped run applied as imported by this job, not as "already imported"."""
    if earlier is None:
        return result
    merged = ImportResult(**asdict(result))
    moved = min(earlier.imported, merged.already_imported)
    merged.imported += moved
    merged.already_imported -= moved
    for name in ("contacts", "people_created", "activities_created", "attendances", "head_counts", "anonymous"):
        setattr(merged, name, getattr(merged, name) + getattr(earlier, name))
    return merged


@task(queue_name="imports")  # its own workers: a long import never delays a bot reply
def contact_import_run(import_id: int) -> str:
    """Run one queued import, saving its progress and what it applied after every chunk."""
    if not ContactImport.objects.filter(pk=import_id, status=ContactImport.Status.QUEUED).update(
        status=ContactImport.Status.RUNNING, progress_at=timezone.now(),
    ):
        return "not queued"  # already taken by another worker, or gone
    job = ContactImport.objects.select_related("created_by").get(pk=import_id)
    jobs = ContactImport.objects.filter(pk=import_id)
    earlier = ImportResult(**job.result) if job.result else None  # what a stopped run applied

    def progress(done: int, total: int, result: ImportResult) -> None:
        if job.dry_run:  # a check saves nothing, but its page shows how far it got (and the beat says the worker lives)
            _progress_outside_the_check(import_id, done, total)
        else:
            merged = _with_earlier(result, earlier)
            jobs.update(rows_done=done, rows_total=total, result=asdict(merged), progress_at=timezone.now())

    try:
        result = import_contacts(
            content=bytes(job.content), filename=job.file_name, user=job.created_by, dry_run=job.dry_run, progress=progress,
        )
    except FileError as exc:
        jobs.update(status=ContactImport.Status.FAILED, error=str(exc), content=b"", finished_at=timezone.now())
        return "failed"
    except Exception:
        # Keep the file (unless checking only) so the job can be continued; what was applied is in ``result``.
        jobs.update(status=ContactImport.Status.FAILED, error=str(STOPPED_MESSAGE), finished_at=timezone.now(),
                    **({"content": b""} if job.dry_run else {}))
        raise
    result = _with_earlier(result, earlier)
    jobs.update(
        status=ContactImport.Status.DONE, result=asdict(result), rows_done=result.rows, content=b"", finished_at=timezone.now(),
    )
    return "done"
