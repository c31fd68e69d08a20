"""Erasing a person: a manager asks on the person page, another manager or an admin confirms on the list."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helpdesk import erasure, selectors
from helpdesk.access import Kind, access_record
from helpdesk.forms import ErasureConfirmForm, ErasureRequestForm, apply_service_errors
from helpdesk.models import ErasureRequest
from helpdesk.permissions import personal_data_required


def person_panel(request: HttpRequest, person) -> dict | None:
    """The erasure block on the person page: "Erased on", a waiting request, or the managers' link."""
    pending = person.erasure_requests.filter(status=ErasureRequest.Status.PENDING).first()
    may_erase = selectors.user_is_manager_of(request.user, person.centre_id)
    if not (person.erased_at or pending or may_erase):
        return None
    return {"pending": pending, "may_erase": may_erase}


@personal_data_required
def person_erase(request, pk):
    person = selectors.person_get_for_user(request.user, pk)
    if not selectors.user_is_manager_of(request.user, person.centre_id):
        raise PermissionDenied
    form = ErasureRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            asked = erasure.erasure_request(person=person, user=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            access_record(request, kind=Kind.ERASURE, object_id=person.pk, detail=f"erasure requested #{asked.pk}")
            messages.success(request, _("Erasure requested. Another manager of the centre or an admin must confirm it."))
            return redirect("helpdesk:person_detail", pk=person.pk)
    return render(request, "helpdesk/person_erase.html", {"person": person, "form": form})


def _requests_for(request):
    if not selectors.user_can_erase(request.user):
        raise PermissionDenied
    return selectors.erasure_requests_for_user(request.user)


@personal_data_required
def erasure_list(request):
    requests = _requests_for(request)
    pending = requests.filter(status=ErasureRequest.Status.PENDING).order_by("requested_at", "id")
    decided = requests.exclude(status=ErasureRequest.Status.PENDING).order_by("-decided_at", "-id")[:20]
    return render(request, "helpdesk/erasure_list.html", {"pending": pending, "decided": decided, "form": ErasureConfirmForm()})


def _get(request, pk) -> ErasureRequest:
    """The request, if the user manages its centre: 404 for missing and not yours alike."""
    item = _requests_for(request).filter(pk=pk).first()
    if item is None:
        raise Http404
    return item


@require_POST
@personal_data_required
def erasure_confirm(request, pk):
    item = _get(request, pk)
    if not ErasureConfirmForm(request.POST).is_valid():
        messages.error(request, _("Tick the box to confirm the erasure."))
        return redirect("helpdesk:erasure_list")
    try:
        erasure.erasure_confirm(erasure=item, user=request.user)
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, " ".join(error.messages) if isinstance(error, ValidationError) else str(error))
        return redirect("helpdesk:erasure_list")
    access_record(request, kind=Kind.ERASURE, object_id=item.person_id, detail=f"erasure confirmed #{item.pk}")
    messages.success(request, _("Person #%(id)s erased. Their contacts, cases and payments still count.") % {"id": item.person_id})
    return redirect("helpdesk:erasure_list")


@require_POST
@personal_data_required
def erasure_cancel(request, pk):
    item = _get(request, pk)
    try:
        erasure.erasure_cancel(erasure=item, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("helpdesk:erasure_list")
    access_record(request, kind=Kind.ERASURE, object_id=item.person_id, detail=f"erasure cancelled #{item.pk}")
    messages.success(request, _("Erasure request cancelled."))
    return redirect("helpdesk:erasure_list")
