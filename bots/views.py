"""The staff inbox of bot conversations. Thin: selectors decide access, services write."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bots import selectors, services
from bots.forms import ReplyForm
from helpdesk.access import logs_access
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
    page = Paginator(conversations, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "bots/inbox.html", {"page": page, "centres": centres if len(centres) > 1 else [], "chosen": chosen})


def _detail(request, conversation, form):
    return render(request, "bots/conversation.html", {
        "conversation": conversation,
        "transcript": selectors.conversation_transcript(conversation),
        "callbacks": selectors.conversation_open_callbacks(conversation),
        "form": form,
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
