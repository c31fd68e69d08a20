"""API tokens: one per partner system, scoped to centres; only the token's SHA-256 is stored."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from helpdesk.models import Centre


class ApiTokenQuerySet(models.QuerySet):
    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A partner organisation's key to the read API: which centres it sees, and whether it sees cases."""

    organisation = models.CharField(_("organisation"), max_length=200, help_text=_("Who uses this token, e.g. the ILO M&E system."))
    token_prefix = models.CharField(_("token starts with"), max_length=12, editable=False, help_text=_("To recognise a token; not enough to use it."))
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    centres = models.ManyToManyField(Centre, related_name="+", verbose_name=_("centres"), help_text=_("The token sees figures and cases of these centres only."))
    case_level = models.BooleanField(
        _("case-level access"), default=False,
        help_text=_("Also list cases, without names or any personal detail. Sensitive cases are never listed."),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["token_hash", "last_used_at"], m2m_fields=[centres])
    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["organisation", "id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.organisation} ({self.token_prefix}…)"

    @property
    def label(self) -> str:
        """How the access log names the caller: the token's id and organisation, never the token."""
        return f"#{self.pk} {self.organisation}"[:100]
