"""Validate one legacy row: every value through helpdesk.text, every problem named by its column."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk.choices import Channel, Gender, Service, Topic
from helpdesk.models import Centre
from helpdesk.spreadsheets import shown_value
from helpdesk.text import Encoding, digits_to_ascii, normalize_text, parse_phone
from helpdesk.text.phones import PhoneAmbiguous, parse_phone_country

ACTIVITY_SERVICES = ("mobilisation", "training")
SERVICES = ("mobilisation", "training", Service.COMPLAINT.value, Service.DROP_IN.value, Service.HELPLINE.value)
SERVICE_ALIASES = {
    "mobilization": "mobilisation", "community_mobilisation": "mobilisation", "community_mobilization": "mobilisation",
    "complaints": "complaint", "lodging_complaints": "complaint", "dropin": "drop_in", "drop_in_services": "drop_in",
    "helplines": "helpline",
}
# Words staff write in the gender column, English and Burmese (after Zawgyi conversion).
GENDER_WORDS = {
    Gender.WOMAN: ("woman", "women", "female", "f", "w", "အမျိုးသမီး", "မ", "မိန်းမ", "မိန်းကလေး"),
    Gender.MAN: ("man", "men", "male", "m", "အမျိုးသား", "ကျား", "ယောက်ျား", "ယောကျ်ား", "ယောက်ျားလေး"),
    Gender.OTHER: ("other", "အခြား"),
    Gender.UNDISCLOSED: ("undisclosed", "not disclosed", "not_disclosed", "unknown", "မသိ", "မဖော်ပြ", "မဖော်ပြလို"),
}
GENDER_BY_WORD = {word: gender.value for gender, words in GENDER_WORDS.items() for word in words}
# The consent column: did the person agree to records being kept? Anything else, or no column, is "no".
CONSENT_YES = ("yes", "y", "1", "true", "agreed", "consent", "ဟုတ်", "ဟုတ်ကဲ့", "သဘောတူ", "သဘောတူသည်")
CONSENT_NO = ("", "no", "n", "0", "false", "none", "မဟုတ်", "သဘောမတူ", "မသိ")
DEFAULT_CHANNEL = {Service.HELPLINE.value: Channel.PHONE.value}
MAX_COUNT = 100_000
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y", "%Y/%m/%d")
CHANNELS = frozenset(Channel.values)  # computed once: an import checks every row against them
TOPICS = frozenset(Topic.values)


class RowError(ValueError):
    """A row that cannot be imported; ``messages`` name the column and the reason."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


@dataclass(frozen=True)
class LegacyRow:
    number: int
    date: date
    centre: Centre
    service: str
    gender: str
    count: int | None
    person_ref: str
    name: str
    phone: str
    birth_year: int | None
    channel: str
    topics: tuple[str, ...]
    activity: str
    consent: bool = False  # consent to records: without it the row is counted anonymously
    nrc: str = ""  # as typed; the person's key is read from it (helpdesk.text.documents)
    passport: str = ""

    @property
    def is_activity(self) -> bool:
        return self.service in ACTIVITY_SERVICES

    @property
    def names_person(self) -> bool:
        return bool(self.person_ref or self.name or self.phone or self.birth_year or self.nrc or self.passport)

    @property
    def has_person(self) -> bool:
        """The row is about a registered person: it names one and they consented to records being kept."""
        return self.consent and self.names_person

    def fingerprint(self, occurrence: int) -> str:
        """Hash the normalised content and the n-th repetition of it in the file (not the file name)."""
        parts = [
            self.date.isoformat(), self.centre.code.upper(), self.service, self.gender, str(self.count or ""),
            self.person_ref, self.name.casefold(), self.phone, str(self.birth_year or ""), self.channel,
            ",".join(sorted(self.topics)), self.activity.casefold(), str(occurrence),
        ]
        if self.nrc or self.passport:  # only then: files imported before these columns keep their fingerprints
            parts += [self.nrc, self.passport]
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def parse_consent(text: str) -> bool:
    word = normalize_text(text).casefold().strip(" .။")
    if word in CONSENT_YES:
        return True
    if word in CONSENT_NO:
        return False
    raise ValueError(_("consent: “%(value)s” is not yes or no (empty means no: the row is counted anonymously).")
                     % {"value": shown_value(text)})


def _choice_key(text: str) -> str:
    return re.sub(r"[\s\-]+", "_", text.strip().lower())


def parse_date(text: str) -> date:
    text = digits_to_ascii(text).strip()
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(_("date: “%(value)s” is not a date (use YYYY-MM-DD or DD/MM/YYYY).") % {"value": shown_value(text)})


def parse_gender(text: str) -> str:
    word = normalize_text(text).casefold()
    gender = GENDER_BY_WORD.get(word) or GENDER_BY_WORD.get(word.replace("_", " "))
    if not gender:
        raise ValueError(_("gender: “%(value)s” is not one of woman, man, other, undisclosed (or အမျိုးသမီး, အမျိုးသား).")
                         % {"value": shown_value(text)})
    return gender


def _integer(text: str, column: str) -> int:
    cleaned = digits_to_ascii(text).replace(",", "").strip()
    if not re.fullmatch(r"\d+", cleaned):
        raise ValueError(_("%(column)s: “%(value)s” is not a whole number.") % {"column": column, "value": shown_value(text)})
    return int(cleaned)


def _phone(values: dict[str, str], errors: list[str]) -> str:
    """Return the row's phone in E.164; a number valid in Myanmar and Thailand needs the phone_country column."""
    if not values.get("phone"):
        return ""
    try:
        country = parse_phone_country(values.get("phone_country"))
    except ValueError:
        errors.append(_("phone_country: “%(value)s” is not MM (Myanmar) or TH (Thailand).") % {"value": values["phone_country"]})
        return ""
    try:
        return parse_phone(values["phone"], country=country)
    except PhoneAmbiguous:
        errors.append(_("phone: %(value)s is valid both in Myanmar and in Thailand; say which in a phone_country column "
                        "(MM or TH).") % {"value": values["phone"]})
    except ValueError as exc:
        errors.append(_("phone: %(reason)s") % {"reason": exc})
    return ""


def parse_row(number: int, raw: dict[str, str], centres: dict[str, Centre], *, encoding: Encoding | None = None) -> LegacyRow:
    """Return the validated row or raise RowError listing every problem in it; ``encoding`` is the file's."""
    errors: list[str] = []
    values = {key: normalize_text(value, encoding_hint=encoding) for key, value in raw.items()}

    def check(func, *args):
        try:
            return func(*args)
        except ValueError as exc:
            errors.append(str(exc))
            return None

    for column in ("date", "centre", "service", "gender"):
        if not values.get(column):
            errors.append(_("%(column)s: required.") % {"column": column})

    today = timezone.localdate()
    day = check(parse_date, values["date"]) if values.get("date") else None
    if day and day > today:
        errors.append(_("date: %(value)s is in the future.") % {"value": day.isoformat()})
    centre = None
    if values.get("centre"):
        centre = centres.get(values["centre"].upper())
        if centre is None:
            errors.append(_("centre: no centre has the code “%(value)s”.") % {"value": shown_value(values["centre"])})
    service = ""
    if values.get("service"):
        service = SERVICE_ALIASES.get(_choice_key(values["service"]), _choice_key(values["service"]))
        if service not in SERVICES:
            errors.append(_("service: “%(value)s” is not one of %(choices)s.") % {"value": shown_value(values["service"]), "choices": ", ".join(SERVICES)})
    gender = check(parse_gender, values["gender"]) if values.get("gender") else None

    count = None
    if values.get("count"):
        count = check(_integer, values["count"], "count")
        if count is not None and not 1 <= count <= MAX_COUNT:
            errors.append(_("count: must be between 1 and %(max)s.") % {"max": f"{MAX_COUNT:,}"})
            count = None
    birth_year = None
    if values.get("birth_year"):
        birth_year = check(_integer, values["birth_year"], "birth_year")
        if birth_year is not None and not 1900 <= birth_year <= today.year:
            errors.append(_("birth_year: %(value)s is not between 1900 and this year.") % {"value": shown_value(birth_year)})
    phone = _phone(values, errors)
    channel = ""
    if values.get("channel"):
        channel = _choice_key(values["channel"])
        if channel not in CHANNELS:
            errors.append(_("channel: “%(value)s” is not one of %(choices)s.") % {"value": shown_value(values["channel"]), "choices": ", ".join(Channel.values)})
    topics: list[str] = []
    for topic in filter(None, (_choice_key(t) for t in re.split(r"[,;]", values.get("topics", "")))):
        if topic not in TOPICS:
            errors.append(_("topics: “%(value)s” is not one of %(choices)s.") % {"value": shown_value(topic), "choices": ", ".join(Topic.values)})
        elif topic not in topics:
            topics.append(topic)

    consent = check(parse_consent, values.get("consent", ""))
    person_ref = digits_to_ascii(values.get("person_ref", ""))
    nrc, passport = values.get("nrc", ""), values.get("passport", "")
    if count is not None and (person_ref or values.get("name") or phone or birth_year or nrc or passport):
        errors.append(_("count: a head-count row cannot also name a person (person_ref, name, phone, birth_year)."))
    if len(values.get("name", "")) > 200 or len(values.get("activity", "")) > 200 or len(person_ref) > 40 or len(nrc) > 60 or len(passport) > 40:
        errors.append(_("name, activity or person_ref: too long."))
    if errors:
        raise RowError(errors)
    return LegacyRow(
        number=number, date=day, centre=centre, service=service, gender=gender, count=count,
        person_ref=person_ref, name=values.get("name", ""), phone=phone, birth_year=birth_year,
        channel=channel or DEFAULT_CHANNEL.get(service, Channel.WALK_IN.value), topics=tuple(topics),
        activity=values.get("activity", ""), consent=bool(consent), nrc=nrc, passport=passport,
    )
