"""The access log: every read of a person, case, conversation, PDF and export, written by one decorator;
no-store on personal answers; the admins' page, its export and the purge command."""
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from bots.models import Conversation
from helpdesk.models import AccessLog
from tests.factories import ComplaintFactory, PersonFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(centre):
    return PersonFactory(centre=centre, name="Daw Khin Myint", phone="+959767889802")


def test_opening_a_person_is_logged_with_who_what_when_and_where(staff_client, staff, person):
    response = staff_client.get(reverse("helpdesk:person_detail", args=[person.pk]), REMOTE_ADDR="10.8.0.23")
    assert response.status_code == 200
    row = AccessLog.objects.get()
    assert (row.user, row.username, row.kind, row.object_id, row.ip) == (staff, "staff1", "person", person.pk, "10.8.0.23")
    assert row.path == f"/people/{person.pk}/" and timezone.now() - row.at < timedelta(minutes=1)


def test_every_personal_record_and_download_is_logged(staff_client, centre, staff, person):
    case = ComplaintFactory(centre=centre, complainant=person, assigned_to=staff)
    chat = Conversation.objects.create(channel="viber", external_user_id="01234==", centre=centre, person=person)
    year = timezone.localdate().year
    reads = [
        (reverse("complaints:detail", args=[case.pk]), "complaint", case.pk),
        (reverse("complaints:edit", args=[case.pk]), "complaint", case.pk),
        (reverse("complaints:pdf", args=[case.pk]), "pdf", case.pk),
        (reverse("bots:conversation", args=[chat.pk]), "conversation", chat.pk),
        (reverse("helpdesk:person_edit", args=[person.pk]), "person", person.pk),
        (reverse("complaints:export") + "?stage=open", "export", None),
    ]
    for url, _kind, _id in reads:
        assert staff_client.get(url).status_code == 200, url
    logged = list(AccessLog.objects.order_by("id").values_list("kind", "object_id"))
    assert logged == [(kind, pk) for _url, kind, pk in reads]
    assert AccessLog.objects.get(kind="export").detail == "stage=open"
    manager = member("manager", centre)
    staff_client.force_login(manager)
    for fmt in ("csv", "xlsx", "pdf"):
        url = reverse("helpdesk:report_export", args=[fmt]) + f"?start={year}-01-01&end={year}-12-31&by=year"
        assert staff_client.get(url).status_code == 200
    assert AccessLog.objects.filter(kind="export", user=manager, path__startswith="/reports/beneficiary-table.").count() == 3


def test_lists_refusals_and_missing_records_are_not_reads(client, centre, person, other_centre):
    client.force_login(member("staff", other_centre))
    assert client.get(reverse("helpdesk:person_detail", args=[person.pk])).status_code == 404
    client.force_login(member("officer", centre))
    assert client.get(reverse("helpdesk:person_detail", args=[person.pk])).status_code == 403
    client.force_login(member("staff", centre))
    assert client.get(reverse("helpdesk:person_list")).status_code == 200
    assert not AccessLog.objects.exists()


@pytest.mark.parametrize("name", ["helpdesk:dashboard", "helpdesk:person_list", "helpdesk:person_detail", "complaints:export", "complaints:pdf", "bots:conversation"])
def test_personal_pages_and_downloads_are_never_stored(staff_client, centre, staff, person, name):
    case = ComplaintFactory(centre=centre, complainant=person, assigned_to=staff)
    chat = Conversation.objects.create(channel="telegram", external_user_id="42", centre=centre, person=person)
    args = {"helpdesk:person_detail": [person.pk], "complaints:pdf": [case.pk], "bots:conversation": [chat.pk]}.get(name, [])
    response = staff_client.get(reverse(name, args=args))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_the_proxy_address_is_trusted_only_as_far_as_configured(staff_client, person, settings):
    url = reverse("helpdesk:person_detail", args=[person.pk])
    staff_client.get(url, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.81.71.5")
    settings.TRUSTED_PROXIES = 1
    staff_client.get(url, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.81.71.5")
    assert list(AccessLog.objects.order_by("id").values_list("ip", flat=True)) == ["127.0.0.1", "203.81.71.5"]


# The admins' page ------------------------------------------------------------------

def log(username, kind, days_ago=0, object_id=None):
    row = AccessLog.objects.create(username=username, kind=kind, object_id=object_id, path="/x/", ip="10.0.0.1")
    AccessLog.objects.filter(pk=row.pk).update(at=timezone.now() - timedelta(days=days_ago))
    return row


@pytest.mark.parametrize(("role", "status"), [("staff", 403), ("manager", 403), ("officer", 403), ("admin", 200)])
def test_only_admins_read_the_access_log(client, centre, role, status):
    client.force_login(member(role, centre))
    assert client.get(reverse("helpdesk:access_log")).status_code == status
    assert client.get(reverse("helpdesk:access_log_export")).status_code == status


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("helpdesk:access_log"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_admins_filter_the_log_and_export_it(client, centre):
    log("ko.aung", "person", object_id=7)
    log("ko.aung", "pdf", object_id=9)
    log("ma.su", "person", days_ago=40, object_id=7)
    client.force_login(member("admin", centre, username="boss"))
    page = client.get(reverse("helpdesk:access_log"), {"username": "KO.AUNG", "kind": "person"}).content.decode()
    assert page.count("ko.aung") == 1 and "ma.su" not in page
    start = (timezone.localdate() - timedelta(days=5)).isoformat()
    export = client.get(reverse("helpdesk:access_log_export"), {"start": start})
    lines = export.content.decode("utf-8-sig").splitlines()
    assert len(lines) == 3 and all("ko.aung" in line for line in lines[1:])
    assert export["Content-Type"].startswith("text/csv") and "no-store" in export["Cache-Control"]
    exported = AccessLog.objects.get(username="boss")
    assert exported.kind == "export" and exported.detail == f"start={start}"


def test_a_bad_filter_is_ignored_not_an_error(client, centre):
    log("ko.aung", "person")
    client.force_login(member("admin", centre))
    response = client.get(reverse("helpdesk:access_log"), {"start": "yesterday", "object_id": "x"})
    assert response.status_code == 200 and "ko.aung" in response.content.decode()


def test_the_admin_cannot_change_or_delete_an_entry(client, centre):
    from django.contrib.auth import get_user_model

    row = log("ko.aung", "person")
    root = get_user_model().objects.create_superuser("root", password="!")
    client.force_login(root)
    assert client.get(reverse("admin:helpdesk_accesslog_changelist")).status_code == 200
    assert client.get(reverse("admin:helpdesk_accesslog_delete", args=[row.pk])).status_code == 403
    assert client.post(reverse("admin:helpdesk_accesslog_change", args=[row.pk]), {"username": "nobody"}).status_code == 403
    assert AccessLog.objects.get(pk=row.pk).username == "ko.aung"


def test_opening_a_person_in_the_admin_is_logged(client, person):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.create_superuser("root", password="!"))
    assert client.get(reverse("admin:helpdesk_person_change", args=[person.pk])).status_code == 200
    row = AccessLog.objects.get()
    assert (row.username, row.kind, row.object_id, row.detail) == ("root", "person", person.pk, "admin")


def test_purge_deletes_what_is_older_than_the_retention(settings):
    log("ko.aung", "person", days_ago=400)
    log("ko.aung", "person", days_ago=100)
    kept = log("ko.aung", "person", days_ago=1)
    settings.ACCESS_LOG_DAYS = 365
    call_command("purge_access_log")
    assert AccessLog.objects.count() == 2
    call_command("purge_access_log", "--days", "30")
    assert list(AccessLog.objects.all()) == [kept]
