from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from bots.models import (
    Attachment,
    Broadcast,
    CallbackRequest,
    ComplaintEvidence,
    Conversation,
    InboundMessage,
    OutboundMessage,
)
from helpdesk.admin import AccessLoggedAdmin
from helpdesk.models import AccessLog


@admin.register(Conversation)
class ConversationAdmin(AccessLoggedAdmin, SimpleHistoryAdmin):
    access_kind = AccessLog.Kind.CONVERSATION
    list_display = ("__str__", "channel", "centre", "attention", "sensitive", "language", "zawgyi", "last_message_at")
    list_filter = ("channel", "centre", "attention", "sensitive")
    raw_id_fields = ("person", "last_contact", "complaints")


@admin.register(InboundMessage)
class InboundMessageAdmin(admin.ModelAdmin):
    list_display = ("channel", "external_id", "kind", "conversation", "received_at")
    list_filter = ("channel", "kind")
    raw_id_fields = ("conversation",)


@admin.register(OutboundMessage)
class OutboundMessageAdmin(admin.ModelAdmin):
    list_display = ("conversation", "status", "attempts", "last_error", "created_at", "sent_at")
    list_filter = ("status",)
    raw_id_fields = ("conversation", "inbound", "sent_by")


@admin.register(CallbackRequest)
class CallbackRequestAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "centre", "phone", "topic", "created_at", "done_at")
    list_filter = ("centre",)
    raw_id_fields = ("conversation", "person", "done_by")


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    """Download status and refusal reasons; the file itself only through the inbox (access-checked, logged)."""

    list_display = ("__str__", "conversation", "status", "mime", "size", "refused_reason", "received_at")
    list_filter = ("status", "kind")
    exclude = ("file",)
    raw_id_fields = ("inbound", "conversation")


@admin.register(ComplaintEvidence)
class ComplaintEvidenceAdmin(SimpleHistoryAdmin):
    list_display = ("complaint", "attachment", "added_by", "added_at")
    raw_id_fields = ("complaint", "attachment", "added_by")


@admin.register(Broadcast)
class BroadcastAdmin(SimpleHistoryAdmin):
    """Read in the admin; written and sent from the broadcast pages (so every check runs)."""

    list_display = ("title", "status", "created_by", "created_at", "sent_at", "finished_at", "sms_segments")
    list_filter = ("status",)
    readonly_fields = ("status", "sent_by", "sent_at", "finished_at", "sms_segments", "activities")

    def has_add_permission(self, request):
        return False
