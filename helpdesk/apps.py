from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HelpdeskConfig(AppConfig):
    name = "helpdesk"
    verbose_name = _("Helpdesk")

    def ready(self):
        from helpdesk.accounts import middleware  # noqa: F401 (stamps each session at login)
        from helpdesk.extensions import NavItem, register_nav_item
        from helpdesk.selectors import user_can_see_reports, user_is_admin

        register_nav_item(NavItem("helpdesk:reports", _("Reports"), user_can_see_reports, order=60))
        register_nav_item(NavItem("helpdesk:access_log", _("Access log"), user_is_admin, order=90))

        from helpdesk.erasure_views import person_panel
        from helpdesk.extensions import PersonPanel, register_person_panel
        from helpdesk.selectors import user_can_erase

        register_person_panel(PersonPanel("helpdesk/includes/erasure_panel.html", person_panel))
        register_nav_item(NavItem("helpdesk:erasure_list", _("Erasures"), user_can_erase, order=85))

        from helpdesk.dashboard import people_served_panel
        from helpdesk.extensions import DashboardPanel, register_dashboard_panel

        register_dashboard_panel(DashboardPanel(people_served_panel, "helpdesk/includes/dashboard_comparison.html", order=80))
        # Managers decide the transfers of their centres' records; staff follow the ones they asked for.
        from helpdesk.selectors import user_can_see_personal_data

        register_nav_item(NavItem("helpdesk:transfer_list", _("Transfers"), user_can_see_personal_data, order=84))
        # Offline outreach (issue 16.1): the phone page, and the review list of people who may already be registered.
        register_nav_item(NavItem("helpdesk:outreach", _("Outreach (offline)"), user_can_see_personal_data, order=30))
        register_nav_item(NavItem("helpdesk:outreach_review_list", _("Outreach review"), user_can_see_personal_data, order=83))
        from helpdesk.extensions import PersonMergeHandler, register_person_merge_handler
        from helpdesk.outreach.services import outreach_merge_person

        register_person_merge_handler(PersonMergeHandler("outreach entries", outreach_merge_person))
        from helpdesk.extensions import RetentionKind, register_retention_kind
        from helpdesk.outreach.retention import forget_undecided_reviews

        register_retention_kind(RetentionKind("outreach reviews", "RETENTION_OUTREACH_REVIEW_DAYS", forget_undecided_reviews, order=40))
