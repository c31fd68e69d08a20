"""The offline outreach sync: idempotent per phone-made id, per-entry errors, access, the review list."""
import base64
import json
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from helpdesk.models import Activity, Contact, ErasureRequest, Person
from helpdesk.outreach.models import OutreachEntry, OutreachReview
from tests.factories import ActivityFactory, PersonFactory, member

pytestmark = pytest.mark.django_db

SYNC = reverse("helpdesk:outreach_sync")
BOOT = reverse("helpdesk:outreach_bootstrap")


def sync(client, *entries):
    response = client.post(SYNC, json.dumps({"entries": list(entries)}), content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()["results"]


def activity(centre, **extra):
    return {"id": str(uuid.uuid4()), "kind": "activity", "centre": centre.pk, "activity_kind": "mobilisation", "format": "popup",
            "title": "Pop-up at Three Pagodas Pass", "date": str(timezone.localdate()), "location": "Payathonzu",
            "women": 12, "men": 9, "other": 1, "undisclosed": 2, **extra}


def new_person(**extra):
    return {"name": "Ma Khin Aye", "gender": "woman", "birth_year": 1994, "phone": "09 767 889 811", "consent_record": True, **extra}


def test_an_activity_its_attendees_and_a_contact_are_recorded_once_however_often_sent(staff_client, centre, staff):
    known = PersonFactory(centre=centre, name="Ko Zaw")
    act = activity(centre)
    attendee_new = {"id": str(uuid.uuid4()), "kind": "attendee", "centre": centre.pk, "activity": act["id"], "new_person": new_person()}
    attendee_known = {"id": str(uuid.uuid4()), "kind": "attendee", "centre": centre.pk, "activity": act["id"], "person": known.pk}
    contact = {"id": str(uuid.uuid4()), "kind": "contact", "centre": centre.pk, "topics": ["safe_migration", "jobs"],
               "gender": "man", "notes": "asked about MOU jobs"}
    first = sync(staff_client, act, attendee_new, attendee_known, contact)
    assert [r["status"] for r in first] == ["applied"] * 4
    again = sync(staff_client, act, attendee_new, attendee_known, contact)
    assert again == first
    created = Activity.objects.get()
    assert (created.women_count, created.men_count, created.other_count, created.undisclosed_count) == (12, 9, 1, 2)
    assert created.created_by == staff and created.centre == centre
    new = Person.objects.get(name="Ma Khin Aye")
    assert new.phone == "+959767889811" and new.consent_events.count() == 1
    assert set(created.attendees.all()) == {known, new}
    logged = Contact.objects.get()
    assert (logged.person, logged.gender, logged.channel, logged.service, logged.staff) == (None, "man", "outreach", "drop_in", staff)
    assert sorted(logged.topic_codes) == ["jobs", "safe_migration"]
    assert OutreachEntry.objects.count() == 4


def test_errors_are_per_entry_and_name_the_field(staff_client, centre):
    good = activity(centre)
    results = sync(
        staff_client,
        activity(centre, title=""),
        activity(centre, women=-1),
        good,
        {"id": "not-a-uuid", "kind": "activity", "centre": centre.pk},
        {"id": str(uuid.uuid4()), "kind": "contact", "centre": centre.pk, "topics": ["bribes"], "gender": "man"},
        {"id": str(uuid.uuid4()), "kind": "contact", "centre": centre.pk, "gender": ""},
        {"id": str(uuid.uuid4()), "kind": "attendee", "centre": centre.pk, "activity": str(uuid.uuid4()), "person": 1},
    )
    assert [r["status"] for r in results] == ["error", "error", "applied", "error", "error", "error", "error"]
    assert list(results[0]["errors"]) == ["title"]
    assert list(results[1]["errors"]) == ["women"]
    assert list(results[3]["errors"]) == ["id"]
    assert list(results[4]["errors"]) == ["topics"]
    assert list(results[5]["errors"]) == ["gender"]
    assert list(results[6]["errors"]) == ["activity"]
    assert Activity.objects.count() == 1 and not Contact.objects.exists()
    # A corrected entry sent again under the same id is applied: errors are not remembered.
    fixed = activity(centre)
    fixed["id"] = results[0]["id"]
    assert sync(staff_client, fixed)[0]["status"] == "applied"


def test_a_new_person_needs_consent(staff_client, centre):
    entry = {"id": str(uuid.uuid4()), "kind": "contact", "centre": centre.pk, "new_person": new_person(consent_record=False)}
    [result] = sync(staff_client, entry)
    assert result["status"] == "error" and "new_person.consent_record" in result["errors"]
    assert not Person.objects.exists() and not Contact.objects.exists()


def test_a_bad_phone_is_named(staff_client, centre):
    entry = {"id": str(uuid.uuid4()), "kind": "contact", "centre": centre.pk, "new_person": new_person(phone="12")}
    [result] = sync(staff_client, entry)
    assert "new_person.phone" in result["errors"]


def test_an_erased_person_from_the_phone_list_takes_nothing_new(staff_client, centre, staff):
    from helpdesk.erasure import person_erase

    person = PersonFactory(centre=centre)
    request = ErasureRequest.objects.create(person=person, centre=centre, reason="asked", requested_by=staff)
    person_erase(person=person, erasure=request, user=staff)
    entry = {"id": str(uuid.uuid4()), "kind": "contact", "centre": centre.pk, "person": person.pk}
    [result] = sync(staff_client, entry)
    assert result["status"] == "error" and not Contact.objects.exists()


def test_another_centre_and_its_people_are_refused(staff_client, centre, other_centre):
    stranger = PersonFactory(centre=other_centre)
    results = sync(
        staff_client,
        activity(other_centre),
        {"id": str(uuid.uuid4()), "kind": "contact", "centre": centre.pk, "person": stranger.pk},
    )
    assert list(results[0]["errors"]) == ["centre"] and list(results[1]["errors"]) == ["person"]
    assert not Activity.objects.exists() and not Contact.objects.exists()


def test_another_users_id_is_not_replayed(client, staff_client, centre):
    act = activity(centre)
    sync(staff_client, act)
    colleague = member("staff", centre, username="colleague")
    client.force_login(colleague)
    [result] = sync(client, act)
    assert result["status"] == "error" and "id" in result["errors"] and "activity" not in result


def test_officers_and_strangers_cannot_sync(client, centre, officer):
    body = json.dumps({"entries": [activity(centre)]})
    assert client.post(SYNC, body, content_type="application/json").status_code == 302
    assert client.get(BOOT).status_code == 302
    client.force_login(officer)
    assert client.post(SYNC, body, content_type="application/json").status_code == 403
    assert client.get(BOOT).status_code == 403
    assert not Activity.objects.exists()


def test_the_sync_needs_a_csrf_token(centre, staff):
    from tests.conftest import SecondFactorClient

    strict = SecondFactorClient(enforce_csrf_checks=True)
    strict.force_login(staff)
    body = json.dumps({"entries": [activity(centre)]})
    assert strict.post(SYNC, body, content_type="application/json").status_code == 403
    token = strict.get(BOOT).json()["csrf"]
    response = strict.post(SYNC, body, content_type="application/json", headers={"X-CSRFToken": token})
    assert response.status_code == 200 and Activity.objects.count() == 1


def test_a_malformed_batch_is_a_bad_request(staff_client):
    assert staff_client.post(SYNC, "nonsense", content_type="application/json").status_code == 400
    assert staff_client.post(SYNC, json.dumps({"entries": {}}), content_type="application/json").status_code == 400


def test_the_bootstrap_gives_only_the_centres_recent_consenting_people(staff_client, centre, other_centre, staff):
    recent = PersonFactory(centre=centre, name="Ma Recent", phone="+959767889802")
    PersonFactory(centre=centre, name="Ma Old", created_at=timezone.now() - timezone.timedelta(days=200))
    PersonFactory(centre=centre, name="No Consent", consent_record=False)
    PersonFactory(centre=other_centre, name="Elsewhere")
    data = staff_client.get(BOOT).json()
    assert [p["name"] for p in data["people"]] == ["Ma Recent"]
    assert data["people"][0] == {"id": recent.pk, "centre": centre.pk, "name": "Ma Recent", "gender": "woman",
                                 "birth_year": 1995, "phone_end": "802"}
    assert data["centres"] == [{"id": centre.pk, "name": centre.name}]
    assert data["csrf"] and len(data["user"]) == 24 and data["user"] != str(staff.pk)
    assert {"gender", "topics", "activity_kind", "format"} <= set(data["choices"])
    from helpdesk.models import AccessLog

    logged = AccessLog.objects.get()
    assert (logged.kind, logged.user, logged.detail) == ("export", staff, "outreach list: 1 people")


def test_the_user_key_differs_per_user(client, centre, staff):
    colleague = member("staff", centre, username="colleague")
    keys, secrets = set(), set()
    for user in (staff, colleague):
        client.force_login(user)
        answer = client.get(BOOT).json()
        keys.add(answer["user"])
        secrets.add(answer["key"])
        assert client.get(BOOT).json()["key"] == answer["key"]  # the same every time: entries locked last week open
        assert answer["key"] not in client.get(reverse("helpdesk:outreach")).content.decode()  # never in the cached page
    assert len(keys) == 2 and len(secrets) == 2
    assert all(len(base64.b64decode(k)) == 32 for k in secrets)  # AES-256


def test_the_logout_keeps_storage_for_locked_entries(staff_client):
    response = staff_client.post(reverse("logout"))
    assert response["Clear-Site-Data"] == '"cache"'  # not "storage": it would delete unsent encrypted entries


def _review_entry(client, centre, **person):
    act = activity(centre)
    entry = {"id": str(uuid.uuid4()), "kind": "attendee", "centre": centre.pk, "activity": act["id"], "new_person": new_person(**person)}
    results = sync(client, act, entry)
    return results[1]


def test_a_possible_duplicate_waits_for_review_and_same_person_attaches(staff_client, centre, staff):
    existing = PersonFactory(centre=centre, name="Ma Khin Aye", phone="+959767889811")
    result = _review_entry(staff_client, centre)
    assert result["status"] == "review"
    assert Person.objects.count() == 1 and not Activity.objects.get().attendees.exists()
    review = OutreachReview.objects.get()
    assert list(review.candidates.all()) == [existing]
    page = staff_client.get(reverse("helpdesk:outreach_review_list"))
    assert "Ma Khin Aye" in page.content.decode()
    staff_client.post(reverse("helpdesk:outreach_review_decide", args=[review.pk]), {"decision": "same", "person": existing.pk})
    assert list(Activity.objects.get().attendees.all()) == [existing]
    review.refresh_from_db()
    assert review.decision == "same" and review.payload == {} and review.decided_by == staff
    assert review.entry.status == "applied" and review.entry.person == existing
    # Deciding twice changes nothing.
    staff_client.post(reverse("helpdesk:outreach_review_decide", args=[review.pk]), {"decision": "new"})
    assert Person.objects.count() == 1


def test_new_person_registers_them(staff_client, centre):
    PersonFactory(centre=centre, name="Ma Khin Aye", birth_year=1994, phone="")
    _review_entry(staff_client, centre)
    review = OutreachReview.objects.get()
    staff_client.post(reverse("helpdesk:outreach_review_decide", args=[review.pk]), {"decision": "new"})
    assert Person.objects.count() == 2
    assert Activity.objects.get().attendees.get().phone == "+959767889811"


def test_a_replayed_review_entry_is_not_queued_twice(staff_client, centre):
    PersonFactory(centre=centre, phone="+959767889811")
    act = activity(centre)
    entry = {"id": str(uuid.uuid4()), "kind": "contact", "centre": centre.pk, "new_person": new_person()}
    assert sync(staff_client, act, entry) == sync(staff_client, act, entry)
    assert OutreachReview.objects.count() == 1 and not Contact.objects.exists()


def test_another_centre_cannot_see_or_decide_the_review(client, staff_client, centre, other_centre):
    PersonFactory(centre=centre, phone="+959767889811")
    _review_entry(staff_client, centre)
    review = OutreachReview.objects.get()
    client.force_login(member("staff", other_centre, username="elsewhere"))
    assert "Ma Khin Aye" not in client.get(reverse("helpdesk:outreach_review_list")).content.decode()
    assert client.post(reverse("helpdesk:outreach_review_decide", args=[review.pk]), {"decision": "new"}).status_code == 404
    assert Person.objects.count() == 1


def test_the_page_and_worker_are_served_under_one_scope(staff_client):
    page = staff_client.get(reverse("helpdesk:outreach"))
    assert page.status_code == 200 and "outreach.js" in page.content.decode()
    worker = staff_client.get(reverse("helpdesk:outreach_sw"))
    assert worker["Content-Type"].startswith("text/javascript") and worker["Service-Worker-Allowed"] == "/outreach/"


def test_the_offline_bundle_is_under_150_kb(staff_client):
    """Everything the phone keeps to work offline: page, scripts, styles, manifest, worker and icons."""
    from django.contrib.staticfiles import finders

    page = staff_client.get(reverse("helpdesk:outreach")).content
    worker = staff_client.get(reverse("helpdesk:outreach_sw")).content
    files = ["helpdesk/app.css", "helpdesk/offline/outreach.js", "helpdesk/offline/outreach.css",
             "helpdesk/offline/manifest.webmanifest", "helpdesk/offline/icon-192.png", "helpdesk/offline/icon-512.png"]
    total = len(page) + len(worker) + sum(len(open(finders.find(name), "rb").read()) for name in files)
    assert total < 150 * 1024, total


def test_existing_activity_is_untouched_by_unknown_attendee_reference(staff_client, centre):
    ActivityFactory(centre=centre)
    entry = {"id": str(uuid.uuid4()), "kind": "attendee", "centre": centre.pk, "activity": "nonsense", "person": 1}
    [result] = sync(staff_client, entry)
    assert list(result["errors"]) == ["activity"]


def test_the_page_speaks_burmese(staff_client):
    from django.conf import settings

    staff_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "my"
    body = staff_client.get(reverse("helpdesk:outreach")).content.decode()
    assert "ယခု ပို့ရန်" in body  # the template's words
    strings = json.loads(body.split('id="outreach-strings" type="application/json">')[1].split("</script>")[0])
    assert strings["saved"] == "ဤဖုန်းတွင် သိမ်းပြီးပါပြီ။"  # and the script's, rendered into the page


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_entry_sent_four_times_at_once_is_recorded_once(centre, staff):
    """A flaky connection: the phone retried while the first send was still running; all get the same answer."""
    import threading

    from django.db import connection

    from helpdesk.outreach.services import outreach_entry_apply

    act = activity(centre)
    new = {"id": str(uuid.uuid4()), "kind": "attendee", "centre": centre.pk, "activity": act["id"], "new_person": new_person()}
    outreach_entry_apply(user=staff, data=act)
    results, barrier = [], threading.Barrier(4)

    def send():
        barrier.wait()
        try:
            results.append(outreach_entry_apply(user=staff, data=new))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 4 and all(r == results[0] for r in results) and results[0]["status"] == "applied"
    assert Person.objects.count() == 1 and Activity.objects.get().attendees.count() == 1


def test_the_same_document_is_a_possible_duplicate_and_erased_people_are_never_offered(staff_client, centre, staff):
    from helpdesk.erasure import person_erase
    from helpdesk.services import person_create

    holder = person_create(centre=centre, name="U Kyaw", gender="man", nrc="12/MaYaKa(N)123456", consent_record=True)
    gone = PersonFactory(centre=centre, phone="+959767889811")
    person_erase(person=gone, erasure=ErasureRequest.objects.create(person=gone, centre=centre, reason="asked", requested_by=staff), user=staff)
    result = _review_entry(staff_client, centre, name="Kyaw Kyaw", nrc="12/MaYaKa(N)123456")
    assert result["status"] == "review"
    assert list(OutreachReview.objects.get().candidates.all()) == [holder]


def test_same_person_records_the_consent_given_in_the_field(staff_client, centre):
    existing = PersonFactory(centre=centre, name="Ma Khin Aye", phone="+959767889811", consent_record=False)
    entry = {"id": str(uuid.uuid4()), "kind": "contact", "centre": centre.pk, "topics": ["jobs"], "new_person": new_person()}
    assert sync(staff_client, entry)[0]["status"] == "review"
    review = OutreachReview.objects.get()
    staff_client.post(reverse("helpdesk:outreach_review_decide", args=[review.pk]), {"decision": "same", "person": existing.pk})
    existing.refresh_from_db()
    assert existing.consent_record and existing.consent_events.get().method == "in_person"
    contact = Contact.objects.get()
    assert (contact.person, contact.channel, contact.topic_codes) == (existing, "outreach", ["jobs"])


def test_a_record_shared_with_the_centre_is_on_the_phone_list_and_can_attend(staff_client, centre, other_centre):
    from helpdesk.models import PersonShare

    shared = PersonFactory(centre=other_centre, name="Ma Shared")
    PersonShare.objects.create(person=shared, centre=centre)
    listed = staff_client.get(BOOT).json()["people"]
    assert [(p["name"], p["centre"]) for p in listed] == [("Ma Shared", centre.pk)]
    act = activity(centre)
    attend = {"id": str(uuid.uuid4()), "kind": "attendee", "centre": centre.pk, "activity": act["id"], "person": shared.pk}
    assert [r["status"] for r in sync(staff_client, act, attend)] == ["applied", "applied"]
    assert list(Activity.objects.get().attendees.all()) == [shared]


def test_merging_a_candidate_keeps_the_review_pointing_at_the_kept_record(staff_client, centre, manager):
    from helpdesk.merge import person_merge

    keep = PersonFactory(centre=centre, name="Ma Khin Aye", phone="+959767889811")
    _review_entry(staff_client, centre)
    gone = PersonFactory(centre=centre, name="Ma Khin Aye (twice)")
    review = OutreachReview.objects.get()
    review.candidates.set([gone])
    person_merge(keep=keep, gone=gone, user=manager)
    assert list(review.candidates.all()) == [keep]


def test_retention_blanks_reviews_nobody_decided_in_time(staff_client, centre, settings):
    import datetime as dt
    from io import StringIO

    from django.core.management import call_command

    settings.RETENTION_OUTREACH_REVIEW_DAYS = 30
    PersonFactory(centre=centre, phone="+959767889811")
    _review_entry(staff_client, centre)
    _review_entry(staff_client, centre, name="Ma Hla Hla")
    old, recent = OutreachReview.objects.order_by("id")
    OutreachEntry.objects.filter(pk=old.entry_id).update(received_at=timezone.now() - dt.timedelta(days=31))
    out = StringIO()
    call_command("apply_retention", "--dry-run", stdout=out)
    assert "outreach reviews" in out.getvalue()
    assert OutreachReview.objects.filter(decision="pending").count() == 2
    call_command("apply_retention", stdout=StringIO())
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.decision, old.payload, old.candidates.count()) == ("expired", {}, 0) and old.decided_at
    assert recent.decision == "pending" and recent.payload["new_person"]["name"] == "Ma Hla Hla"
    page = staff_client.get(reverse("helpdesk:outreach_review_list")).content.decode()
    assert "Ma Khin Aye" not in page and "Ma Hla Hla" in page
    assert not any(a.attendees.exists() for a in Activity.objects.all())  # the expired entry was never recorded, nothing changes
