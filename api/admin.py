"""Admins create and revoke API tokens here; the token itself is shown once, on creation."""
from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from api.models import ApiToken
from api.services import api_token_create, api_token_revoke

TOKEN_SHOWN_ONCE = _("The token for %(organisation)s is: %(token)s. Copy it now: it is not stored and will not be shown again.")


@admin.register(ApiToken)
class ApiTokenAdmin(SimpleHistoryAdmin):
    list_display = ["organisation", "token_prefix", "case_level", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["case_level", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["organisation", "token_prefix"]
    filter_horizontal = ["centres"]
    fields = ["organisation", "centres", "case_level", "token_prefix", "created_by", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["token_prefix", "created_by", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # revoke instead: the access log keeps naming the token

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        # The centres are set by the service; save_related must not set them again from the form.
        token, secret = api_token_create(
            organisation=form.cleaned_data["organisation"], centres=form.cleaned_data["centres"],
            case_level=form.cleaned_data["case_level"], created_by=request.user,
        )
        obj.pk, obj.token_prefix, obj.token_hash, obj.created_at = token.pk, token.token_prefix, token.token_hash, token.created_at
        obj._state.adding = False
        messages.warning(request, TOKEN_SHOWN_ONCE % {"organisation": token.organisation, "token": secret})

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        for token in queryset:
            api_token_revoke(token=token)
        count = len(queryset)
        self.message_user(request, ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", count) % {"count": count})
