"""The case workflow: which stage may follow which, and the one function that moves a case.

Every move records who, when and why on the case timeline; the case's own
history (django-simple-history) keeps the field values before and after.
"""
from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.choices import CLOSED_STAGES, PAID_OUTCOMES, EntryKind, Outcome, ReferredTo, Stage
from complaints.extensions import CaseEvent, case_event
from complaints.models import Complaint, TimelineEntry
from helpdesk.consent import check_sharing
from helpdesk.text import normalize_text

S = Stage

# The allowed moves, in one place. A closed case may be reopened into assessment
# (new evidence, a payment promised again); "referred" may move to another mechanism.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.INTAKE: frozenset({S.ASSESSMENT, S.CLOSED_UNRESOLVED, S.WITHDRAWN}),
    S.ASSESSMENT: frozenset({S.NEGOTIATION, S.REFERRED, S.CLOSED_UNRESOLVED, S.WITHDRAWN}),
    S.NEGOTIATION: frozenset({S.REFERRED, S.RESOLVED, S.CLOSED_UNRESOLVED, S.WITHDRAWN}),
    S.REFERRED: frozenset({S.REFERRED, S.NEGOTIATION, S.RESOLVED, S.CLOSED_UNRESOLVED, S.WITHDRAWN}),
    S.RESOLVED: frozenset({S.ASSESSMENT}),
    S.CLOSED_UNRESOLVED: frozenset({S.ASSESSMENT}),
    S.WITHDRAWN: frozenset({S.ASSESSMENT}),
}

MOVE_NOT_ALLOWED = _("A case in “%(current)s” cannot move to “%(target)s”. Allowed next stages: %(allowed)s.")
REASON_REQUIRED = _("Say why the case moves: the reason goes on the timeline.")
REFERRED_TO_REQUIRED = _("Choose where the case is referred to.")
OUTCOME_REQUIRED = _("Choose the outcome of the resolved case.")
OVERRIDE_LABEL = _("Urgent protection override (no consent to share)")
PAYMENT_REQUIRED = _("Record the payment received before resolving the case as reimbursed or compensated.")


def allowed_moves(stage: str) -> list[str]:
    """Return the stages a case in ``stage`` may move to, in workflow order."""
    allowed = TRANSITIONS.get(stage, frozenset())
    return [s for s in Stage.values if s in allowed]


def move_error(current: str, target: str) -> str:
    """Return the message refusing a move from ``current`` to ``target``."""
    labels = dict(Stage.choices)
    allowed = ", ".join(str(labels[s]) for s in allowed_moves(current)) or "—"
    return MOVE_NOT_ALLOWED % {"current": labels.get(current, current), "target": labels.get(target, target), "allowed": allowed}


@transaction.atomic
def complaint_move(
    *,
    complaint: Complaint,
    to_stage: str,
    by: AbstractBaseUser | None,
    reason: str,
    referred_to: str = "",
    referred_detail: str = "",
    outcome: str = "",
    outcome_detail: str = "",
    message_sensitive: bool = False,
    override_reason: str = "",
) -> Complaint:
    """Move a case to another stage, or refuse with a ValidationError naming the field at fault.

    Registered handlers (bots) may tell the migrant; for a sensitive case only when a manager
    ticked ``message_sensitive``. Referring a case shares the complainant's details with a mechanism:
    it needs their consent to share, or a manager's urgent protection override (``override_reason``),
    written on the case timeline.
    """
    # Lock the row: two staff moving the same case at once must not both succeed from the same stage.
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    current = complaint.stage
    if to_stage not in TRANSITIONS.get(current, ()):
        raise ValidationError({"to_stage": move_error(current, to_stage)}, code="not_allowed")
    reason = normalize_text(reason)
    if not reason:
        raise ValidationError({"reason": REASON_REQUIRED}, code="required")

    if to_stage == Stage.REFERRED:
        if referred_to not in ReferredTo.values:
            raise ValidationError({"referred_to": REFERRED_TO_REQUIRED}, code="required")
        complaint.referred_to, complaint.referred_detail = referred_to, normalize_text(referred_detail)
        override_reason = normalize_text(override_reason)
        if check_sharing(person=complaint.complainant, by=by, override_reason=override_reason):
            # On the case timeline only: the person page is seen by all the centre's staff, a sensitive case is not.
            reason = f"{reason}\n{OVERRIDE_LABEL}: {override_reason}"
    if to_stage == Stage.RESOLVED:
        if outcome not in Outcome.values:
            raise ValidationError({"outcome": OUTCOME_REQUIRED}, code="required")
        if outcome in PAID_OUTCOMES and not complaint.reimbursements.exists():
            raise ValidationError({"outcome": PAYMENT_REQUIRED}, code="no_payment")
        complaint.outcome, complaint.outcome_detail = outcome, normalize_text(outcome_detail)
    elif to_stage in CLOSED_STAGES:
        complaint.outcome, complaint.outcome_detail = "", normalize_text(outcome_detail)

    if to_stage in CLOSED_STAGES:
        complaint.closed_at = timezone.now()
        complaint.next_follow_up = None
    else:
        complaint.closed_at = None
        if current in CLOSED_STAGES:  # reopened
            complaint.outcome = complaint.outcome_detail = ""
    complaint.stage = to_stage
    complaint.full_clean()
    complaint.save()
    TimelineEntry.objects.create(
        complaint=complaint, kind=EntryKind.STAGE, from_stage=current, to_stage=to_stage, text=reason, author=by,
    )
    case_event(CaseEvent("stage", complaint, by, send_if_sensitive=message_sensitive))
    return complaint
