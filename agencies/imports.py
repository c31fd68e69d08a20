"""Reading the Ministry's licence list (CSV or XLSX) into checked rows.

Only reading and checking here; ``agencies.services.agency_import`` writes.
Row numbers are those a person sees in a spreadsheet: the header is row 1.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from django import forms
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from agencies.models import EXPIRY_BEFORE_ISSUE, NAME_REQUIRED, Agency, LicenceStatus, normalize_licence_number
from helpdesk.choices import Country
from helpdesk.forms import BurmeseTextMixin
from helpdesk.spreadsheets import shown_value, table_encoding
from helpdesk.text import normalize_text

AGENCY_FIELDS = (
    "licence_number", "name_en", "name_my", "address", "phones",
    "destination_countries", "status", "issue_date", "expiry_date",
)

# Header spellings seen in the Ministry's lists and in centres' own spreadsheets.
COLUMN_ALIASES = {
    # Not a bare "No.": in the Ministry's lists that is the serial-number column.
    "licence_number": ["licence number", "license number", "licence no", "license no", "licence", "license",
                       "လိုင်စင်အမှတ်", "လိုင်စင်နံပါတ်"],
    "name_en": ["name", "name (english)", "name english", "agency name", "company name", "english name", "name_en"],
    "name_my": ["name (burmese)", "name burmese", "name (myanmar)", "burmese name", "myanmar name", "name_my", "အမည်",
                "အေဂျင်စီအမည်"],
    "address": ["address", "လိပ်စာ"],
    "phones": ["phone", "phones", "telephone", "phone numbers", "ဖုန်း", "ဖုန်းနံပါတ်"],
    "destination_countries": ["destination countries", "destination country", "countries", "destinations", "country",
                              "နိုင်ငံ"],
    "status": ["status", "licence status", "license status", "အခြေအနေ"],
    "issue_date": ["issue date", "issued", "date issued", "ထုတ်ပေးသည့်ရက်"],
    "expiry_date": ["expiry date", "expiry", "expires", "valid until", "expiration date", "သက်တမ်းကုန်ဆုံးရက်"],
}

STATUS_WORDS = {
    LicenceStatus.LICENSED: ["licensed", "active", "valid", "renewed", "လိုင်စင်ရ", "ခွင့်ပြု"],
    LicenceStatus.SUSPENDED: ["suspended", "ဆိုင်းငံ့"],
    LicenceStatus.REVOKED: ["revoked", "cancelled", "canceled", "terminated", "ပယ်ဖျက်", "ရုပ်သိမ်း"],
    LicenceStatus.EXPIRED: ["expired", "သက်တမ်းကုန်"],
}
BURMESE_COUNTRY_NAMES = {
    "ထိုင်း": "TH", "ထိုင်းနိုင်ငံ": "TH", "မလေးရှား": "MY", "မလေးရှားနိုင်ငံ": "MY", "စင်ကာပူ": "SG",
    "ဂျပန်": "JP", "ဂျပန်နိုင်ငံ": "JP", "ကိုရီးယား": "KR", "တောင်ကိုရီးယား": "KR", "တရုတ်": "CN",
    "ယူအေအီး": "AE", "ကာတာ": "QA", "ဆော်ဒီအာရေးဗီးယား": "SA", "ကူဝိတ်": "KW",
}
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d %b %Y", "%d %B %Y"]

NO_LICENCE_COLUMN = _("No licence number column found. The first row must name the columns (see README).")
STATUS_INVALID = _("Unknown status “%(value)s”: use licensed, suspended, revoked or expired.")
EXPIRED_NEEDS_PAST_DATE = _("Status “expired” needs an expiry date in the past.")
COUNTRY_INVALID = _("Unknown destination country “%(value)s”: use ISO codes like TH, MY.")
DUPLICATE_IN_FILE = _("Licence number %(number)s is already in row %(row)s of this file; this row was not imported.")


@cache
def _country_codes_by_name() -> dict[str, str]:
    """English country names as the Ministry writes them ("Thailand") to ISO codes; built once."""
    with translation.override("en"):
        names = {str(label).casefold(): code for code, label in Country.choices}
    return names | BURMESE_COUNTRY_NAMES


def _model_max_length(name: str) -> int | None:
    return Agency._meta.get_field(name).max_length


class AgencyRowForm(BurmeseTextMixin, forms.Form):
    """One row of the licence list: Zawgyi converted, numbers normalised, statuses and dates read."""

    licence_number = forms.CharField(label=_("licence number"), max_length=_model_max_length("licence_number"))
    name_en = forms.CharField(label=_("name (English)"), required=False, max_length=_model_max_length("name_en"))
    name_my = forms.CharField(label=_("name (Burmese)"), required=False, max_length=_model_max_length("name_my"))
    address = forms.CharField(label=_("address"), required=False)
    phones = forms.CharField(label=_("phones"), required=False, max_length=_model_max_length("phones"))
    destination_countries = forms.CharField(label=_("destination countries"), required=False, max_length=255)
    status = forms.CharField(label=_("licence status"), required=False)
    issue_date = forms.DateField(label=_("issue date"), required=False, input_formats=DATE_FORMATS)
    expiry_date = forms.DateField(label=_("expiry date"), required=False, input_formats=DATE_FORMATS)

    def clean_licence_number(self) -> str:
        return normalize_licence_number(self.cleaned_data["licence_number"])

    def clean_status(self) -> str:
        value = self.cleaned_data["status"].strip().casefold()
        if not value:
            return LicenceStatus.LICENSED
        for status, words in STATUS_WORDS.items():
            if value in words:
                return status
        raise forms.ValidationError(STATUS_INVALID, params={"value": shown_value(value)}, code="status")

    def clean_destination_countries(self) -> str:
        names = _country_codes_by_name()
        codes = []
        for part in self.cleaned_data["destination_countries"].replace(";", ",").replace("/", ",").split(","):
            part = part.strip()
            if not part:
                continue
            code = part.upper() if part.upper() in Country.values else names.get(part.casefold())
            if code is None:
                raise forms.ValidationError(COUNTRY_INVALID, params={"value": shown_value(part)}, code="country")
            if code not in codes:
                codes.append(code)
        return ",".join(codes)

    def clean(self):
        data = super().clean()
        has_name_column = "name_en" in self.data or "name_my" in self.data
        if has_name_column and not data.get("name_en") and not data.get("name_my") and "name_en" not in self.errors:
            raise forms.ValidationError(NAME_REQUIRED, code="name")
        issue, expiry = data.get("issue_date"), data.get("expiry_date")
        if issue and expiry and expiry < issue:
            self.add_error("expiry_date", forms.ValidationError(EXPIRY_BEFORE_ISSUE, code="order"))
        if data.get("status") == LicenceStatus.EXPIRED:
            # Expiry is derived from the date; the Ministry's "expired" is a licensed agency past its date.
            if not expiry or expiry >= timezone.localdate():
                self.add_error("status", forms.ValidationError(EXPIRED_NEEDS_PAST_DATE, code="expired"))
            else:
                data["status"] = LicenceStatus.LICENSED
        return data

    def error_text(self) -> str:
        """Return the errors as one line naming each field, e.g. "expiry date: Enter a valid date."."""
        parts = []
        for name, errors in self.errors.items():
            label = self.fields[name].label if name in self.fields else ""
            parts.extend(f"{label}: {error}" if label else str(error) for error in errors)
        return " ".join(parts)


@dataclass(frozen=True)
class RowError:
    row: int
    licence_number: str
    message: str


@dataclass
class ParsedFile:
    rows: list[tuple[int, dict]] = field(default_factory=list)  # (row number, cleaned fields)
    errors: list[RowError] = field(default_factory=list)
    total: int = 0


def _column_map(header: list[str]) -> dict[int, str]:
    lookup = {alias: name for name, aliases in COLUMN_ALIASES.items() for alias in aliases}
    lookup.update({name: name for name in AGENCY_FIELDS})
    columns = {}
    for position, title in enumerate(header):
        key = " ".join(normalize_text(title).casefold().replace("_", " ").replace(".", "").split())
        name = lookup.get(key) or lookup.get(key.replace(" ", "_"))
        if name and name not in columns.values():
            columns[position] = name
    return columns


HEADER_SEARCH_ROWS = 10


def parse_rows(table: Iterable[list[str]]) -> ParsedFile:
    """Check every row; the first occurrence of a licence number wins, later ones are errors.

    The header is the first row (of the first ten) naming a licence number column, so a
    title line above the table ("Licensed agencies as of ...") does not stop the import.
    """
    table = list(table)
    encoding = table_encoding(table)
    rows = iter(table)
    columns: dict[int, str] = {}
    header_row = 0
    for header_row, header in enumerate(rows, start=1):
        columns = _column_map(header)
        if "licence_number" in columns.values() or header_row >= HEADER_SEARCH_ROWS:
            break
    if "licence_number" not in columns.values():
        raise ValueError(str(NO_LICENCE_COLUMN))
    parsed = ParsedFile()
    seen: dict[str, int] = {}
    for row_number, row in enumerate(rows, start=header_row + 1):
        if not any(cell.strip() for cell in row):
            continue
        parsed.total += 1
        data = {name: row[position] if position < len(row) else "" for position, name in columns.items()}
        if problem := getattr(row, "problem", ""):  # the reader refused it (control characters, an over-long cell)
            number = normalize_licence_number(data.get("licence_number", ""))
            parsed.errors.append(RowError(row_number, number if len(number) <= 40 else "", problem))
            continue
        form = AgencyRowForm(data)
        form.encoding_hint = encoding
        if not form.is_valid():
            number = normalize_licence_number(data.get("licence_number", ""))
            parsed.errors.append(RowError(row_number, number, form.error_text()))
            continue
        cleaned = form.cleaned_data
        number = cleaned["licence_number"]
        if number in seen:
            message = DUPLICATE_IN_FILE % {"number": number, "row": seen[number]}
            parsed.errors.append(RowError(row_number, number, str(message)))
            continue
        seen[number] = row_number
        # Only the file's columns: a list without addresses must not erase the addresses we have.
        parsed.rows.append((row_number, {name: cleaned[name] for name in columns.values()}))
    return parsed
