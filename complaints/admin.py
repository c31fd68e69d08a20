"""Admin views of cases: for looking and fixing typos. Stage, money and the timeline change only through
the pages (the workflow and the payment services), so the admin shows them read-only."""
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from complaints.models import Complaint, ComplaintGrievance, ComplaintMember, Reimbursement, TimelineEntry
from helpdesk.admin import AccessLoggedAdmin, NormalizedModelForm, NormalizedSearchMixin
from helpdesk.models import AccessLog


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class GrievanceInline(ReadOnlyInline):
    model = ComplaintGrievance


class MemberInline(ReadOnlyInline):
    """A group's members change only through the case's group page (each has a complaint contact to keep in step)."""

    model = ComplaintMember
    fields = ["person", "role", "amount_claimed", "contact", "joined_at"]
    raw_id_fields = ["person", "contact"]


class ReimbursementInline(ReadOnlyInline):
    model = Reimbursement
    fields = ["date", "amount_mmk", "member", "kind", "payer", "currency", "original_amount", "exchange_rate"]


@admin.register(Complaint)
class ComplaintAdmin(AccessLoggedAdmin, NormalizedSearchMixin, SimpleHistoryAdmin):
    form = NormalizedModelForm
    access_kind = AccessLog.Kind.COMPLAINT
    list_display = ["reference", "centre", "stage", "sensitive", "is_minor", "assigned_to", "agency", "opened_at"]
    list_filter = ["stage", "centre", "sensitive", "is_minor", "destination_country"]
    search_fields = ["reference", "complainant__name", "employer", "agency__name_en"]
    list_select_related = ["centre", "assigned_to", "agency"]
    raw_id_fields = ["complainant", "intake_contact", "opened_by", "assigned_to", "agency"]
    readonly_fields = ["reference", "centre", "complainant", "intake_contact", "stage", "referred_to", "outcome",
                       "amount_claimed", "opened_at", "closed_at"]
    date_hierarchy = "opened_at"
    inlines = [GrievanceInline, MemberInline, ReimbursementInline]

    def has_add_permission(self, request):
        return False  # cases are opened from the person page or the bots, which allocate the reference

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Reimbursement)
class ReimbursementAdmin(ReadOnlyAdmin):
    list_display = ["complaint", "date", "amount_mmk", "kind", "payer", "currency", "original_amount"]
    list_filter = ["kind", "currency"]
    search_fields = ["complaint__reference", "payer"]
    list_select_related = ["complaint"]
    date_hierarchy = "date"


@admin.register(TimelineEntry)
class TimelineEntryAdmin(ReadOnlyAdmin):
    list_display = ["complaint", "kind", "from_stage", "to_stage", "author", "created_at"]
    list_filter = ["kind"]
    search_fields = ["complaint__reference"]
    list_select_related = ["complaint", "author"]
