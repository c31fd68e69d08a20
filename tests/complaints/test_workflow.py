"""Every allowed and every refused stage move, and what a move records."""
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from complaints.choices import EntryKind, Stage
from complaints.models import Complaint, TimelineEntry
from complaints.workflow import (
    OUTCOME_REQUIRED,
    PAYMENT_REQUIRED,
    REASON_REQUIRED,
    REFERRED_TO_REQUIRED,
    TRANSITIONS,
    allowed_moves,
    complaint_move,
    move_error,
)
from tests.factories import ComplaintFactory, ReimbursementFactory

pytestmark = pytest.mark.django_db

ALL_PAIRS = [(a, b) for a in Stage.values for b in Stage.values]
ALLOWED = [(a, b) for a, b in ALL_PAIRS if b in TRANSITIONS[a]]
REFUSED = [(a, b) for a, b in ALL_PAIRS if b not in TRANSITIONS[a]]


def case_in(stage, centre):
    extra = {"referred_to": "molip"} if stage == Stage.REFERRED else {}
    if stage == Stage.RESOLVED:
        extra = {"outcome": "other_remedy"}
    # The complainant agreed to their details being shared: a referral needs it (tests/complaints/test_consent.py).
    return ComplaintFactory(centre=centre, stage=stage, complainant__consent_share=True, **extra)


def move_kwargs(target):
    if target == Stage.REFERRED:
        return {"referred_to": "court", "referred_detail": "Yangon Region court"}
    if target == Stage.RESOLVED:
        return {"outcome": "other_remedy", "outcome_detail": "Passport returned"}
    return {}


def test_table_covers_every_stage_and_every_open_case_can_be_closed():
    assert set(TRANSITIONS) == set(Stage.values)
    for stage in (Stage.INTAKE, Stage.ASSESSMENT, Stage.NEGOTIATION, Stage.REFERRED):
        assert {Stage.WITHDRAWN, Stage.CLOSED_UNRESOLVED} <= TRANSITIONS[stage]


@pytest.mark.parametrize(("current", "target"), ALLOWED)
def test_allowed_move_changes_stage_and_records_who_when_why(centre, staff, current, target):
    case = case_in(current, centre)
    moved = complaint_move(complaint=case, to_stage=target, by=staff, reason="Agency replied", **move_kwargs(target))
    moved.refresh_from_db()
    assert moved.stage == target
    entry = TimelineEntry.objects.get(complaint=case, kind=EntryKind.STAGE)
    assert (entry.from_stage, entry.to_stage, entry.author, entry.text) == (current, target, staff, "Agency replied")
    assert (moved.closed_at is not None) == (target in (Stage.RESOLVED, Stage.CLOSED_UNRESOLVED, Stage.WITHDRAWN))
    assert moved.history.first().stage == target


@pytest.mark.parametrize(("current", "target"), REFUSED)
def test_refused_move_says_why_and_changes_nothing(centre, staff, current, target):
    case = case_in(current, centre)
    with pytest.raises(ValidationError) as error:
        complaint_move(complaint=case, to_stage=target, by=staff, reason="Try", **move_kwargs(target))
    assert error.value.message_dict["to_stage"] == [move_error(current, target)]
    case.refresh_from_db()
    assert case.stage == current
    assert not TimelineEntry.objects.filter(complaint=case).exists()


def test_refusal_message_names_the_stages_and_the_way_forward():
    with translation.override("en"):
        message = move_error(Stage.INTAKE, Stage.RESOLVED)
    assert "Intake" in message and "Resolved" in message and "Assessment" in message
    with translation.override("my"):
        message = move_error(Stage.INTAKE, Stage.RESOLVED)
    assert "“လက်ခံ”" in message and "“ဖြေရှင်းပြီး”" in message and "စိစစ်" in message


def test_unknown_stage_is_refused(centre, staff):
    case = case_in(Stage.INTAKE, centre)
    with pytest.raises(ValidationError):
        complaint_move(complaint=case, to_stage="archived", by=staff, reason="x")


def test_reason_is_required(centre, staff):
    case = case_in(Stage.INTAKE, centre)
    with pytest.raises(ValidationError) as error:
        complaint_move(complaint=case, to_stage=Stage.ASSESSMENT, by=staff, reason="  ")
    assert error.value.message_dict["reason"] == [str(REASON_REQUIRED)]
    assert Complaint.objects.get(pk=case.pk).stage == Stage.INTAKE


def test_referral_needs_a_mechanism(centre, staff):
    case = case_in(Stage.ASSESSMENT, centre)
    with pytest.raises(ValidationError) as error:
        complaint_move(complaint=case, to_stage=Stage.REFERRED, by=staff, reason="No reply from agency")
    assert error.value.message_dict["referred_to"] == [str(REFERRED_TO_REQUIRED)]
    moved = complaint_move(complaint=case, to_stage=Stage.REFERRED, by=staff, reason="No reply", referred_to="molip")
    assert (moved.stage, moved.referred_to) == (Stage.REFERRED, "molip")


def test_resolution_needs_an_outcome(centre, staff):
    case = case_in(Stage.NEGOTIATION, centre)
    with pytest.raises(ValidationError) as error:
        complaint_move(complaint=case, to_stage=Stage.RESOLVED, by=staff, reason="Paid")
    assert error.value.message_dict["outcome"] == [str(OUTCOME_REQUIRED)]


def test_reimbursed_outcome_needs_a_recorded_payment(centre, staff):
    case = case_in(Stage.NEGOTIATION, centre)
    with pytest.raises(ValidationError) as error:
        complaint_move(complaint=case, to_stage=Stage.RESOLVED, by=staff, reason="Paid", outcome="reimbursed")
    assert error.value.message_dict["outcome"] == [str(PAYMENT_REQUIRED)]
    ReimbursementFactory(complaint=case, amount_mmk=Decimal("300000"))
    moved = complaint_move(complaint=case, to_stage=Stage.RESOLVED, by=staff, reason="Paid", outcome="reimbursed")
    assert (moved.stage, moved.outcome) == (Stage.RESOLVED, "reimbursed")


def test_closing_clears_follow_up_and_reopening_clears_outcome(centre, staff):
    from datetime import date

    case = case_in(Stage.NEGOTIATION, centre)
    case.next_follow_up = date(2026, 1, 5)
    case.save()
    closed = complaint_move(complaint=case, to_stage=Stage.RESOLVED, by=staff, reason="Job found", outcome="other_remedy")
    assert closed.next_follow_up is None and closed.closed_at is not None
    reopened = complaint_move(complaint=closed, to_stage=Stage.ASSESSMENT, by=staff, reason="Employer went back on it")
    assert (reopened.outcome, reopened.closed_at, reopened.is_open) == ("", None, True)


def test_allowed_moves_lists_stages_in_workflow_order():
    assert allowed_moves(Stage.INTAKE) == [Stage.ASSESSMENT, Stage.CLOSED_UNRESOLVED, Stage.WITHDRAWN]
