"""The merge page: two records of one person at one centre, side by side; staff choose which to keep and confirm.

Who may merge follows who may edit people: staff and managers of the centre holding both records (admins
anywhere). A centre a record is only shared with may not; nor may anyone who cannot see one of the records'
cases or conversations (the page says so without saying what is hidden).
"""
from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from helpdesk import merge, selectors
from helpdesk.extensions import PERSON_MERGE_HANDLERS
from helpdesk.models import Person
from helpdesk.permissions import personal_data_required


def _shown(person: Person, field: str) -> str:
    value = getattr(person, field)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    display = getattr(person, f"get_{field}_display", None)
    return str(display() if display else value or "—")


def _differing(one: Person, other: Person) -> list[tuple[str, str]]:
    """The details both records hold with different values: staff choose which to keep."""
    return [
        (field, str(Person._meta.get_field(field).verbose_name).capitalize()) for field in merge.FILLED_FROM_GONE
        if getattr(one, field) and getattr(other, field) and getattr(one, field) != getattr(other, field)
    ]


class MergeForm(forms.Form):
    confirm = forms.BooleanField(label=gettext_lazy("I checked: these two records are the same person."))

    def __init__(self, *args, one: Person, other: Person, differing: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"] = forms.TypedChoiceField(
            label=gettext_lazy("Keep the record"), coerce=int, widget=forms.RadioSelect, initial=one.pk,
            choices=[(p.pk, f"#{p.pk} {p}") for p in (one, other)],
        )
        for field, label in differing:
            self.fields[f"take_{field}"] = forms.TypedChoiceField(
                label=label, coerce=int, widget=forms.RadioSelect, initial=one.pk,
                choices=[(p.pk, _shown(p, field)) for p in (one, other)],
            )
        self.order_fields(["keep", *(f"take_{f}" for f, _label in differing), "confirm"])


def _summary(user, person: Person) -> dict:
    """What one record holds, as the user may see it: counts, consent and documents."""
    records = selectors.person_records_for_user(user, person)
    counts = [
        (_("Contacts"), records["contacts"].count()),
        (_("Referrals"), records["referrals"].count()),
        (_("Activities attended"), records["activities"].count()),
        *((str(h.label), h.visible(user=user, person=person)) for h in PERSON_MERGE_HANDLERS if h.visible),
    ]
    return {"person": person, "counts": counts}


@personal_data_required
def person_merge(request, pk, other_pk):
    user = request.user
    one = selectors.person_held_get_for_user(user, pk)  # the same rule as editing: a shared record is not the user's
    other = selectors.person_held_get_for_user(user, other_pk)
    blocked = merge.merge_blocked(keep=one, gone=other, user=user)
    differing = [] if blocked else _differing(one, other)
    form = MergeForm(request.POST or None, one=one, other=other, differing=differing)
    if request.method == "POST" and not blocked and form.is_valid():
        data = form.cleaned_data
        keep, gone = (one, other) if data["keep"] == one.pk else (other, one)
        take = [field for field, _label in differing if data[f"take_{field}"] == gone.pk]
        try:
            merge.person_merge(keep=keep, gone=gone, user=user, take_from_gone=take)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Records merged: #%(gone)s is now part of this record.") % {"gone": gone.pk})
            return redirect("helpdesk:person_detail", pk=keep.pk)
    return render(request, "helpdesk/person_merge.html", {
        "one": _summary(user, one), "other": _summary(user, other), "blocked": blocked, "form": form,
        "rows": [(label, _shown(one, f), _shown(other, f)) for f, label in _details(one, other)],
    })


def _details(one: Person, other: Person) -> list[tuple[str, str]]:
    """Every detail either record holds, for the side-by-side table."""
    fields = ("name", "gender", "birth_year", *(f for f in merge.FILLED_FROM_GONE if f not in ("name", "birth_year")),
              "consent_record", "consent_share")
    return [(f, str(Person._meta.get_field(f).verbose_name).capitalize()) for f in fields if getattr(one, f) or getattr(other, f)]
