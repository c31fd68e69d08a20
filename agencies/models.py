"""The register of licensed overseas employment agencies, and the checks staff make against it."""
from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from agencies.register import register_changed
from helpdesk.models import Contact, ImportJob
from helpdesk.text import digits_to_ascii

LICENCE_NUMBER_REQUIRED = _("Enter the licence number.")
EXPIRED_IS_DERIVED = _("“Expired” follows from the expiry date: keep the Ministry’s status and set the expiry date.")
NAME_REQUIRED = _("Give the agency’s English or Burmese name.")
EXPIRY_BEFORE_ISSUE = _("The expiry date is before the issue date.")

_LABEL_EN = re.compile(r"^(LICEN[CS]E\s*)?(NO\.?|NUMBER|#)\s*[:：]?\s*")
_LABEL_MY = re.compile(r"^(လိုင်စင်\s*)?(အမှတ်)\s*[:：]?\s*")
_NUMBER_YEAR = re.compile(r"^(\d+)\s*[-–]\s*(\d{4})$")


def normalize_licence_number(value: str) -> str:
    """Return the canonical form of a licence number: "No. ၁၂၃/2019" and "123/2019" give "123/2019".

    Drops a leading "No."/"Licence No"/"လိုင်စင်အမှတ်" label, spaces and leading zeros;
    "123-2019" is read as "123/2019".
    """
    text = digits_to_ascii(value or "").strip().upper()
    text = _LABEL_EN.sub("", text)
    text = _LABEL_MY.sub("", text)
    text = _NUMBER_YEAR.sub(r"\1/\2", text.strip())
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

    def in_status(self, status: str) -> AgencyQuerySet:
        """Filter by the status a migrant would be told (expired derived from the date)."""
        today = timezone.localdate()
        if status == LicenceStatus.EXPIRED:
            return self.filter(status=LicenceStatus.LICENSED, expiry_date__lt=today)
        if status == LicenceStatus.LICENSED:
            return self.filter(Q(expiry_date__isnull=True) | Q(expiry_date__gte=today), status=status)
        return self.filter(status=status)

    def serving(self, country: str) -> AgencyQuerySet:
        """Filter agencies sending workers to a destination country (ISO code)."""
        return self.filter(destination_countries__regex=rf"(^|,){re.escape(country)}(,|$)")


class Agency(models.Model):
    """A recruitment agency and its licence. ``status`` is what the Ministry says;
    expiry is derived from ``expiry_date`` (see ``effective_status``)."""

    licence_number = models.CharField(_("licence number"), max_length=40, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)
    name_my = models.CharField(_("name (Burmese)"), max_length=255, blank=True)
    address = models.TextField(_("address"), blank=True)
    phones = models.CharField(_("phones"), max_length=255, blank=True)
    destination_countries = models.CharField(_("destination countries"), max_length=255, blank=True, help_text=_("Comma-separated ISO codes, e.g. TH,MY"))
    status = models.CharField(_("licence status"), max_length=10, choices=LicenceStatus.choices, default=LicenceStatus.LICENSED)
    issue_date = models.DateField(_("issue date"), null=True, blank=True)
    expiry_date = models.DateField(_("expiry date"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)
    history = HistoricalRecords()

    objects = AgencyQuerySet.as_manager()

    class Meta:
        ordering = ["name_en", "licence_number"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        constraints = [
            models.CheckConstraint(condition=~Q(status=LicenceStatus.EXPIRED), name="agency_status_not_stored_expired"),
        ]
        indexes = [models.Index(fields=["status", "expiry_date"])]

    def __str__(self) -> str:
        return f"{self.name_en or self.name_my} ({self.licence_number})"

    def save(self, *args, **kwargs):
        self.licence_number = normalize_licence_number(self.licence_number)
        super().save(*args, **kwargs)
        register_changed()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        register_changed()
        return result

    def clean(self):
        # Normalised before the uniqueness check, so "No. 123/2019" cannot slip past "123/2019".
        self.licence_number = normalize_licence_number(self.licence_number)
        if not self.licence_number:
            raise ValidationError({"licence_number": LICENCE_NUMBER_REQUIRED})
        if self.status == LicenceStatus.EXPIRED:
            raise ValidationError({"status": EXPIRED_IS_DERIVED})
        if not self.name_en and not self.name_my:
            raise ValidationError({"name_en": NAME_REQUIRED})
        if self.issue_date and self.expiry_date and self.expiry_date < self.issue_date:
            raise ValidationError({"expiry_date": EXPIRY_BEFORE_ISSUE})

    @property
    def effective_status(self) -> str:
        """Return the status a migrant should be told, with expiry derived from the date."""
        if self.status == LicenceStatus.LICENSED and self.expiry_date and self.expiry_date < timezone.localdate():
            return LicenceStatus.EXPIRED
        return self.status

    @property
    def effective_status_label(self) -> str:
        return LicenceStatus(self.effective_status).label

    @property
    def country_codes(self) -> list[str]:
        return [code for code in self.destination_countries.split(",") if code]


class AgencyCheck(models.Model):
    """The agency staff checked during a contact with the topic "agency licence check".

    Keeps what was asked and the licence status at the time, so reports count
    unlicensed agencies as they were when the migrant asked, not as they are now.
    ``agency`` is empty when nothing in the register matched: that agency is unlicensed.
    """

    contact = models.OneToOneField(Contact, on_delete=models.CASCADE, related_name="agency_check", verbose_name=_("contact"))
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="checks", verbose_name=_("agency"))
    query = models.CharField(_("agency asked about"), max_length=255)
    status_at_check = models.CharField(_("licence status at check"), max_length=10, choices=LicenceStatus.choices, blank=True)
    licensed = models.BooleanField(_("licensed agency found"), default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("agency check")
        verbose_name_plural = _("agency checks")
        constraints = [
            models.CheckConstraint(
                condition=Q(licensed=False) | Q(status_at_check=LicenceStatus.LICENSED, agency__isnull=False),
                name="agencycheck_licensed_needs_licensed_agency",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.query} ({self.get_status_at_check_display() or _('not in the register')})"


class AgencyImport(ImportJob):
    """A licence list too long to import during the upload request, imported by a background task.

    The report is kept as the text lines the upload page shows, written in the language of whoever uploaded it.
    """

    language = models.CharField(_("language"), max_length=10, blank=True)
    report = models.JSONField(_("report"), default=list, blank=True)

    class Meta(ImportJob.Meta):
        verbose_name = _("licence list import")
        verbose_name_plural = _("licence list imports")
