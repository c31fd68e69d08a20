"""The agency part of helpdesk's log-a-contact page (registered in ``AgenciesConfig.ready``)."""
from __future__ import annotations

from agencies.forms import AgencyCheckForm
from agencies.services import agency_check_record
from helpdesk.extensions import ContactFormExtension


def save_agency_check(*, form: AgencyCheckForm, contact, user) -> None:
    """Record the agency checked, in the contact's transaction; nothing when the topic was not ticked."""
    if form.topic_ticked:
        agency_check_record(contact=contact, query=form.cleaned_data["query"], agency=form.checked_agency, user=user)


AGENCY_CHECK_EXTENSION = ContactFormExtension(
    prefix="agency",
    form_class=AgencyCheckForm,
    template="agencies/includes/contact_agency_check.html",
    save=save_agency_check,
)
