"""Writes of broadcasts: write one, start sending it, record receipts, record it as an activity.

Who gets a broadcast is decided once, when a manager presses Send: every
conversation of the chosen channels and centres gets a recipient row, queued
or skipped with its reason (stopped broadcasts, unsubscribed, erased, outside
Messenger's window, no SMS budget). Nobody is silently left out, and the row is
unique per conversation, so pressing Send twice never sends twice.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from bots.broadcasts.models import (
    BROADCAST_CHANNELS,
    Broadcast,
    BroadcastRecipient,
    BroadcastStatus,
    RecipientStatus,
    SkipReason,
)
from bots.broadcasts.text import recipient_text
from bots.channels import messenger
from bots.channels.twilio import sms_segments
from bots.models import Conversation, InboundMessage
from bots.retention import ERASED_PREFIX
from helpdesk.choices import ActivityFormat, ActivityKind
from helpdesk.models import Activity, Centre
from helpdesk.services import activity_create

ALREADY_RECORDED = "This broadcast is already recorded as an activity."
STILL_SENDING = "Another broadcast is still sending on %(channels)s: send this one when it has finished."
NOTHING_DELIVERED = "Nothing has been delivered yet: there is no head count to record."


@transaction.atomic
def broadcast_create(
    *, title: str, text_en: str, text_my: str = "", channels: list[str], centres: Iterable[Centre],
    created_by: AbstractBaseUser | None, photo: UploadedFile | None = None,
) -> Broadcast:
    """Save a draft: nothing is sent until a manager has seen who it reaches and presses Send."""
    channels = [c for c in BROADCAST_CHANNELS if c in channels]
    broadcast = Broadcast(title=title, text_en=text_en, text_my=text_my, channels=channels, created_by=created_by)
    if photo is not None:
        broadcast.photo = photo
    broadcast.full_clean()
    if not channels:
        raise ValidationError({"channels": _("Choose at least one channel.")})
    centres = list(centres)
    if not centres:
        raise ValidationError({"centres": _("Choose at least one centre.")})
    broadcast.save()
    broadcast.centres.set(centres)
    return broadcast


@dataclass(frozen=True)
class AudienceRow:
    conversation_id: int
    channel: str
    centre_id: int | None
    language: str
    reason: str  # "" = send


def last_heard_by_conversation(conversation_ids: Iterable[int]) -> dict[int, datetime]:
    """When each Messenger migrant last wrote: the start of Meta's 24-hour window (one query)."""
    rows = (
        InboundMessage.objects.filter(conversation_id__in=list(conversation_ids), kind__in=messenger.USER_KINDS)
        .values("conversation_id").annotate(at=Max("received_at")).values_list("conversation_id", "at")
    )
    return dict(rows)


def broadcast_audience(broadcast: Broadcast, *, now: datetime | None = None) -> list[AudienceRow]:
    """Every conversation of the broadcast's channels and centres, with why it is skipped ("" when it is sent)."""
    now = now or timezone.now()
    centre_ids = list(broadcast.centres.values_list("pk", flat=True))
    rows = list(
        Conversation.objects.filter(channel__in=broadcast.channels, centre_id__in=centre_ids).order_by("pk")
        .values_list("pk", "channel", "centre_id", "language", "subscribed", "broadcasts_stopped_at", "external_user_id", "person__erased_at")
    )
    heard = last_heard_by_conversation(pk for pk, channel, *_rest in rows if channel == "messenger")
    budget = settings.BROADCAST_SMS_BUDGET
    sms_used = 0
    audience = []
    for pk, channel, centre_id, language, subscribed, stopped_at, user_id, erased_at in rows:
        if erased_at is not None or user_id.startswith(ERASED_PREFIX):
            reason = SkipReason.ERASED
        elif not subscribed:
            reason = SkipReason.UNSUBSCRIBED
        elif stopped_at is not None:
            reason = SkipReason.STOPPED
        elif channel == "messenger" and not messenger.broadcast_window_open(heard.get(pk), now):
            reason = SkipReason.WINDOW
        elif channel == "sms":
            segments = sms_segments(recipient_text(broadcast, language, channel))
            reason = SkipReason.SMS_BUDGET if sms_used + segments > budget else SkipReason.NONE
            sms_used += 0 if reason else segments
        else:
            reason = SkipReason.NONE
        audience.append(AudienceRow(pk, channel, centre_id, language, str(reason)))
    return audience


@dataclass
class ChannelPreview:
    channel: str
    send: int = 0
    skipped: Counter = field(default_factory=Counter)


def broadcast_preview(broadcast: Broadcast) -> list[ChannelPreview]:
    """How many each channel would reach now, and how many it would skip and why (shown before Send)."""
    previews = {channel: ChannelPreview(channel) for channel in broadcast.channels}
    for row in broadcast_audience(broadcast):
        if row.reason:
            previews[row.channel].skipped[row.reason] += 1
        else:
            previews[row.channel].send += 1
    return list(previews.values())


def broadcast_start(*, broadcast: Broadcast, user: AbstractBaseUser | None) -> int:
    """Queue every recipient (skipped ones recorded with their reason) and start the batches; return how many are queued.

    Safe to call twice: the second call finds the broadcast no longer a draft and does nothing.
    """
    from bots.broadcasts.sending import schedule_batch

    with transaction.atomic():
        locked = Broadcast.objects.select_for_update().get(pk=broadcast.pk)
        if locked.status != BroadcastStatus.DRAFT:
            return 0
        busy = sorted({c for b in Broadcast.objects.filter(status=BroadcastStatus.SENDING) for c in b.channels} & set(locked.channels))
        if busy:
            # One broadcast per channel at a time: two chains of batches would together pass Telegram's rate.
            raise ValidationError(STILL_SENDING, code="busy", params={"channels": ", ".join(busy)})
        now = timezone.now()
        recipients = [
            BroadcastRecipient(
                broadcast=locked, conversation_id=row.conversation_id, channel=row.channel, centre_id=row.centre_id,
                language=row.language, queued_at=now,
                status=RecipientStatus.SKIPPED if row.reason else RecipientStatus.QUEUED, reason=row.reason,
            )
            for row in broadcast_audience(locked, now=now)
        ]
        BroadcastRecipient.objects.bulk_create(recipients, batch_size=1000, ignore_conflicts=True)
        locked.status, locked.sent_by, locked.sent_at = BroadcastStatus.SENDING, user, now
        locked.save(update_fields=["status", "sent_by", "sent_at"])
        queued = Counter(r.channel for r in recipients if r.status == RecipientStatus.QUEUED)
        for channel in queued:
            transaction.on_commit(lambda channel=channel: schedule_batch(locked.pk, channel))
        if not queued:
            locked.status, locked.finished_at = BroadcastStatus.DONE, now
            locked.save(update_fields=["status", "finished_at"])
    broadcast.refresh_from_db()
    return sum(queued.values())


@transaction.atomic
def broadcast_cancel(*, broadcast: Broadcast) -> int:
    """Stop a broadcast that is sending: whoever is still queued is skipped ("sending was stopped"); return how many.

    A batch already sending finishes its few messages; nothing else goes out.
    """
    locked = Broadcast.objects.select_for_update().get(pk=broadcast.pk)
    if locked.status != BroadcastStatus.SENDING:
        return 0
    stopped = locked.recipients.filter(status=RecipientStatus.QUEUED).update(status=RecipientStatus.SKIPPED, reason=SkipReason.CANCELLED)
    locked.status, locked.finished_at = BroadcastStatus.DONE, timezone.now()
    locked.save(update_fields=["status", "finished_at"])
    broadcast.refresh_from_db()
    return stopped


STATUS_ORDER = [RecipientStatus.SENT, RecipientStatus.DELIVERED, RecipientStatus.SEEN]
STAMP = {RecipientStatus.DELIVERED: "delivered_at", RecipientStatus.SEEN: "seen_at"}


def _forward(queryset, status: str, error: str = "") -> int:
    """Move recipients to a receipt's status, never backwards (a late "delivered" after "seen" changes nothing)."""
    if status == RecipientStatus.FAILED:
        return queryset.filter(status__in=STATUS_ORDER).update(status=status, error=error[:300])
    if status not in STAMP:
        return 0
    now = timezone.now()
    fields = {STAMP[status]: now}
    if status == RecipientStatus.SEEN:  # seen implies delivered: stamp that time too when no receipt said so
        queryset.filter(status__in=STATUS_ORDER[:2], delivered_at__isnull=True).update(delivered_at=now)
    return queryset.filter(status__in=STATUS_ORDER[: STATUS_ORDER.index(status)]).update(status=status, **fields)


def broadcast_mark(*, channel: str, provider_message_id: str, status: str, user_id: str = "", error: str = "") -> int:
    """Record a receipt by the channel's message id (Viber: the token is shared by a call's receivers, so with the user)."""
    if not provider_message_id:
        return 0
    queryset = BroadcastRecipient.objects.filter(channel=channel, provider_message_id=provider_message_id)
    if user_id:
        queryset = queryset.filter(conversation__external_user_id=user_id)
    return _forward(queryset, status, error)


def broadcast_mark_until(*, channel: str, user_id: str, status: str, until: datetime) -> int:
    """Record a watermark receipt (Messenger: everything sent to this person up to ``until`` was delivered/read)."""
    queryset = BroadcastRecipient.objects.filter(channel=channel, conversation__external_user_id=user_id, sent_at__lte=until)
    return _forward(queryset, status)


# Telegram gives no receipts, but a message it accepted is in the chat: it counts as reached.
REACHED = Q(status__in=(RecipientStatus.DELIVERED, RecipientStatus.SEEN)) | Q(channel="telegram", status=RecipientStatus.SENT)


@transaction.atomic
def broadcast_record_activity(*, broadcast: Broadcast, user: AbstractBaseUser | None) -> list[Activity]:
    """Record the broadcast as community mobilisation: one activity per centre, its reached count as head count.

    Gender is unknown, so the whole count is "not disclosed". These are head counts, not
    people: the beneficiary table adds them to people reached, never to unique persons.
    """
    locked = Broadcast.objects.select_for_update().get(pk=broadcast.pk)
    if locked.activities.exists():
        raise ValidationError(ALREADY_RECORDED, code="recorded")
    reached = defaultdict(int)
    for centre_id in locked.recipients.filter(REACHED).values_list("centre_id", flat=True):
        if centre_id is not None:
            reached[centre_id] += 1
    if not reached:
        raise ValidationError(NOTHING_DELIVERED, code="nothing")
    day = timezone.localdate(locked.sent_at or timezone.now())
    activities = [
        activity_create(
            centre=centre, created_by=user, kind=ActivityKind.MOBILISATION, format=ActivityFormat.BROADCAST,
            title=locked.title[:200], date=day, undisclosed_count=reached[centre.pk],
            notes=f"Bot broadcast #{locked.pk}: {reached[centre.pk]} reached (delivered, seen, or accepted by Telegram)",
        )
        for centre in Centre.objects.filter(pk__in=reached).order_by("pk")
    ]
    locked.activities.set(activities)
    return activities
