"""Core records: centres, who works there, the people they serve and every service given."""
from __future__ import annotations

import re

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from helpdesk.choices import (
    GENDER_REQUIRED,
    ActivityFormat,
    ActivityKind,
    CentreKind,
    Channel,
    ConsentAction,
    ConsentMethod,
    ConsentScope,
    Country,
    Gender,
    MigrationStatus,
    ReferralOutcome,
    ReferralTarget,
    Role,
    Service,
    Topic,
)


def today_yangon():
    """Return today's date in Asia/Yangon (the project's TIME_ZONE)."""
    return timezone.localdate()


# Words and phrases that make a bot conversation sensitive (one a line). English phrases match at the
# start of a word ("abuse" also finds "abused"); Burmese, written without spaces, matches anywhere.
DEFAULT_SENSITIVE_WORDS = (
    "abuse", "beaten", "beat me", "hit me", "rape", "sexual", "harass", "molest", "traffick", "forced labour",
    "forced labor", "forced to work", "locked", "cannot leave", "can't leave", "not allowed to leave", "debt bondage",
    "violence", "tortur", "kidnap", "threat",
    "အဓမ္မ", "မုဒိမ်း", "လူကုန်ကူး", "ရိုက်နှက်", "အနိုင်ကျင့်", "လိင်", "ညှဉ်းပန်း", "ပိတ်လှောင်", "ထွက်ခွင့်မပေး",
    "ခြိမ်းခြောက်", "အကြမ်းဖက်", "နှောင့်ယှက်", "လူရောင်း",
)


def default_sensitive_words() -> str:
    return "\n".join(DEFAULT_SENSITIVE_WORDS)


class Centre(models.Model):
    code = models.SlugField(_("code"), max_length=12, unique=True, help_text=_("Short code used in case references, e.g. NDG."))
    name = models.CharField(_("name"), max_length=200)
    name_my = models.CharField(_("name in Burmese"), max_length=200, blank=True)
    partner_organisation = models.CharField(_("partner organisation"), max_length=200)
    township = models.CharField(_("township"), max_length=100)
    state_region = models.CharField(_("state or region"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=CentreKind.choices, default=CentreKind.MIGRANT_CENTRE)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    active = models.BooleanField(_("active"), default=True)
    sensitive_words = models.TextField(
        _("sensitive words"), blank=True, default=default_sensitive_words,
        help_text=_("One word or phrase a line. A bot conversation in which a migrant uses any of them becomes sensitive: "
                    "only the centre's managers, admins and the staff assigned to its case see it."),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("centre")
        verbose_name_plural = _("centres")

    def __str__(self) -> str:
        return self.name

    def sensitive_word_list(self) -> list[str]:
        return [line.strip() for line in self.sensitive_words.splitlines() if line.strip()]


class Membership(models.Model):
    """A user's role at one centre; a user may belong to several centres."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user"))
    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("centre"))
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["user", "centre"], name="membership_unique_user_centre")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.centre.code} ({self.get_role_display()})"


class PersonQuerySet(models.QuerySet):
    def search(self, query: str) -> PersonQuerySet:
        """Filter by name, beneficiary card number, phone, NRC or passport (any script, any format).

        A query that parses as a phone number is an indexed exact match; a
        partial number (6+ digits) matches the end of stored numbers.
        """
        from helpdesk.text import digits_to_ascii, normalize_text, parse_phone
        from helpdesk.text.documents import nrc_key, passport_key

        query = normalize_text(query)
        if not query:
            return self
        if key := nrc_key(query):  # a readable NRC is exact: any spelling finds the others
            return self.filter(nrc_key=key)
        ascii_query = digits_to_ascii(query)
        card = Q(card_number=ascii_query)
        digits = re.sub(r"[\s\-().]", "", ascii_query)
        if digits.lstrip("+").isdigit():
            try:
                return self.filter(phone=parse_phone(digits))
            except ValueError:
                if len(digits) >= 6:
                    return self.filter(Q(phone__endswith=digits.lstrip("+").lstrip("0")) | card)
                return self.filter(card)
        passport = passport_key(query)
        return self.filter(Q(name__icontains=query) | card | (Q(passport_key=passport) if passport else Q(pk__in=[])))


class Person(models.Model):
    """A migrant or family member served by a centre. Name is optional: callers may stay anonymous."""

    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="people", verbose_name=_("centre"))
    card_number = models.CharField(_("beneficiary card number"), max_length=40, blank=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    gender = models.CharField(  # no default: always chosen, "not disclosed" included
        _("gender"), max_length=12, choices=Gender.choices, error_messages={"blank": GENDER_REQUIRED},
    )
    birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, db_index=True, help_text=_("Stored in international format, e.g. +959…"))
    nrc = models.CharField(_("NRC"), max_length=60, blank=True, help_text=_("National registration card as typed, e.g. 12/MaYaKa(N)123456 or in Burmese."))
    nrc_key = models.CharField(_("NRC key"), max_length=40, blank=True, db_index=True, editable=False, help_text=_("The NRC read into one spelling; blank when it could not be read."))
    passport_number = models.CharField(_("passport number"), max_length=40, blank=True)
    passport_key = models.CharField(_("passport key"), max_length=40, blank=True, db_index=True, editable=False)
    origin_township = models.CharField(_("township of origin"), max_length=100, blank=True)
    origin_region = models.CharField(_("state or region of origin"), max_length=100, blank=True)
    migration_status = models.CharField(_("migration status"), max_length=10, choices=MigrationStatus.choices, blank=True)
    destination_country = models.CharField(_("destination country"), max_length=5, choices=Country.choices, blank=True)
    consent_record = models.BooleanField(_("consents to records being kept"), default=False)
    consent_share = models.BooleanField(_("consents to sharing for referral"), default=False)
    consent_date = models.DateField(_("consent date"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True, help_text=_("Personal details removed on request; the figures stay."))
    history = HistoricalRecords()

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [
            models.Index(fields=["centre", "-created_at"]),
            models.Index(fields=["-created_at", "-id"], name="person_newest_first"),
            models.Index(fields=["name"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "card_number"], condition=~Q(card_number=""), name="person_unique_card_per_centre"
            ),
            models.CheckConstraint(
                condition=Q(birth_year__isnull=True) | Q(birth_year__gte=1900, birth_year__lte=2100),
                name="person_birth_year_range",
            ),
        ]

    def __str__(self) -> str:
        if self.erased_at:
            return str(_("Erased person #%(id)s") % {"id": self.pk})
        return self.name or self.card_number or str(_("Anonymous #%(id)s") % {"id": self.pk})


class ContactQuerySet(models.QuerySet):
    def in_period(self, start, end) -> ContactQuerySet:
        return self.filter(date__gte=start, date__lte=end)


class Contact(models.Model):
    """One service given to one person on one day.

    ``gender`` is a snapshot taken when the contact is logged, so anonymous
    contacts (no person) still count by gender in the beneficiary table.
    """

    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="contacts", verbose_name=_("centre"))
    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="contacts", verbose_name=_("person"))
    date = models.DateField(_("date"), default=today_yangon)
    service = models.CharField(_("service"), max_length=10, choices=Service.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    gender = models.CharField(  # no default: always chosen, "not disclosed" included
        _("gender"), max_length=12, choices=Gender.choices, error_messages={"blank": GENDER_REQUIRED},
    )
    notes = models.TextField(_("notes"), blank=True)
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("staff"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    history = HistoricalRecords()

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        indexes = [
            # The lists' order (newest first, id to break ties) so a page is an index walk, not a sort.
            models.Index(fields=["centre", "-date", "-id"], name="contact_centre_newest"),
            models.Index(fields=["-date", "-id"], name="contact_newest"),
            models.Index(fields=["date", "service", "gender"]),
            models.Index(fields=["person", "-date"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_service_display()} {self.date:%Y-%m-%d}"

    @property
    def topic_codes(self) -> list[str]:
        return [t.topic for t in self.topics.all()]


class ContactTopic(models.Model):
    """A topic raised in a contact (a contact may raise several)."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="topics", verbose_name=_("contact"))
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)

    class Meta:
        verbose_name = _("contact topic")
        verbose_name_plural = _("contact topics")
        constraints = [models.UniqueConstraint(fields=["contact", "topic"], name="contacttopic_unique")]
        indexes = [models.Index(fields=["topic", "contact"])]

    def __str__(self) -> str:
        return self.get_topic_display()


class Activity(models.Model):
    """A training session or community-mobilisation event.

    People reached = registered attendees + head-count tallies (for events
    where names were not taken).
    """

    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="activities", verbose_name=_("centre"))
    kind = models.CharField(_("kind"), max_length=12, choices=ActivityKind.choices)
    format = models.CharField(_("format"), max_length=20, choices=ActivityFormat.choices)
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"), default=today_yangon)
    location = models.CharField(_("location"), max_length=200, blank=True)
    attendees = models.ManyToManyField(Person, blank=True, related_name="activities", verbose_name=_("registered attendees"))
    women_count = models.PositiveIntegerField(_("women (head count)"), default=0)
    men_count = models.PositiveIntegerField(_("men (head count)"), default=0)
    other_count = models.PositiveIntegerField(_("other (head count)"), default=0)
    undisclosed_count = models.PositiveIntegerField(_("not disclosed (head count)"), default=0)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("created by"))
    history = HistoricalRecords(m2m_fields=[attendees])

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [models.Index(fields=["centre", "-date"]), models.Index(fields=["date", "kind"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.date:%Y-%m-%d})"

    @property
    def headcount_total(self) -> int:
        return self.women_count + self.men_count + self.other_count + self.undisclosed_count


class Referral(models.Model):
    """A person sent to a partner service, and what came of it."""

    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("centre"))
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("person"))
    contact = models.ForeignKey(Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="referrals", verbose_name=_("contact"))
    target = models.CharField(_("referred to"), max_length=20, choices=ReferralTarget.choices)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    date = models.DateField(_("date"), default=today_yangon)
    outcome = models.CharField(_("outcome"), max_length=12, choices=ReferralOutcome.choices, default=ReferralOutcome.PENDING)
    outcome_date = models.DateField(_("outcome date"), null=True, blank=True)
    outcome_notes = models.TextField(_("outcome notes"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("created by"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        indexes = [models.Index(fields=["centre", "-date"]), models.Index(fields=["outcome"])]

    def __str__(self) -> str:
        return f"{self.get_target_display()} {self.date:%Y-%m-%d}"


class ImportedRow(models.Model):
    """A row of a legacy spreadsheet already applied by ``import_contacts``.

    ``key`` fingerprints the row's normalised content (not the file name), so
    importing the same file again, or a copy under another name, changes nothing.
    """

    key = models.CharField(_("row fingerprint"), max_length=64, unique=True)
    source = models.CharField(_("file"), max_length=255, blank=True)
    row_number = models.PositiveIntegerField(_("row number"))
    imported_at = models.DateTimeField(_("imported"), default=timezone.now)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("imported by"))

    class Meta:
        verbose_name = _("imported row")
        verbose_name_plural = _("imported rows")

    def __str__(self) -> str:
        return f"{self.source}:{self.row_number}"


class ImportJob(models.Model):
    """An uploaded spreadsheet imported by a background task, with its progress (legacy contacts, licence lists).

    The file is kept only until the task has read it: it may hold names and phones.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    file_name = models.CharField(_("file"), max_length=255)
    content = models.BinaryField(_("content"), blank=True)
    dry_run = models.BooleanField(_("check only"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("uploaded by"))
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    progress_at = models.DateTimeField(_("last progress"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.file_name


class ContactImport(ImportJob):
    """A legacy spreadsheet uploaded on the import page, imported by a background task with its progress."""

    result = models.JSONField(_("result"), null=True, blank=True)

    class Meta(ImportJob.Meta):
        verbose_name = _("contact import")
        verbose_name_plural = _("contact imports")

    @property
    def can_continue(self) -> bool:
        """The file is kept only until the import has finished: a stopped job can be continued."""
        return ContactImport.objects.filter(pk=self.pk).exclude(content=b"").exists()


class AccessLogQuerySet(models.QuerySet):
    def older_than(self, cutoff) -> AccessLogQuerySet:
        return self.filter(at__lt=cutoff)


class AccessLog(models.Model):
    """Someone opened a person, case, conversation, PDF or export: who, when, from where.

    Written only by ``helpdesk.access.access_record`` (through the ``logs_access`` decorator);
    append-only for the app (the admin can neither change nor delete a row); the ``purge_access_log``
    command removes rows older than ``ACCESS_LOG_DAYS``. It keeps ids and paths, never names or search terms.
    """

    class Kind(models.TextChoices):
        PERSON = "person", _("Person")
        COMPLAINT = "complaint", _("Complaint")
        CONVERSATION = "conversation", _("Bot conversation")
        PDF = "pdf", _("PDF")
        EXPORT = "export", _("Export")
        ERASURE = "erasure", _("Erasure")
        API = "api", _("API call")

    at = models.DateTimeField(_("when"), default=timezone.now)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("user"))
    username = models.CharField(_("username"), max_length=150, help_text=_("Kept when the account is deleted."))
    kind = models.CharField(_("what"), max_length=15, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField(_("record id"), null=True, blank=True)
    path = models.CharField(_("page"), max_length=300, help_text=_("The address opened, without its query string."))
    detail = models.CharField(_("detail"), max_length=300, blank=True, help_text=_("For exports: the filters used (never the search terms)."))
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    api_token = models.CharField(_("API token"), max_length=100, blank=True, help_text=_("For API calls: the token's number and organisation."))

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        indexes = [
            models.Index(fields=["-at"], name="accesslog_at"),
            models.Index(fields=["user", "-at"], name="accesslog_user_at"),
            models.Index(fields=["kind", "object_id"], name="accesslog_kind_object"),
        ]

    def __str__(self) -> str:
        return f"{self.username} {self.get_kind_display()} {self.object_id or ''} {self.at:%Y-%m-%d %H:%M}"


class ErasureRequest(models.Model):
    """A manager asked to erase a person; a second manager of the centre or an admin confirms it.

    It names the person by id only: after the erasure nothing here may say who they were.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        DONE = "done", _("Erased")
        CANCELLED = "cancelled", _("Cancelled")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="erasure_requests", verbose_name=_("person"))
    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="+", verbose_name=_("centre"))
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("confirmed or cancelled by")
    )
    decided_at = models.DateTimeField(_("confirmed or cancelled"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=Q(status="pending"), name="erasurerequest_one_pending_per_person"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} person {self.person_id} ({self.get_status_display()})"


class TransferRequest(models.Model):
    """Staff of one centre ask the centre holding a person's record (found by NRC or passport) to move it to them.

    The requesting side never sees the person until the holding centre's manager accepts.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the other centre")
        ACCEPTED = "accepted", _("Accepted")
        REFUSED = "refused", _("Refused")

    class Mode(models.TextChoices):
        MOVE = "move", _("Move the record")
        SHARE = "share", _("Share the record")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="transfer_requests", verbose_name=_("person"))
    from_centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="+", verbose_name=_("from centre"))
    to_centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="+", verbose_name=_("to centre"))
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.MOVE)
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("accepted or refused by")
    )
    decided_at = models.DateTimeField(_("accepted or refused"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("transfer request")
        verbose_name_plural = _("transfer requests")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "to_centre"], condition=Q(status="pending"), name="transferrequest_one_pending_per_person_centre"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} person {self.person_id} {self.from_centre_id}->{self.to_centre_id} ({self.get_status_display()})"


class PersonShareQuerySet(models.QuerySet):
    def active(self) -> PersonShareQuerySet:
        return self.filter(revoked_at__isnull=True)


class PersonShare(models.Model):
    """The holding centre lets another centre see and serve a person; the record stays where it is.

    Granted by accepting a transfer request with "share"; the holding centre's manager may revoke it.
    The other centre sees only the contacts, referrals and cases it gives itself.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="shares", verbose_name=_("person"))
    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="+", verbose_name=_("shared with"))
    transfer = models.ForeignKey(
        TransferRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("transfer request"),
    )
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("granted by"))
    granted_at = models.DateTimeField(_("granted"), default=timezone.now)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("revoked by"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    history = HistoricalRecords()

    objects = PersonShareQuerySet.as_manager()

    class Meta:
        ordering = ["-granted_at", "-id"]
        verbose_name = _("shared record")
        verbose_name_plural = _("shared records")
        constraints = [
            # Also the index of "people shared with these centres" (centre first).
            models.UniqueConstraint(
                fields=["centre", "person"], condition=Q(revoked_at__isnull=True), name="personshare_one_active_per_centre",
            ),
        ]

    def __str__(self) -> str:
        return f"person {self.person_id} shared with {self.centre_id}"


class ConsentEvent(models.Model):
    """One step of a person's consent: given or withdrawn (to keep records, to share), or a manager's override.

    Append-only: the person's ``consent_*`` fields hold the current state, these rows say when it changed,
    how the person said so and who recorded it. An override lets one referral go without consent to share.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consent_events", verbose_name=_("person"))
    scope = models.CharField(_("consent to"), max_length=10, choices=ConsentScope.choices)
    action = models.CharField(_("action"), max_length=10, choices=ConsentAction.choices)
    method = models.CharField(_("how"), max_length=10, choices=ConsentMethod.choices, blank=True)
    date = models.DateField(_("date"), default=today_yangon)
    reason = models.TextField(_("reason"), blank=True)
    referral = models.ForeignKey(
        "Referral", on_delete=models.SET_NULL, null=True, blank=True, related_name="consent_events", verbose_name=_("referral"),
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = _("consent event")
        verbose_name_plural = _("consent events")
        indexes = [models.Index(fields=["person", "-recorded_at"], name="consent_person_newest")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(action="override") | (Q(scope="share") & ~Q(reason="")), name="consent_override_share_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_scope_display()}: {self.get_action_display()} {self.date:%Y-%m-%d}"
from helpdesk.reports.rollup_models import RollupCount, RollupPresence, RollupQuarter, RollupReturn  # noqa: E402,F401  (report rollups)
