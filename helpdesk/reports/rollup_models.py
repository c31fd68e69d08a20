"""Tables the beneficiary table reads for closed quarters (kept by ``helpdesk.reports.rollups``).

Imported by ``helpdesk.models`` so they belong to the helpdesk app. Quarters
are numbered ``year * 4 + quarter - 1`` (2024 Q1 = 8096) so consecutive
quarters are consecutive integers.
"""
from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RollupQuarter(models.Model):
    """A closed quarter whose rollups are built: the table reads it from the rollups, not the raw rows."""

    quarter = models.PositiveIntegerField(_("quarter"), unique=True)
    built_at = models.DateTimeField(_("built"), auto_now=True)

    class Meta:
        app_label = "helpdesk"
        ordering = ["quarter"]
        verbose_name = _("report rollup quarter")
        verbose_name_plural = _("report rollup quarters")

    def __str__(self) -> str:
        return f"{self.quarter // 4} Q{self.quarter % 4 + 1}"


class RollupCount(models.Model):
    """People reached in one quarter, centre, table row (service or activity kind), channel and gender.

    ``reached`` is what the row's cell adds up; ``unidentified`` the part of it
    that no person record stands behind (anonymous contacts, head counts).
    Activity rows have no channel (blank).
    """

    quarter = models.PositiveIntegerField(_("quarter"))
    centre = models.ForeignKey("helpdesk.Centre", on_delete=models.CASCADE, related_name="+", verbose_name=_("centre"))
    row_key = models.CharField(_("row"), max_length=12)
    channel = models.CharField(_("channel"), max_length=10, blank=True)
    gender = models.CharField(_("gender"), max_length=12)
    reached = models.PositiveIntegerField(_("people reached"), default=0)
    unidentified = models.PositiveIntegerField(_("anonymous contacts and head counts"), default=0)

    class Meta:
        app_label = "helpdesk"
        verbose_name = _("report rollup count")
        verbose_name_plural = _("report rollup counts")
        constraints = [
            models.UniqueConstraint(fields=["quarter", "centre", "row_key", "channel", "gender"], name="rollupcount_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.quarter} {self.centre_id} {self.row_key} {self.channel} {self.gender}: {self.reached}"


class RollupPresence(models.Model):
    """A registered person seen (a contact or an attended activity) at a centre in a built quarter.

    Kept with the person's gender so that a change of gender or of presence
    can be taken back out of ``RollupReturn`` exactly.
    """

    # not a foreign key: deleting a person must leave its rows for ``refresh`` to take back out of RollupReturn
    person = models.PositiveBigIntegerField(_("person"), db_column="person_id")
    centre = models.PositiveIntegerField(_("centre"))
    quarter = models.PositiveIntegerField(_("quarter"))
    gender = models.CharField(_("gender"), max_length=12)

    class Meta:
        app_label = "helpdesk"
        verbose_name = _("report rollup presence")
        verbose_name_plural = _("report rollup presences")
        constraints = [
            models.UniqueConstraint(fields=["person", "centre", "quarter"], name="rolluppresence_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.centre} {self.quarter}"


class RollupReturn(models.Model):
    """How many persons of a gender were seen in ``quarter`` whose previous built quarter seen was ``previous``.

    ``scope`` is a centre id, or 0 for all centres; ``previous`` 0 means never
    before. Unique persons over quarters a..b are then the sum over q in a..b
    of the rows with ``previous < a``: exact, and a few hundred rows whatever
    the number of contacts.
    """

    scope = models.PositiveIntegerField(_("centre or 0 for all"))
    quarter = models.PositiveIntegerField(_("quarter"))
    previous = models.PositiveIntegerField(_("previous quarter seen"))
    gender = models.CharField(_("gender"), max_length=12)
    persons = models.PositiveIntegerField(_("persons"), default=0)

    class Meta:
        app_label = "helpdesk"
        verbose_name = _("report rollup return")
        verbose_name_plural = _("report rollup returns")
        constraints = [
            models.UniqueConstraint(fields=["scope", "quarter", "previous", "gender"], name="rollupreturn_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.quarter} {self.previous} {self.gender}: {self.persons}"
