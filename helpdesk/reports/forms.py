"""The report filters and the legacy-import upload."""
from __future__ import annotations

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpdesk.choices import Channel
from helpdesk.forms import BurmeseTextMixin
from helpdesk.periods import quarter_bounds
from helpdesk.reports.access import report_centres_for_user, report_filter_for_user
from helpdesk.reports.table import BY_CHOICES, BY_QUARTER, ReportFilter, report_periods

MAX_PERIODS = 40  # ten years by quarter: wider tables are unreadable in every format
RANGE_INVALID = _("The end date must not be before the start date.")
TOO_MANY_PERIODS = _("That is more than %(max)s columns: choose a shorter range or report by year.")


def default_filters() -> dict:
    """This year so far, by quarter, up to the end of the current quarter."""
    today = timezone.localdate()
    return {"start": date(today.year, 1, 1).isoformat(), "end": quarter_bounds(today)[1].isoformat(), "by": BY_QUARTER}


class ReportForm(BurmeseTextMixin, forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
    by = forms.ChoiceField(label=_("Columns by"), choices=BY_CHOICES)
    centres = forms.ModelMultipleChoiceField(
        label=_("Centres"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: all your centres."),
    )
    partner = forms.ChoiceField(label=_("Partner organisation"), required=False)
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("All channels")), *Channel.choices],
        help_text=_("Activities have no channel: with a channel chosen only contacts are counted."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        centres = report_centres_for_user(user).order_by("code")
        self.fields["centres"].queryset = centres
        self.fields["centres"].label_from_instance = lambda c: f"{c.code} · {c.name}"
        partners = centres.order_by("partner_organisation").values_list("partner_organisation", flat=True).distinct()
        self.fields["partner"].choices = [("", _("All partners"))] + [(p, p) for p in partners]

    @classmethod
    def from_request(cls, request) -> ReportForm:
        """Bind the query string, filling in the defaults for any filter not given."""
        data = request.GET.copy()
        for name, value in default_filters().items():
            data.setdefault(name, value)
        return cls(data, user=request.user)

    def clean(self):
        data = super().clean()
        start, end, by = data.get("start"), data.get("end"), data.get("by")
        if start and end:
            if end < start:
                self.add_error("end", RANGE_INVALID)
            elif by and len(report_periods(start, end, by)) > MAX_PERIODS:
                self.add_error("start", TOO_MANY_PERIODS % {"max": MAX_PERIODS})
        return data

    def report_filter(self) -> ReportFilter:
        data = self.cleaned_data
        return report_filter_for_user(
            self.user, start=data["start"], end=data["end"], by=data["by"],
            centre_ids=[c.pk for c in data["centres"]], partner=data["partner"], channel=data["channel"],
        )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet (.csv or .xlsx)"))
    dry_run = forms.BooleanField(label=_("Check only: report what would be imported, save nothing"), required=False, initial=True)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."), code="invalid")
        return upload
