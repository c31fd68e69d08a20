"""Controlled vocabularies of complaint cases; the codes are shared with the bots and reports."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class Grievance(models.TextChoices):
    OVERCHARGED_FEES = "overcharged_fees", _("Overcharged recruitment fees")
    DECEIVED_ABOUT_JOB = "deceived_about_job", _("Deceived about the job or conditions")
    UNDERPAID_WAGES = "underpaid_wages", _("Underpaid wages")
    UNFAIR_DISMISSAL = "unfair_dismissal", _("Unfair dismissal")
    DOCUMENTS_WITHHELD = "documents_withheld", _("Documents withheld")
    PHYSICAL_ABUSE = "physical_abuse", _("Physical abuse")
    SEXUAL_ABUSE = "sexual_abuse", _("Sexual abuse")
    TRAFFICKING = "trafficking", _("Trafficking or forced-labour indicators")
    OTHER = "other", _("Other")


# A case raising any of these is sensitive unless staff decide otherwise.
SENSITIVE_GRIEVANCES = frozenset({Grievance.PHYSICAL_ABUSE, Grievance.SEXUAL_ABUSE, Grievance.TRAFFICKING})


class Stage(models.TextChoices):
    INTAKE = "intake", _("Intake")
    ASSESSMENT = "assessment", _("Assessment")
    NEGOTIATION = "negotiation", _("Negotiation")
    REFERRED = "referred", _("Referred")
    RESOLVED = "resolved", _("Resolved")
    CLOSED_UNRESOLVED = "closed_unresolved", _("Closed unresolved")
    WITHDRAWN = "withdrawn", _("Withdrawn")


CLOSED_STAGES = frozenset({Stage.RESOLVED, Stage.CLOSED_UNRESOLVED, Stage.WITHDRAWN})
OPEN_STAGES = tuple(s for s in Stage.values if s not in CLOSED_STAGES)


class ReferredTo(models.TextChoices):
    MOLIP = "molip", _("MOLIP complaints mechanism")
    DESTINATION = "destination", _("Destination-country mechanism")
    COURT = "court", _("Court")
    OTHER_ORGANISATION = "other_org", _("Other organisation")


class Outcome(models.TextChoices):
    REIMBURSED = "reimbursed", _("Reimbursed")
    COMPENSATED = "compensated", _("Compensated")
    OTHER_REMEDY = "other_remedy", _("Other remedy")


# Outcomes that say money was paid: the payment must be recorded first.
PAID_OUTCOMES = frozenset({Outcome.REIMBURSED, Outcome.COMPENSATED})


class MemberRole(models.TextChoices):
    """A group case's members: the lead is the case's complainant; the others joined the case."""

    LEAD = "lead", _("Lead complainant")
    MEMBER = "member", _("Member")


class ReimbursementKind(models.TextChoices):
    FEE_REIMBURSEMENT = "fee_reimbursement", _("Reimbursement of fees")
    COMPENSATION = "compensation", _("Compensation")
    BACK_WAGES = "back_wages", _("Back wages")


class Currency(models.TextChoices):
    """Currencies payments arrive in; the MMK value is always stored alongside."""

    MMK = "MMK", _("Myanmar kyat (MMK)")
    THB = "THB", _("Thai baht (THB)")
    MYR = "MYR", _("Malaysian ringgit (MYR)")
    SGD = "SGD", _("Singapore dollar (SGD)")
    JPY = "JPY", _("Japanese yen (JPY)")
    KRW = "KRW", _("Korean won (KRW)")
    CNY = "CNY", _("Chinese yuan (CNY)")
    AED = "AED", _("UAE dirham (AED)")
    QAR = "QAR", _("Qatari riyal (QAR)")
    SAR = "SAR", _("Saudi riyal (SAR)")
    KWD = "KWD", _("Kuwaiti dinar (KWD)")
    USD = "USD", _("US dollar (USD)")


class EntryKind(models.TextChoices):
    OPENED = "opened", _("Case opened")
    STAGE = "stage", _("Stage changed")
    NOTE = "note", _("Note")
    ACTION = "action", _("Action taken")
    PAYMENT = "payment", _("Payment recorded")
    PAYMENT_CORRECTED = "payment_fix", _("Payment corrected")
    PAYMENT_REMOVED = "payment_del", _("Payment removed")
    REASSIGNED = "reassigned", _("Reassigned")
    UPDATED = "updated", _("Details changed")
    MESSAGE = "message", _("Message to the migrant")
    MEMBERS = "members", _("Group changed")
