"""The group page of a case: find and add workers, change a member's claim, remove a member, make the case single.

Anyone who may see the case may change its group (as with payments); selectors decide who sees it.
Names typed in the search travel in the session, never in the URL (helpdesk.searches).
"""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from complaints import group, selectors
from complaints.forms import MemberAddForm, MemberClaimForm, MemberRemoveForm
from helpdesk.access import logs_access
from helpdesk.models import AccessLog
from helpdesk.permissions import personal_data_required
from helpdesk.searches import search_redirect, search_terms
from helpdesk.selectors import person_get_for_user, person_search, served_filter

MATCHES_SHOWN = 10


@personal_data_required
@logs_access(AccessLog.Kind.COMPLAINT)
def members(request, pk):
    """The case's workers covered, with a search for people of the case's centre to add."""
    complaint = selectors.complaint_get_for_user(request.user, pk)
    if redirect_to := search_redirect(request):
        return redirect_to
    rows = group.group_members(complaint)
    query = search_terms(request)
    matches = []
    if query:
        present = [m.person_id for m in rows] or [complaint.complainant_id]
        matches = list(
            person_search(request.user, query).filter(served_filter([complaint.centre_id]), erased_at=None).exclude(pk__in=present)
            [:MATCHES_SHOWN]
        )
    figures = group.group_figures(complaint, rows) if rows else None
    return render(request, "complaints/members.html", {
        "complaint": complaint, "figures": figures, "matches": matches, "q": query,
        "add_form": MemberAddForm(), "claim_form": MemberClaimForm(), "remove_form": MemberRemoveForm(),
        "genders": group.gender_counts(figures["by_gender"]) if figures else [],
    })


def _done(request, complaint, action) -> None:
    try:
        action()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Group updated."))


@require_POST
@personal_data_required
def member_add(request, pk):
    complaint = selectors.complaint_get_for_user(request.user, pk)
    form = MemberAddForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("complaints:members", pk=complaint.pk)
    person = person_get_for_user(request.user, form.cleaned_data["person"])
    _done(request, complaint, lambda: group.complaint_member_add(
        complaint=complaint, person=person, by=request.user, amount_claimed=form.cleaned_data["amount_claimed"],
    ))
    return redirect("complaints:members", pk=complaint.pk)


@require_POST
@personal_data_required
def member_change(request, pk):
    """Change one member's claim, or remove them (``action=remove`` with a reason)."""
    member = selectors.member_get_for_user(request.user, pk)
    if request.POST.get("action") == "remove":
        form = MemberRemoveForm(request.POST)
        if form.is_valid():
            _done(request, member.complaint, lambda: group.complaint_member_remove(
                member=member, by=request.user, reason=form.cleaned_data["reason"]))
        else:
            messages.error(request, _("Say why the member is removed."))
    else:
        form = MemberClaimForm(request.POST)
        if form.is_valid():
            _done(request, member.complaint, lambda: group.complaint_member_update(
                member=member, by=request.user, amount_claimed=form.cleaned_data["amount_claimed"]))
        else:
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("complaints:members", pk=member.complaint_id)


@require_POST
@personal_data_required
def make_single(request, pk):
    complaint = selectors.complaint_get_for_user(request.user, pk)
    _done(request, complaint, lambda: group.complaint_make_single(complaint=complaint, by=request.user))
    return redirect("complaints:detail", pk=complaint.pk)
