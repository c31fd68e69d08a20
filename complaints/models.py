"""Para-legal complaint cases, the money recovered for them and their timeline."""
from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import DecimalField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from complaints.choices import (
    CLOSED_STAGES,
    OPEN_STAGES,
    Currency,
    EntryKind,
    Grievance,
    MemberRole,
    Outcome,
    ReferredTo,
    ReimbursementKind,
    Stage,
)
from helpdesk.choices import Channel, Country
from helpdesk.models import Centre, Contact, Person, today_yangon

ZERO = Value(0, output_field=DecimalField(max_digits=14, decimal_places=2))


def money_field(verbose_name, **kwargs) -> models.DecimalField:
    """MMK amounts: Decimal with two places, never float."""
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=2, **kwargs)


class ReferenceCounter(models.Model):
    """The last case number given per centre and year; locked row by row so references never collide."""

    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["centre", "year"], name="referencecounter_unique_centre_year")]

    def __str__(self) -> str:
        return f"{self.centre_id}/{self.year}: {self.last_number}"


class ComplaintQuerySet(models.QuerySet):
    def open(self) -> ComplaintQuerySet:
        return self.filter(stage__in=OPEN_STAGES)

    def closed(self) -> ComplaintQuerySet:
        return self.filter(stage__in=CLOSED_STAGES)

    def overdue(self, today: date | None = None) -> ComplaintQuerySet:
        """Open cases whose next follow-up date has passed."""
        return self.open().filter(next_follow_up__lt=today or timezone.localdate())

    def follow_up_due(self, today: date | None = None) -> ComplaintQuerySet:
        """Open cases whose next follow-up is today or has passed."""
        return self.open().filter(next_follow_up__lte=today or timezone.localdate())

    def stale(self, days: int) -> ComplaintQuerySet:
        """Open cases with no movement for ``days`` days: no edit, stage move, reassignment, note or payment."""
        cutoff = timezone.now() - timedelta(days=days)
        moved = TimelineEntry.objects.filter(created_at__gte=cutoff).values("complaint_id")
        return self.open().filter(updated_at__lt=cutoff).exclude(pk__in=moved)

    def with_grievance(self, grievance: str) -> ComplaintQuerySet:
        return self.filter(grievances__grievance=grievance)

    def minors(self) -> ComplaintQuerySet:
        return self.filter(is_minor=True)

    def with_recovered(self) -> ComplaintQuerySet:
        """Annotate ``recovered``: the MMK received so far (a subquery, so joins never double it)."""
        total = (
            Reimbursement.objects.filter(complaint=OuterRef("pk"))
            .order_by()
            .values("complaint")
            .annotate(total=Sum("amount_mmk"))
            .values("total")
        )
        return self.annotate(recovered=Coalesce(Subquery(total), ZERO))


class Complaint(models.Model):
    """A migrant's complaint carried from intake until money is recovered or the case is closed."""

    reference = models.CharField(_("reference"), max_length=30, unique=True, editable=False)
    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="complaints", verbose_name=_("centre"))
    complainant = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="complaints", verbose_name=_("complainant"))
    intake_contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("intake contact")
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.WALK_IN)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("opened by")
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="assigned_complaints", verbose_name=_("assigned to"),
    )
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="complaints",
        verbose_name=_("respondent agency"),
    )
    employer = models.CharField(_("employer"), max_length=200, blank=True)
    destination_country = models.CharField(_("destination country"), max_length=5, choices=Country.choices, blank=True)
    description = models.TextField(_("description"), blank=True)
    amount_claimed = money_field(_("amount claimed (MMK)"), null=True, blank=True, validators=[MinValueValidator(0)])
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.INTAKE)
    referred_to = models.CharField(_("referred to"), max_length=12, choices=ReferredTo.choices, blank=True)
    referred_detail = models.CharField(_("referral detail"), max_length=200, blank=True)
    outcome = models.CharField(_("outcome"), max_length=15, choices=Outcome.choices, blank=True)
    outcome_detail = models.CharField(_("outcome detail"), max_length=200, blank=True)
    next_follow_up = models.DateField(_("next follow-up"), null=True, blank=True)
    sensitive = models.BooleanField(
        _("sensitive"), default=False,
        help_text=_("Only the assigned staff and the centre's managers can see a sensitive case."),
    )
    is_minor = models.BooleanField(
        _("under 18 at intake"), default=False, help_text=_("Flagged for a child-protection referral."),
    )
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [
            models.Index(fields=["centre", "stage"]),
            models.Index(fields=["assigned_to", "stage"]),
            models.Index(fields=["next_follow_up"]),
            # The case list's order, so a page is an index range read (helpdesk.pagination.KeysetPage).
            models.Index(fields=["-opened_at", "-id"], name="complaint_newest"),
            models.Index(fields=["centre", "-opened_at", "-id"], name="complaint_centre_newest"),
            # The agency filter: an agency's cases at a centre, newest first, without reading its other centres' cases.
            models.Index(fields=["agency", "centre", "-opened_at", "-id"], name="complaint_agency_newest"),
            # The list's counts read only the cases they count, and from the index alone: the sensitive rule's
            # columns are in it (helpdesk.pagination.capped_counts).
            models.Index(fields=["centre", "stage", "sensitive", "assigned_to"], name="complaint_stage_visibility"),
            models.Index(
                fields=["centre", "next_follow_up", "sensitive", "assigned_to"], condition=Q(stage__in=OPEN_STAGES),
                name="complaint_open_follow_up",
            ),
            models.Index(fields=["centre", "stage", "sensitive", "assigned_to"], condition=Q(is_minor=True), name="complaint_minor"),
            models.Index(fields=["centre", "stage", "sensitive"], condition=Q(assigned_to=None), name="complaint_unassigned"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount_claimed__isnull=True) | Q(amount_claimed__gte=0), name="complaint_amount_claimed_not_negative"),
            models.CheckConstraint(condition=~Q(stage=Stage.RESOLVED) | ~Q(outcome=""), name="complaint_resolved_has_outcome"),
            models.CheckConstraint(condition=~Q(stage=Stage.REFERRED) | ~Q(referred_to=""), name="complaint_referred_has_target"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.stage not in CLOSED_STAGES

    @property
    def grievance_codes(self) -> list[str]:
        return [g.grievance for g in self.grievances.all()]

    @property
    def grievance_labels(self) -> list[str]:
        return [g.get_grievance_display() for g in self.grievances.all()]

    @property
    def is_overdue(self) -> bool:
        return bool(self.is_open and self.next_follow_up and self.next_follow_up < timezone.localdate())


class ComplaintGrievance(models.Model):
    """One grievance raised in a complaint (a complaint raises one or several)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="grievances", verbose_name=_("complaint"))
    grievance = models.CharField(_("grievance"), max_length=20, choices=Grievance.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("grievance")
        verbose_name_plural = _("grievances")
        constraints = [models.UniqueConstraint(fields=["complaint", "grievance"], name="complaintgrievance_unique")]
        indexes = [models.Index(fields=["grievance", "complaint"])]

    def __str__(self) -> str:
        return self.get_grievance_display()


class ComplaintMember(models.Model):
    """One worker covered by a group case: the lead (the case's complainant) or a member who joined it.

    A case without member rows is a single case. Each member has their own complaint contact
    (``contact``), so the beneficiary table counts every worker covered exactly once.
    """

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="members", verbose_name=_("complaint"))
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="complaint_memberships", verbose_name=_("person"))
    role = models.CharField(_("role"), max_length=6, choices=MemberRole.choices, default=MemberRole.MEMBER)
    amount_claimed = money_field(_("amount claimed (MMK)"), null=True, blank=True, validators=[MinValueValidator(0)])
    contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("complaint contact")
    )
    joined_at = models.DateTimeField(_("joined"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["complaint", "role", "joined_at", "id"]  # "lead" < "member": the lead first
        verbose_name = _("group member")
        verbose_name_plural = _("group members")
        indexes = [models.Index(fields=["person", "complaint"])]
        constraints = [
            models.UniqueConstraint(fields=["complaint", "person"], name="complaintmember_unique_person"),
            models.UniqueConstraint(fields=["complaint"], condition=Q(role=MemberRole.LEAD), name="complaintmember_one_lead"),
            models.CheckConstraint(
                condition=Q(amount_claimed__isnull=True) | Q(amount_claimed__gte=0), name="complaintmember_claim_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id}: {self.person_id} ({self.role})"

    @property
    def is_lead(self) -> bool:
        return self.role == MemberRole.LEAD


class Reimbursement(models.Model):
    """One payment received for a case. ``amount_mmk`` is what counts; a foreign amount keeps its rate.

    On a group case a payment is for one ``member`` (split) or, without one, a lump sum for the whole
    group that complaints.group apportions between the members when shown.
    """

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="reimbursements", verbose_name=_("complaint"))
    member = models.ForeignKey(
        ComplaintMember, on_delete=models.PROTECT, null=True, blank=True, related_name="payments",
        verbose_name=_("for member"),
    )
    amount_mmk = money_field(_("amount (MMK)"), validators=[MinValueValidator(0)])
    date = models.DateField(_("date received"), default=today_yangon)
    kind = models.CharField(_("kind"), max_length=20, choices=ReimbursementKind.choices)
    payer = models.CharField(_("paid by"), max_length=200)
    currency = models.CharField(_("currency paid in"), max_length=3, choices=Currency.choices, default=Currency.MMK)
    original_amount = money_field(_("amount in that currency"), null=True, blank=True, validators=[MinValueValidator(0)])
    exchange_rate = models.DecimalField(
        _("rate (MMK per unit)"), max_digits=14, decimal_places=6, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("reimbursement")
        verbose_name_plural = _("reimbursements")
        indexes = [models.Index(fields=["date"]), models.Index(fields=["complaint", "date"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount_mmk__gt=0), name="reimbursement_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.amount_mmk} MMK {self.date:%Y-%m-%d}"


class TimelineEntry(models.Model):
    """Something that happened on a case: a stage move (with why), a note, an action, a payment."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="timeline", verbose_name=_("complaint"))
    kind = models.CharField(_("kind"), max_length=12, choices=EntryKind.choices)
    from_stage = models.CharField(_("from stage"), max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(_("to stage"), max_length=20, choices=Stage.choices, blank=True)
    text = models.TextField(_("text"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        indexes = [models.Index(fields=["complaint", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d}"
