"""The sync record of every entry a phone sent, and the review list of people who may already exist."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutreachEntry(models.Model):
    """One entry made on a phone and applied once: its phone-made id is unique, its answer is kept for replays."""

    class Kind(models.TextChoices):
        ACTIVITY = "activity", _("Activity")
        ATTENDEE = "attendee", _("Attendee")
        CONTACT = "contact", _("Drop-in contact")

    class Status(models.TextChoices):
        APPLIED = "applied", _("Recorded")
        REVIEW = "review", _("Waiting for review")

    client_id = models.UUIDField(_("id made on the phone"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.APPLIED)
    centre = models.ForeignKey("helpdesk.Centre", on_delete=models.PROTECT, related_name="+", verbose_name=_("centre"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("sent by"))
    activity = models.ForeignKey("helpdesk.Activity", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("activity"))
    contact = models.ForeignKey("helpdesk.Contact", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("contact"))
    person = models.ForeignKey("helpdesk.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("person"))
    received_at = models.DateTimeField(_("received"), default=timezone.now)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("outreach entry")
        verbose_name_plural = _("outreach entries")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.client_id}"

    def answer(self) -> dict:
        """What the phone is told, the first time and on every replay."""
        ids = {name: getattr(self, f"{name}_id") for name in ("activity", "contact", "person") if getattr(self, f"{name}_id")}
        return {"id": str(self.client_id), "status": self.status, **ids}


class OutreachReview(models.Model):
    """A person entered offline who may already be registered: staff of the centre say "same person" or "new person".

    ``payload`` keeps the entry as the phone sent it (the new person's details, the contact or the attendance)
    until the decision; it is blanked once decided, or by ``apply_retention`` when nobody decided it within
    ``RETENTION_OUTREACH_REVIEW_DAYS`` (the entry is then never recorded).
    """

    class Decision(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SAME = "same", _("Same person")
        NEW = "new", _("New person")
        EXPIRED = "expired", _("Not decided in time: details deleted")

    entry = models.OneToOneField(OutreachEntry, on_delete=models.CASCADE, related_name="review", verbose_name=_("entry"))
    centre = models.ForeignKey("helpdesk.Centre", on_delete=models.PROTECT, related_name="+", verbose_name=_("centre"))
    payload = models.JSONField(_("entry as sent"))
    candidates = models.ManyToManyField("helpdesk.Person", related_name="+", verbose_name=_("possible matches"))
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        ordering = ["decision", "entry__received_at", "id"]
        verbose_name = _("outreach review")
        verbose_name_plural = _("outreach reviews")
        indexes = [models.Index(fields=["centre", "decision"], name="outreachreview_centre_decision")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_decision_display()}"
