"""Extension point for the apps to the right of agencies.

agencies may not import complaints, yet the agency page shows the agency's
complaint counts and MMK recovered. complaints registers an :class:`AgencyPanel`
from its ``AppConfig.ready()``; the detail page renders each panel with
``{% include panel.template with panel=context %}``.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from agencies.models import Agency


@dataclass(frozen=True)
class AgencyPanel:
    """A section on the staff agency page: ``context(request, agency)`` returns a dict, or None to hide it."""

    template: str
    context: Callable[[HttpRequest, Agency], dict | None]


AGENCY_PANELS: list[AgencyPanel] = []


def register_agency_panel(panel: AgencyPanel) -> None:
    if panel not in AGENCY_PANELS:  # ready() may run twice in tests
        AGENCY_PANELS.append(panel)


def agency_panels(request: HttpRequest, agency: Agency) -> list[tuple[str, dict]]:
    """Return (template, context) for each registered panel that has something to show."""
    panels = []
    for panel in AGENCY_PANELS:
        context = panel.context(request, agency)
        if context is not None:
            panels.append((panel.template, context))
    return panels
