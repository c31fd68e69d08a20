"""Import rows that name an NRC or passport: the document finds the person before the card number or phone does.

A row is matched to a person served at its centre (held there, or shared with it) with the same NRC or
passport key. A row whose document belongs only to someone at another centre is not written: it is reported
with that centre's name and nothing else, and imported when the file is run again after a transfer or share.
"""
from __future__ import annotations

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from helpdesk.imports.rows import LegacyRow
from helpdesk.models import Person, PersonShare
from helpdesk.text.documents import nrc_key, passport_key

# The same words as the warning on the person and contact forms (one translation).
REGISTERED_ELSEWHERE = _("This person is registered at %(centre)s: ask them, or request a transfer.")


def document_keys(row: LegacyRow) -> list[tuple[str, str]]:
    """The row's readable documents, NRC first; an unreadable NRC finds nobody (never a guess)."""
    keys = []
    if key := nrc_key(row.nrc):
        keys.append(("nrc", key))
    if key := passport_key(row.passport):
        keys.append(("passport", key))
    return keys


class DocumentIndex:
    """The people holding the documents of a set of rows, and the centres each is shared with (two queries)."""

    def __init__(self, rows: list[LegacyRow]):
        self.holders: dict[tuple[str, str], list[Person]] = defaultdict(list)
        self.shared: dict[int, set[int]] = defaultdict(set)
        wanted = {key for row in rows if row.has_person for key in document_keys(row)}
        nrcs, passports = {k for kind, k in wanted if kind == "nrc"}, {k for kind, k in wanted if kind == "passport"}
        if not wanted:
            return
        people = Person.objects.filter(Q(nrc_key__in=nrcs) | Q(passport_key__in=passports), erased_at__isnull=True)
        for person in people.select_related("centre").order_by("pk"):  # the oldest record first
            self.add(person)
        shares = PersonShare.objects.active().filter(person__in=[p.pk for found in self.holders.values() for p in found])
        for person_id, centre_id in shares.values_list("person_id", "centre_id"):
            self.shared[person_id].add(centre_id)

    def add(self, person: Person) -> None:
        """Index a person (also one created by an earlier row of the chunk, so later rows find them)."""
        for key in (("nrc", person.nrc_key), ("passport", person.passport_key)):
            if key[1] and person not in self.holders[key]:
                self.holders[key].append(person)

    def served(self, row: LegacyRow) -> Person | None:
        """The person with the row's NRC (else passport) served at the row's centre."""
        for key in document_keys(row):
            for person in self.holders.get(key, ()):
                if person.centre_id == row.centre.pk or row.centre.pk in self.shared[person.pk]:
                    return person
        return None

    def check_not_elsewhere(self, row: LegacyRow) -> None:
        """Refuse to register the row's person anew when another centre holds the document: name that centre only."""
        for key in document_keys(row):
            for person in self.holders.get(key, ()):
                if person.centre_id != row.centre.pk:
                    raise ValidationError(REGISTERED_ELSEWHERE % {"centre": person.centre.name}, code="registered_elsewhere")
