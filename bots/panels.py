"""The bots section on the person page: their conversations with the bots, for staff who may see them."""
from __future__ import annotations

from bots import selectors


def person_panel(request, person) -> dict | None:
    conversations = list(selectors.conversations_for_user(request.user).filter(person=person)[:20])
    return {"conversations": conversations} if conversations else None
