"""Long licence lists import in the background, as legacy contacts do (``helpdesk.imports.jobs``)."""
from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from agencies.models import AgencyImport
from agencies.report import report_lines
from agencies.services import agency_import
from helpdesk.imports.jobs import STALLED_AFTER, STOPPED_MESSAGE

Status = AgencyImport.Status
MISSING_LIMIT = 200  # as on the upload page
# The import saves all rows in one transaction: a job whose worker died applied nothing.
WORKER_STOPPED = _("The background worker stopped before the end. Nothing was saved: start the import again.")


def agency_import_queue(
    *, content: bytes, filename: str, user: AbstractBaseUser | None, dry_run: bool, rows: int | None, language: str
) -> AgencyImport:
    """Store the file and queue its import; the upload's own page then shows its progress."""
    job = AgencyImport.objects.create(
        file_name=filename[:255], content=content, dry_run=dry_run, rows_total=rows or 0, created_by=user, language=language,
    )
    agency_import_run.enqueue(job.pk)
    return job


def agency_import_stopped(job: AgencyImport) -> bool:
    """True when the job is "running" with no sign of life for STALLED_AFTER: its worker died (as for contact imports)."""
    last = job.progress_at or job.created_at
    return job.status == Status.RUNNING and timezone.now() - last > STALLED_AFTER


def agency_import_restart(*, job: AgencyImport) -> bool:
    """Queue a stopped job again (its file is kept until it finishes); False when it is not stopped."""
    if not agency_import_stopped(job):
        return False
    stale = timezone.now() - STALLED_AFTER
    queued = AgencyImport.objects.filter(pk=job.pk, status=Status.RUNNING).filter(
        Q(progress_at__lt=stale) | Q(progress_at__isnull=True, created_at__lt=stale)
    ).exclude(content=b"").update(status=Status.QUEUED, rows_done=0, progress_at=timezone.now())
    if queued:
        agency_import_run.enqueue(job.pk)
    return bool(queued)


@task(queue_name="imports")  # its own workers: a long import never delays a bot reply
def agency_import_run(import_id: int) -> str:
    """Run one queued import, saving its progress as it goes and its report at the end."""
    if not AgencyImport.objects.filter(pk=import_id, status=Status.QUEUED).update(
        status=Status.RUNNING, progress_at=timezone.now(),
    ):
        return "not queued"  # already taken by another worker, or gone
    job = AgencyImport.objects.select_related("created_by").get(pk=import_id)
    jobs = AgencyImport.objects.filter(pk=import_id)

    def progress(done: int, total: int) -> None:
        jobs.update(rows_done=done, rows_total=total, progress_at=timezone.now())

    with translation.override(job.language or None):
        try:
            report = agency_import(
                content=bytes(job.content), filename=job.file_name, user=job.created_by, dry_run=job.dry_run, progress=progress,
            )
        except Exception:
            jobs.update(status=Status.FAILED, error=str(STOPPED_MESSAGE), content=b"", finished_at=timezone.now())
            raise
        if report.file_error:
            jobs.update(status=Status.FAILED, error=report.file_error, content=b"", finished_at=timezone.now())
            return "failed"
        lines = [str(line) for line in report_lines(report, missing_limit=MISSING_LIMIT)]
    jobs.update(status=Status.DONE, report=lines, rows_done=report.rows, rows_total=report.rows, content=b"", finished_at=timezone.now())
    return "done"


def agency_imports_recover() -> int:
    """Mark failed, and delete the file of, every licence-list import whose worker died; return how many.

    These imports save all rows in one transaction, so a dead worker saved
    nothing and there is nothing to resume from (``manage.py imports_recover``).
    """
    stale = timezone.now() - STALLED_AFTER
    return AgencyImport.objects.filter(status=Status.RUNNING).filter(
        Q(progress_at__lt=stale) | Q(progress_at__isnull=True, created_at__lt=stale)
    ).update(status=Status.FAILED, error=str(WORKER_STOPPED), content=b"", finished_at=timezone.now())
