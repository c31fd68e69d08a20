"""Conversations and call-back requests follow their person when helpdesk merges two records of one person."""
from __future__ import annotations

from bots.models import CallbackRequest, Conversation


def merge_person(*, keep, gone, user) -> int:
    """Re-point ``gone``'s conversations and call-backs to ``keep``, each saved so the history shows it."""
    moved = 0
    for model in (Conversation, CallbackRequest):
        for row in model.objects.filter(person=gone):
            row.person = keep
            row._change_reason, row._history_user = f"merged #{gone.pk} into #{keep.pk}", user
            row.save(update_fields=["person"])
            moved += 1
    return moved


def hidden_conversations(*, user, person) -> bool:
    """True when the person has a conversation the user may not read (a sensitive one)."""
    from bots.selectors import conversations_for_user

    return Conversation.objects.filter(person=person).exclude(pk__in=conversations_for_user(user).values("pk")).exists()
