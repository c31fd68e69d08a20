"""Everything the bot says, translated; rendered in the conversation's language."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import override, pgettext_lazy

WELCOME = _("Welcome to the migrant centre helpline. We answer at any hour; staff reply in office hours.")
CHOOSE_LANGUAGE = "ဘာသာစကား ရွေးပါ / Choose a language:\n1. မြန်မာ\n2. English"
MENU = _(
    "What can we help you with? Type a number:\n"
    "1. Check a recruitment agency's licence\n"
    "2. Ask the centre to call you back\n"
    "3. Make a complaint\n"
    "4. Talk to a person\n"
    "5. Change language\n"
    "6. My case: where it is and what was paid\n"
    "You can type \"menu\", \"back\" or \"stop\" at any time."
)
NOT_UNDERSTOOD = _("Sorry, I did not understand. Please type one of the numbers.")
STOPPED = _("The conversation has ended and what you typed so far was not kept. Send any message to start again.")
AGAIN = _("Type \"menu\" to see the choices again.")
# Broadcasts (safe-migration messages sent to every subscriber): how to stop them, and the answers.
BROADCAST_FOOTER = _("To get no more of these messages, reply STOP.")
SMS_BROADCAST_FOOTER = _("STOP to opt out")
BROADCASTS_STOPPED = _(
    "You will get no more of our news messages. You can still write to us at any time. To get them again, send SUBSCRIBE."
)
BROADCASTS_STARTED = _("You will get our news messages again. To stop them, send UNSUBSCRIBE.")

AGENCY_ASK = _("Type the agency's name or its licence number (in Burmese or English).")
AGENCY_CALL = _("Before you sign or pay anything, call %(centre)s on %(phone)s.")
AGENCY_CALL_NO_PHONE = _("Before you sign or pay anything, ask %(centre)s.")
AGENCY_MORE = _("Type another name or licence number, or \"menu\".")

ASK_NAME = _("What is your name? (Type - if you prefer not to say.)")
ASK_PHONE = _("What is your phone number? (09…, a Thai number, or one starting with +)")
PHONE_INVALID = _("That phone number does not look right. Type a Myanmar number (09…), a Thai number, or one starting with +.")
ASK_CENTRE = _("Which migrant centre is nearest to you? Type a number:")
ASK_TOPIC = _("What is it about? Type a number:")
ASK_THAI_NUMBER = _("Is this a Thai number?\n1. Yes, Thai\n2. No, Myanmar")
CONSENT_ASK = _("We will keep your name and phone to help you. Only centre staff see them. Agree?\n1. Yes\n2. No")
CONSENT_NO_CALLBACK = _(
    "All right, nothing was kept. Without your phone number the centre cannot call you back. "
    "You can still check an agency's licence (1) or write to staff here without giving your name (4)."
)
CONSENT_NO_COMPLAINT = _(
    "All right, nothing was kept. Without your name and phone staff cannot take up a complaint for you. "
    "You can still check an agency's licence (1), or write to staff here without giving your name (4) to ask what you can do."
)
CALLBACK_DONE = _("Thank you. Staff of %(centre)s will call you on %(phone)s, usually within one working day.")

TOPICS = [
    ("safe_migration", pgettext_lazy("bot", "Going abroad safely")),
    ("recruitment_costs", pgettext_lazy("bot", "Agency fees and recruitment costs")),
    ("jobs", pgettext_lazy("bot", "Jobs")),
    ("legal_advice", pgettext_lazy("bot", "Legal advice or a complaint")),
    ("abuse", pgettext_lazy("bot", "Abuse or violence")),
    ("missing_family", pgettext_lazy("bot", "A missing family member")),
    ("", pgettext_lazy("bot", "Something else")),
]

ASK_GENDER = _("Are you:\n1. A woman\n2. A man\n3. Other\n4. I prefer not to say")
GENDERS = ["woman", "man", "other", "undisclosed"]
ASK_PARTY = _("What is the name of the recruitment agency or employer? (Type - if you do not know.)")
ASK_COUNTRY = _("Which country did you go to, or were you going to? Type a number:")
COUNTRIES = [
    ("TH", pgettext_lazy("bot", "Thailand")),
    ("MY", pgettext_lazy("bot", "Malaysia")),
    ("SG", pgettext_lazy("bot", "Singapore")),
    ("JP", pgettext_lazy("bot", "Japan")),
    ("KR", pgettext_lazy("bot", "South Korea")),
    ("CN", pgettext_lazy("bot", "China")),
    ("AE", pgettext_lazy("bot", "United Arab Emirates")),
    ("QA", pgettext_lazy("bot", "Qatar")),
    ("SA", pgettext_lazy("bot", "Saudi Arabia")),
    ("KW", pgettext_lazy("bot", "Kuwait")),
    ("other", pgettext_lazy("bot", "Another country")),
]
ASK_GRIEVANCE = _("What happened? Type a number:")
GRIEVANCES = [
    ("overcharged_fees", pgettext_lazy("bot", "I was charged too much in fees")),
    ("deceived_about_job", pgettext_lazy("bot", "The job was not what I was promised")),
    ("underpaid_wages", pgettext_lazy("bot", "I was not paid my wages in full")),
    ("unfair_dismissal", pgettext_lazy("bot", "I was dismissed unfairly")),
    ("documents_withheld", pgettext_lazy("bot", "My passport or documents were kept from me")),
    ("physical_abuse", pgettext_lazy("bot", "I was beaten or hurt")),
    ("sexual_abuse", pgettext_lazy("bot", "I was sexually abused")),
    ("trafficking", pgettext_lazy("bot", "I was forced to work or could not leave")),
    ("other", pgettext_lazy("bot", "Something else")),
]
ASK_STORY = _("Please tell us in your own words what happened.")
ASK_AMOUNT = _("How much money did you lose, in kyats? Type 0 if none.")
AMOUNT_INVALID = _("Please type the amount in kyats, for example 1500000, 1,500,000, ၁၅ သိန်း or 15 lakhs.")
CONFIRM = _(
    "Please check your complaint:\n"
    "Name: %(name)s\nPhone: %(phone)s\nAgency or employer: %(party)s\nCountry: %(country)s\n"
    "What happened: %(grievance)s\nAmount lost: %(amount)s kyats\n"
    "1. Send it\n2. Cancel"
)
COMPLAINT_DONE = _(
    "Your complaint is registered. Its reference is %(reference)s: keep it. "
    "Staff of %(centre)s will review it and contact you."
)
COMPLAINT_CANCELLED = _("Your complaint was not sent.")
NOT_GIVEN = _("not given")

HANDOVER = _(
    "I have asked the staff of %(centre)s to answer you here. They reply in office hours. "
    "Write your question now. Type \"menu\" to go back to the automatic answers."
)
ACKNOWLEDGE = {
    "photo": _("We received your photo. Staff will look at it."),
    "document": _("We received your document. Staff will look at it."),
    "voice": _("We received your voice message. Staff will listen to it."),
    "audio": _("We received your voice message. Staff will listen to it."),
    "video": _("We received your video. Staff will look at it."),
    "location": _("We received your location. Staff will look at it."),
}
ACKNOWLEDGE_FILE = _("We received what you sent. Staff will look at it.")
STORY_SEE_ATTACHMENT = _("(see the photo or file sent with the complaint)")
NO_CASE = _("We found no case for you. Type 4 to talk to a person at the centre.")
MY_CASE = _("Case %(reference)s: %(stage)s. Received so far: %(amount)s kyats.")
MY_CASE_ASK_STAFF = _("Case %(reference)s: please ask the staff about it (type 4).")

# Case updates sent to the migrant (bots.services.notifications).
CASE_STAGE = _("News about your case %(reference)s: it is now at the stage \"%(stage)s\".")
CASE_PAYMENT = _("A payment of %(amount)s kyats was recorded for your case %(reference)s. Received so far: %(total)s kyats.")
CASE_REQUEST = _("About your case %(reference)s, the staff ask: %(text)s")

LANGUAGE_SET = _("From now on I will write in English.")
BOT_ERROR = _("Sorry, something went wrong on our side. Please try again, or type \"menu\".")


STAFF_ANSWERING = _("A staff member is now answering you. What you told us so far is kept.")
BOT_BACK = _("The automatic helper is back. We continue where you were:")

# SMS: every part costs the migrant's centre money and Burmese takes 70 characters a part, so SMS gets
# its own short wording (no "stop": it is a carrier opt-out keyword; no "yes": an opt-in keyword).
SMS_MENU = _(
    "Type a number:\n1 Check an agency\n2 Call me back\n3 Complaint\n4 Talk to a person\n5 Language\n6 My case\n"
    "0 menu, back: previous question"
)
SMS_WELCOME = _("Migrant centre helpline. Staff reply in office hours.")
SMS_LANGUAGE_SET = _("English from now on.")
SMS_ASK_PHONE = _("Your phone number? (09..., Thai, or +...)")
SMS_PHONE_INVALID = _("Not a phone number. Type 09..., a Thai number or +...")
SMS_ASK_THAI_NUMBER = _("Thai number?\n1 Thai\n2 Myanmar")
SMS_NOT_UNDERSTOOD = _("Not understood. Type a number.")
SMS_STOPPED = _("Ended, nothing kept. Write again any time.")
SMS_AGAIN = _("0 for the menu.")
SMS_ASK_NAME = _("Your name? (- to skip)")
# The consent rides on the name question (one part less): answering goes on, "2" keeps nothing.
SMS_CONSENT_ASK_NAME = _("Only centre staff see your name and number. Your name? (- to skip, 2 if you do not agree)")
SMS_CONSENT_ASK = _("Only centre staff see your name and number. Agree?\n1 Agree\n2 No")
SMS_CONSENT_NO_CALLBACK = _("Nothing kept. Without your number we cannot call you. 1: check an agency, 4: write to staff, 0: menu.")
SMS_CONSENT_NO_COMPLAINT = _(
    "Nothing kept. Staff need your name and number for a complaint. 1: check an agency, 4: write to staff, 0: menu."
)
SMS_ASK_CENTRE = _("Nearest centre?")
SMS_ASK_PARTY = _("Agency or employer name? (- if unknown)")
SMS_ASK_COUNTRY = _("Which country?")
SMS_ASK_GRIEVANCE = _("What happened?")
SMS_ASK_STORY = _("Tell us what happened.")
SMS_ASK_AMOUNT = _("Money lost, in kyats? (0 if none) Your answer sends the complaint; menu cancels.")
SMS_AMOUNT_INVALID = _("Type kyats, e.g. 1500000 or 15 lakhs.")
SMS_COMPLAINT_DONE = _("Complaint %(reference)s sent to %(centre)s (%(amount)s kyats). Staff will contact you on this number.")
SMS_HANDOVER = _("Staff of %(centre)s will answer here in office hours. Write your question. 0: menu")
SMS_STAFF_ANSWERING = _("A staff member is answering you now. Your answers are kept.")

SMS_COUNTRIES = [
    ("TH", pgettext_lazy("sms", "Thailand")),
    ("MY", pgettext_lazy("sms", "Malaysia")),
    ("SG", pgettext_lazy("sms", "Singapore")),
    ("JP", pgettext_lazy("sms", "Japan")),
    ("KR", pgettext_lazy("sms", "Korea")),
    ("CN", pgettext_lazy("sms", "China")),
    ("AE", pgettext_lazy("sms", "UAE")),
    ("QA", pgettext_lazy("sms", "Qatar")),
    ("SA", pgettext_lazy("sms", "Saudi")),
    ("KW", pgettext_lazy("sms", "Kuwait")),
    ("other", pgettext_lazy("sms", "Other")),
]
SMS_GRIEVANCES = [
    ("overcharged_fees", pgettext_lazy("sms", "Fees too high")),
    ("deceived_about_job", pgettext_lazy("sms", "Not the job promised")),
    ("underpaid_wages", pgettext_lazy("sms", "Wages unpaid")),
    ("unfair_dismissal", pgettext_lazy("sms", "Dismissed")),
    ("documents_withheld", pgettext_lazy("sms", "Passport kept")),
    ("physical_abuse", pgettext_lazy("sms", "Beaten")),
    ("sexual_abuse", pgettext_lazy("sms", "Sexual abuse")),
    ("trafficking", pgettext_lazy("sms", "Forced work")),
    ("other", pgettext_lazy("sms", "Other")),
]
SMS_TOPICS = [
    ("safe_migration", pgettext_lazy("sms", "Going abroad")),
    ("recruitment_costs", pgettext_lazy("sms", "Agency fees")),
    ("jobs", pgettext_lazy("sms", "Jobs")),
    ("legal_advice", pgettext_lazy("sms", "Legal help")),
    ("abuse", pgettext_lazy("sms", "Abuse")),
    ("missing_family", pgettext_lazy("sms", "Missing family")),
    ("", pgettext_lazy("sms", "Other")),
]

# The SMS wording of a message, keyed by the identity of the rich one (lazy strings hash by their text).
SMS_WORDING = {
    id(WELCOME): SMS_WELCOME, id(LANGUAGE_SET): SMS_LANGUAGE_SET, id(MENU): SMS_MENU, id(NOT_UNDERSTOOD): SMS_NOT_UNDERSTOOD, id(STOPPED): SMS_STOPPED, id(AGAIN): SMS_AGAIN,
    id(ASK_NAME): SMS_ASK_NAME, id(ASK_CENTRE): SMS_ASK_CENTRE, id(ASK_PARTY): SMS_ASK_PARTY,
    id(ASK_COUNTRY): SMS_ASK_COUNTRY, id(ASK_GRIEVANCE): SMS_ASK_GRIEVANCE, id(ASK_STORY): SMS_ASK_STORY,
    id(ASK_AMOUNT): SMS_ASK_AMOUNT, id(AMOUNT_INVALID): SMS_AMOUNT_INVALID, id(COMPLAINT_DONE): SMS_COMPLAINT_DONE,
    id(ASK_PHONE): SMS_ASK_PHONE, id(PHONE_INVALID): SMS_PHONE_INVALID, id(HANDOVER): SMS_HANDOVER, id(ASK_THAI_NUMBER): SMS_ASK_THAI_NUMBER, id(STAFF_ANSWERING): SMS_STAFF_ANSWERING,
    id(CONSENT_ASK): SMS_CONSENT_ASK, id(CONSENT_NO_CALLBACK): SMS_CONSENT_NO_CALLBACK, id(CONSENT_NO_COMPLAINT): SMS_CONSENT_NO_COMPLAINT,
    id(COUNTRIES): SMS_COUNTRIES, id(GRIEVANCES): SMS_GRIEVANCES, id(TOPICS): SMS_TOPICS,
}


def wording(message, channel: str = ""):
    """Return the channel's variant of a message or option list: SMS has its own short one."""
    return SMS_WORDING.get(id(message), message) if channel == "sms" else message


def render(message, language: str | None, **params) -> str:
    """Return the message in the conversation's language, both languages (Burmese first) when not chosen."""
    if not language:
        return "\n\n".join(render(message, lang, **params) for lang in ("my", "en"))
    with override(language):
        text = str(message)
        return text % params if params else text


BURMESE_DIGITS = str.maketrans("0123456789", "၀၁၂၃၄၅၆၇၈၉")


def numbered(options, language: str, channel: str = "") -> str:
    """Number the options the way the reader writes numbers ("၁။" in Burmese, "1." in English)."""
    with override(language):
        if channel == "sms":  # "1 Thailand": every character counts
            digits = BURMESE_DIGITS if language == "my" else None
            return "\n".join(
                f"{str(i).translate(digits) if digits else i} {label}" for i, (_code, label) in enumerate(wording(options, channel), start=1)
            )
        if language == "my":
            return "\n".join(f"{str(i).translate(BURMESE_DIGITS)}။ {label}" for i, (_code, label) in enumerate(options, start=1))
        return "\n".join(f"{i}. {label}" for i, (_code, label) in enumerate(options, start=1))
