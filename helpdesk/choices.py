"""Controlled vocabularies of the core model, shared by forms, imports, bots and reports."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")
    OTHER = "other", _("Other")
    UNDISCLOSED = "undisclosed", _("Not disclosed")


# Gender is never assumed (a skipped field must not count as a woman in the reports): every form asks.
GENDER_REQUIRED = _("Choose the gender: woman, man, other, or “Not disclosed” if the person does not say.")


class Role(models.TextChoices):
    STAFF = "staff", _("Staff")
    MANAGER = "manager", _("Manager")
    OFFICER = "officer", _("Project officer")
    ADMIN = "admin", _("Administrator")


class CentreKind(models.TextChoices):
    MIGRANT_CENTRE = "migrant_centre", _("Migrant centre")
    GIFTS = "gifts", _("GIFTS initiative")


class MigrationStatus(models.TextChoices):
    ASPIRING = "aspiring", _("Aspiring migrant")
    CURRENT = "current", _("Current migrant")
    RETURNED = "returned", _("Returned migrant")
    FAMILY = "family", _("Family member")


class Service(models.TextChoices):
    DROP_IN = "drop_in", _("Drop-in service")
    HELPLINE = "helpline", _("Helpline")
    COMPLAINT = "complaint", _("Lodging a complaint")


class Channel(models.TextChoices):
    WALK_IN = "walk_in", _("Walk-in")
    OUTREACH = "outreach", _("Outreach")
    PHONE = "phone", _("Phone")
    VIBER = "viber", _("Viber")
    TELEGRAM = "telegram", _("Telegram")
    MESSENGER = "messenger", _("Messenger")
    SMS = "sms", _("SMS")


class Topic(models.TextChoices):
    SAFE_MIGRATION = "safe_migration", _("Safe-migration information")
    AGENCY_CHECK = "agency_check", _("Agency licence check")
    RECRUITMENT_COSTS = "recruitment_costs", _("Recruitment costs")
    JOBS = "jobs", _("Jobs")
    LEGAL_ADVICE = "legal_advice", _("Legal advice")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial support")
    HEALTH_REFERRAL = "health_referral", _("Health referral")
    MISSING_FAMILY = "missing_family", _("Missing family member")
    POLICY = "policy", _("Policy question")
    ABUSE = "abuse", _("Abuse")
    SUPPORT_GROUPS = "support_groups", _("Support groups abroad")


class ActivityKind(models.TextChoices):
    TRAINING = "training", _("Training")
    MOBILISATION = "mobilisation", _("Community mobilisation")


class ActivityFormat(models.TextChoices):
    TRAINING_SESSION = "training_session", _("Training session")
    MIGRANT_EXCHANGE = "migrant_exchange", _("Migrant Exchange dialogue")
    SUNDAY_DIALOGUE = "sunday_dialogue", _("Sunday dialogue")
    OUTREACH = "outreach", _("Outreach")
    POPUP = "popup", _("Pop-up")
    RADIO = "radio", _("Radio programme")
    BROADCAST = "broadcast", _("Bot broadcast")


class ReferralTarget(models.TextChoices):
    LABOUR_EXCHANGE = "labour_exchange", _("Labour exchange office")
    GAD = "gad", _("General Administration Department")
    ANTI_TRAFFICKING = "anti_trafficking", _("Anti-trafficking police")
    SOCIAL_WELFARE = "social_welfare", _("Social welfare")
    NGO = "ngo", _("NGO")
    LABOUR_ATTACHE = "labour_attache", _("Labour attaché")
    OTHER = "other", _("Other")


class ReferralOutcome(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    SERVED = "served", _("Service received")
    DECLINED = "declined", _("Declined")
    NO_RESPONSE = "no_response", _("No response")


class Country(models.TextChoices):
    """Destination countries the centres see most; "other" keeps the rest countable."""

    TH = "TH", _("Thailand")
    MY = "MY", _("Malaysia")
    SG = "SG", _("Singapore")
    JP = "JP", _("Japan")
    KR = "KR", _("South Korea")
    CN = "CN", _("China")
    AE = "AE", _("United Arab Emirates")
    QA = "QA", _("Qatar")
    SA = "SA", _("Saudi Arabia")
    KW = "KW", _("Kuwait")
    OTHER = "other", _("Other country")


class ConsentScope(models.TextChoices):
    RECORD = "record", _("Keep records")
    SHARE = "share", _("Share for referral")


class ConsentAction(models.TextChoices):
    GIVEN = "given", _("Given")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    OVERRIDE = "override", _("Urgent protection override")


class ConsentMethod(models.TextChoices):
    """How the person said yes or no (an override has no method: the person was not asked or said no)."""

    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("By phone (helpline)")
    BOT = "bot", _("In the bot chat")
    PAPER = "paper", _("Paper form (imported)")
