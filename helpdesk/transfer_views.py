"""Transfer requests: asked from the "registered at another centre" warning, decided on the holding centre's list."""
from __future__ import annotations

from functools import partial

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from helpdesk import selectors, transfers
from helpdesk.forms import BurmeseTextMixin, apply_service_errors
from helpdesk.models import Centre, TransferRequest
from helpdesk.permissions import personal_data_required


class TransferRequestForm(BurmeseTextMixin, forms.Form):
    from_centre = forms.ModelChoiceField(queryset=Centre.objects.all(), widget=forms.HiddenInput)
    nrc = forms.CharField(required=False, widget=forms.HiddenInput)
    passport_number = forms.CharField(required=False, widget=forms.HiddenInput)
    to_centre = forms.ModelChoiceField(label=gettext_lazy("Move the record to"), queryset=Centre.objects.none(), empty_label=None)
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, centres, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_centre"].queryset = centres


def _typed(post, name: str) -> str:
    """The document as typed on the person form (``nrc``) or the contact form's new person (``p-nrc``)."""
    return post.get(name) or post.get(f"p-{name}") or ""


@personal_data_required
@require_POST
def transfer_request(request):
    """First press (from the warning): show the request form; second press: send the request."""
    centres = selectors.centres_for_user(request.user)
    if "reason" not in request.POST:
        initial = {
            "from_centre": request.POST.get("from_centre"), "nrc": _typed(request.POST, "nrc"),
            "passport_number": _typed(request.POST, "passport_number"), "to_centre": centres.first(),
        }
        form = TransferRequestForm(initial=initial, centres=centres)
        return render(request, "helpdesk/transfer_request.html", {"form": form})
    form = TransferRequestForm(request.POST, centres=centres)
    if form.is_valid():
        data = form.cleaned_data
        try:
            transfers.transfer_request(
                from_centre=data["from_centre"], to_centre=data["to_centre"], user=request.user,
                nrc=data["nrc"], passport_number=data["passport_number"], reason=data["reason"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Transfer requested. A manager of %(centre)s will accept or refuse it.") % {"centre": data["from_centre"].name})
            return redirect("helpdesk:transfer_list")
    return render(request, "helpdesk/transfer_request.html", {"form": form})


@personal_data_required
def transfer_list(request):
    to_decide = transfers.transfers_to_decide(request.user)
    return render(request, "helpdesk/transfer_list.html", {
        "pending": to_decide.filter(status=TransferRequest.Status.PENDING).order_by("requested_at", "id"),
        "asked": transfers.transfers_asked(request.user)[:20],
        "shares": selectors.shares_for_user(request.user).order_by("centre__name", "-granted_at")[:200],
    })


@personal_data_required
@require_POST
def transfer_decide(request, pk):
    transfer = get_object_or_404(transfers.transfers_to_decide(request.user), pk=pk)
    decision = request.POST.get("decision")
    decide = {
        "accept": partial(transfers.transfer_accept, mode=TransferRequest.Mode.MOVE),
        "share": partial(transfers.transfer_accept, mode=TransferRequest.Mode.SHARE),
        "refuse": transfers.transfer_refuse,
    }.get(decision)
    if decide is None:
        raise Http404
    try:
        decide(transfer=transfer, user=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, {
            "accept": _("Transfer accepted: the record moved."),
            "share": _("Transfer accepted: the record is shared; it stays at your centre."),
        }.get(decision, _("Transfer refused.")))
    return redirect("helpdesk:transfer_list")


@personal_data_required
@require_POST
def share_revoke(request, pk):
    """The holding centre's manager stops sharing a record; the other centre keeps what it gave."""
    share = get_object_or_404(selectors.shares_for_user(request.user), pk=pk)
    try:
        transfers.share_revoke(share=share, user=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, _("%(centre)s no longer sees this person.") % {"centre": share.centre.name})
    return redirect("helpdesk:transfer_list")
