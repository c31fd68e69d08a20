"""Extension points for the apps to the right of helpdesk.

helpdesk may not import agencies, complaints or bots, yet its pages show
their parts (an agency checked during a contact, a person's complaints, menu
entries). Those apps register here from their ``AppConfig.ready()``.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.http import HttpRequest


@dataclass(frozen=True)
class ContactFormExtension:
    """Extra fields on the log-a-contact page, saved in the same transaction as the contact.

    ``form_class(data, prefix=..., user=...)``; ``save(form=, contact=, user=)`` runs after the
    contact is created and may raise ValidationError to undo everything.
    """

    prefix: str
    form_class: type[forms.Form]
    template: str
    save: Callable[..., None]


@dataclass(frozen=True)
class PersonPanel:
    """A section on the person page: ``context(request, person)`` returns a dict, or None to hide it."""

    template: str
    context: Callable[[HttpRequest, object], dict | None]


@dataclass(frozen=True)
class PersonCardSection:
    """A table on the beneficiary card (the person's PDF), below helpdesk's own sections.

    ``rows(user, person)`` returns ``(rows, total)``: the latest rows (tuples of plain text, one
    per column) the user may see, capped to keep the card on one page, and how many there are in
    all, in a constant number of queries. ``title`` and ``columns`` are lazy translations and
    ``widths`` the column widths in millimetres. A section with no rows prints ``empty``.
    """

    title: str
    columns: tuple[str, ...]
    widths: tuple[float, ...]
    rows: Callable[[object, object], tuple[list[tuple[str, ...]], int]]
    empty: str = ""
    order: int = 50


@dataclass(frozen=True)
class NavItem:
    """A menu entry shown to users for whom ``visible(user)`` is true."""

    url_name: str
    label: str
    visible: Callable[[object], bool]
    order: int = 50


@dataclass(frozen=True)
class ReportSection:
    """A section on the report page, below the beneficiary table.

    ``context(request, report_filter)`` gets the page's helpdesk.reports.table.ReportFilter
    (already limited to the user's centres) and returns a dict, or None to hide the section.
    Aggregates only: a report section never shows a name, phone or other personal field.
    """

    template: str
    context: Callable[[HttpRequest, object], dict | None]
    order: int = 50


CONTACT_FORM_EXTENSIONS: list[ContactFormExtension] = []
PERSON_PANELS: list[PersonPanel] = []
PERSON_CARD_SECTIONS: list[PersonCardSection] = []
NAV_ITEMS: list[NavItem] = []
REPORT_SECTIONS: list[ReportSection] = []


def _register(registry: list, item) -> None:
    if item not in registry:  # ready() may run twice in tests
        registry.append(item)


def register_contact_form_extension(extension: ContactFormExtension) -> None:
    _register(CONTACT_FORM_EXTENSIONS, extension)


def register_person_panel(panel: PersonPanel) -> None:
    _register(PERSON_PANELS, panel)


def register_person_card_section(section: PersonCardSection) -> None:
    _register(PERSON_CARD_SECTIONS, section)
    PERSON_CARD_SECTIONS.sort(key=lambda s: s.order)


def register_nav_item(item: NavItem) -> None:
    _register(NAV_ITEMS, item)
    NAV_ITEMS.sort(key=lambda i: i.order)


def register_report_section(section: ReportSection) -> None:
    _register(REPORT_SECTIONS, section)
    REPORT_SECTIONS.sort(key=lambda s: s.order)


@dataclass(frozen=True)
class RetentionKind:
    """A kind of personal data that ``apply_retention`` blanks after ``settings.<setting>`` days.

    ``apply(cutoff=, today=, dry_run=)`` blanks (or, in a dry run, only counts) what was received
    before ``cutoff`` (Yangon midnight, ``days`` whole days after the day it arrived) and returns
    how many rows it changed or would change. It runs in its own transaction and must use bulk
    UPDATEs, never a loop over rows. Aggregates (contacts, activities) are never a retention kind.
    """

    name: str
    setting: str
    apply: Callable[..., int]
    order: int = 50


RETENTION_KINDS: list[RetentionKind] = []


def register_retention_kind(kind: RetentionKind) -> None:
    _register(RETENTION_KINDS, kind)
    RETENTION_KINDS.sort(key=lambda k: k.order)


@dataclass(frozen=True)
class ErasureHandler:
    """What an app removes when a manager erases a person (``helpdesk.erasure.person_erase``).

    ``erase(person=, erasure=)`` blanks or replaces every name, phone, story and file of the person
    the app holds, history rows included, and returns how many rows it changed. It runs inside the
    erasure's one transaction, before helpdesk blanks the person (so ``person.phone`` and ``name``
    are still there to find them), and must keep every count and amount: rows stay, texts go.
    Register one from ``AppConfig.ready()``: ``register_erasure_handler(ErasureHandler("bots", erase_person))``.
    """

    name: str
    erase: Callable[..., int]
    order: int = 50


ERASURE_HANDLERS: list[ErasureHandler] = []


def register_erasure_handler(handler: ErasureHandler) -> None:
    _register(ERASURE_HANDLERS, handler)
    ERASURE_HANDLERS.sort(key=lambda h: h.order)


@dataclass(frozen=True)
class DashboardItem:
    """One line of a dashboard panel: a count and the list that shows exactly those items (or a report page)."""

    label: str
    count: int | str
    url: str = ""
    key: str = ""  # a stable name for tests and the page's data-testid


@dataclass(frozen=True)
class DashboardPanel:
    """A box on the dashboard that says what to do next.

    ``context(request)`` returns ``{"title": ..., "items": [DashboardItem, ...]}`` (or anything
    ``template`` needs), or None to hide the panel from this user. It must run a fixed number of
    queries whatever the data (aggregate with filtered Counts), count only what the user may open
    (a staff member's counts never include a sensitive case they are not assigned to), and for
    officers show aggregates only: no names, links to report pages, never to personal lists.
    """

    context: Callable[[HttpRequest], dict | None]
    template: str = "helpdesk/includes/dashboard_panel.html"
    order: int = 50


DASHBOARD_PANELS: list[DashboardPanel] = []


def register_dashboard_panel(panel: DashboardPanel) -> None:
    _register(DASHBOARD_PANELS, panel)
    DASHBOARD_PANELS.sort(key=lambda p: p.order)


@dataclass(frozen=True)
class PersonMergeHandler:
    """What an app re-points when two records of one person at one centre are merged (``helpdesk.merge``).

    ``merge(keep=, gone=, user=)`` moves every row of ``gone`` the app holds to ``keep`` (saving each so
    the history records it) and returns how many rows it moved; it runs in the merge's one transaction.
    ``hidden(user=, person=)`` (optional) is True when the app holds a row of the person the user may not
    see (a sensitive case): the merge is then refused without saying why. ``visible(user=, person=)``
    (optional) counts the rows the user sees, for the merge page's side-by-side (``label`` names them).
    """

    name: str
    merge: Callable[..., int]
    hidden: Callable[..., bool] | None = None
    visible: Callable[..., int] | None = None
    label: str = ""


PERSON_MERGE_HANDLERS: list[PersonMergeHandler] = []


def register_person_merge_handler(handler: PersonMergeHandler) -> None:
    _register(PERSON_MERGE_HANDLERS, handler)
