from django import forms
from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from helpdesk import consent, services
from helpdesk.access import access_record
from helpdesk.choices import GENDER_REQUIRED
from helpdesk.forms import BurmeseTextMixin, PhoneField, consent_method_field
from helpdesk.models import (
    AccessLog,
    Activity,
    Centre,
    Contact,
    ContactImport,
    ContactTopic,
    ImportedRow,
    Membership,
    Person,
    Referral,
)
from helpdesk.reports import rollups
from helpdesk.text import normalize_text


class NormalizedModelForm(BurmeseTextMixin, forms.ModelForm):
    """Admin edits go through the same Zawgyi/digit normalisation and phone parsing as the staff pages."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "phone" in self.fields:
            old = self.fields["phone"]
            self.fields["phone"] = PhoneField(label=old.label, required=old.required, help_text=old.help_text, max_length=40)
        if "gender" in self.fields:  # chosen, never defaulted: say how to choose "not disclosed"
            self.fields["gender"].error_messages["required"] = GENDER_REQUIRED


class NormalizedSearchMixin:
    """Admin search terms pass through the same Zawgyi conversion, so a Zawgyi query finds Unicode names."""

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, normalize_text(search_term))


class HistoryAdmin(NormalizedSearchMixin, SimpleHistoryAdmin):
    form = NormalizedModelForm


class AccessLoggedAdmin:
    """Opening a record's admin page is a read like any other: it goes into the access log."""

    access_kind: str = ""

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200 and str(object_id).isdigit():
            access_record(request, kind=self.access_kind, object_id=int(object_id), detail="admin")
        return response


def _rollup_keys(obj) -> list:
    """What a contact, an activity (head counts and attendees) or a person (attendances) counts under in the rollups."""
    if isinstance(obj, Contact):
        return rollups.contact_keys([obj])
    if isinstance(obj, Activity):
        return rollups.attendance_keys(obj, obj.attendees.values_list("pk", flat=True)) if obj.pk else []
    return [(a.date, a.centre_id, obj.pk) for a in obj.activities.all()] if obj.pk else []


class RollupsAdmin:
    """Admin edits and deletions of contacts, activities and people keep the report rollups exact, like the services."""

    def save_model(self, request, obj, form, change):
        old = type(obj).objects.filter(pk=obj.pk).first() if change else None
        request._rollup_before = (_rollup_keys(old) if old else [], getattr(old, "gender", None))
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        before, gender = getattr(request, "_rollup_before", ([], None))
        regendered = [form.instance.pk] if isinstance(form.instance, Person) and gender and gender != form.instance.gender else []
        rollups.refresh(touched=before + _rollup_keys(form.instance), regendered=regendered)

    def delete_model(self, request, obj):
        before = _rollup_keys(obj)
        super().delete_model(request, obj)
        rollups.refresh(touched=before)

    def delete_queryset(self, request, queryset):
        before = [key for obj in queryset for key in _rollup_keys(obj)]
        super().delete_queryset(request, queryset)
        rollups.refresh(touched=before)


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    """Read-only: rows are written by helpdesk.access and removed only by ``purge_access_log``."""

    list_display = ["at", "username", "kind", "object_id", "path", "detail", "ip"]
    list_filter = ["kind", ("at", admin.DateFieldListFilter)]
    search_fields = ["username", "path", "ip"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Centre)
class CentreAdmin(HistoryAdmin):
    list_display = ["code", "name", "partner_organisation", "township", "state_region", "kind", "active"]
    list_filter = ["kind", "state_region", "active"]
    search_fields = ["code", "name", "name_my", "partner_organisation", "township"]


@admin.register(Membership)
class MembershipAdmin(HistoryAdmin):
    list_display = ["user", "centre", "role"]
    list_filter = ["role", "centre"]
    search_fields = ["user__username", "centre__name"]
    autocomplete_fields = ["user", "centre"]


class PersonAdminForm(NormalizedModelForm):
    """The admin obeys the consent rules of the services (helpdesk.consent)."""

    consent_method = consent_method_field()

    def clean(self):
        data = super().clean()
        if not self.instance.pk:
            if not data.get("consent_record"):
                self.add_error("consent_record", consent.RECORD_REQUIRED)
        elif not self.instance.consent_record and self.changed_data:
            self.add_error(None, consent.RECORD_MISSING % {"person": self.instance})
        return data


@admin.register(Person)
class PersonAdmin(AccessLoggedAdmin, RollupsAdmin, HistoryAdmin):
    access_kind = AccessLog.Kind.PERSON
    form = PersonAdminForm
    list_display = ["__str__", "gender", "birth_year", "phone", "centre", "migration_status", "created_at"]
    list_filter = ["centre", "gender", "migration_status", "destination_country"]
    search_fields = ["name", "phone", "card_number", "nrc", "nrc_key", "passport_key"]
    list_select_related = ["centre"]
    raw_id_fields = ["created_by"]
    date_hierarchy = "created_at"

    def get_readonly_fields(self, request, obj=None):
        # Consent is given and withdrawn on the person page, where the timeline records who and how.
        return ["consent_record", "consent_share", "consent_date", "consent_timeline"] if obj else []

    @admin.display(description=_("Consent timeline"))
    def consent_timeline(self, obj):
        events = obj.consent_events.select_related("recorded_by")
        return format_html_join(
            mark_safe("<br>"), "{} · {}: {} {} · {} {}",
            ((e.date, e.get_scope_display(), e.get_action_display(), e.get_method_display(), e.recorded_by or "—", e.reason)
             for e in events),
        ) or "—"

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        return [f for f in fields if f != "consent_method"] if obj else fields

    def save_model(self, request, obj, form, change):
        fields = {name: getattr(obj, name) for name in services.PERSON_FIELDS}
        if change:
            original = Person.objects.get(pk=obj.pk)
            fields = {name: value for name, value in fields.items() if not name.startswith("consent_")}
            services.person_update(person=original, by=request.user, **fields)
        else:
            person = services.person_create(
                centre=obj.centre, created_by=request.user, consent_method=form.cleaned_data["consent_method"], **fields
            )
            obj.pk, obj.consent_date, obj.created_by = person.pk, person.consent_date, person.created_by


class ContactTopicInline(admin.TabularInline):
    model = ContactTopic
    extra = 0


class ContactAdminForm(NormalizedModelForm):
    def clean(self):
        data = super().clean()
        person = data.get("person")
        if person is not None and person.pk != self.instance.person_id and not person.consent_record:
            self.add_error("person", consent.RECORD_MISSING % {"person": person})
        return data


@admin.register(Contact)
class ContactAdmin(RollupsAdmin, HistoryAdmin):
    form = ContactAdminForm
    list_display = ["date", "service", "channel", "gender", "person", "centre", "staff"]
    list_filter = ["service", "channel", "gender", "centre"]
    search_fields = ["person__name", "person__phone", "notes"]
    list_select_related = ["person", "centre", "staff"]
    raw_id_fields = ["person", "staff"]
    date_hierarchy = "date"
    inlines = [ContactTopicInline]


class ActivityAdminForm(NormalizedModelForm):
    def clean(self):
        data = super().clean()
        present = set(self.instance.attendees.values_list("pk", flat=True)) if self.instance.pk else set()
        for person in data.get("attendees") or ():
            if person.pk not in present and not person.consent_record:
                self.add_error("attendees", consent.RECORD_MISSING % {"person": person})
        return data


@admin.register(Activity)
class ActivityAdmin(RollupsAdmin, HistoryAdmin):
    form = ActivityAdminForm
    list_display = ["date", "title", "kind", "format", "centre", "women_count", "men_count"]
    list_filter = ["kind", "format", "centre"]
    search_fields = ["title", "location"]
    list_select_related = ["centre"]
    raw_id_fields = ["attendees", "created_by"]
    date_hierarchy = "date"


class ReferralAdminForm(NormalizedModelForm):
    def clean(self):
        data = super().clean()
        person = data.get("person")
        if person is not None and person.pk != self.instance.person_id and not person.consent_share:
            # The override needs a manager and a reason on the timeline: it is given on the referral page only.
            self.add_error("person", consent.SHARE_REQUIRED % {"person": person})
        return data


@admin.register(Referral)
class ReferralAdmin(HistoryAdmin):
    form = ReferralAdminForm
    list_display = ["date", "person", "target", "organisation", "outcome", "centre"]
    list_filter = ["target", "outcome", "centre"]
    search_fields = ["person__name", "organisation"]
    list_select_related = ["person", "centre"]
    raw_id_fields = ["person", "contact", "created_by"]
    date_hierarchy = "date"

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        referral = services.referral_create(
            centre=obj.centre, person=obj.person, target=obj.target, created_by=obj.created_by or request.user,
            contact=obj.contact, organisation=obj.organisation, reason=obj.reason, date=obj.date,
        )
        obj.pk = referral.pk


@admin.register(ContactImport)
class ContactImportAdmin(admin.ModelAdmin):
    """Legacy uploads, read-only: the upload page and import_contacts create them."""

    list_display = ["created_at", "file_name", "dry_run", "status", "rows_done", "rows_total", "created_by"]
    list_filter = ["status", "dry_run"]
    exclude = ["content"]
    readonly_fields = [f.name for f in ContactImport._meta.fields if f.name != "content"]

    def has_add_permission(self, request):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).defer("content").select_related("created_by")


@admin.register(ImportedRow)
class ImportedRowAdmin(admin.ModelAdmin):
    """Which legacy rows were applied; delete one to let its row be imported again."""

    list_display = ["imported_at", "source", "row_number", "imported_by"]
    search_fields = ["source", "key"]
    readonly_fields = ["key", "source", "row_number", "imported_at", "imported_by"]

    def has_add_permission(self, request):
        return False

from helpdesk.accounts import admin as accounts_admin  # noqa: E402,F401 (user actions: reset links, second factor)
