from django import forms
from django.utils.translation import gettext_lazy as _

from helpdesk.forms import BurmeseTextMixin


class ReplyForm(BurmeseTextMixin, forms.Form):
    text = forms.CharField(label=_("Reply"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class EvidenceForm(forms.Form):
    complaint = forms.ModelChoiceField(label=_("Add to case"), queryset=None)

    def __init__(self, *args, complaints, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["complaint"].queryset = complaints
        self.fields["complaint"].widget.attrs["aria-label"] = str(self.fields["complaint"].label)


class CaseRequestForm(BurmeseTextMixin, forms.Form):
    text = forms.CharField(
        label=_("Ask the migrant for something"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Sent on their bot channel in their language, e.g. “Please send a photo of your contract.”"),
    )
    message_sensitive = forms.BooleanField(label=_("Send it although the case is sensitive"), required=False)

    def __init__(self, *args, sensitive_tick: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not sensitive_tick:
            del self.fields["message_sensitive"]
