"""Case pages. Thin: forms validate, services write, selectors decide which cases the user sees."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from complaints import selectors, services
from complaints.forms import (
    ComplaintEditForm,
    ComplaintFilterForm,
    ComplaintOpenForm,
    MoveForm,
    NoteForm,
    PaymentCorrectForm,
    PaymentForm,
    PaymentRemoveForm,
    ReassignForm,
)
from complaints.group import GROUP_CLAIM_PER_MEMBER, gender_counts, group_figures, group_figures_by_case, group_members
from complaints.money import format_amount
from complaints.workflow import complaint_move
from helpdesk.access import logs_access
from helpdesk.choices import Gender
from helpdesk.downloads import csv_writer
from helpdesk.forms import apply_service_errors
from helpdesk.models import AccessLog
from helpdesk.pagination import NOT_CARRIED, KeysetPage, list_query
from helpdesk.permissions import personal_data_required
from helpdesk.searches import search_redirect, search_terms
from helpdesk.selectors import centres_for_user, person_get_for_user, person_serving_centre


def _filter_form(request):
    """The list's filters from the address, with the search terms from the session (never in the URL)."""
    data = request.GET.copy()
    data.pop("s", None)
    if terms := search_terms(request):
        data["q"] = terms
    current = selectors.filter_agency(data.get("agency"))
    if current is not None and "agency_query" not in data:
        data["agency_query"] = str(current)  # the text field shows the agency filtered on
    return ComplaintFilterForm(data or None, centres=centres_for_user(request.user), current_agency=current)


def _agency_redirect(request, form):
    """After a name was typed in the agency filter and names one agency: the list's address with ``agency=<id>``.

    So the pager and the export carry the agency itself, not the text looked up again on every page.
    """
    if "agency_query" not in request.GET or form.agency_unresolved:
        return None
    query = request.GET.copy()
    for name in ("agency_query", "agency_choice", "agency", *NOT_CARRIED):
        query.pop(name, None)
    if agency := form.cleaned_data.get("agency"):
        query["agency"] = agency.pk
    return redirect(f"{request.path}?{query.urlencode()}" if query else request.path)


@personal_data_required
def complaint_list(request):
    if redirect_to := search_redirect(request):
        return redirect_to
    form = _filter_form(request)
    filters = form.filters() if form.is_bound else {}
    if redirect_to := _agency_redirect(request, form):
        return redirect_to
    complaints = selectors.complaints_filtered(request.user, **filters)
    if form.agency_unresolved:
        complaints = complaints.none()
    counts = selectors.case_list_counts(request.user, complaints)
    return render(request, "complaints/complaint_list.html", {
        "form": form, "page": KeysetPage(complaints, request.GET), "query": list_query(request.GET),
        "filtered": bool(filters) or form.agency_unresolved, **counts,
    })


@personal_data_required
@logs_access(AccessLog.Kind.EXPORT)
def complaint_export(request):
    """The filtered case list as CSV: what the user may see and nothing more."""
    if redirect_to := search_redirect(request):
        return redirect_to
    form = _filter_form(request)
    complaints = selectors.complaints_filtered(request.user, **(form.filters() if form.is_bound else {}))
    if form.agency_unresolved:
        complaints = complaints.none()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="complaints-{timezone.localdate():%Y%m%d}.csv"'
    response.write("\ufeff")  # Excel needs the BOM to read Burmese as UTF-8
    writer = csv_writer(response)
    writer.writerow([
        _("Reference"), _("Centre"), _("Opened"), _("Stage"), _("Complainant"), _("Phone"), _("Grievances"), _("Agency"),
        _("Employer"), _("Destination"), _("Amount claimed (MMK)"), _("Recovered (MMK)"), _("Assigned to"),
        _("Next follow-up"), _("Sensitive"), _("Under 18"), _("Workers covered"),
        *(_("Workers covered: %(gender)s") % {"gender": label} for label in Gender.labels), _("Group members"),
    ])
    groups = group_figures_by_case(complaints)
    for case in complaints.iterator(chunk_size=500):
        covered = groups.get(case.pk)
        writer.writerow([
            case.reference, case.centre.code, f"{timezone.localtime(case.opened_at):%Y-%m-%d}", case.get_stage_display(),
            str(case.complainant), case.complainant.phone, "; ".join(case.grievance_labels), case.agency or "",
            case.employer, case.get_destination_country_display(), format_amount(case.amount_claimed) if case.amount_claimed is not None else "",
            format_amount(case.recovered), case.assigned_to or "", case.next_follow_up or "",
            _("yes") if case.sensitive else "", _("yes") if case.is_minor else "",
            *_group_cells(case, covered),
        ])
    return response


def _group_cells(case, covered) -> list:
    """Workers covered (total and per gender) and the members with what each claimed and received."""
    if covered is None:  # a single case covers its complainant
        by_gender = {case.complainant.gender: 1}
        return [1, *(by_gender.get(g, 0) for g in Gender.values), ""]
    members = "; ".join(
        f"{row['name']} ({row['gender']}): {format_amount(row['claimed']) if row['claimed'] is not None else '—'} / "
        f"{format_amount(row['received'])}" for row in covered["rows"]
    )
    return [covered["count"], *(covered["by_gender"].get(g, 0) for g in Gender.values), members]


@personal_data_required
def complaint_open(request, person_pk):
    """Open a case for a person registered at one of the user's centres."""
    person = person_get_for_user(request.user, person_pk)
    centre = person_serving_centre(request.user, person) or person.centre  # a shared record: the case is the user's centre's
    form = ComplaintOpenForm(
        request.POST or None, centre=centre, initial={"destination_country": person.destination_country}
    )
    if request.method == "POST" and form.is_valid():
        try:
            case = services.complaint_open(
                centre=centre, complainant=person, opened_by=request.user, **form.complaint_fields()
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Complaint %(reference)s opened.") % {"reference": case.reference})
            return redirect("complaints:detail", pk=case.pk)
    return render(request, "complaints/complaint_open.html", {"form": form, "person": person})


def _sensitive_tick(user, complaint) -> bool:
    """Managers choose, message by message, whether the migrant of a sensitive case is told."""
    return complaint.sensitive and selectors.user_manages_complaint(user, complaint)


def _detail(request, complaint, status=200, **forms):
    """Render the case page; a form that failed is passed in bound so its errors show."""
    from complaints.extensions import case_panels

    user = request.user
    tick = _sensitive_tick(user, complaint)
    members = group_members(complaint)
    context = {
        "panels": case_panels(request, complaint),
        "complaint": complaint,
        "timeline": selectors.complaint_timeline(complaint),
        "payments": selectors.complaint_payments(complaint),
        "other_contacts": selectors.complainant_other_contacts(user, complaint),
        "can_reassign": selectors.user_can_reassign(user, complaint),
        "move_form": forms.get("move_form") or MoveForm(stage=complaint.stage, prefix="move", sensitive_tick=tick),
        "note_form": forms.get("note_form") or NoteForm(prefix="note"),
        "payment_form": forms.get("payment_form") or PaymentForm(
            prefix="pay", sensitive_tick=tick, members=complaint.members.all() if members else None
        ),
        "reassign_form": forms.get("reassign_form") or ReassignForm(
            centre=complaint.centre, initial={"assigned_to": complaint.assigned_to_id}, prefix="assign"
        ),
    }
    if complaint.amount_claimed:
        context["balance"] = max(complaint.amount_claimed - complaint.recovered, 0)
    if members:
        context["group"] = group_figures(complaint, members, context["payments"])
        context["group"]["genders"] = gender_counts(context["group"]["by_gender"])
    return render(request, "complaints/complaint_detail.html", context, status=status)


@personal_data_required
@logs_access(AccessLog.Kind.COMPLAINT)
def complaint_detail(request, pk):
    return _detail(request, selectors.complaint_get_for_user(request.user, pk))


def _post_action(request, pk, form, save, success: str):
    """Validate a detail-page form, run the service, and come back to the case (or show what is wrong)."""
    complaint = selectors.complaint_get_for_user(request.user, pk)
    form = form(complaint)
    if form.is_valid():
        try:
            save(complaint, form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, success)
            return redirect("complaints:detail", pk=complaint.pk)
    messages.error(request, _("Nothing was saved: see the form below."))
    name = {MoveForm: "move_form", NoteForm: "note_form", PaymentForm: "payment_form", ReassignForm: "reassign_form"}[type(form)]
    return _detail(request, complaint, status=400, **{name: form})


@require_POST
@personal_data_required
def complaint_move_view(request, pk):
    return _post_action(
        request, pk, lambda c: MoveForm(request.POST, stage=c.stage, prefix="move", sensitive_tick=_sensitive_tick(request.user, c)),
        lambda c, d: complaint_move(complaint=c, by=request.user, **d), _("Stage changed."),
    )


@require_POST
@personal_data_required
def complaint_note(request, pk):
    return _post_action(
        request, pk, lambda c: NoteForm(request.POST, prefix="note"),
        lambda c, d: services.complaint_add_note(complaint=c, by=request.user, **d), _("Added to the timeline."),
    )


@require_POST
@personal_data_required
def payment_record(request, pk):
    return _post_action(
        request, pk,
        lambda c: PaymentForm(request.POST, prefix="pay", sensitive_tick=_sensitive_tick(request.user, c), members=c.members.all()),
        lambda c, d: services.reimbursement_record(complaint=c, recorded_by=request.user, **d), _("Payment recorded."),
    )


@require_POST
@personal_data_required
def complaint_reassign(request, pk):
    def save(complaint, data):
        if not selectors.user_can_reassign(request.user, complaint):
            raise ValidationError(_("Only a manager or the staff carrying the case can reassign it."))
        services.complaint_reassign(complaint=complaint, by=request.user, **data)

    return _post_action(request, pk, lambda c: ReassignForm(request.POST, centre=c.centre, prefix="assign"), save, _("Case reassigned."))


@personal_data_required
@logs_access(AccessLog.Kind.COMPLAINT)
def complaint_edit(request, pk):
    complaint = selectors.complaint_get_for_user(request.user, pk)
    initial = {name: getattr(complaint, name) for name in services.UPDATABLE}
    initial["grievances"] = complaint.grievance_codes
    form = ComplaintEditForm(request.POST or None, initial=initial, current_agency=complaint.agency)
    if complaint.members.exists():  # a group's claim is the sum of its members' (changed on the group page)
        form.fields["amount_claimed"].disabled = True
        form.fields["amount_claimed"].help_text = GROUP_CLAIM_PER_MEMBER
    if request.method == "POST" and form.is_valid():
        data = form.complaint_fields()
        try:
            services.complaint_update(complaint=complaint, by=request.user, grievances=data.pop("grievances"), **data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("complaints:detail", pk=complaint.pk)
    return render(request, "complaints/complaint_edit.html", {"form": form, "complaint": complaint})


@personal_data_required
def payment_correct(request, pk):
    payment = selectors.reimbursement_get_for_user(request.user, pk)
    form = PaymentCorrectForm(
        request.POST or None, initial={name: getattr(payment, name) for name in services.PAYMENT_FIELDS},
        members=payment.complaint.members.all(),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.reimbursement_correct(
                payment=payment, by=request.user, reason=form.cleaned_data["reason"],
                # only what changed, so a corrected foreign amount recomputes the MMK value and vice versa
                **{k: v for k, v in form.payment_fields().items() if getattr(payment, k) != v},
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Payment corrected."))
            return redirect("complaints:detail", pk=payment.complaint_id)
    return _payment_page(request, payment, form=form)


def _payment_page(request, payment, status=200, **forms):
    return render(request, "complaints/payment_correct.html", {
        "payment": payment, "complaint": payment.complaint,
        "can_remove": selectors.user_manages_complaint(request.user, payment.complaint),
        "form": forms.get("form") or PaymentCorrectForm(
            initial={name: getattr(payment, name) for name in services.PAYMENT_FIELDS}, members=payment.complaint.members.all()
        ),
        "remove_form": forms.get("remove_form") or PaymentRemoveForm(prefix="remove"),
    }, status=status)


@require_POST
@personal_data_required
def payment_remove(request, pk):
    """Remove a payment entered twice or on the wrong case (managers; the history keeps it)."""
    payment = selectors.reimbursement_get_for_user(request.user, pk)
    form = PaymentRemoveForm(request.POST, prefix="remove")
    if form.is_valid():
        try:
            services.reimbursement_remove(payment=payment, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Payment removed."))
            return redirect("complaints:detail", pk=payment.complaint_id)
    return _payment_page(request, payment, status=400, remove_form=form)


@personal_data_required
@logs_access(AccessLog.Kind.PDF)
def complaint_pdf(request, pk):
    """The case summary as a PDF in the user's language (Burmese shaped with Padauk)."""
    from complaints.pdf import case_summary_pdf

    complaint = selectors.complaint_get_for_user(request.user, pk)
    pdf = case_summary_pdf(complaint, language=translation.get_language())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{complaint.reference}.pdf"'
    return response
