"""Staff pages. Thin: forms validate, services write, selectors decide what the user sees."""
from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from helpdesk import consent, selectors, services
from helpdesk.access import logs_access
from helpdesk.extensions import CONTACT_FORM_EXTENSIONS, DASHBOARD_PANELS, PERSON_PANELS
from helpdesk.forms import (
    ActivityForm,
    ConsentForm,
    ContactForm,
    PersonForm,
    QuickPersonForm,
    ReferralForm,
    ReferralOutcomeForm,
    apply_service_errors,
)
from helpdesk.models import AccessLog
from helpdesk.pagination import KeysetPage, capped_counts, list_query
from helpdesk.periods import quarter_bounds, quarter_label
from helpdesk.permissions import personal_data_required
from helpdesk.searches import search_redirect, search_terms

PAGE_SIZE = 50


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


@login_required
@never_cache  # it lists the latest contacts, with names
def dashboard(request):
    today = timezone.localdate()
    start, end = quarter_bounds(today)
    context = {"quarter": quarter_label(today), "start": start, "end": end}
    context["panels"] = [(p.template, ctx) for p in DASHBOARD_PANELS if (ctx := p.context(request)) is not None]
    if selectors.user_can_see_personal_data(request.user):
        context["counts"] = selectors.dashboard_counts(request.user, start, end)
        context["centres"] = selectors.centres_for_user(request.user)
        context["recent"] = selectors.contacts_for_user(request.user)[:10]
    return render(request, "helpdesk/dashboard.html", context)


# People ---------------------------------------------------------------------

@personal_data_required
def person_list(request):
    if redirect_to := search_redirect(request):
        return redirect_to
    query = search_terms(request)
    people = selectors.person_search(request.user, query) if query else selectors.people_for_user(request.user)
    token = {"query": urlencode({"s": request.GET["s"]})} if query else {}  # the pager carries the token, not the terms
    return render(request, "helpdesk/person_list.html", {
        "page": KeysetPage(people, request.GET), "total": capped_counts({"people": people})["people"], "q": query, **token,
    })


@personal_data_required
@logs_access(AccessLog.Kind.PERSON)
def person_detail(request, pk):
    try:
        person = selectors.person_get_for_user(request.user, pk)
    except Http404:
        if kept := selectors.person_merged_into(request.user, pk):
            messages.info(request, _("Record #%(gone)s was merged into this one.") % {"gone": pk})
            return redirect("helpdesk:person_detail", pk=kept.pk)
        raise
    events = list(person.consent_events.select_related("recorded_by", "referral"))
    records = selectors.person_records_for_user(request.user, person)
    shared_here = not selectors.centres_for_user(request.user).filter(pk=person.centre_id).exists()
    return render(
        request,
        "helpdesk/person_detail.html",
        {
            "person": person,
            "consent": consent.consent_summary(person, events),
            "consent_form": ConsentForm(prefix="consent"),
            # a shared record: only what the user's centres gave (the holding centre's stay its own)
            "contacts": records["contacts"][:200],
            "referrals": records["referrals"].prefetch_related("consent_events"),
            "activities": records["activities"][:50],
            "shared_here": shared_here,
            "same_person": [] if shared_here or person.erased_at else _possible_twins(person),
            "merges": person.history.filter(history_change_reason__startswith="merged #").select_related("history_user")[:20],
            "panels": [(p.template, ctx) for p in PERSON_PANELS if (ctx := p.context(request, person)) is not None],
        },
    )


@require_POST
@personal_data_required
def person_consent(request, pk):
    """Record consent given or withdrawn (with how and when); the person page shows the timeline."""
    person = selectors.person_get_for_user(request.user, pk)
    form = ConsentForm(request.POST, prefix="consent")
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["action"] == "give":
                services.consent_give(person=person, scopes=data["scopes"], method=data["method"], by=request.user, on=data["on"])
            else:
                scope = "record" if "record" in data["scopes"] else "share"
                services.consent_withdraw(
                    person=person, scope=scope, method=data["method"], by=request.user, on=data["on"], reason=data["reason"],
                )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Consent recorded."))
    else:
        messages.error(request, " ".join(f"{form.fields[f].label}: {' '.join(e)}" for f, e in form.errors.items() if f in form.fields))
    return redirect("helpdesk:person_detail", pk=person.pk)


@personal_data_required
@logs_access(AccessLog.Kind.PDF)
def person_card(request, pk):
    """The beneficiary card as a PDF in the user's language: what the centre holds about the person."""
    from helpdesk.card import beneficiary_card_pdf

    person = selectors.person_card_get_for_user(request.user, pk)
    response = HttpResponse(beneficiary_card_pdf(person, user=request.user, language=translation.get_language()), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="beneficiary-card-{person.pk}.pdf"'
    return response


def _possible_twins(person) -> list:
    """Other records at the person's centre that may be the same person (the merge page starts here)."""
    found = selectors.person_possible_duplicates(
        centre_ids=[person.centre_id], phone=person.phone, name=person.name, birth_year=person.birth_year,
        nrc=person.nrc, passport_number=person.passport_number,
    )
    return [p for p in found if p.pk != person.pk and p.centre_id == person.centre_id and not p.erased_at]


def _duplicates_for(request, data: dict, exclude_pk=None) -> list:
    dups = selectors.person_possible_duplicates(
        centre_ids=list(selectors.centres_for_user(request.user).values_list("pk", flat=True)),
        phone=data.get("phone") or "",
        name=data.get("name") or "",
        birth_year=data.get("birth_year"),
        nrc=data.get("nrc") or "",
        passport_number=data.get("passport_number") or "",
    )
    return [p for p in dups if p.pk != exclude_pk]


def _elsewhere_for(request, data: dict) -> list:
    """The other centres holding the same document: their names only, never the person."""
    return selectors.person_centres_elsewhere(
        centre_ids=list(selectors.centres_for_user(request.user).values_list("pk", flat=True)),
        nrc=data.get("nrc") or "", passport_number=data.get("passport_number") or "",
    )


@personal_data_required
def person_create(request):
    centres = selectors.centres_for_user(request.user)
    form = PersonForm(request.POST or None, phone_centre=centres.first())
    duplicates, elsewhere = [], []
    if request.method == "POST" and form.is_valid():
        duplicates, elsewhere = _duplicates_for(request, form.cleaned_data), _elsewhere_for(request, form.cleaned_data)
        if not (duplicates or elsewhere) or request.POST.get("confirm_new"):
            centre = centres.filter(pk=request.POST.get("centre")).first() or centres.first()
            try:
                person = services.person_create(centre=centre, created_by=request.user, **form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("Person registered."))
                return redirect("helpdesk:person_detail", pk=person.pk)
    return render(
        request, "helpdesk/person_form.html", {"form": form, "duplicates": duplicates, "elsewhere": elsewhere, "centres": centres},
    )


@personal_data_required
@logs_access(AccessLog.Kind.PERSON)
def person_edit(request, pk):
    person = selectors.person_held_get_for_user(request.user, pk)  # a centre the record is shared with serves, never edits
    form = PersonForm(request.POST or None, instance=person, phone_centre=person.centre)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(person=person, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("helpdesk:person_detail", pk=person.pk)
    return render(request, "helpdesk/person_form.html", {"form": form, "person": person})


# Contacts -------------------------------------------------------------------

@personal_data_required
def contact_list(request):
    contacts = selectors.contacts_for_user(request.user)
    service = request.GET.get("service")
    if service:
        contacts = contacts.filter(service=service)
    return render(request, "helpdesk/contact_list.html", {
        "page": KeysetPage(contacts, request.GET), "total": capped_counts({"contacts": contacts})["contacts"],
        "service": service, "query": list_query(request.GET),
    })


@personal_data_required
def contact_log(request):
    """Log a drop-in or helpline contact, finding or creating the person on the same page."""
    if redirect_to := search_redirect(request):
        return redirect_to
    user = request.user
    centres = selectors.centres_for_user(user)
    # "Use this person" on the duplicate warning posts everything typed with the chosen person:
    # the form comes back with that person and the rest kept, to be saved with the next press.
    picked = request.POST.get("use_person")
    person_id = picked or request.POST.get("person") or request.GET.get("person")
    person = selectors.person_get_for_user(user, person_id) if person_id else None
    query = search_terms(request)
    matches = selectors.person_search(user, query)[:10] if query and not person else []

    initial = {"centre": selectors.person_serving_centre(user, person) if person else centres.first()}
    form = ContactForm(request.POST or None, centres=centres, initial=initial)
    person_form = QuickPersonForm(
        request.POST or None, prefix="p", initial={"name": query} if query and not matches else None, phone_centre=centres.first()
    )
    extensions = [
        (ext, ext.form_class(request.POST or None, prefix=ext.prefix, user=user)) for ext in CONTACT_FORM_EXTENSIONS
    ]
    duplicates, elsewhere = [], []
    if request.method == "POST" and not picked:
        forms_ok = form.is_valid() & (person is not None or person_form.is_valid())
        forms_ok &= all([extension_form.is_valid() for _, extension_form in extensions])
        if forms_ok:
            new_person = None
            if person is None:
                data = person_form.cleaned_data
                if data["name"] or data["phone"] or data["birth_year"] or data["nrc"] or data["passport_number"]:
                    new_person = person_form.person_fields()
                    duplicates, elsewhere = _duplicates_for(request, new_person), _elsewhere_for(request, new_person)
            # With possible duplicates nothing is saved until staff pick one or confirm a new person.
            if not (duplicates or elsewhere) or person_form.cleaned_data.get("confirm_new"):
                contact = _log_contact(request, form, person_form, person, new_person, extensions)
                if contact is not None:
                    messages.success(request, _("Contact logged."))
                    if contact.person_id:
                        return redirect("helpdesk:person_detail", pk=contact.person_id)
                    return redirect("helpdesk:contact_log")
    return render(
        request,
        "helpdesk/contact_form.html",
        {
            "form": form, "person_form": person_form, "person": person, "query": query, "matches": matches,
            "duplicates": duplicates, "elsewhere": elsewhere, "extension_forms": [(f, ext.template) for ext, f in extensions],
        },
    )


def _log_contact(request, form, person_form, person, new_person, extensions):
    """Save the contact and the extensions' parts together; show a model error on the form holding the field."""
    data = form.cleaned_data
    try:
        with transaction.atomic():
            contact = services.contact_log(
                centre=data["centre"], staff=request.user, service=data["service"], channel=data["channel"],
                date=data["date"], topics=data["topics"], notes=data["notes"], person=person, new_person=new_person,
                gender=person_form.cleaned_data.get("gender") if person is None else None, referral=form.referral(),
            )
            for extension, extension_form in extensions:
                extension.save(form=extension_form, contact=contact, user=request.user)
            return contact
    except ValidationError as error:
        apply_service_errors(person_form if new_person else form, error)
        return None


# Activities -----------------------------------------------------------------

@personal_data_required
def activity_list(request):
    activities = selectors.activities_for_user(request.user)
    return render(request, "helpdesk/activity_list.html", {"page": _page(request, activities)})


@personal_data_required
def activity_form(request, pk=None):
    centres = selectors.centres_for_user(request.user)
    activity = selectors.activity_get_for_user(request.user, pk) if pk else None
    form = ActivityForm(request.POST or None, instance=activity, centres=centres)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "centre"}
        try:
            if activity:
                activity = services.activity_update(activity=activity, **fields)
            else:
                activity = services.activity_create(centre=form.cleaned_data["centre"], created_by=request.user, **fields)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Activity saved."))
            return redirect("helpdesk:activity_detail", pk=activity.pk)
    return render(request, "helpdesk/activity_form.html", {"form": form, "activity": activity})


@personal_data_required
def activity_detail(request, pk):
    activity = selectors.activity_get_for_user(request.user, pk)
    if redirect_to := search_redirect(request):
        return redirect_to
    query = search_terms(request)
    attendees = list(activity.attendees.all())
    matches = []
    if query:
        matches = selectors.person_search(request.user, query).filter(selectors.served_filter([activity.centre_id])).exclude(
            pk__in=[p.pk for p in attendees]
        )[:10]
    return render(request, "helpdesk/activity_detail.html", {"activity": activity, "attendees": attendees, "matches": matches, "q": query})


@require_POST
@personal_data_required
def activity_attendance(request, pk):
    """Add or remove one registered attendee."""
    activity = selectors.activity_get_for_user(request.user, pk)
    person = selectors.person_get_for_user(request.user, request.POST.get("person"))
    try:
        if request.POST.get("action") == "remove":
            services.activity_remove_attendee(activity=activity, person=person)
        else:
            services.activity_add_attendee(activity=activity, person=person)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("helpdesk:activity_detail", pk=activity.pk)


# Referrals ------------------------------------------------------------------

@personal_data_required
def referral_list(request):
    referrals = selectors.referrals_for_user(request.user)
    outcome = request.GET.get("outcome")
    if outcome:
        referrals = referrals.filter(outcome=outcome)
    return render(request, "helpdesk/referral_list.html", {"page": _page(request, referrals), "outcome": outcome})


@personal_data_required
def referral_create(request, person_pk):
    person = selectors.person_get_for_user(request.user, person_pk)
    centre = selectors.person_serving_centre(request.user, person) or person.centre  # a shared record: the user's centre refers
    # Without consent to share, only a manager may refer, with an urgent protection override.
    override = not person.consent_share and selectors.user_is_manager_of(request.user, centre.pk)
    form = ReferralForm(request.POST or None, initial={"date": timezone.localdate()}, override=override)
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_create(centre=centre, person=person, created_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Referral recorded."))
            return redirect("helpdesk:person_detail", pk=person.pk)
    return render(request, "helpdesk/referral_form.html", {"form": form, "person": person, "override": override})


@personal_data_required
def referral_outcome(request, pk):
    referral = selectors.referral_get_for_user(request.user, pk)
    form = ReferralOutcomeForm(
        request.POST or None,
        initial={"outcome": referral.outcome, "outcome_date": referral.outcome_date, "notes": referral.outcome_notes},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_record_outcome(
                referral=referral, outcome=form.cleaned_data["outcome"], notes=form.cleaned_data["notes"],
                outcome_date=form.cleaned_data["outcome_date"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Outcome saved."))
            return redirect("helpdesk:referral_list")
    return render(request, "helpdesk/referral_outcome.html", {"form": form, "referral": referral})
