from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints")

    def ready(self):
        from agencies.extensions import AgencyPanel, register_agency_panel
        from complaints import panels
        from helpdesk.extensions import (
            NavItem,
            PersonCardSection,
            PersonPanel,
            register_nav_item,
            register_person_card_section,
            register_person_panel,
        )
        from helpdesk.selectors import user_can_see_personal_data

        register_nav_item(NavItem("complaints:list", _("Cases"), user_can_see_personal_data, order=20))
        register_person_panel(PersonPanel("complaints/person_panel.html", panels.person_panel))
        register_person_card_section(PersonCardSection(
            _("Complaint cases"), (_("Case"), _("Opened"), _("Stage"), _("MMK received")), (40, 26, 50, 54), panels.card_rows,
            empty=_("None"),
        ))
        register_agency_panel(AgencyPanel("complaints/agency_panel.html", panels.agency_panel))

        from complaints.erasure import erase_complainant
        from helpdesk.extensions import ErasureHandler, register_erasure_handler

        register_erasure_handler(ErasureHandler("complaints", erase_complainant, order=60))

        from complaints.merge import hidden_cases, merge_complainant, visible_cases
        from helpdesk.extensions import PersonMergeHandler, register_person_merge_handler

        register_person_merge_handler(PersonMergeHandler(
            "complaints", merge_complainant, hidden=hidden_cases, visible=visible_cases, label=_("Complaint cases"),
        ))

        from complaints import report_views
        from helpdesk.extensions import ReportSection, register_report_section

        register_report_section(ReportSection("complaints/reports/section.html", report_views.report_section))

        from complaints import dashboard
        from helpdesk.extensions import DashboardPanel, register_dashboard_panel

        register_dashboard_panel(DashboardPanel(dashboard.my_cases_panel, order=10))
        register_dashboard_panel(DashboardPanel(dashboard.team_panel, order=30))
        register_dashboard_panel(DashboardPanel(dashboard.officer_panel, "helpdesk/includes/dashboard_comparison.html", order=85))
