"""User admin actions: a one-time password link to hand over, and removing a lost second factor."""
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.tokens import default_token_generator
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from helpdesk.accounts import services

User = get_user_model()


def password_reset_link(request, user) -> str:
    """A link that lets ``user`` choose a new password once (it stops working when the password changes)."""
    path = reverse("accounts:password_reset_confirm", args=[urlsafe_base64_encode(force_bytes(user.pk)),
                                                           default_token_generator.make_token(user)])
    return request.build_absolute_uri(path)


@admin.action(description=_("Make a one-time password link to hand over"))
def make_password_links(modeladmin, request, queryset):
    links = [(user, password_reset_link(request, user)) for user in queryset.filter(is_active=True)]
    return TemplateResponse(request, "admin/accounts/password_links.html", {
        **modeladmin.admin_site.each_context(request), "title": _("One-time password links"), "links": links,
    })


@admin.action(description=_("Remove the second factor (lost phone): the user sets it up again at the next login"))
def reset_second_factor(modeladmin, request, queryset):
    for user in queryset:
        services.second_factor_reset(user=user)
    count = queryset.count()
    modeladmin.message_user(request, ngettext(
        "The second factor of %(count)d user was removed.", "The second factor of %(count)d users was removed.", count,
    ) % {"count": count}, messages.SUCCESS)


class AccountUserAdmin(UserAdmin):
    actions = [make_password_links, reset_second_factor]


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, AccountUserAdmin)
