"""What the offline page may take onto a phone, and the review list a user may decide."""
from __future__ import annotations

import base64
from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.crypto import salted_hmac

from helpdesk import selectors
from helpdesk.choices import ActivityFormat, ActivityKind, Gender, Topic
from helpdesk.models import Contact, Person, PersonShare
from helpdesk.outreach.models import OutreachReview

RECENT_DAYS = 90
OFFLINE_EXCLUDED_FORMATS = {"broadcast"}  # bot broadcasts are recorded by the bots, never typed in the field
RECENT_PEOPLE = 500


def outreach_user_key(user: AbstractBaseUser) -> str:
    """An opaque per-user name for the phone's database: another login on the phone opens (and deletes) another one."""
    return salted_hmac("helpdesk.outreach.database", str(user.pk)).hexdigest()[:24]


OUTREACH_KEY_VERSION = 1  # raise to give every login a new key (entries locked under the old one could no longer be read)


def outreach_entries_key(user: AbstractBaseUser) -> str:
    """The user's AES-256 key (base64) for their unsent entries on a phone, derived here and never stored.

    Only the bootstrap answer to that signed-in user carries it: another login on the same phone gets
    another key and cannot read the entries waiting there. Changing SECRET_KEY changes every key.
    """
    digest = salted_hmac("helpdesk.outreach.entries-key", f"{user.pk}:{OUTREACH_KEY_VERSION}", algorithm="sha256").digest()
    return base64.b64encode(digest).decode("ascii")


def outreach_recent_people(user: AbstractBaseUser, centre_ids: list[int]) -> list[dict]:
    """The centres' people seen in the last 90 days (at most 500), with only what picking one needs.

    Never erased people or people without consent to records (nothing can be added to them), and nothing
    about their cases: a name, gender, birth year and the end of the phone number.
    """
    since = timezone.now() - timedelta(days=RECENT_DAYS)
    seen = Contact.objects.filter(centre_id__in=centre_ids, date__gte=timezone.localdate(since), person__isnull=False).values("person_id")
    people = (
        Person.objects.filter(selectors.served_filter(centre_ids), erased_at__isnull=True, consent_record=True)
        .filter(Q(created_at__gte=since) | Q(pk__in=seen))
        .order_by("-created_at", "-id")
        .values("id", "centre_id", "name", "gender", "birth_year", "phone")[:RECENT_PEOPLE]
    )
    people = list(people)
    # A record shared with one of the centres is listed under that centre (the phone filters by the chosen centre).
    shared_with = dict(PersonShare.objects.active().filter(centre_id__in=centre_ids, person_id__in=[p["id"] for p in people])
                       .values_list("person_id", "centre_id"))
    return [
        {"id": p["id"], "centre": p["centre_id"] if p["centre_id"] in centre_ids else shared_with.get(p["id"]), "name": p["name"], "gender": p["gender"], "birth_year": p["birth_year"],
         "phone_end": p["phone"][-3:] if p["phone"] else ""}
        for p in people
    ]


def outreach_bootstrap(user: AbstractBaseUser) -> dict:
    """What the offline page keeps on the phone: the user's centres, the choices and the centres' recent people."""
    centres = list(selectors.centres_for_user(user).filter(pk__in=selectors.user_centre_ids(user)).values("id", "name"))
    if not centres and selectors.user_is_admin(user):  # an admin without a membership works for any centre
        centres = list(selectors.centres_for_user(user).values("id", "name"))
    return {
        "user": outreach_user_key(user),
        "key": outreach_entries_key(user),
        "centres": centres,
        "choices": {
            "gender": [[v, str(label)] for v, label in Gender.choices],
            "topics": [[v, str(label)] for v, label in Topic.choices],
            "activity_kind": [[v, str(label)] for v, label in ActivityKind.choices],
            "format": [[v, str(label)] for v, label in ActivityFormat.choices if v not in OFFLINE_EXCLUDED_FORMATS],
        },
        "people": outreach_recent_people(user, [c["id"] for c in centres]),
        "people_days": RECENT_DAYS,
    }


def reviews_for_user(user: AbstractBaseUser) -> QuerySet[OutreachReview]:
    """Reviews of the user's centres (every centre for admins), waiting ones first."""
    reviews = OutreachReview.objects.select_related("entry__user", "entry__activity", "centre").prefetch_related("candidates")
    if selectors.user_is_admin(user):
        return reviews
    return reviews.filter(centre_id__in=selectors.user_centre_ids(user))


def review_get_for_user(user: AbstractBaseUser, pk) -> OutreachReview:
    return selectors._get(reviews_for_user(user), pk)
