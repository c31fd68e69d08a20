"""A long licence list imports in the background: the upload answers at once, the job page shows the report."""
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from agencies.models import Agency, AgencyImport
from agencies.tasks import agency_import_run

pytestmark = pytest.mark.django_db


def licence_list(rows: int, bad_status_row: int | None = None) -> bytes:
    lines = ["licence_number,name_en,status"]
    for i in range(1, rows + 1):
        lines.append(f"{i}/2019,Agency Number {i} Co. Ltd,{'closed down' if i == bad_status_row else 'licensed'}")
    return ("\n".join(lines) + "\n").encode()


def test_a_list_over_the_threshold_goes_to_the_background_and_reports_there(client, admin_user, staff, settings):
    settings.AGENCY_IMPORT_SYNC_ROWS = 5
    client.force_login(admin_user)
    response = client.post(reverse("agencies:agency_import"), {"file": SimpleUploadedFile("moe-2026.csv", licence_list(12, bad_status_row=7))})
    job = AgencyImport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("agencies:agency_import_job", args=[job.pk])
    # The tests run tasks at once; a worker (manage.py db_worker) does in production.
    assert (job.status, job.rows_done, job.rows_total, bytes(job.content)) == ("done", 12, 12, b"")
    assert Agency.objects.count() == 11
    page = client.get(response["Location"]).content.decode()
    assert "12 rows read from moe-2026.csv: 11 new" in page and "Row 8: ERROR" in page and "closed down" in page
    assert "moe-2026.csv" in client.get(reverse("agencies:agency_import")).content.decode()  # listed under recent imports
    client.force_login(staff)
    assert client.get(response["Location"]).status_code == 403


def test_a_short_list_is_still_imported_at_once(client, admin_user, settings):
    settings.AGENCY_IMPORT_SYNC_ROWS = 5
    client.force_login(admin_user)
    response = client.post(reverse("agencies:agency_import"), {"file": SimpleUploadedFile("short.csv", licence_list(3))})
    assert response.status_code == 200 and "3 rows read from short.csv" in response.content.decode()
    assert not AgencyImport.objects.exists() and Agency.objects.count() == 3


def test_a_dry_run_in_the_background_saves_nothing(client, admin_user, settings):
    settings.AGENCY_IMPORT_SYNC_ROWS = 5
    client.force_login(admin_user)
    client.post(reverse("agencies:agency_import"), {"file": SimpleUploadedFile("moe.csv", licence_list(8)), "dry_run": "on"})
    job = AgencyImport.objects.get()
    assert job.status == "done" and job.report[0].startswith("Dry run") and not Agency.objects.exists()


def test_the_report_is_written_in_the_uploaders_language(client, admin_user, settings):
    settings.AGENCY_IMPORT_SYNC_ROWS = 5
    client.force_login(admin_user)
    client.post(reverse("agencies:agency_import"), {"file": SimpleUploadedFile("moe.csv", licence_list(8))}, HTTP_ACCEPT_LANGUAGE="my")
    job = AgencyImport.objects.get()
    assert job.language == "my" and "moe.csv" in job.report[0] and "rows read" not in job.report[0]


def test_an_xlsx_without_a_declared_size_goes_to_the_background(client, admin_user, settings):
    """Without a <dimension> the length is unknown until read: the background is the safe side."""
    import zipfile

    settings.AGENCY_IMPORT_SYNC_ROWS = 5
    book = Workbook()
    for row in [["licence_number", "name_en"], ["1/2020", "Shwe Yee"], ["2/2020", "Golden Myanmar"]]:
        book.active.append(row)
    raw = io.BytesIO()
    book.save(raw)
    source, out = zipfile.ZipFile(io.BytesIO(raw.getvalue())), io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for part in source.infolist():
            data = source.read(part.filename)
            archive.writestr(part.filename, data.replace(b'<dimension ref="A1:B3" />', b"") if "sheet1" in part.filename else data)
    client.force_login(admin_user)
    response = client.post(reverse("agencies:agency_import"), {"file": SimpleUploadedFile("list.xlsx", out.getvalue())})
    assert response.status_code == 302 and AgencyImport.objects.get().status == "done" and Agency.objects.count() == 2


def test_a_file_that_cannot_be_read_fails_the_job_with_the_reason(admin_user):
    job = AgencyImport.objects.create(file_name="notes.csv", content=b"just some notes\nno columns here\n", created_by=admin_user)
    agency_import_run.call(job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and "licence number column" in job.error and bytes(job.content) == b""


def test_a_job_runs_once(admin_user):
    job = AgencyImport.objects.create(file_name="moe.csv", content=licence_list(2), created_by=admin_user)
    assert agency_import_run.call(job.pk) == "done"
    assert agency_import_run.call(job.pk) == "not queued"
    assert Agency.objects.count() == 2


def test_a_job_whose_worker_died_says_so_and_can_be_started_again(client, admin_user):
    from datetime import timedelta

    from django.utils import timezone

    long_ago = timezone.now() - timedelta(minutes=11)
    job = AgencyImport.objects.create(
        file_name="moe.csv", content=licence_list(3), created_by=admin_user, status="running", created_at=long_ago, progress_at=long_ago,
    )
    alive = AgencyImport.objects.create(file_name="moe2.csv", content=licence_list(3), created_by=admin_user, status="running",
                                        progress_at=timezone.now())
    client.force_login(admin_user)
    url = reverse("agencies:agency_import_job", args=[job.pk])
    page = client.get(url).content.decode()
    assert "Nothing was saved: start the import again" in page and 'http-equiv="refresh"' not in page
    working = client.get(reverse("agencies:agency_import_job", args=[alive.pk])).content.decode()
    assert "Nothing was saved" not in working and 'http-equiv="refresh"' in working
    assert client.post(reverse("agencies:agency_import_job", args=[alive.pk])).status_code == 200  # not stopped: nothing queued
    alive.refresh_from_db()
    assert alive.status == "running"

    assert client.post(url).status_code == 302
    job.refresh_from_db()
    assert (job.status, job.rows_done) == ("done", 3) and Agency.objects.count() == 3
    assert "3 new" in client.get(url).content.decode()
