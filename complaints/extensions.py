"""Extension points for apps to the right of complaints (bots), which complaints never imports.

- ``CasePanel``: a section on the case page (``context(request, complaint)`` returns a dict, or None to hide it).
- Case-event handlers: called inside the transaction of a stage move, a payment recorded or a staff request,
  so that what they write (a message to the migrant, its timeline entry) commits or rolls back with it.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.http import HttpRequest


@dataclass(frozen=True)
class CasePanel:
    template: str
    context: Callable[[HttpRequest, object], dict | None]
    order: int = 50


@dataclass(frozen=True)
class CaseEvent:
    """Something that happened to a case that the migrant may be told about.

    ``kind`` is "stage", "payment" or "request"; ``by`` the staff member; ``send_if_sensitive`` is a manager's
    explicit choice to tell the migrant of a sensitive case; ``detail`` carries the payment or request text.
    """

    kind: str
    complaint: object
    by: object | None
    send_if_sensitive: bool = False
    detail: dict = field(default_factory=dict)


CASE_PANELS: list[CasePanel] = []
CASE_EVENT_HANDLERS: list[Callable[[CaseEvent], None]] = []


def register_case_panel(panel: CasePanel) -> None:
    if panel not in CASE_PANELS:  # ready() may run twice in tests
        CASE_PANELS.append(panel)
        CASE_PANELS.sort(key=lambda p: p.order)


def register_case_event_handler(handler: Callable[[CaseEvent], None]) -> None:
    if handler not in CASE_EVENT_HANDLERS:
        CASE_EVENT_HANDLERS.append(handler)


def case_event(event: CaseEvent) -> None:
    """Tell every registered handler (in the caller's transaction)."""
    for handler in CASE_EVENT_HANDLERS:
        handler(event)


def case_panels(request, complaint) -> list[tuple[str, dict]]:
    """The registered sections to render on the case page, with their context."""
    panels = []
    for panel in CASE_PANELS:
        context = panel.context(request, complaint)
        if context is not None:
            panels.append((panel.template, context))
    return panels
