"""The beneficiary card: one printed page of what the centre holds about a person.

Staff print it for the person who asks what is kept about them (subject access) or as the
centre's paper card. Details, consent, the latest contacts, referrals and activities come from
helpdesk; other apps add sections (a person's cases) through ``PERSON_CARD_SECTIONS``, each
deciding what the printing user may see. Queries do not grow with the person's history: every
list is one query, capped, with its full count read alongside the person.
"""
from __future__ import annotations

from io import BytesIO

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

from helpdesk.extensions import PERSON_CARD_SECTIONS
from helpdesk.models import Person
from helpdesk.pdf import para, styles, table
from helpdesk.selectors import person_records_for_user
from helpdesk.text import phone_display

# The latest rows printed per list, so the card stays on one page; the full counts are printed.
CONTACTS_SHOWN = 8
REFERRALS_SHOWN = 4
ACTIVITIES_SHOWN = 5
WIDTH = 170  # mm between the margins


def beneficiary_card_pdf(person: Person, *, user, language: str = "en") -> bytes:
    """Return the card as PDF bytes, its labels in ``language``; ``person`` from selectors.person_card_get_for_user."""
    with translation.override(language):
        return _build(person, user)


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def _date(value) -> str:
    return f"{value:%Y-%m-%d}" if value else "—"


def _build(person: Person, user) -> bytes:
    s = styles(8)
    centre = person.centre
    centre_name = f"{centre.name_my} ({centre.name})" if translation.get_language() == "my" and centre.name_my else centre.name
    story = [
        para(_("Beneficiary card"), s["title"]),
        para(f"{centre_name} · {_('Card number')}: {person.card_number or '—'}", s["label"]),
    ]
    origin = ", ".join(part for part in (person.origin_township, person.origin_region) if part)
    details = [
        (_("Name"), str(person), _("Gender"), person.get_gender_display()),
        (_("Birth year"), person.birth_year, _("Phone"), phone_display(person.phone)),
        (_("Origin"), origin, _("Migration status"), person.get_migration_status_display()),
        (_("Destination"), person.get_destination_country_display(), _("Registered"), _date(timezone.localtime(person.created_at))),
        (_("Consent to keep records"), _yes_no(person.consent_record), _("Consent to share for referral"), _yes_no(person.consent_share)),
        (_("Consent date"), _date(person.consent_date), "", ""),
    ]
    label, value = 42 * mm, 43 * mm
    story.append(_tight(table(
        [[para(a, s["label"], label), para(b, s["body"], value), para(c, s["label"], label) if c else "", para(d, s["body"], value) if c else ""]
         for a, b, c, d in details],
        [label, value, label, value],
    )))

    records = person_records_for_user(user, person)  # a shared record: only what the user's centres gave
    contacts = list(records["contacts"].order_by("-date", "-id")[:CONTACTS_SHOWN])
    story += _section(
        s, _("Contacts"), person.contact_total, len(contacts), (_("Date"), _("Service"), _("Channel"), _("Topics")), (22, 40, 32, 76),
        [(_date(c.date), c.get_service_display(), c.get_channel_display(), ", ".join(t.get_topic_display() for t in c.topics.all()))
         for c in contacts],
        _("No contacts yet."),
    )
    referrals = list(records["referrals"].order_by("-date", "-id")[:REFERRALS_SHOWN])
    story += _section(
        s, _("Referrals"), person.referral_total, len(referrals), (_("Date"), _("Referred to"), _("Outcome"), _("Outcome date")), (22, 80, 42, 26),
        [(_date(r.date), f"{r.get_target_display()} {r.organisation}".strip(), r.get_outcome_display(), _date(r.outcome_date)) for r in referrals],
        _("None"),
    )
    activities = list(records["activities"].order_by("-date", "-id")[:ACTIVITIES_SHOWN])
    story += _section(
        s, _("Trainings and activities attended"), person.activity_total, len(activities), (_("Date"), _("Activity"), _("Kind")), (22, 108, 40),
        [(_date(a.date), a.title, a.get_kind_display()) for a in activities],
        _("None"),
    )
    for section in PERSON_CARD_SECTIONS:
        rows, total = section.rows(user, person)
        story += _section(s, str(section.title), total, len(rows), tuple(map(str, section.columns)), section.widths, rows, str(section.empty))

    printed = _("Printed %(date)s by %(user)s. Only centre staff may see this card; give it only to the person named on it.") % {
        "date": f"{timezone.localtime():%Y-%m-%d %H:%M}", "user": user.get_username(),
    }
    story.append(para(printed, s["small"], WIDTH * mm))

    buffer = BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=12 * mm, bottomMargin=12 * mm,
        title=_("Beneficiary card"), author="MC Helpdesk",
    )
    doc.build(story)
    return buffer.getvalue()


def _section(s, title: str, total: int, shown: int, columns, widths, rows, empty: str) -> list:
    """A heading (with "latest n of N" when capped) and a table of ``rows``."""
    heading = title if total <= shown else _("%(title)s (the latest %(shown)s of %(total)s)") % {"title": title, "shown": shown, "total": total}
    widths = [w * mm for w in widths]
    header = [para(c, s["label"], w) for c, w in zip(columns, widths, strict=True)]
    body = [[para(v, s["body"], w) for v, w in zip(row, widths, strict=True)] for row in rows]
    result = table([header, *(body or [[para(empty, s["body"], sum(widths)), *[""] * (len(widths) - 1)]])], widths, header=True)
    if not body:
        result.setStyle(TableStyle([("SPAN", (0, 1), (-1, 1))]))
    return [para(heading, s["h2"], WIDTH * mm), _tight(result)]


def _tight(result: Table) -> Table:
    """Less padding between rows than the case summary's tables: the card has one page."""
    result.setStyle(TableStyle([("TOPPADDING", (0, 0), (-1, -1), 0.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5)]))
    return result
