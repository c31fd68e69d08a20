"""``manage.py imports_recover``: an import whose worker died is resumed, or failed with its file deleted."""
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from agencies.models import AgencyImport
from helpdesk.models import Contact, ContactImport

pytestmark = pytest.mark.django_db

ROWS = b"date,centre,service,gender\n" + b"2023-01-05,NDG,drop_in,woman\n" * 3


def stalled(model, **fields):
    long_ago = timezone.now() - timedelta(hours=1)
    return model.objects.create(file_name="big.csv", content=ROWS, status="running", created_at=long_ago, progress_at=long_ago, **fields)


def test_a_dead_import_resumes_and_a_dead_check_fails_without_its_file(centre, admin_user):
    import_job = stalled(ContactImport, rows_total=3, created_by=admin_user)
    check = stalled(ContactImport, rows_total=3, dry_run=True)
    licences = stalled(AgencyImport)
    alive = ContactImport.objects.create(file_name="live.csv", content=ROWS, status="running", progress_at=timezone.now())
    call_command("imports_recover", verbosity=0)
    import_job.refresh_from_db()
    assert import_job.status == "done" and Contact.objects.count() == 3  # resumed (tests run tasks inline)
    check.refresh_from_db()
    assert check.status == "failed" and bytes(check.content) == b"" and "Nothing was saved" in check.error
    licences.refresh_from_db()
    assert licences.status == "failed" and bytes(licences.content) == b""
    alive.refresh_from_db()
    assert alive.status == "running" and bytes(alive.content) == ROWS  # still beating: left alone


def test_a_running_check_shows_how_far_it_got(client, admin_user):
    job = ContactImport.objects.create(file_name="big.csv", content=ROWS, dry_run=True, status="running",
                                       rows_total=200_000, rows_done=40_000, progress_at=timezone.now())
    client.force_login(admin_user)
    html = client.get(reverse("helpdesk:import_job", args=[job.pk])).content.decode()
    assert "40000 of 200000 rows" in html and "<progress" in html


def test_a_check_saves_its_progress_as_it_goes(centre, admin_user, settings):
    from helpdesk.imports.jobs import contact_import_queue

    job = contact_import_queue(content=ROWS, filename="big.csv", user=admin_user, dry_run=True)
    job.refresh_from_db()
    assert job.status == "done" and job.rows_done == 3 and job.progress_at is not None and not Contact.objects.exists()
