"""The register of licensed overseas employment agencies."""
from __future__ import annotations

import re

from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from helpdesk.text import digits_to_ascii


def normalize_licence_number(value: str) -> str:
    """Return the canonical form of a licence number: "No. ၁၂၃/2019" and "123/2019" give "123/2019".

    Drops a leading "No."/"Licence No"/"လိုင်စင်အမှတ်" label, spaces and leading zeros.
    """
    text = digits_to_ascii(value or "").strip().upper()
    text = re.sub(r"^(LICEN[CS]E\s*)?(NO\.?|NUMBER|#)\s*:?\s*", "", text)
    text = re.sub(r"^(လိုင်စင်\s*)?(အမှတ်)\s*[:：]?\s*", "", text)
    text = re.sub(r"[\s\-–.]+", "", text)
    parts = [part.lstrip("0") or "0" if part.isdigit() else part for part in text.split("/")]
    return "/".join(parts)


class LicenceStatus(models.TextChoices):
    LICENSED = "licensed", _("Licensed")
    SUSPENDED = "suspended", _("Suspended")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")


class AgencyQuerySet(models.QuerySet):
    def with_current_status(self) -> AgencyQuerySet:
        """Annotate ``current_status``: a licensed agency past its expiry date counts as expired."""
        today = timezone.localdate()
        return self.annotate(
            current_status=Case(
                When(Q(status=LicenceStatus.LICENSED) & Q(expiry_date__lt=today), then=Value(LicenceStatus.EXPIRED.value)),
                default=F("status"),
                output_field=models.CharField(),
            )
        )


class Agency(models.Model):
    """A recruitment agency and its licence. ``status`` is what the Ministry says;
    expiry is derived from ``expiry_date`` (see ``current_status``)."""

    licence_number = models.CharField(_("licence number"), max_length=40, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)
    name_my = models.CharField(_("name (Burmese)"), max_length=255, blank=True)
    address = models.TextField(_("address"), blank=True)
    phones = models.CharField(_("phones"), max_length=255, blank=True)
    destination_countries = models.CharField(_("destination countries"), max_length=255, blank=True, help_text=_("Comma-separated ISO codes, e.g. TH,MY"))
    status = models.CharField(_("licence status"), max_length=10, choices=LicenceStatus.choices, default=LicenceStatus.LICENSED)
    issue_date = models.DateField(_("issue date"), null=True, blank=True)
    expiry_date = models.DateField(_("expiry date"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    objects = AgencyQuerySet.as_manager()

    class Meta:
        ordering = ["name_en", "licence_number"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        constraints = [
            models.CheckConstraint(condition=~Q(status=LicenceStatus.EXPIRED), name="agency_status_not_stored_expired"),
        ]

    def __str__(self) -> str:
        return f"{self.name_en or self.name_my} ({self.licence_number})"

    def save(self, *args, **kwargs):
        self.licence_number = normalize_licence_number(self.licence_number)
        super().save(*args, **kwargs)

    @property
    def effective_status(self) -> str:
        """Return the status a migrant should be told, with expiry derived from the date."""
        if self.status == LicenceStatus.LICENSED and self.expiry_date and self.expiry_date < timezone.localdate():
            return LicenceStatus.EXPIRED
        return self.status
