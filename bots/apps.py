from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BotsConfig(AppConfig):
    name = "bots"
    verbose_name = _("Bots")

    def ready(self):
        from bots import (
            checks,  # noqa: F401  (registers the system checks)
            retention,
        )
        from bots.channels import install_log_masking
        from bots.erasure import erase_conversations
        from bots.panels import case_panel, person_panel
        from bots.services.notifications import case_notify
        from complaints.extensions import CasePanel, register_case_event_handler, register_case_panel
        from helpdesk.extensions import (
            ErasureHandler,
            NavItem,
            PersonPanel,
            RetentionKind,
            register_erasure_handler,
            register_nav_item,
            register_person_panel,
            register_retention_kind,
        )
        from helpdesk.selectors import user_can_see_personal_data

        register_erasure_handler(ErasureHandler("bot conversations", erase_conversations, order=70))
        from bots.merge import hidden_conversations, merge_person
        from helpdesk.extensions import PersonMergeHandler, register_person_merge_handler

        register_person_merge_handler(PersonMergeHandler("bot conversations", merge_person, hidden=hidden_conversations))
        register_case_event_handler(case_notify)
        register_case_panel(CasePanel("bots/includes/case_panel.html", case_panel, order=60))
        install_log_masking()
        register_nav_item(NavItem("bots:inbox", _("Bot inbox"), user_can_see_personal_data, order=60))
        from bots.broadcasts.selectors import user_can_broadcast

        register_nav_item(NavItem("bots:broadcast_list", _("Broadcasts"), user_can_broadcast, order=61))
        register_person_panel(PersonPanel("bots/includes/person_panel.html", person_panel))
        for order, (name, setting, apply) in enumerate([
            ("bot payloads", "RETENTION_PAYLOAD_DAYS", retention.forget_payloads),
            ("bot transcripts", "RETENTION_TRANSCRIPT_DAYS", retention.forget_transcripts),
            ("bot outbound texts", "RETENTION_OUTBOUND_DAYS", retention.forget_outbound),
            ("bot channel ids", "RETENTION_CHANNEL_ID_DAYS", retention.forget_channel_ids),
            ("bot call-back requests", "RETENTION_CALLBACK_DAYS", retention.forget_callbacks),
            ("bot attachment files", "RETENTION_ATTACHMENT_DAYS", retention.forget_attachment_files),
        ]):
            register_retention_kind(RetentionKind(name, setting, apply, order=60 + order))

        from bots.dashboard import waiting_panel
        from helpdesk.extensions import DashboardPanel, register_dashboard_panel

        register_dashboard_panel(DashboardPanel(waiting_panel, order=20))
