"""Who may write and see broadcasts (centre managers and admins), and a broadcast's reach in counts only."""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, QuerySet
from django.http import Http404

from bots.broadcasts.models import Broadcast, RecipientStatus, SkipReason
from helpdesk.choices import Role
from helpdesk.models import Centre
from helpdesk.selectors import user_centre_ids, user_is_admin


def user_can_broadcast(user) -> bool:
    """Managers (for their centres) and admins; staff and officers do not write or see broadcasts."""
    return user_is_admin(user) or bool(user_centre_ids(user, (Role.MANAGER,)))


def broadcast_centres_for_user(user) -> QuerySet[Centre]:
    """The centres whose subscribers the user may write to."""
    centres = Centre.objects.filter(active=True).order_by("name")
    return centres if user_is_admin(user) else centres.filter(pk__in=user_centre_ids(user, (Role.MANAGER,)))


def broadcasts_for_user(user) -> QuerySet[Broadcast]:
    """Broadcasts to any centre the user manages (admins: all)."""
    queryset = Broadcast.objects.select_related("created_by", "sent_by").prefetch_related("centres")
    if not user.is_authenticated:
        return queryset.none()
    if user_is_admin(user):
        return queryset
    managed = user_centre_ids(user, (Role.MANAGER,))
    return queryset.filter(pk__in=Broadcast.centres.through.objects.filter(centre_id__in=managed).values("broadcast_id"))


def broadcast_get_for_user(user, pk) -> Broadcast:
    """The broadcast, or 404 when it does not exist or reaches none of the user's centres."""
    try:
        return broadcasts_for_user(user).get(pk=pk)
    except (Broadcast.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


# Channels that say whether a message arrived, and whether it was read.
RECEIPTS = {"telegram": (False, False), "viber": (True, True), "messenger": (True, True), "sms": (False, False)}


def sms_receipts() -> bool:
    """Whether SMS delivery is reported: sends ask Twilio for a status callback only when BOT_PUBLIC_URL is set."""
    return bool(settings.BOT_PUBLIC_URL)


REACHED_STATUSES = (RecipientStatus.SENT, RecipientStatus.DELIVERED, RecipientStatus.SEEN)


@dataclass
class ChannelReach:
    channel: str
    statuses: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)

    @property
    def sent(self) -> int:
        """Accepted by the channel (delivered and seen ones were sent too)."""
        return sum(self.statuses[s] for s in REACHED_STATUSES)

    @property
    def delivered(self) -> int:
        return self.statuses[RecipientStatus.DELIVERED] + self.statuses[RecipientStatus.SEEN]

    @property
    def seen(self) -> int:
        return self.statuses[RecipientStatus.SEEN]

    @property
    def waiting(self) -> int:
        return self.statuses[RecipientStatus.QUEUED] + self.statuses[RecipientStatus.SENDING]

    @property
    def failed(self) -> int:
        return self.statuses[RecipientStatus.FAILED]

    @property
    def receipts(self) -> tuple[bool, bool]:
        if self.channel == "sms":  # Twilio reports delivery only to the status callback, which needs BOT_PUBLIC_URL
            return (sms_receipts(), False)
        return RECEIPTS.get(self.channel, (False, False))

    @property
    def skipped_reasons(self) -> list[tuple[str, int]]:
        labels = dict(SkipReason.choices)
        return [(labels.get(reason, reason), count) for reason, count in sorted(self.skipped.items())]


def broadcast_reach(broadcast: Broadcast) -> list[ChannelReach]:
    """Counts by channel and status, and skipped ones by reason (never names: one grouped query)."""
    reach: dict[str, ChannelReach] = defaultdict(lambda: ChannelReach(""))
    rows = broadcast.recipients.order_by().values("channel", "status", "reason").annotate(n=Count("id"))
    for row in rows:
        item = reach.setdefault(row["channel"], ChannelReach(row["channel"]))
        if row["status"] == RecipientStatus.SKIPPED:
            item.skipped[row["reason"]] += row["n"]
        item.statuses[row["status"]] += row["n"]
    return [reach[c] for c in broadcast.channels if c in reach]
