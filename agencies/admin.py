from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from agencies.models import Agency, AgencyCheck, LicenceStatus
from helpdesk.admin import NormalizedSearchMixin
from helpdesk.forms import BurmeseTextMixin


class AgencyAdminForm(BurmeseTextMixin, forms.ModelForm):
    """Admin edits pass through the same Zawgyi conversion as every other form."""

    class Meta:
        model = Agency
        fields = ["licence_number", "name_en", "name_my", "address", "phones", "destination_countries", "status", "issue_date", "expiry_date"]
        widgets = {"status": forms.Select(choices=[c for c in LicenceStatus.choices if c[0] != LicenceStatus.EXPIRED])}


class CurrentStatusFilter(admin.SimpleListFilter):
    """Filter by the status a migrant is told (expired derived from the date)."""

    title = _("current status")
    parameter_name = "current_status"

    def lookups(self, request, model_admin):
        return LicenceStatus.choices

    def queryset(self, request, queryset):
        return queryset.in_status(self.value()) if self.value() else queryset


@admin.register(Agency)
class AgencyAdmin(NormalizedSearchMixin, SimpleHistoryAdmin):
    form = AgencyAdminForm
    list_display = ["licence_number", "name_en", "name_my", "status", "effective_status", "expiry_date"]
    list_filter = [CurrentStatusFilter, "status"]
    search_fields = ["licence_number", "name_en", "name_my"]
    readonly_fields = ["updated_at"]


@admin.register(AgencyCheck)
class AgencyCheckAdmin(SimpleHistoryAdmin):
    list_display = ["contact", "query", "agency", "status_at_check", "licensed", "created_at"]
    list_filter = ["licensed", "status_at_check"]
    raw_id_fields = ["contact", "agency"]
    list_select_related = ["contact", "agency"]
