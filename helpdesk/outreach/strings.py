"""The offline page's words, rendered into the page in the user's language (no JavaScript catalogue to fetch offline)."""
from django.utils.translation import gettext as _


def page_strings() -> dict[str, str]:
    return {
        "offline": _("Offline: entries are kept on this phone."),
        "online": _("Online"),
        "unsent": _("Not yet sent: %(n)s"),
        "pending": _("Not yet sent"),
        "sending": _("Sending…"),
        "sent": _("Sent"),
        "review": _("Sent: waiting for review at the centre (this person may already be registered)"),
        "error": _("Not sent: correct or delete it"),
        "login": _("Your session has ended: log in again to send."),
        "saved": _("Saved on this phone."),
        "delete": _("Delete"),
        "delete_confirm": _("Delete this entry from the phone? It has not been sent."),
        "logout_keep": _("%(n)s entries have not been sent. They stay on this phone, locked, and are sent when you log in again. Log out?"),
        "waiting": _("%(n)s entries of another login are waiting on this phone; they will be sent when that person logs in again."),
        "locked": _("%(n)s entries are locked on this phone: open this page with network after logging in to send them."),
        "no_bootstrap": _("Open this page once with network to load your centre's list."),
        "activity": _("Activity"),
        "attendee": _("Attendee"),
        "contact": _("Drop-in contact"),
        "anonymous": _("Anonymous"),
        "required": _("This field is required."),
        "choose_person": _("Choose a person from the list or register a new one with consent."),
        "consent_needed": _("A new person needs consent to records being kept; otherwise count them by head or log the contact anonymously."),
        "list_date": _("People list from %(date)s"),
    }
