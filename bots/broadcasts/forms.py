from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from bots.broadcasts.models import BROADCAST_CHANNELS, Broadcast
from bots.models import BotChannel

PHOTO_TYPES = {"image/jpeg": b"\xff\xd8\xff", "image/png": b"\x89PNG"}
PHOTO_MAX_BYTES = 5 * 1024 * 1024  # what Viber accepts for a picture message (Telegram and Messenger take more)


class BroadcastForm(forms.ModelForm):
    channels = forms.MultipleChoiceField(
        label=_("Channels"), widget=forms.CheckboxSelectMultiple,
        choices=[(c, label) for c, label in BotChannel.choices if c in BROADCAST_CHANNELS],
    )
    centres = forms.ModelMultipleChoiceField(label=_("Centres"), queryset=None, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Broadcast
        fields = ["title", "text_my", "text_en", "photo"]
        widgets = {"text_my": forms.Textarea(attrs={"rows": 5, "lang": "my"}), "text_en": forms.Textarea(attrs={"rows": 5, "lang": "en"})}

    def __init__(self, *args, centres, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["centres"].queryset = centres
        self.fields["photo"].help_text = _("Optional: a JPEG or PNG up to 5 MB, sent before or with the text.")

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if not photo or not hasattr(photo, "content_type"):
            return photo
        if photo.size > PHOTO_MAX_BYTES:
            raise forms.ValidationError(_("The photo is larger than 5 MB."))
        head = photo.read(8)
        photo.seek(0)
        if not any(head.startswith(magic) for magic in PHOTO_TYPES.values()):
            raise forms.ValidationError(_("Choose a JPEG or PNG photo."))
        return photo
