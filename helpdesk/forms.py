"""Staff forms. Every text field passes through helpdesk.text so Zawgyi never reaches the database."""
from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpdesk.choices import GENDER_REQUIRED, ConsentMethod, ConsentScope, Gender, ReferralTarget, Topic
from helpdesk.models import AccessLog, Activity, Centre, Contact, Person, Referral
from helpdesk.text import digits_to_ascii, normalize_text, parse_phone
from helpdesk.text.documents import nrc_key
from helpdesk.text.phones import CALLING_CODES, COUNTRY_NAMES, PhoneAmbiguous, phone_countries_for

BIRTH_YEAR_INVALID = _("Enter a year between 1900 and this year.")


def apply_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on the fields it names, else above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class BurmeseTextMixin:
    """Normalise every text value (Zawgyi to Unicode, NFC) and read Burmese digits in number fields.

    Number fields are text inputs with a numeric keyboard: a browser's ``type=number``
    refuses Burmese digits (၁၂) before the server can read them. Limits stay server side.
    """

    encoding_hint = None  # the encoding the form's source is known to use (an imported file's)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, (forms.IntegerField, forms.DecimalField)) and isinstance(field.widget, forms.NumberInput):
                attrs = {k: v for k, v in field.widget.attrs.items() if k not in ("min", "max", "step")}
                mode = "numeric" if isinstance(field, forms.IntegerField) else "decimal"
                field.widget = forms.TextInput(attrs={**attrs, "inputmode": mode, "autocomplete": "off"})

    def full_clean(self):
        if self.is_bound:
            data = self.data.copy()
            for name, field in self.fields.items():
                key = self.add_prefix(name)
                if key not in data or isinstance(field, (forms.MultipleChoiceField, forms.ModelMultipleChoiceField)):
                    continue
                value = data.get(key)
                if isinstance(field, (forms.IntegerField, forms.DecimalField, forms.DateField)):
                    data[key] = digits_to_ascii(value).replace(",", "") if isinstance(field, forms.IntegerField) else digits_to_ascii(value)
                elif isinstance(field, forms.CharField):
                    data[key] = normalize_text(value, encoding_hint=self.encoding_hint)
            self.data = data
        super().full_clean()


class PhoneField(forms.CharField):
    """A phone typed any way (09…, Burmese digits, Thai, +…) stored in E.164.

    A local number valid in both Myanmar and Thailand is refused until the form's
    ``phone_country`` says which (PhoneCountryMixin sets ``country``).
    """

    country: str | None = None

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return ""
        try:
            return parse_phone(value)
        except PhoneAmbiguous as exc:
            if self.country in exc.readings:
                return exc.readings[self.country]
            raise forms.ValidationError(str(exc), code="ambiguous") from exc
        except ValueError as exc:
            raise forms.ValidationError(str(exc), code="invalid") from exc


class PhoneCountryMixin:
    """Add "Myanmar or Thailand?" after the phone, ordered for the centre (border centres: Thailand first).

    Nothing is preselected: the answer is used only for a number valid in both
    countries, and when such a number comes without one the form asks, with the
    centre's country checked.
    """

    def __init__(self, *args, phone_centre=None, **kwargs):
        super().__init__(*args, **kwargs)
        order = phone_countries_for(phone_centre.township if phone_centre else None)
        field = forms.ChoiceField(
            label=_("Country of the phone number"), required=False, widget=forms.RadioSelect,
            choices=[(code, f"{COUNTRY_NAMES[code]} ({CALLING_CODES[code]})") for code in order],
            help_text=_("Needed only for a number valid in both countries, such as 081 234 5678."),
        )
        fields = list(self.fields.items())
        at = next((i + 1 for i, (name, _f) in enumerate(fields) if name == "phone"), len(fields))
        self.fields = dict(fields[:at] + [("phone_country", field)] + fields[at:])

    def full_clean(self):
        key = self.add_prefix("phone_country")
        if self.is_bound and isinstance(self.fields.get("phone"), PhoneField):
            self.fields["phone"].country = self.data.get(key) or None
        super().full_clean()
        if not self.is_bound:
            return
        self.cleaned_data.pop("phone_country", None)
        if any(e.code == "ambiguous" for e in self.errors.as_data().get("phone", [])) and not self.data.get(key):
            data = self.data.copy()
            data[key] = self.fields["phone_country"].choices[0][0]
            self.data = data


def clean_birth_year(value: int | None) -> int | None:
    if value is not None and not (1900 <= value <= timezone.localdate().year):
        raise forms.ValidationError(BIRTH_YEAR_INVALID, code="invalid")
    return value


def consent_method_field() -> forms.TypedChoiceField:
    """How the person said yes; not sent (an old page, a script) means in person, the usual case."""
    return forms.TypedChoiceField(
        label=_("How the person gave consent"), choices=ConsentMethod.choices, initial=ConsentMethod.IN_PERSON,
        required=False, empty_value=ConsentMethod.IN_PERSON,
    )


class NrcFieldMixin:
    """Say so when an NRC cannot be read: it is kept as typed but finds no duplicates."""

    def clean_nrc(self):
        value = self.cleaned_data.get("nrc", "")
        if value and not nrc_key(value):
            self.nrc_unreadable = True
        return value


class PersonForm(NrcFieldMixin, PhoneCountryMixin, BurmeseTextMixin, forms.ModelForm):
    """Register or edit a person. Consent is given here on registration; later changes go through ConsentForm."""

    phone = PhoneField(label=_("Phone"), required=False, max_length=40)
    consent_method = consent_method_field()

    class Meta:
        model = Person
        fields = [
            "name", "gender", "birth_year", "phone", "card_number", "nrc", "passport_number", "origin_township", "origin_region",
            "migration_status", "destination_country", "consent_record", "consent_share",
        ]
        widgets = {"birth_year": forms.TextInput(attrs={"inputmode": "numeric"})}
        error_messages = {"gender": {"required": GENDER_REQUIRED}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:  # consent has a history: given and withdrawn on the person page, with who and how
            for name in ("consent_record", "consent_share", "consent_method"):
                del self.fields[name]

    def clean_birth_year(self):
        return clean_birth_year(self.cleaned_data.get("birth_year"))


class QuickPersonForm(NrcFieldMixin, PhoneCountryMixin, BurmeseTextMixin, forms.Form):
    """The few fields staff fill in to create a person while logging a contact."""

    name = forms.CharField(label=_("Name"), required=False, max_length=200)
    gender = forms.ChoiceField(
        label=_("Gender"), choices=[("", "—"), *Gender.choices], error_messages={"required": GENDER_REQUIRED},
    )
    phone = PhoneField(label=_("Phone"), required=False, max_length=40)
    birth_year = forms.IntegerField(label=_("Birth year"), required=False, widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    nrc = forms.CharField(label=_("NRC"), required=False, max_length=60, help_text=_("e.g. 12/MaYaKa(N)123456, in English or Burmese"))
    passport_number = forms.CharField(label=_("Passport number"), required=False, max_length=40)
    consent_record = forms.BooleanField(label=_("Consents to records being kept"), required=False)
    consent_share = forms.BooleanField(label=_("Consents to sharing for referral"), required=False)
    consent_method = consent_method_field()
    confirm_new = forms.BooleanField(label=_("This is a new person, not one of those listed"), required=False)

    def clean_birth_year(self):
        return clean_birth_year(self.cleaned_data.get("birth_year"))

    def person_fields(self) -> dict:
        data = self.cleaned_data
        fields = ("name", "gender", "phone", "birth_year", "nrc", "passport_number", "consent_record", "consent_share", "consent_method")
        return {k: data[k] for k in fields}


class ContactForm(BurmeseTextMixin, forms.Form):
    centre = forms.ModelChoiceField(label=_("Centre"), queryset=Centre.objects.none(), empty_label=None)
    service = forms.ChoiceField(label=_("Service"), choices=[("drop_in", _("Drop-in service")), ("helpline", _("Helpline"))])
    channel = forms.ChoiceField(label=_("Channel"), choices=Contact._meta.get_field("channel").choices)
    date = forms.DateField(label=_("Date"), initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"}))
    topics = forms.MultipleChoiceField(label=_("Topics"), choices=Topic.choices, required=False, widget=forms.CheckboxSelectMultiple)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    referral_target = forms.ChoiceField(label=_("Refer to"), choices=[("", "—"), *ReferralTarget.choices], required=False)
    referral_organisation = forms.CharField(label=_("Referral organisation"), required=False, max_length=200)

    def __init__(self, *args, centres, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["centre"].queryset = centres

    def clean_date(self):
        value = self.cleaned_data["date"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."), code="future")
        return value

    def referral(self) -> dict | None:
        data = self.cleaned_data
        if not data.get("referral_target"):
            return None
        return {"target": data["referral_target"], "organisation": data.get("referral_organisation", "")}


class ActivityForm(BurmeseTextMixin, forms.ModelForm):
    class Meta:
        model = Activity
        fields = [
            "centre", "kind", "format", "title", "date", "location",
            "women_count", "men_count", "other_count", "undisclosed_count", "notes",
        ]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}), "notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, centres, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["centre"].queryset = centres
        self.fields["centre"].empty_label = None


class ReferralForm(BurmeseTextMixin, forms.ModelForm):
    override_reason = forms.CharField(
        label=_("Urgent protection override: why the referral cannot wait for consent (managers only)"),
        required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}),
    )

    class Meta:
        model = Referral
        fields = ["target", "organisation", "reason", "date"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}), "reason": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, override: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not override:  # the person consented to sharing, or the user is not a manager
            del self.fields["override_reason"]


class ConsentForm(BurmeseTextMixin, forms.Form):
    """Record consent given or withdrawn on the person page: what, how, on which day."""

    action = forms.ChoiceField(choices=[("give", _("Given")), ("withdraw", _("Withdrawn"))])  # the button pressed
    scopes = forms.MultipleChoiceField(label=_("Consent to"), choices=ConsentScope.choices, widget=forms.CheckboxSelectMultiple)
    method = forms.ChoiceField(label=_("How the person said so"), choices=ConsentMethod.choices, initial=ConsentMethod.IN_PERSON)
    on = forms.DateField(label=_("Date"), initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Note"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class ReferralOutcomeForm(BurmeseTextMixin, forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Referral._meta.get_field("outcome").choices)
    outcome_date = forms.DateField(label=_("Outcome date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AccessLogFilterForm(forms.Form):
    """The access log's filters (GET: usernames, dates and record ids are not migrants' data)."""

    username = forms.CharField(label=_("User"), required=False, max_length=150)
    kind = forms.ChoiceField(label=_("What"), required=False, choices=[("", _("All")), *AccessLog.Kind.choices])
    object_id = forms.IntegerField(label=_("Record id"), required=False, min_value=1)
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def filters(self) -> dict:
        """The valid filters, for ``selectors.access_log_filtered`` (an invalid one is ignored, not fatal)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}


class ErasureRequestForm(BurmeseTextMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Who asked and when, e.g. “asked at the centre on 28 November”. Do not write the person's name."),
    )


class ErasureConfirmForm(forms.Form):
    confirm = forms.BooleanField(label=_("I have checked this request: erase this person's details for good."))
