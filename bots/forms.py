from django import forms
from django.utils.translation import gettext_lazy as _

from helpdesk.forms import BurmeseTextMixin


class ReplyForm(BurmeseTextMixin, forms.Form):
    text = forms.CharField(label=_("Reply"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
