"""Forms of the agency pages and the agency part of the log-a-contact page."""
from __future__ import annotations

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from agencies.lookup import MAX_QUERY_LENGTH, AgencyMatch
from agencies.models import Agency, LicenceStatus
from agencies.verdict import Verdict, VerdictKind, agency_verdict
from agencies.wording import headline
from helpdesk.choices import Country, Topic
from helpdesk.forms import BurmeseTextMixin
from helpdesk.text import normalize_text

NOT_IN_REGISTER = "none"

AGENCY_QUERY_REQUIRED = _("Enter the name or licence number of the agency that was checked.")
AGENCY_TOPIC_MISSING = _("Tick the topic “Agency licence check” to record the agency checked, or clear this field.")
AGENCY_PICK = _("Several agencies match: pick the one that was checked, or “Not in the register”.")
AGENCY_SIMILAR_PICK = _(
    "No agency on the list is clearly the one named. If it is one of these similar names, pick it; "
    "otherwise pick “Not in the register”."
)


class AgencySearchForm(BurmeseTextMixin, forms.Form):
    q = forms.CharField(label=_("Name or licence number"), required=False, max_length=MAX_QUERY_LENGTH)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any status")), *LicenceStatus.choices])
    country = forms.ChoiceField(label=_("Destination"), required=False, choices=[("", _("Any country")), *Country.choices])


class PublicCheckForm(forms.Form):
    """Kept as typed: the verdict reads short Burmese in both encodings when the detector is unsure."""

    q = forms.CharField(label=_("Agency name or licence number"), max_length=MAX_QUERY_LENGTH)


class AgencyImportForm(forms.Form):
    file = forms.FileField(label=_("Licence list (.csv or .xlsx)"))
    dry_run = forms.BooleanField(label=_("Only show what would change (dry run)"), required=False, initial=True)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."), code="type")
        return upload


def _match_label(match: AgencyMatch) -> str:
    agency = match.agency
    names = " / ".join(name for name in (agency.name_en, agency.name_my) if name)
    return f"{names} — {agency.licence_number} — {LicenceStatus(match.status).label}"


class AgencyPickField(forms.ChoiceField):
    """Radio buttons for the agencies matching what staff typed, and "Not in the register"; set by AgencyPickMixin."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.RadioSelect)
        super().__init__(**kwargs)


class AgencyPickMixin:
    """Pick an agency of the register from a typed name or licence number, without JavaScript.

    5,000 agencies never go into a <select>: the form has a text field (``agency_query_field``)
    and an :class:`AgencyPickField` (``agency_pick_field``). The server looks the text up; a clear
    match is taken, otherwise the form comes back with the candidates to pick from. A form for an
    existing record passes ``current_agency``: its text is shown, and kept unchanged it keeps that
    agency without a new lookup. ``clean()`` calls :meth:`pick_agency`.
    """

    agency_query_field = "query"
    agency_pick_field = "agency"
    agency_pick_message = AGENCY_PICK
    agency_similar_message = AGENCY_SIMILAR_PICK
    not_in_register_label = _("Not in the register (unlicensed)")

    def __init__(self, *args, current_agency: Agency | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.current_agency = current_agency
        self.matches: list[AgencyMatch] = []
        self.verdict: Verdict | None = None
        if current_agency is not None:
            self.initial.setdefault(self.agency_query_field, self._current_text())
        query = self.data.get(self.add_prefix(self.agency_query_field), "") if self.is_bound else ""
        if query.strip() and not self._is_current(normalize_text(query)):
            self.verdict = agency_verdict(query)
            # Ambiguous: only the agencies that fit equally; otherwise what the lookup ranked (a pick kept).
            self.matches = self.verdict.candidates if self.verdict.kind == VerdictKind.AMBIGUOUS else self.verdict.results
        self.fields[self.agency_pick_field].choices = [(str(m.agency.pk), _match_label(m)) for m in self.matches] + [
            (NOT_IN_REGISTER, self.not_in_register_label)
        ]

    def _current_text(self) -> str:
        return normalize_text(str(self.current_agency)) if self.current_agency is not None else ""

    def _is_current(self, query: str) -> bool:
        return self.current_agency is not None and query.strip() == self._current_text()

    @property
    def verdict_headline(self) -> str:
        """The register's verdict on what was typed, as the migrant would be told it."""
        return headline(self.verdict, "my" if (get_language() or "").startswith("my") else "en") if self.verdict else ""

    @property
    def shows_choices(self) -> bool:
        """Show the radio buttons when staff must pick, or have picked (so a page sent back keeps the pick)."""
        if not self.is_bound:
            return False
        return bool(self.errors.get(self.agency_pick_field) or self.cleaned_data.get(self.agency_pick_field))

    def clean_agency_pick(self, data: dict, query: str, *, into: str) -> bool:
        """Put the picked agency (or None) in ``data[into]``; False, with the error on the pick field, when staff must pick."""
        try:
            data[into] = self.pick_agency(query)
        except forms.ValidationError as error:
            self.add_error(self.agency_pick_field, error)
            return False
        return True

    def pick_agency(self, query: str) -> Agency | None:
        """Return the agency of the register that ``query`` names, or None when it is not in the register.

        Takes the agency the verdict names (``agencies.verdict``); raises ValidationError (for the
        radio buttons) when several fit equally, or when only similar names were found.
        """
        choice = self.cleaned_data.get(self.agency_pick_field)
        if not query or choice == NOT_IN_REGISTER:
            return None
        if self._is_current(query):
            return self.current_agency
        if choice:  # the ChoiceField has checked it is one of the matches
            return next(m.agency for m in self.matches if str(m.agency.pk) == choice)
        if self.verdict.agency is not None:
            return self.verdict.agency
        if not self.matches:
            return None  # nothing in the register looks like it
        if self.verdict.kind == VerdictKind.AMBIGUOUS:
            raise forms.ValidationError(self.agency_pick_message, code="pick")
        raise forms.ValidationError(self.agency_similar_message, code="pick")


class AgencyCheckForm(AgencyPickMixin, BurmeseTextMixin, forms.Form):
    """The agency part of the log-a-contact page, for the topic "agency licence check".

    Works without JavaScript: staff type a name or number; the agency the verdict names is taken,
    otherwise the page comes back with the verdict and the candidates to pick from (radio buttons).
    """

    query = forms.CharField(label=_("Agency checked: name or licence number"), required=False, max_length=255)
    agency = AgencyPickField(label=_("Which agency?"))

    def __init__(self, data=None, *, user=None, **kwargs):
        super().__init__(data, **kwargs)
        self.user = user
        self.topic_ticked = hasattr(data, "getlist") and Topic.AGENCY_CHECK in data.getlist("topics")

    def clean(self):
        data = super().clean()
        query = data.get("query", "")
        if not self.topic_ticked:
            if query:
                self.add_error("query", forms.ValidationError(AGENCY_TOPIC_MISSING, code="topic"))
            return data
        if not query:
            self.add_error("query", forms.ValidationError(AGENCY_QUERY_REQUIRED, code="required"))
            return data
        self.clean_agency_pick(data, query, into="agency_object")
        return data

    @property
    def checked_agency(self) -> Agency | None:
        return self.cleaned_data.get("agency_object")
