"""Case forms. Every one normalises Burmese text (Zawgyi never reaches the database) and reads amounts
typed in Burmese digits, with or without thousands separators."""
from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.forms import NOT_IN_REGISTER, AgencyPickField, AgencyPickMixin
from agencies.lookup import MAX_QUERY_LENGTH
from complaints.choices import Currency, EntryKind, Grievance, Outcome, ReferredTo, ReimbursementKind, Stage
from complaints.workflow import allowed_moves
from helpdesk.choices import Channel, Country, Role
from helpdesk.forms import BurmeseTextMixin
from helpdesk.text import AmountError, parse_amount

TOO_MANY_DECIMALS = _("Use at most %(places)s decimal places.")
TOO_LARGE = _("This amount is too large.")
NOT_NEGATIVE = _("The amount cannot be negative.")
FUTURE_DATE = _("The date cannot be in the future.")


class MoneyField(forms.CharField):
    """An amount typed any way staff type it: "၁၅၀,၀၀၀", "150,000 MMK", "1 500 000.50", "၁၅ သိန်း", "15 lakhs"."""

    def __init__(self, *args, places: int = 2, max_digits: int = 14, **kwargs):
        self.places, self.max_digits = places, max_digits
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
        super().__init__(*args, **kwargs)

    def to_python(self, value) -> Decimal | None:
        value = super().to_python(value)
        if value and value.strip().startswith("-"):
            raise forms.ValidationError(NOT_NEGATIVE, code="min_value")
        try:
            amount = parse_amount(value, places=self.places)
        except AmountError as exc:
            raise forms.ValidationError(str(exc), code="invalid") from None
        if amount is None:
            return None
        if -amount.as_tuple().exponent > self.places:
            raise forms.ValidationError(TOO_MANY_DECIMALS, code="max_decimal_places", params={"places": self.places})
        if amount >= Decimal(10) ** (self.max_digits - self.places):
            raise forms.ValidationError(TOO_LARGE, code="max_digits")
        return amount


def centre_staff(centre):
    """The people a case of ``centre`` may be assigned to."""
    return get_user_model().objects.filter(
        memberships__centre=centre, memberships__role__in=(Role.STAFF, Role.MANAGER)
    ).distinct().order_by("username")


def date_not_future(value):
    if value and value > timezone.localdate():
        raise forms.ValidationError(FUTURE_DATE, code="future")
    return value


class AssigneeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.get_username()


RESPONDENT_PICK = _("Several agencies match: pick the respondent agency, or “Not in the register”.")
RESPONDENT_TOO_LONG = _("The agency’s name and the employer are too long to keep together: shorten one of them.")


def with_unregistered_agency(employer: str, name: str) -> str:
    """Return the employer text holding also the name of an agency that is not in the register.

    A case has one text for the parties outside the register (the bots' intake writes the agency or
    employer named there too), so the name typed goes first and nothing staff typed is dropped.
    """
    if not employer or employer.casefold() == name.casefold():
        return name
    if name.casefold() in employer.casefold():
        return employer
    return f"{name}; {employer}"


class ComplaintDetailsForm(AgencyPickMixin, BurmeseTextMixin, forms.Form):
    """The case details staff give when opening a case and correct later.

    The respondent agency is typed, not chosen from the whole register (see AgencyPickMixin);
    a name that is not in the register is kept with the employer.
    """

    agency_query_field = "agency_query"
    agency_pick_field = "agency_choice"
    agency_pick_message = RESPONDENT_PICK
    not_in_register_label = _("Not in the register: keep the name as typed")

    grievances = forms.MultipleChoiceField(label=_("Grievances"), choices=Grievance.choices, widget=forms.CheckboxSelectMultiple)
    agency_query = forms.CharField(
        label=_("Respondent agency: name or licence number"), max_length=MAX_QUERY_LENGTH, required=False,
        help_text=_("Type it in any script. A name not in the register is kept with the employer."),
    )
    agency_choice = AgencyPickField(label=_("Which agency?"))
    employer = forms.CharField(label=_("Employer"), max_length=200, required=False)
    destination_country = forms.ChoiceField(label=_("Destination country"), choices=[("", "—"), *Country.choices], required=False)
    amount_claimed = MoneyField(label=_("Amount claimed (MMK)"), required=False, help_text=_("Burmese digits, commas, ၁၅ သိန်း or 15 lakhs are fine."))
    description = forms.CharField(label=_("What happened"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    sensitive = forms.BooleanField(
        label=_("Sensitive: only the assigned staff and managers may see it"), required=False,
        help_text=_("Abuse and trafficking cases are always sensitive."),
    )

    def clean(self):
        data = super().clean()
        query = data.get("agency_query", "")
        if not self.clean_agency_pick(data, query, into="agency"):
            return data
        if query and data["agency"] is None and "employer" in data:
            employer = with_unregistered_agency(data["employer"], query)
            if len(employer) > self.fields["employer"].max_length:
                self.add_error("agency_query", forms.ValidationError(RESPONDENT_TOO_LONG, code="max_length"))
            data["employer"] = employer
        return data

    def complaint_fields(self) -> dict:
        """Return the cleaned values under the services' argument names."""
        return {k: v for k, v in self.cleaned_data.items() if k not in ("agency_query", "agency_choice")}


class ComplaintOpenForm(ComplaintDetailsForm):
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.WALK_IN)
    assigned_to = AssigneeChoiceField(label=_("Assigned to"), queryset=get_user_model().objects.none(), required=False)

    field_order = [
        "grievances", "channel", "agency_query", "agency_choice", "employer", "destination_country", "amount_claimed",
        "description", "sensitive", "assigned_to",
    ]

    def __init__(self, *args, centre, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = centre_staff(centre)
        self.fields["assigned_to"].empty_label = _("Me")


class ComplaintEditForm(ComplaintDetailsForm):
    """Pass ``current_agency``: kept while its text is left as shown."""

    next_follow_up = forms.DateField(label=_("Next follow-up"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    is_minor = forms.BooleanField(label=_("Under 18 at intake (child-protection referral)"), required=False)


MESSAGE_SENSITIVE_LABEL = _("Also tell the migrant on their bot channel (this case is sensitive)")


class SensitiveMessageMixin:
    """A manager's tick to message the migrant of a sensitive case; other users and ordinary cases never see it."""

    def _sensitive_tick(self, allowed: bool) -> None:
        if allowed:
            self.fields["message_sensitive"] = forms.BooleanField(label=MESSAGE_SENSITIVE_LABEL, required=False)


class MoveForm(SensitiveMessageMixin, BurmeseTextMixin, forms.Form):
    to_stage = forms.ChoiceField(label=_("Move to"), choices=Stage.choices)
    reason = forms.CharField(label=_("Why"), widget=forms.Textarea(attrs={"rows": 2}))
    referred_to = forms.ChoiceField(label=_("Referred to"), choices=[("", "—"), *ReferredTo.choices], required=False)
    referred_detail = forms.CharField(label=_("Referral detail"), max_length=200, required=False)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[("", "—"), *Outcome.choices], required=False)
    outcome_detail = forms.CharField(label=_("Outcome detail"), max_length=200, required=False)
    override_reason = forms.CharField(
        label=_("Referring without the complainant's consent to share: urgent protection reason (managers only)"),
        max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, stage: str, sensitive_tick: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self._sensitive_tick(sensitive_tick)
        labels = dict(Stage.choices)
        # The menu offers only the legal moves, but any stage is accepted here so that a move posted from a
        # stale page (someone moved the case meanwhile) gets the workflow's own explanation.
        self.fields["to_stage"].widget.choices = [(s, labels[s]) for s in allowed_moves(stage)]


class NoteForm(BurmeseTextMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=[(EntryKind.NOTE, EntryKind.NOTE.label), (EntryKind.ACTION, EntryKind.ACTION.label)])
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}))
    next_follow_up = forms.DateField(label=_("Next follow-up"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, member):
        return str(member.person)


class PaymentForm(SensitiveMessageMixin, BurmeseTextMixin, forms.Form):
    amount_mmk = MoneyField(label=_("Amount received (MMK)"), required=False, help_text=_("Leave empty to work it out from the foreign amount and rate."))
    date = forms.DateField(label=_("Date received"), initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_("Kind"), choices=ReimbursementKind.choices)
    payer = forms.CharField(label=_("Paid by"), max_length=200)
    currency = forms.ChoiceField(label=_("Currency paid in"), choices=Currency.choices, initial=Currency.MMK)
    original_amount = MoneyField(label=_("Amount in that currency"), required=False)
    exchange_rate = MoneyField(label=_("Rate (MMK per unit)"), required=False, places=6)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, sensitive_tick: bool = False, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._sensitive_tick(sensitive_tick)
        if members is not None and members.exists():  # a group case: for one member, or a lump sum apportioned
            self.fields["member"] = MemberChoiceField(
                label=_("For member"), queryset=members.select_related("person"), required=False,
                empty_label=_("Lump sum for the group (apportioned by the amounts claimed)"),
            )

    def clean_date(self):
        return date_not_future(self.cleaned_data.get("date"))

    def payment_fields(self) -> dict:
        return dict(self.cleaned_data)


class PaymentCorrectForm(PaymentForm):
    reason = forms.CharField(label=_("Why is it corrected?"), max_length=300)

    def payment_fields(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "reason"}


class PaymentRemoveForm(BurmeseTextMixin, forms.Form):
    reason = forms.CharField(label=_("Why is it removed?"), max_length=300)


class MemberAddForm(forms.Form):
    person = forms.IntegerField(widget=forms.HiddenInput)
    amount_claimed = MoneyField(label=_("Amount claimed (MMK)"), required=False)


class MemberClaimForm(forms.Form):
    amount_claimed = MoneyField(label=_("Amount claimed (MMK)"), required=False)


class MemberRemoveForm(BurmeseTextMixin, forms.Form):
    reason = forms.CharField(label=_("Why is this member removed?"), max_length=300)


class ReassignForm(BurmeseTextMixin, forms.Form):
    assigned_to = AssigneeChoiceField(label=_("Assign to"), queryset=get_user_model().objects.none(), required=False)
    reason = forms.CharField(label=_("Why"), max_length=300, required=False)

    def __init__(self, *args, centre, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = centre_staff(centre)
        self.fields["assigned_to"].empty_label = _("Nobody (the managers triage it)")


YES = [("", "—"), ("1", _("Yes"))]


AGENCY_FILTER_NOT_FOUND = _(
    "No agency in the register matches this. A case naming an agency outside the register is found with the search box."
)
AGENCY_FILTER_PICK = _("Several agencies match: pick the one whose cases you want.")


class ComplaintFilterForm(AgencyPickMixin, BurmeseTextMixin, forms.Form):
    """The case list's filters (GET); invalid values are ignored rather than failing the list.

    The agency is typed, as on the complaint form (AgencyPickMixin): never a menu of every agency
    with a case. The agency filtered on travels as ``?agency=<id>`` (``current_agency``); a name
    typed is looked up, and the list asks to pick when several agencies fit.
    """

    agency_query_field = "agency_query"
    agency_pick_field = "agency_choice"
    agency_pick_message = AGENCY_FILTER_PICK
    not_in_register_label = _("None of these")

    q = forms.CharField(label=_("Reference, name, phone, agency or employer"), required=False)
    stage = forms.ChoiceField(label=_("Stage"), choices=[("", _("All")), ("open", _("All open")), *Stage.choices], required=False)
    centre = forms.ModelChoiceField(label=_("Centre"), queryset=None, required=False, empty_label=_("All"))
    grievance = forms.ChoiceField(label=_("Grievance"), choices=[("", _("All")), *Grievance.choices], required=False)
    agency_query = forms.CharField(label=_("Agency: name or licence number"), max_length=MAX_QUERY_LENGTH, required=False)
    agency_choice = AgencyPickField(label=_("Which agency?"))
    mine = forms.BooleanField(label=_("Assigned to me"), required=False)
    unassigned = forms.BooleanField(label=_("Not assigned (bot intake)"), required=False)
    overdue = forms.BooleanField(label=_("Follow-up overdue"), required=False)
    minor = forms.BooleanField(label=_("Under 18"), required=False)
    due = forms.BooleanField(label=_("Follow-up due today or overdue"), required=False)
    sensitive = forms.BooleanField(label=_("Sensitive"), required=False)
    stale = forms.IntegerField(label=_("No movement for (days)"), min_value=1, max_value=3650, required=False)
    assignee = forms.IntegerField(label=_("Assigned to (user id)"), min_value=1, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, centres, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["centre"].queryset = centres

    def clean(self):
        data = super().clean()
        query = data.get("agency_query", "")
        if not self.clean_agency_pick(data, query, into="agency"):
            return data
        if query and data["agency"] is None and data.get("agency_choice") != NOT_IN_REGISTER:
            self.add_error("agency_query", forms.ValidationError(AGENCY_FILTER_NOT_FOUND, code="not_found"))
        return data

    @property
    def agency_unresolved(self) -> bool:
        """An agency was typed but names none yet: the list waits for a pick rather than showing every case."""
        return self.is_bound and bool(self.errors.get("agency_query") or self.errors.get("agency_choice"))

    def filters(self) -> dict:
        self.is_valid()  # cleaned_data keeps the fields that are valid
        skip = ("agency_query", "agency_choice")
        return {k: v for k, v in self.cleaned_data.items() if k not in skip and v not in (None, "", False)}
