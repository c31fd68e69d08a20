"""Forms of the agency pages and the agency part of the log-a-contact page."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.lookup import MAX_QUERY_LENGTH, AgencyMatch, lookup_agencies
from agencies.models import Agency, LicenceStatus
from helpdesk.choices import Country, Topic
from helpdesk.forms import BurmeseTextMixin

NOT_IN_REGISTER = "none"
# A single match this good, or a clear lead over the next, is taken without asking staff to pick.
AUTO_PICK_SCORE = 95
AUTO_PICK_MARGIN = 10

AGENCY_QUERY_REQUIRED = _("Enter the name or licence number of the agency that was checked.")
AGENCY_TOPIC_MISSING = _("Tick the topic “Agency licence check” to record the agency checked, or clear this field.")
AGENCY_PICK = _("Several agencies match: pick the one that was checked, or “Not in the register”.")


class AgencySearchForm(BurmeseTextMixin, forms.Form):
    q = forms.CharField(label=_("Name or licence number"), required=False, max_length=MAX_QUERY_LENGTH)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any status")), *LicenceStatus.choices])
    country = forms.ChoiceField(label=_("Destination"), required=False, choices=[("", _("Any country")), *Country.choices])


class PublicCheckForm(BurmeseTextMixin, forms.Form):
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


class AgencyCheckForm(BurmeseTextMixin, forms.Form):
    """The agency part of the log-a-contact page, for the topic "agency licence check".

    Works without JavaScript: staff type a name or number; a clear match is taken,
    otherwise the page comes back with the candidates to pick from (radio buttons),
    so 5,000 agencies never go into a <select>.
    """

    query = forms.CharField(label=_("Agency checked: name or licence number"), required=False, max_length=255)
    agency = forms.ChoiceField(label=_("Which agency?"), required=False, widget=forms.RadioSelect)

    def __init__(self, data=None, *, user=None, **kwargs):
        super().__init__(data, **kwargs)
        self.user = user
        self.matches: list[AgencyMatch] = []
        self.topic_ticked = hasattr(data, "getlist") and Topic.AGENCY_CHECK in data.getlist("topics")
        query = self.data.get(self.add_prefix("query"), "") if data else ""
        if query.strip():
            self.matches = lookup_agencies(query)
        self.fields["agency"].choices = [(str(m.agency.pk), _match_label(m)) for m in self.matches] + [
            (NOT_IN_REGISTER, _("Not in the register (unlicensed)"))
        ]

    @property
    def shows_choices(self) -> bool:
        return bool(self.is_bound and self.errors.get("agency"))

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
        choice = data.get("agency")
        if choice == NOT_IN_REGISTER:
            data["agency_object"] = None
        elif choice:  # ChoiceField has checked it is one of the matches
            data["agency_object"] = next(m.agency for m in self.matches if str(m.agency.pk) == choice)
        elif not self.matches:
            data["agency_object"] = None  # nothing in the register looks like it: unlicensed
        elif self._clear_winner():
            data["agency_object"] = self.matches[0].agency
        else:
            self.add_error("agency", forms.ValidationError(AGENCY_PICK, code="pick"))
        return data

    def _clear_winner(self) -> bool:
        best = self.matches[0]
        if best.score < AUTO_PICK_SCORE:
            return False
        return len(self.matches) == 1 or best.score - self.matches[1].score >= AUTO_PICK_MARGIN

    @property
    def checked_agency(self) -> Agency | None:
        return self.cleaned_data.get("agency_object")
