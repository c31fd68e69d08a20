"""Bot conversations, every message in and out, and call-back requests.

An inbound message is unique per channel and external id (Telegram update_id,
Viber message_token, Twilio MessageSid/CallSid) so a retried webhook is
answered from ``response_body`` without being processed again.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from helpdesk.choices import Topic
from helpdesk.models import Centre, Contact, Person


class BotChannel(models.TextChoices):
    TELEGRAM = "telegram", _("Telegram")
    VIBER = "viber", _("Viber")
    SMS = "sms", _("SMS")
    VOICE = "voice", _("Voice call")
    MESSENGER = "messenger", _("Messenger")


# The helpdesk Contact.channel each bot channel is counted under.
CONTACT_CHANNEL = {"telegram": "telegram", "viber": "viber", "sms": "sms", "voice": "phone", "messenger": "messenger"}


class Attention(models.TextChoices):
    NONE = "", _("None")
    HANDOVER = "handover", _("Wants to talk to a person")
    CALLBACK = "callback", _("Asked for a call-back")
    STAFF = "staff", _("Staff are answering")


class ConversationQuerySet(models.QuerySet):
    def inbox_order(self) -> ConversationQuerySet:
        """Hand-over and call-back requests first (oldest request first), then the latest activity."""
        return self.order_by(
            models.Case(models.When(attention="", then=1), default=0),
            "attention_since",
            "-last_message_at",
            "-id",
        )


class Conversation(models.Model):
    """One person on one channel (a Telegram chat, a Viber user, a phone number)."""

    channel = models.CharField(_("channel"), max_length=10, choices=BotChannel.choices)
    external_user_id = models.CharField(_("user id on the channel"), max_length=100)
    display_name = models.CharField(_("name on the channel"), max_length=200, blank=True)
    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, null=True, blank=True, related_name="bot_conversations", verbose_name=_("centre"))
    person = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="bot_conversations", verbose_name=_("person"))
    language = models.CharField(_("language"), max_length=5, blank=True)
    zawgyi = models.BooleanField(_("writes Zawgyi"), default=False)
    state = models.JSONField(_("state"), default=dict, blank=True)
    attention = models.CharField(_("needs staff"), max_length=10, choices=Attention.choices, blank=True, default="")
    attention_since = models.DateTimeField(_("waiting since"), null=True, blank=True)
    subscribed = models.BooleanField(_("can receive messages"), default=True)
    broadcasts_stopped_at = models.DateTimeField(
        _("stopped broadcasts"), null=True, blank=True,
        help_text=_("The migrant replied STOP to a broadcast (or UNSUBSCRIBE): no broadcast is sent until they send SUBSCRIBE."),
    )
    sensitive = models.BooleanField(
        _("sensitive"), default=False,
        help_text=_("The migrant reported abuse or trafficking: only managers, admins and the case's assigned staff see it."),
    )
    complaints = models.ManyToManyField(
        "complaints.Complaint", blank=True, related_name="bot_conversations", verbose_name=_("cases opened here"),
        help_text=_("The staff assigned to any of these cases see a sensitive conversation."),
    )
    last_contact = models.ForeignKey(Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("helpline contact"))
    last_message_at = models.DateTimeField(_("last message"), default=timezone.now)
    last_message_text = models.CharField(_("last message"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    history = HistoricalRecords(excluded_fields=["state", "last_message_at", "last_message_text"])

    objects = ConversationQuerySet.as_manager()

    class Meta:
        ordering = ["-last_message_at", "-id"]
        verbose_name = _("bot conversation")
        verbose_name_plural = _("bot conversations")
        constraints = [
            models.UniqueConstraint(fields=["channel", "external_user_id"], name="conversation_unique_channel_user"),
        ]
        indexes = [models.Index(fields=["centre", "attention", "-last_message_at"])]

    def __str__(self) -> str:
        return f"{self.get_channel_display()}: {self.who or self.external_user_id[-4:]}"

    @property
    def sms_opted_out(self) -> bool:
        """The migrant texted STOP (or another carrier opt-out word): nothing can reach them until START."""
        return self.channel == BotChannel.SMS and not self.subscribed

    @property
    def who(self) -> str:
        """The name staff know the migrant by: the person's name, the channel's name, or the phone for SMS and calls."""
        if self.person_id and self.person.name:
            return self.person.name
        if self.display_name:
            return self.display_name
        if self.external_user_id.startswith("hidden:"):
            return ""  # a hidden-number call: shown as "Anonymous"
        return self.external_user_id if self.channel in (BotChannel.SMS, BotChannel.VOICE) else ""


class InboundMessage(models.Model):
    """A webhook call as received; the answer it got is kept for retries."""

    channel = models.CharField(_("channel"), max_length=10, choices=BotChannel.choices)
    external_id = models.CharField(_("id on the channel"), max_length=100)
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, null=True, blank=True, related_name="inbound", verbose_name=_("conversation"))
    kind = models.CharField(_("kind"), max_length=30, default="message")
    text = models.TextField(_("text"), blank=True)
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    response_body = models.TextField(_("answer"), blank=True)
    response_type = models.CharField(max_length=60, default="application/json")
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    # What the worker needs to run the conversation later (webhooks that only store, issue 13):
    # who wrote, the name the channel gave, whether the engine answers it, and when it was processed.
    sender = models.CharField(_("sender on the channel"), max_length=100, blank=True)
    sender_name = models.CharField(_("sender's name on the channel"), max_length=200, blank=True)
    converse = models.BooleanField(_("answered by the bot"), default=False)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)

    class Meta:
        ordering = ["received_at", "id"]
        verbose_name = _("inbound message")
        verbose_name_plural = _("inbound messages")
        constraints = [models.UniqueConstraint(fields=["channel", "external_id"], name="inbound_unique_channel_external_id")]
        indexes = [
            models.Index(fields=["conversation", "received_at"]),
            models.Index(fields=["received_at"], name="inbound_received_at"),
            # The worker's queue: a sender's unprocessed events in the order they arrived.
            models.Index(fields=["channel", "sender", "id"], condition=Q(processed_at__isnull=True), name="inbound_unprocessed"),
        ]

    def __str__(self) -> str:
        return f"{self.channel}:{self.external_id}"


class OutboundStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to send")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    SEEN = "seen", _("Seen")
    FAILED = "failed", _("Failed")


class OutboundQuerySet(models.QuerySet):
    def due(self, now=None) -> OutboundQuerySet:
        """Pending messages whose next attempt time has come."""
        now = now or timezone.now()
        return self.filter(status=OutboundStatus.PENDING).filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))


class OutboundMessage(models.Model):
    """A reply to send (by the bot or by staff), with its delivery status and attempts."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="outbound", verbose_name=_("conversation"))
    inbound = models.ForeignKey(InboundMessage, on_delete=models.SET_NULL, null=True, blank=True, related_name="replies", verbose_name=_("in reply to"))
    text = models.TextField(_("text"))
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("sent by"))
    status = models.CharField(_("status"), max_length=10, choices=OutboundStatus.choices, default=OutboundStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    external_id = models.CharField(_("id on the channel"), max_length=100, blank=True, db_index=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    objects = OutboundQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("outbound message")
        verbose_name_plural = _("outbound messages")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]), models.Index(fields=["conversation", "created_at"]),
            models.Index(fields=["created_at"], name="outbound_created_at"),
        ]

    def __str__(self) -> str:
        return f"{self.conversation_id}: {self.text[:40]}"


class CallbackRequest(models.Model):
    """A migrant asked the nearest centre to call them back."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="callbacks", verbose_name=_("conversation"))
    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="callback_requests", verbose_name=_("centre"))
    person = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="callback_requests", verbose_name=_("person"))
    name = models.CharField(_("name"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=20)
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices, blank=True)
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    done_at = models.DateTimeField(_("called back"), null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("called back by"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("call-back request")
        verbose_name_plural = _("call-back requests")
        indexes = [models.Index(fields=["done_at"], name="callback_done_at")]

    def __str__(self) -> str:
        return f"{self.name or self.phone} ({self.created_at:%Y-%m-%d})"


def attachment_storage():
    """The private storage attachments are kept in (``STORAGES["bot_attachments"]``), never served as public media."""
    from django.core.files.storage import storages

    return storages["bot_attachments"]


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"{instance.conversation_id or 0}/{timezone.localdate():%Y/%m}/{filename}"


class AttachmentKind(models.TextChoices):
    PHOTO = "photo", _("Photo")
    DOCUMENT = "document", _("Document")
    VOICE = "voice", _("Voice note")
    AUDIO = "audio", _("Audio")
    VIDEO = "video", _("Video")
    STICKER = "sticker", _("Sticker")
    LOCATION = "location", _("Location")
    CONTACT = "contact", _("Contact card")


class AttachmentStatus(models.TextChoices):
    PENDING = "pending", _("Downloading")
    STORED = "stored", _("Stored")
    REFUSED = "refused", _("Not kept")
    FAILED = "failed", _("Download failed")
    DELETED = "deleted", _("Deleted (retention)")


class Attachment(models.Model):
    """A photo, document, voice note or location a migrant sent; the file is fetched by the worker."""

    inbound = models.ForeignKey(InboundMessage, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("message"))
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments", verbose_name=_("conversation"))
    kind = models.CharField(_("kind"), max_length=10, choices=AttachmentKind.choices)
    file_ref = models.CharField(_("file on the channel"), max_length=1000, blank=True)
    mime = models.CharField(_("type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), null=True, blank=True)
    name = models.CharField(_("file name"), max_length=200, blank=True)
    file = models.FileField(_("file"), storage=attachment_storage, upload_to=attachment_path, max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=AttachmentStatus.choices, default=AttachmentStatus.PENDING)
    refused_reason = models.CharField(_("why not kept"), max_length=300, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    received_at = models.DateTimeField(_("received"), default=timezone.now)

    class Meta:
        ordering = ["received_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        indexes = [models.Index(fields=["conversation", "received_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_image(self) -> bool:
        return self.status == AttachmentStatus.STORED and self.mime.startswith("image/") and self.mime != "image/svg+xml"

    @property
    def is_audio(self) -> bool:
        return self.status == AttachmentStatus.STORED and self.mime.startswith("audio/")


class ComplaintEvidence(models.Model):
    """An attachment staff added to a case as evidence (a contract, a receipt, a voice note)."""

    complaint = models.ForeignKey("complaints.Complaint", on_delete=models.CASCADE, related_name="bot_evidence", verbose_name=_("case"))
    attachment = models.ForeignKey(Attachment, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("attachment"))
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("added by"))
    added_at = models.DateTimeField(_("added"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["added_at", "id"]
        verbose_name = _("case evidence")
        verbose_name_plural = _("case evidence")
        constraints = [models.UniqueConstraint(fields=["complaint", "attachment"], name="evidence_unique_complaint_attachment")]

    def __str__(self) -> str:
        return f"{self.complaint_id}: {self.attachment}"


# Broadcasts live in their own module (bots/broadcasts/); Django finds models through this one.
from bots.broadcasts.models import Broadcast, BroadcastRecipient  # noqa: E402, F401
