"""Consent rules, in one place for every path that records or shares a person (web, bots, imports, admin).

- Registering a named person, or adding anything to a person, needs consent to keep records; without it
  the contact is logged anonymously (gender and service only).
- A referral (sharing a person's details with a partner) needs consent to share, or a manager's
  "urgent protection" override with a reason, kept on the person's consent timeline.
- Consent can be withdrawn; withdrawing consent to keep records also withdraws consent to share, and
  staff are asked to erase or anonymise the person.
"""
from __future__ import annotations

from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpdesk.choices import ConsentAction, ConsentMethod, ConsentScope
from helpdesk.models import ConsentEvent, Person, Referral

RECORD_REQUIRED = _(
    "Without consent to keep records the person is not registered: log the contact anonymously "
    "(gender and service only)."
)
RECORD_MISSING = _(
    "%(person)s has not consented to records being kept (or their consent was never recorded): "
    "record their consent on the person page first, or log the contact anonymously."
)
SHARE_REQUIRED = _(
    "%(person)s has not consented to their details being shared with a partner. Record their consent to share, "
    "or a manager can refer them anyway for urgent protection, with a reason."
)
OVERRIDE_MANAGER_ONLY = _("Only a manager of the centre can refer someone without their consent to share.")
OVERRIDE_REASON_REQUIRED = _("Give the reason for the urgent protection override.")
SHARE_NEEDS_RECORD = _("Consent to share needs consent to keep records.")
NOTHING_TO_WITHDRAW = _("There is no consent to withdraw.")
CONSENT_DATE_FUTURE = _("The consent date cannot be in the future.")


def record_missing(person: Person) -> ValidationError:
    return ValidationError({"person": RECORD_MISSING % {"person": person}}, code="consent_record")


ERASED_NOTHING_NEW = _("This person was erased on request: nothing new can be added to the record. If they come back, register them as a new person.")

def check_can_record(person: Person) -> None:
    """Refuse to add anything (a contact, an attendance, a case) to a person who has not consented to records.

    An erased person is refused too: their record stays only as an anonymous fact for the figures.
    """
    if person.erased_at:
        raise ValidationError(ERASED_NOTHING_NEW)
    if not person.consent_record:
        raise record_missing(person)


def _event(person: Person, scope: str, action: str, *, method: str = "", on: date | None = None,
           by: AbstractBaseUser | None = None, reason: str = "", referral: Referral | None = None) -> ConsentEvent:
    event = ConsentEvent(
        person=person, scope=scope, action=action, method=method, date=on or timezone.localdate(), reason=reason,
        referral=referral, recorded_by=by,
    )
    event.full_clean(exclude=["person", "referral", "recorded_by"])
    event.save()
    return event


def consent_events_for_new_person(person: Person, *, method: str, by: AbstractBaseUser | None) -> list[ConsentEvent]:
    """The events of a person registered with consent (unsaved: the imports write them in bulk)."""
    on = person.consent_date or timezone.localdate()
    scopes = [ConsentScope.RECORD] + ([ConsentScope.SHARE] if person.consent_share else [])
    return [
        ConsentEvent(person=person, scope=scope, action=ConsentAction.GIVEN, method=method, date=on, recorded_by=by)
        for scope in scopes
    ]


def check_new_person(person: Person) -> None:
    if not person.consent_record:
        raise ValidationError({"consent_record": RECORD_REQUIRED}, code="consent_record")


@transaction.atomic
def consent_give(
    *, person: Person, scopes: list[str], method: str, by: AbstractBaseUser | None, on: date | None = None
) -> Person:
    """Record that the person agreed (to keep records, to share, or both); the date is the day they said so."""
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ValidationError({"on": CONSENT_DATE_FUTURE}, code="future")
    if method not in ConsentMethod.values:
        raise ValidationError({"method": _("Say how the person gave their consent.")}, code="required")
    scopes = [s for s in ConsentScope.values if s in scopes]
    if ConsentScope.SHARE in scopes and ConsentScope.RECORD not in scopes and not person.consent_record:
        raise ValidationError({"scopes": SHARE_NEEDS_RECORD}, code="consent_record")
    changed = False
    for scope in scopes:
        if not getattr(person, f"consent_{scope}"):
            setattr(person, f"consent_{scope}", True)
            _event(person, scope, ConsentAction.GIVEN, method=method, on=on, by=by)
            changed = True
    if changed:
        person.consent_date = on
        person.full_clean()
        person.save()
    return person


@transaction.atomic
def consent_withdraw(
    *, person: Person, scope: str, by: AbstractBaseUser | None, method: str = "", reason: str = "", on: date | None = None
) -> Person:
    """Record that the person withdrew consent; without consent to records there is none to share either.

    The person's details stay until a manager erases or anonymises them (``person_erase``): the page says so.
    """
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ValidationError({"on": CONSENT_DATE_FUTURE}, code="future")
    scopes = [ConsentScope.SHARE, ConsentScope.RECORD] if scope == ConsentScope.RECORD else [ConsentScope.SHARE]
    withdrawn = [s for s in scopes if getattr(person, f"consent_{s}")]
    if not withdrawn:
        raise ValidationError({"scope": NOTHING_TO_WITHDRAW}, code="invalid")
    for s in withdrawn:
        setattr(person, f"consent_{s}", False)
        _event(person, s, ConsentAction.WITHDRAWN, method=method, on=on, by=by, reason=reason)
    person.consent_date = on
    person.full_clean()
    person.save()
    return person


def check_sharing(*, person: Person, by: AbstractBaseUser | None, override_reason: str = "") -> bool:
    """Allow sharing the person's details; return True when it goes ahead on a manager's override.

    Raises ValidationError naming ``override_reason`` when the person did not consent to share and no
    valid override was given.
    """
    if person.consent_share:
        return False
    override_reason = override_reason.strip()
    if not override_reason:
        raise ValidationError({"override_reason": SHARE_REQUIRED % {"person": person}}, code="consent_share")
    from helpdesk.selectors import user_is_manager_of

    if by is None or not user_is_manager_of(by, person.centre_id):
        raise ValidationError({"override_reason": OVERRIDE_MANAGER_ONLY}, code="forbidden")
    return True


def record_override(*, person: Person, by: AbstractBaseUser | None, reason: str, referral: Referral | None = None) -> ConsentEvent:
    """Put a manager's urgent protection override on the person's consent timeline."""
    return _event(person, ConsentScope.SHARE, ConsentAction.OVERRIDE, by=by, reason=reason.strip(), referral=referral)


def consent_summary(person: Person, events: list[ConsentEvent]) -> dict:
    """What the person page says about consent: the current state, and whether it was ever recorded.

    People registered before consent was enforced have no events: their "no" may only mean nobody asked.
    """
    withdrawn = next((e for e in events if e.action == ConsentAction.WITHDRAWN and e.scope == ConsentScope.RECORD), None)
    return {
        "unknown": not events and not person.consent_record,
        "legacy_yes": not events and person.consent_record,
        "withdrawn_record": withdrawn if withdrawn and not person.consent_record else None,
        "events": events,
    }
