"""Large uploads import in the background (Django tasks) and show their progress on the import page."""
from __future__ import annotations

from dataclasses import asdict

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django_tasks import task

from helpdesk.imports.contacts import TOO_MANY_ROWS, import_contacts
from helpdesk.imports.reading import FileError, read_rows
from helpdesk.models import ContactImport

STOPPED_MESSAGE = gettext_lazy(
    "The import stopped unexpectedly. Rows imported so far are kept; uploading the file again continues where it stopped."
)


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


@task()
def contact_import_run(import_id: int) -> str:
    """Run one queued import, saving its progress after every chunk and its result at the end."""
    if not ContactImport.objects.filter(pk=import_id, status=ContactImport.Status.QUEUED).update(
        status=ContactImport.Status.RUNNING
    ):
        return "not queued"  # already taken by another worker, or gone
    job = ContactImport.objects.select_related("created_by").get(pk=import_id)
    jobs = ContactImport.objects.filter(pk=import_id)

    def progress(done: int, total: int) -> None:
        jobs.update(rows_done=done, rows_total=total)

    try:
        result = import_contacts(
            content=bytes(job.content), filename=job.file_name, user=job.created_by, dry_run=job.dry_run, progress=progress,
        )
    except FileError as exc:
        jobs.update(status=ContactImport.Status.FAILED, error=str(exc), content=b"", finished_at=timezone.now())
        return "failed"
    except Exception:
        jobs.update(status=ContactImport.Status.FAILED, error=str(STOPPED_MESSAGE), content=b"", finished_at=timezone.now())
        raise
    jobs.update(
        status=ContactImport.Status.DONE, result=asdict(result), rows_done=result.rows, content=b"", finished_at=timezone.now(),
    )
    return "done"
