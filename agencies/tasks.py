"""Long licence lists import in the background, as legacy contacts do (``helpdesk.imports.jobs``)."""
from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone, translation
from django_tasks import task

from agencies.models import AgencyImport
from agencies.report import report_lines
from agencies.services import agency_import
from helpdesk.imports.jobs import STOPPED_MESSAGE

Status = AgencyImport.Status
MISSING_LIMIT = 200  # as on the upload page


def agency_import_queue(
    *, content: bytes, filename: str, user: AbstractBaseUser | None, dry_run: bool, rows: int | None, language: str
) -> AgencyImport:
    """Store the file and queue its import; the upload's own page then shows its progress."""
    job = AgencyImport.objects.create(
        file_name=filename[:255], content=content, dry_run=dry_run, rows_total=rows or 0, created_by=user, language=language,
    )
    agency_import_run.enqueue(job.pk)
    return job


@task()
def agency_import_run(import_id: int) -> str:
    """Run one queued import, saving its progress as it goes and its report at the end."""
    if not AgencyImport.objects.filter(pk=import_id, status=Status.QUEUED).update(status=Status.RUNNING):
        return "not queued"  # already taken by another worker, or gone
    job = AgencyImport.objects.select_related("created_by").get(pk=import_id)
    jobs = AgencyImport.objects.filter(pk=import_id)

    def progress(done: int, total: int) -> None:
        jobs.update(rows_done=done, rows_total=total)

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
