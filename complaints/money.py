"""MMK amounts: exact sums in the database, and shown as people read them (never a float on the way)."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db.models import BigIntegerField, F, Sum
from django.db.models.functions import Cast, Round
from django.utils.translation import gettext as _


def sum_mmk(field: str) -> Sum:
    """Sum an MMK column exactly, in whole pyas (hundredths); turn the result back with ``pyas_to_mmk``.

    SQLite keeps decimals as floating point and sums them as such (1,000.05 x 200
    came back as 200010.00000000040); each amount rounded to pyas is exact, and
    so is an integer sum. PostgreSQL sums numerics exactly either way.
    """
    return Sum(Cast(Round(F(field) * 100), BigIntegerField()))


def pyas_to_mmk(pyas: int | None) -> Decimal:
    return Decimal(pyas or 0).scaleb(-2)


def format_amount(value, places: int = 2) -> str:
    """Return ``1,500,000`` or ``1,500,000.50``: whole kyats without the decimals."""
    try:
        value = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return ""
    text = f"{value:,.{places}f}"
    if places and text.endswith("." + "0" * places):
        text = text[: -(places + 1)]
    return text


def format_mmk(value) -> str:
    """Return an amount as ``1,500,000 MMK`` (``—`` when there is none)."""
    if value is None or value == "":
        return "—"
    return _("%(amount)s MMK") % {"amount": format_amount(value)}


def format_rate(value) -> str:
    """Return an exchange rate or foreign amount without trailing zeros: ``118.35``, ``12,000``."""
    try:
        text = f"{Decimal(value):,f}"
    except (InvalidOperation, TypeError, ValueError):
        return ""
    return text.rstrip("0").rstrip(".") if "." in text else text
