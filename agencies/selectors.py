"""Reads of the agency register, and who may see the staff pages.

The register itself is public (the Ministry publishes it), but the staff pages
also show who changed a licence and, through panels, complaint figures: they
are for staff, managers and admins. Project officers get the aggregate
agency-check counts through reports; everyone gets the public check page.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import Count, Max, Q, QuerySet
from django.http import Http404

from agencies.lookup import lookup_agencies
from agencies.models import Agency, AgencyCheck, LicenceStatus
from helpdesk.choices import Role, Topic
from helpdesk.models import Contact
from helpdesk.selectors import User, user_can_see_personal_data, user_centre_ids, user_is_admin

LIST_SEARCH_LIMIT = 100


def user_can_see_agency_register(user: User) -> bool:
    """Staff, managers and admins see the staff agency pages."""
    return user_can_see_personal_data(user)


def agencies_for_list(*, query: str = "", status: str = "", country: str = "") -> QuerySet[Agency] | list[Agency]:
    """Return agencies for the staff list: ranked by the lookup when searching, else by name.

    ``query`` must be Unicode already (the search form converts Zawgyi).
    Filters are applied in the database; the status filter uses the derived status (expired from the date).
    """
    agencies = Agency.objects.with_current_status()
    if status in LicenceStatus.values:
        agencies = agencies.in_status(status)
    if country:
        agencies = agencies.serving(country)
    if not query:
        return agencies.order_by("name_en", "licence_number")
    # ``query`` comes from a form that has already converted Zawgyi: do not convert twice.
    ranked = [match.agency.pk for match in lookup_agencies(query, limit=LIST_SEARCH_LIMIT, encoding_hint="unicode")]
    by_pk = agencies.in_bulk(ranked)
    return [by_pk[pk] for pk in ranked if pk in by_pk]


def agency_get_for_user(user: User, pk) -> Agency:
    """Return the agency for the staff detail page; 404 when missing or when the user may not see the register."""
    if not user_can_see_agency_register(user):
        raise Http404
    try:
        return Agency.objects.with_current_status().get(pk=pk)
    except (Agency.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def _shown(field: str, value) -> str:
    if field == "status" and value in LicenceStatus.values:
        return str(LicenceStatus(value).label)
    return "" if value is None else str(value)


def agency_licence_history(agency: Agency) -> list[dict]:
    """Return the agency's history, newest first, each entry with who, when and what changed."""
    records = list(agency.history.select_related("history_user").order_by("-history_date", "-history_id"))
    entries = []
    for record, previous in zip(records, [*records[1:], None], strict=True):
        changes = []
        if previous is not None:
            delta = record.diff_against(previous, excluded_fields=["updated_at"])
            changes = [
                (Agency._meta.get_field(change.field).verbose_name, _shown(change.field, change.old), _shown(change.field, change.new))
                for change in delta.changes
            ]
        entries.append({"record": record, "changes": changes})
    return entries


def agency_check_summary(agency: Agency) -> dict:
    """Return how often centres were asked about this agency, and when last: an aggregate, no names."""
    return AgencyCheck.objects.filter(agency=agency).aggregate(count=Count("id"), last=Max("contact__date"))


def agency_checks_for_person(person) -> list[AgencyCheck]:
    """Return the agency checks made for a person the caller may already see (the person page checked access)."""
    return list(
        AgencyCheck.objects.filter(contact__person=person)
        .select_related("agency", "contact")
        .order_by("-contact__date", "-id")[:50]
    )


def _report_centre_ids(user: User) -> list[int] | None:
    """Centres whose aggregate counts the user may see; None means all (admins)."""
    if user_is_admin(user):
        return None
    return user_centre_ids(user, (Role.STAFF, Role.MANAGER, Role.OFFICER))


def agency_check_counts(
    user: User, *, start: date, end: date, centre_ids: Iterable[int] | None = None, channel: str = ""
) -> list[dict]:
    """Return, per centre, the agency licence checks made in the period and what they found.

    One row per centre: ``checks`` (contacts with the topic "agency licence check"),
    ``recorded`` (of those, with the agency checked recorded), ``licensed``,
    ``not_licensed`` (in the register but suspended, revoked or expired at the time),
    ``not_in_register`` and ``unlicensed`` (= not_licensed + not_in_register).
    Aggregates only: no person is named. Computed in the database in one query.
    """
    contacts = Contact.objects.in_period(start, end).filter(topics__topic=Topic.AGENCY_CHECK)
    allowed = _report_centre_ids(user)
    if allowed is not None:
        contacts = contacts.filter(centre_id__in=allowed)
    if centre_ids is not None:
        contacts = contacts.filter(centre_id__in=list(centre_ids))
    if channel:
        contacts = contacts.filter(channel=channel)
    recorded = Q(agency_check__isnull=False)
    rows = (
        contacts.values("centre_id", "centre__code", "centre__name")
        .annotate(
            checks=Count("id", distinct=True),
            recorded=Count("id", filter=recorded, distinct=True),
            licensed=Count("id", filter=Q(agency_check__licensed=True), distinct=True),
            not_licensed=Count("id", filter=recorded & Q(agency_check__agency__isnull=False, agency_check__licensed=False), distinct=True),
            not_in_register=Count("id", filter=recorded & Q(agency_check__agency__isnull=True), distinct=True),
        )
        .order_by("centre__name")
    )
    return [{**row, "unlicensed": row["not_licensed"] + row["not_in_register"]} for row in rows]


COUNT_KEYS = ("checks", "recorded", "licensed", "not_licensed", "not_in_register", "unlicensed")


def agency_check_totals(user: User, *, start: date, end: date, **filters) -> dict:
    """Return the sums of :func:`agency_check_counts` over the user's centres."""
    rows = agency_check_counts(user, start=start, end=end, **filters)
    return {key: sum(row[key] for row in rows) for key in COUNT_KEYS}
