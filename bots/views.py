"""The staff inbox of bot conversations. Thin: selectors decide access, services write."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from bots import selectors, services
from bots.forms import CaseRequestForm, EvidenceForm, ReplyForm
from bots.models import AttachmentStatus
from bots.services.attachments import evidence_add
from bots.services.notifications import case_request_send
from helpdesk.access import access_record, logs_access
from helpdesk.models import AccessLog
from helpdesk.permissions import personal_data_required
from helpdesk.selectors import centres_for_user

PAGE_SIZE = 50


@personal_data_required
def inbox(request):
    centres = list(centres_for_user(request.user).only("code", "name"))
    chosen = request.GET.get("centre", "")
    conversations = selectors.conversations_for_user(request.user).inbox_order()
    if chosen:
        conversations = conversations.filter(centre__code=chosen)
    waiting = request.GET.get("waiting", "")
    if waiting in (selectors.WAITING_PERSON, selectors.WAITING_CALLBACK):
        conversations = selectors.conversations_waiting(conversations, waiting)
    else:
        waiting = ""
    page = Paginator(conversations, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "bots/inbox.html", {
        "page": page, "centres": centres if len(centres) > 1 else [], "chosen": chosen, "waiting": waiting,
    })


def _detail(request, conversation, form):
    return render(request, "bots/conversation.html", {
        "conversation": conversation,
        "transcript": selectors.conversation_transcript(conversation),
        "callbacks": selectors.conversation_open_callbacks(conversation),
        "form": form,
        "evidence_form": EvidenceForm(complaints=selectors.evidence_complaints(request.user, conversation), prefix="evidence", auto_id=False),
        "paused_step": (conversation.state.get("paused") or {}).get("step", "") if conversation.state.get("step") == "handover" else "",
    })


@personal_data_required
@logs_access(AccessLog.Kind.CONVERSATION)
def conversation_detail(request, pk):
    conversation = selectors.conversation_get_for_user(request.user, pk)
    return _detail(request, conversation, ReplyForm())


@personal_data_required
@require_POST
def conversation_reply(request, pk):
    conversation = selectors.conversation_get_for_user(request.user, pk)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            services.conversation_reply(conversation=conversation, text=form.cleaned_data["text"], staff=request.user)
        except ValidationError as error:
            form.add_error("text", error.message_dict.get("text", error.messages))
        else:
            messages.success(request, _("Reply queued; it is sent through %(channel)s.") % {"channel": conversation.get_channel_display()})
            return redirect("bots:conversation", pk=conversation.pk)
    return _detail(request, conversation, form)


@personal_data_required
@require_POST
def conversation_resolve(request, pk):
    conversation = selectors.conversation_get_for_user(request.user, pk)
    services.conversation_resolve(conversation=conversation, staff=request.user)
    messages.success(request, _("Marked as handled; the bot answers this person again."))
    return redirect("bots:inbox")


@personal_data_required
@require_POST
def outbound_retry(request, pk, outbound_pk):
    conversation = selectors.conversation_get_for_user(request.user, pk)
    services.outbound_retry(outbound=selectors.outbound_get_for_user(request.user, conversation, outbound_pk))
    messages.success(request, _("Sending again."))
    return redirect("bots:conversation", pk=conversation.pk)


@personal_data_required
@require_GET
def attachment_file(request, pk):
    """Serve a file a migrant sent, to staff who see its conversation or a case it is evidence of (logged, never cached)."""
    attachment = selectors.attachment_get_for_user(request.user, pk)
    if attachment.status != AttachmentStatus.STORED or not attachment.file:
        raise Http404
    response = FileResponse(attachment.file.open("rb"), content_type=attachment.mime or "application/octet-stream")
    # Shown inline only when it is an image or audio; anything else downloads (and never runs in our origin).
    disposition = "inline" if attachment.is_image or attachment.is_audio else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{attachment.pk}-{attachment.kind}"'
    response["X-Content-Type-Options"] = "nosniff"
    add_never_cache_headers(response)
    access_record(request, kind=AccessLog.Kind.CONVERSATION, object_id=attachment.conversation_id, detail=f"attachment {attachment.pk}")
    return response


@personal_data_required
@require_POST
def attachment_evidence(request, pk):
    attachment = selectors.attachment_get_for_user(request.user, pk)
    conversation = attachment.conversation
    if conversation is None:
        raise Http404
    selectors.conversation_get_for_user(request.user, conversation.pk)  # evidence is added from the conversation page
    form = EvidenceForm(request.POST, complaints=selectors.evidence_complaints(request.user, conversation), prefix="evidence")
    if form.is_valid():
        try:
            evidence_add(attachment=attachment, complaint=form.cleaned_data["complaint"], by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Added to case %(reference)s as evidence.") % {"reference": form.cleaned_data["complaint"].reference})
    else:
        messages.error(request, _("Choose one of the person's cases."))
    return redirect("bots:conversation", pk=conversation.pk)


@personal_data_required
@require_POST
def case_request(request, pk):
    """Staff ask the migrant of a case for something, on their bot channel; it goes on the timeline."""
    from complaints.selectors import complaint_get_for_user, user_manages_complaint

    complaint = complaint_get_for_user(request.user, pk)
    tick = complaint.sensitive and user_manages_complaint(request.user, complaint)
    form = CaseRequestForm(request.POST, sensitive_tick=tick, prefix="ask")
    if form.is_valid():
        try:
            case_request_send(
                complaint=complaint, by=request.user, text=form.cleaned_data["text"],
                send_if_sensitive=form.cleaned_data.get("message_sensitive", False),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Message queued for the migrant; it is on the timeline."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("complaints:detail", pk=complaint.pk)
