from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from complaints.models import Complaint, ComplaintGrievance, Reimbursement, TimelineEntry


class GrievanceInline(admin.TabularInline):
    model = ComplaintGrievance
    extra = 0


class ReimbursementInline(admin.TabularInline):
    model = Reimbursement
    extra = 0
    raw_id_fields = ["recorded_by"]


@admin.register(Complaint)
class ComplaintAdmin(SimpleHistoryAdmin):
    list_display = ["reference", "centre", "stage", "sensitive", "is_minor", "assigned_to", "agency", "opened_at"]
    list_filter = ["stage", "centre", "sensitive", "is_minor", "destination_country"]
    search_fields = ["reference", "complainant__name", "employer", "agency__name_en"]
    list_select_related = ["centre", "assigned_to", "agency"]
    raw_id_fields = ["complainant", "intake_contact", "opened_by", "assigned_to", "agency"]
    readonly_fields = ["reference"]
    date_hierarchy = "opened_at"
    inlines = [GrievanceInline, ReimbursementInline]


@admin.register(Reimbursement)
class ReimbursementAdmin(SimpleHistoryAdmin):
    list_display = ["complaint", "date", "amount_mmk", "kind", "payer", "currency", "original_amount"]
    list_filter = ["kind", "currency"]
    search_fields = ["complaint__reference", "payer"]
    list_select_related = ["complaint"]
    raw_id_fields = ["complaint", "recorded_by"]
    date_hierarchy = "date"


@admin.register(TimelineEntry)
class TimelineEntryAdmin(SimpleHistoryAdmin):
    list_display = ["complaint", "kind", "from_stage", "to_stage", "author", "created_at"]
    list_filter = ["kind"]
    search_fields = ["complaint__reference"]
    raw_id_fields = ["complaint", "author"]
