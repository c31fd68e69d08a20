"""Attachments: store what a channel describes, fetch the file in the worker within limits, add it to a case.

The webhook only records the attachment (status pending); ``download_attachment``
(bots/tasks.py) fetches it from the channel's file API after commit. A file too
large or of a type not kept is recorded as refused with the reason, never saved.
"""
from __future__ import annotations

import fnmatch
import logging
import mimetypes
from collections.abc import Sequence

import httpx
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from bots.channels import SEND_TIMEOUT, AttachmentRef, SendError, clean_payload, mask_secrets
from bots.models import Attachment, AttachmentKind, AttachmentStatus, ComplaintEvidence, Conversation, InboundMessage

log = logging.getLogger(__name__)

# Stickers are decoration, not evidence; a location has no file.
NOT_DOWNLOADED = {AttachmentKind.STICKER: "stickers are not kept", AttachmentKind.CONTACT: "contact cards are not kept"}
TOO_LARGE = "larger than the limit of %(limit)s bytes"
TYPE_NOT_KEPT = "type %(mime)s is not kept"
EVIDENCE_OTHER_PERSON = _("This case is not the case of the person who sent the file.")
EVIDENCE_NOT_STORED = _("Only a stored file or a location can be added to a case.")


def attachments_store(*, inbound: InboundMessage, conversation: Conversation | None, refs: Sequence[AttachmentRef]) -> list[Attachment]:
    """Record the attachments of one inbound message and queue their download after commit."""
    rows = []
    for ref in refs:
        kind = ref.kind if ref.kind in AttachmentKind.values else AttachmentKind.DOCUMENT
        # Untrusted: a malformed payload may carry numbers for names or strings for sizes.
        file_ref, mime, name = clean_payload([str(ref.file_ref or ""), str(ref.mime or ""), str(ref.name or "")])
        size = ref.size if isinstance(ref.size, int) and 0 < ref.size < 2**62 else None
        row = Attachment(
            inbound=inbound, conversation=conversation, kind=kind, file_ref=file_ref[:1000], mime=mime[:100].lower(),
            size=size, name=name[:200], latitude=_coordinate(ref.latitude, 90), longitude=_coordinate(ref.longitude, 180),
        )
        if kind == AttachmentKind.LOCATION:
            row.status = AttachmentStatus.STORED if row.latitude is not None and row.longitude is not None else AttachmentStatus.REFUSED
        elif kind in NOT_DOWNLOADED:
            row.status, row.refused_reason = AttachmentStatus.REFUSED, NOT_DOWNLOADED[kind]
        elif not row.file_ref:
            row.status, row.refused_reason = AttachmentStatus.FAILED, "the channel gave no file"
        rows.append(row)
    Attachment.objects.bulk_create(rows)
    for row in rows:
        if row.status == AttachmentStatus.PENDING:
            transaction.on_commit(lambda pk=row.pk: _enqueue(pk))
    return rows


def _coordinate(value, limit: float) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not -limit <= value <= limit:
        return None
    return float(value)


def _enqueue(attachment_id: int) -> None:
    from bots.tasks import download_attachment

    download_attachment.enqueue(attachment_id)


# Images that can carry scripts are never kept, whatever BOT_ATTACHMENT_TYPES says.
NEVER_KEPT = frozenset({"image/svg+xml"})


def type_allowed(mime: str) -> bool:
    mime = mime.split(";")[0].strip().lower()
    return bool(mime) and mime not in NEVER_KEPT and any(fnmatch.fnmatch(mime, pattern.strip().lower()) for pattern in settings.BOT_ATTACHMENT_TYPES if pattern.strip())


def _source(attachment: Attachment) -> tuple[str, tuple[str, str] | None]:
    """The URL to fetch and the basic auth it needs (Twilio's media URLs want the account SID and token)."""
    channel = attachment.inbound.channel
    if channel == "telegram":
        from bots.channels import telegram

        return telegram.file_url(attachment.file_ref), None
    if channel in ("sms", "voice"):
        return attachment.file_ref, (settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN)
    return attachment.file_ref, None  # Viber (and Messenger): a media URL that needs no token


def _refuse(attachment: Attachment, status: str, reason: str) -> Attachment:
    attachment.status, attachment.refused_reason = status, mask_secrets(reason)[:300]
    attachment.save(update_fields=["status", "refused_reason"])
    log.info("bots: attachment %s %s: %s", attachment.pk, status, attachment.refused_reason)
    return attachment


def attachment_download(*, attachment_id: int) -> Attachment | None:
    """Fetch one pending attachment within the size and type limits; safe to run twice."""
    attachment = Attachment.objects.select_related("inbound").filter(pk=attachment_id, status=AttachmentStatus.PENDING).first()
    if attachment is None:
        return None
    limit = settings.BOT_ATTACHMENT_MAX_BYTES
    if attachment.size and attachment.size > limit:
        return _refuse(attachment, AttachmentStatus.REFUSED, TOO_LARGE % {"limit": limit})
    if attachment.mime and not type_allowed(attachment.mime):
        return _refuse(attachment, AttachmentStatus.REFUSED, TYPE_NOT_KEPT % {"mime": attachment.mime})
    try:
        url, auth = _source(attachment)
        with httpx.stream("GET", url, auth=auth, timeout=SEND_TIMEOUT, follow_redirects=True) as response:
            if response.status_code != 200:
                return _refuse(attachment, AttachmentStatus.FAILED, f"HTTP {response.status_code}")
            mime = (response.headers.get("content-type") or "").split(";")[0].strip().lower()
            # The channel's own description wins over a generic download type (Telegram serves octet-stream).
            mime = attachment.mime or (mimetypes.guess_type(attachment.name)[0] if attachment.name else None) or mime
            if not type_allowed(mime):
                return _refuse(attachment, AttachmentStatus.REFUSED, TYPE_NOT_KEPT % {"mime": mime or "?"})
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > limit:
                return _refuse(attachment, AttachmentStatus.REFUSED, TOO_LARGE % {"limit": limit})
            content = bytearray()
            for chunk in response.iter_bytes():
                content += chunk
                if len(content) > limit:  # the header may be missing or wrong: count what arrives
                    return _refuse(attachment, AttachmentStatus.REFUSED, TOO_LARGE % {"limit": limit})
    except (httpx.HTTPError, SendError) as exc:
        return _refuse(attachment, AttachmentStatus.FAILED, f"{exc.__class__.__name__}: {exc}")
    extension = mimetypes.guess_extension(mime) or ""
    attachment.file.save(f"{attachment.pk}-{attachment.kind}{extension}", ContentFile(bytes(content)), save=False)
    attachment.mime, attachment.size, attachment.status = mime[:100], len(content), AttachmentStatus.STORED
    attachment.save(update_fields=["file", "mime", "size", "status"])
    return attachment


@transaction.atomic
def evidence_add(*, attachment: Attachment, complaint, by) -> ComplaintEvidence:
    """Add a migrant's file (or location) to one of their cases as evidence; adding it twice changes nothing."""
    conversation = attachment.conversation
    person_id = conversation.person_id if conversation else None
    linked = conversation is not None and conversation.complaints.filter(pk=complaint.pk).exists()
    if not linked and (person_id is None or complaint.complainant_id != person_id):
        raise ValidationError({"complaint": EVIDENCE_OTHER_PERSON}, code="invalid")
    if attachment.status != AttachmentStatus.STORED:
        raise ValidationError({"attachment": EVIDENCE_NOT_STORED}, code="invalid")
    evidence, _created = ComplaintEvidence.objects.get_or_create(complaint=complaint, attachment=attachment, defaults={"added_by": by})
    return evidence


def attachments_erase(*, conversations) -> int:
    """Delete the files and places of these conversations, case evidence included; return how many rows.

    For the erasure of a person (helpdesk's erasure calls the handler bots registers, which should call
    this with the person's conversations). The rows stay, marked deleted, so the transcript says a file was sent.
    """
    rows = Attachment.objects.filter(conversation__in=conversations).exclude(status=AttachmentStatus.DELETED)
    storage = Attachment._meta.get_field("file").storage
    names = list(rows.exclude(file="").values_list("file", flat=True))
    # Files go only once the erasure is committed: a rolled-back erasure must not have lost the evidence.
    transaction.on_commit(lambda: [storage.delete(name) for name in names])
    ComplaintEvidence.objects.filter(attachment__conversation__in=conversations).delete()
    return rows.update(status=AttachmentStatus.DELETED, file="", file_ref="", name="", latitude=None, longitude=None)
