from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgenciesConfig(AppConfig):
    name = "agencies"
    verbose_name = _("Recruitment agencies")

    def ready(self):
        from agencies import checks  # noqa: F401  (registers the system checks)
        from agencies.contact_form import AGENCY_CHECK_EXTENSION
        from agencies.panels import person_panel, report_section
        from agencies.selectors import user_can_see_agency_register
        from helpdesk.extensions import (
            NavItem,
            PersonPanel,
            ReportSection,
            register_contact_form_extension,
            register_nav_item,
            register_person_panel,
            register_report_section,
        )

        register_contact_form_extension(AGENCY_CHECK_EXTENSION)
        register_report_section(ReportSection("agencies/reports/section.html", report_section, order=40))
        register_person_panel(PersonPanel("agencies/includes/person_agency_checks.html", person_panel))
        register_nav_item(NavItem("agencies:agency_list", _("Agencies"), user_can_see_agency_register, order=60))
        register_nav_item(NavItem("agencies:public_check", _("Check an agency"), _everyone, order=65))


def _everyone(user) -> bool:
    return True
