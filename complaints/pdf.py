"""The case summary PDF: centre, complainant, grievances, timeline and payments, in English or Burmese.

Burmese is shaped by the helpers in helpdesk.pdf (Padauk, HarfBuzz); long
values sit in fixed-width table cells.
"""
from __future__ import annotations

from io import BytesIO

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate, Spacer

from complaints.group import gender_counts, group_figures, group_members
from complaints.models import Complaint
from complaints.money import format_mmk, format_rate
from complaints.selectors import complaint_payments, complaint_timeline
from helpdesk.pdf import para as _p
from helpdesk.pdf import styles as _styles
from helpdesk.pdf import table as _table
from helpdesk.text import phone_display


def case_summary_pdf(complaint: Complaint, *, language: str = "en") -> bytes:
    """Return the case summary as PDF bytes, its labels in ``language`` ("en" or "my")."""
    with translation.override(language):
        return _build(complaint)


def _build(complaint: Complaint) -> bytes:
    s = _styles()
    person = complaint.complainant
    centre = complaint.centre
    story = [
        _p(_("Complaint case summary"), s["title"]),
        _p(f"{complaint.reference} · {complaint.get_stage_display()}", s["h2"]),
    ]
    if complaint.sensitive:
        story.append(_p(_("SENSITIVE: for the assigned staff and the centre's managers only."), s["label"]))
    if complaint.is_minor:
        story.append(_p(_("Under 18 at intake: refer for child protection."), s["label"]))

    centre_name = f"{centre.name_my} ({centre.name})" if translation.get_language() == "my" and centre.name_my else centre.name
    details = [
        (_("Centre"), centre_name),
        (_("Opened"), f"{timezone.localtime(complaint.opened_at):%Y-%m-%d} · {complaint.get_channel_display()}"),
        (_("Complainant"), str(person)),
        (_("Gender"), person.get_gender_display()),
        (_("Birth year"), person.birth_year),
        (_("Phone"), phone_display(person.phone)),
        (_("Grievances"), ", ".join(complaint.grievance_labels)),
        (_("Respondent agency"), complaint.agency),
        (_("Employer"), complaint.employer),
        (_("Destination country"), complaint.get_destination_country_display()),
        (_("Amount claimed"), format_mmk(complaint.amount_claimed)),
        (_("Recovered"), format_mmk(getattr(complaint, "recovered", None) or sum(p.amount_mmk for p in complaint.reimbursements.all()))),
        (_("Assigned to"), complaint.assigned_to),
        (_("Next follow-up"), complaint.next_follow_up and f"{complaint.next_follow_up:%Y-%m-%d}"),
    ]
    if complaint.referred_to:
        details.append((_("Referred to"), f"{complaint.get_referred_to_display()} {complaint.referred_detail}".strip()))
    if complaint.outcome or complaint.outcome_detail:
        details.append((_("Outcome"), f"{complaint.get_outcome_display()} {complaint.outcome_detail}".strip()))
    story.append(_table([[_p(k, s["label"], 45 * mm), _p(v, s["body"], 125 * mm)] for k, v in details], [45 * mm, 125 * mm]))
    if complaint.description:
        story += [_p(_("What happened"), s["h2"]), _p(complaint.description, s["body"])]
    story += _group_story(complaint, s)

    story.append(_p(_("Payments"), s["h2"]))
    payments = complaint_payments(complaint)
    widths = [24 * mm, 36 * mm, 36 * mm, 40 * mm, 34 * mm]
    rows = [[_p(h, s["label"], w) for h, w in zip((_("Date"), _("Amount"), _("Kind"), _("Paid by"), _("Paid in")), widths, strict=True)]]
    for p in payments:
        foreign = f"{format_rate(p.original_amount)} {p.currency} × {format_rate(p.exchange_rate)}" if p.currency != "MMK" else ""
        rows.append([_p(f"{p.date:%Y-%m-%d}", s["body"]), _p(format_mmk(p.amount_mmk), s["body"]),
                     _p(p.get_kind_display(), s["body"], 36 * mm), _p(p.payer, s["body"], 40 * mm), _p(foreign, s["small"], 34 * mm)])
    if not payments:
        rows.append([_p(_("No payment yet."), s["body"]), "", "", "", ""])
    story.append(_table(rows, widths, header=True))

    story.append(_p(_("Timeline"), s["h2"]))
    widths = [30 * mm, 110 * mm, 30 * mm]
    rows = [[_p(h, s["label"], w) for h, w in zip((_("When"), _("What"), _("By")), widths, strict=True)]]
    for e in complaint_timeline(complaint):
        what = e.get_kind_display()
        if e.kind == "stage":
            what += f": {e.get_from_stage_display()} → {e.get_to_stage_display()}"
        if e.text:
            what += f"\n{e.text}"
        rows.append([_p(f"{timezone.localtime(e.created_at):%Y-%m-%d %H:%M}", s["small"]), _p(what, s["body"], 110 * mm),
                     _p(e.author or _("bot intake"), s["small"], 30 * mm)])
    story.append(_table(rows, widths, header=True))
    story += [Spacer(1, 6 * mm), _p(_("Printed %(date)s") % {"date": f"{timezone.localtime():%Y-%m-%d %H:%M}"}, s["small"])]

    buffer = BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=15 * mm, bottomMargin=15 * mm,
        title=complaint.reference, author="MC Helpdesk",
    )
    doc.build(story)
    return buffer.getvalue()


def _group_story(complaint: Complaint, s) -> list:
    """The workers covered by a group case: count by gender, then each member's claim and what they received."""
    members = group_members(complaint)
    if not members:
        return []
    figures = group_figures(complaint, members)
    genders = ", ".join(f"{label} {n}" for _code, label, n in gender_counts(figures["by_gender"]))
    story = [
        _p(_("Group case"), s["h2"]),
        _p(_("Workers covered: %(count)s (%(genders)s)") % {"count": figures["count"], "genders": genders}, s["body"]),
    ]
    widths = [50 * mm, 24 * mm, 32 * mm, 32 * mm, 32 * mm]
    heads = (_("Member"), _("Gender"), _("Claimed"), _("Apportioned"), _("Received"))
    rows = [[_p(h, s["label"], w) for h, w in zip(heads, widths, strict=True)]]
    for row in figures["rows"]:
        name = str(row["member"].person) + (f" ({_('lead')})" if row["member"].is_lead else "")
        rows.append([_p(name, s["body"], 50 * mm), _p(row["member"].person.get_gender_display(), s["body"], 24 * mm),
                     _p(format_mmk(row["claimed"]), s["body"]), _p(format_mmk(row["apportioned"]) if row["apportioned"] else "—", s["body"]),
                     _p(format_mmk(row["received"]), s["body"])])
    story.append(_table(rows, widths, header=True))
    if figures["lump_sums"]:
        story.append(_p(_("Lump sums are apportioned pro rata to the amounts claimed (equal shares when none), "
                          "in whole kyat, the remainder to the lead."), s["small"]))
    return story
