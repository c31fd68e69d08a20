"""What bots adds to the person page and the case page (registered in BotsConfig.ready)."""
from __future__ import annotations

from bots import selectors
from bots.forms import CaseRequestForm
from bots.services.notifications import case_conversation
from complaints.selectors import user_manages_complaint


def person_panel(request, person) -> dict | None:
    conversations = list(selectors.conversations_for_user(request.user).filter(person=person)[:20])
    return {"conversations": conversations} if conversations else None


def case_panel(request, complaint, form: CaseRequestForm | None = None) -> dict | None:
    """The migrant's files added as evidence, and the form to ask them for something on their bot channel."""
    conversation = case_conversation(complaint)
    manager = user_manages_complaint(request.user, complaint)
    can_ask = conversation is not None and (not complaint.sensitive or manager)
    return {
        "complaint": complaint,
        "evidence": selectors.complaint_evidence(complaint),
        "conversation": conversation,
        "request_form": (form or CaseRequestForm(sensitive_tick=complaint.sensitive and manager, prefix="ask")) if can_ask else None,
    }
