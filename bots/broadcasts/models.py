"""Broadcasts: one safe-migration message sent to the subscribers of chosen channels and centres.

Each recipient is a row (unique per broadcast and conversation, so a re-run never
sends twice) with its own status: queued, sending (claimed by a batch), sent,
delivered, seen (when the channel says), failed, or skipped with a reason.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from helpdesk.models import Activity, Centre


class BroadcastStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENDING = "sending", _("Sending")
    DONE = "done", _("Sent")


class RecipientStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    SEEN = "seen", _("Seen")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Skipped")


class SkipReason(models.TextChoices):
    NONE = "", _("None")
    STOPPED = "stopped", _("Replied STOP to broadcasts")
    UNSUBSCRIBED = "unsubscribed", _("Unsubscribed from the channel (or SMS STOP)")
    ERASED = "erased", _("Person erased")
    WINDOW = "window", _("Outside the messaging window")
    SMS_BUDGET = "sms_budget", _("No SMS budget left (BROADCAST_SMS_BUDGET)")
    CANCELLED = "cancelled", _("Sending was stopped")


# Channels a broadcast can use: callers of the voice line are reached by SMS only if they also texted.
BROADCAST_CHANNELS = ("telegram", "viber", "messenger", "sms")


def broadcast_photo_path(instance: Broadcast, filename: str) -> str:
    return f"broadcasts/{timezone.localdate():%Y/%m}/{filename}"


def _photo_storage():
    from bots.models import attachment_storage

    return attachment_storage()


class Broadcast(models.Model):
    """A message a manager wrote for the subscribers of some channels and centres."""

    title = models.CharField(_("title"), max_length=200, help_text=_("For the list and the activity record; migrants do not see it."))
    text_en = models.TextField(_("message in English"), max_length=900)
    text_my = models.TextField(_("message in Burmese"), max_length=900, blank=True)
    photo = models.FileField(_("photo"), storage=_photo_storage, upload_to=broadcast_photo_path, max_length=300, blank=True)
    channels = models.JSONField(_("channels"), default=list)
    centres = models.ManyToManyField(Centre, related_name="broadcasts", verbose_name=_("centres"))
    status = models.CharField(_("status"), max_length=10, choices=BroadcastStatus.choices, default=BroadcastStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("written by"))
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("sent by"))
    sent_at = models.DateTimeField(_("sending started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("sending finished"), null=True, blank=True)
    sms_segments = models.PositiveIntegerField(_("SMS segments used"), default=0)
    activities = models.ManyToManyField(Activity, blank=True, related_name="+", verbose_name=_("recorded as activities"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("broadcast")
        verbose_name_plural = _("broadcasts")

    def __str__(self) -> str:
        return self.title

    def channel_labels(self) -> str:
        """The channels by their names ("Telegram, Messenger"), translated, for the list; the stored codes are not for people."""
        from bots.models import BotChannel

        labels = dict(BotChannel.choices)
        return ", ".join(str(labels.get(code, code)) for code in self.channels)

    def text_for(self, language: str) -> str:
        """The message in the conversation's language (English when there is no Burmese); both when none was chosen."""
        if language == "my" and self.text_my:
            return self.text_my
        if language == "en" or not self.text_my:
            return self.text_en
        return f"{self.text_my}\n\n{self.text_en}"


class BroadcastRecipient(models.Model):
    """One conversation a broadcast was (or was not) sent to, and what the channel said about it."""

    broadcast = models.ForeignKey(Broadcast, on_delete=models.CASCADE, related_name="recipients", verbose_name=_("broadcast"))
    conversation = models.ForeignKey("bots.Conversation", on_delete=models.CASCADE, related_name="broadcasts", verbose_name=_("conversation"))
    channel = models.CharField(_("channel"), max_length=10)
    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("centre"))
    language = models.CharField(_("language"), max_length=5, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=RecipientStatus.choices, default=RecipientStatus.QUEUED)
    reason = models.CharField(_("why skipped"), max_length=20, choices=SkipReason.choices, blank=True, default="")
    error = models.CharField(_("error"), max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    provider_message_id = models.CharField(_("id on the channel"), max_length=100, blank=True)
    queued_at = models.DateTimeField(_("queued"), default=timezone.now)
    claimed_at = models.DateTimeField(_("taken by a batch"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    seen_at = models.DateTimeField(_("seen"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("broadcast recipient")
        verbose_name_plural = _("broadcast recipients")
        constraints = [models.UniqueConstraint(fields=["broadcast", "conversation"], name="broadcast_recipient_once")]
        indexes = [
            models.Index(fields=["broadcast", "channel", "status"]),
            models.Index(fields=["provider_message_id"], name="broadcast_recipient_provider"),
            models.Index(fields=["conversation", "sent_at"], name="broadcast_recipient_sent"),
        ]

    def __str__(self) -> str:
        return f"{self.broadcast_id} → {self.conversation_id}: {self.status}"
