"""Myanmar and Shan digits to ASCII (for number fields only: in free text "၀" is often the letter "ဝ")."""

MYANMAR_DIGITS = str.maketrans("၀၁၂၃၄၅၆၇၈၉႐႑႒႓႔႕႖႗႘႙", "01234567890123456789")


def digits_to_ascii(text: str) -> str:
    """Replace Myanmar and Shan digits with ASCII ones (number fields only).

    Not for free text: "၀" is often typed for the letter "ဝ".
    """
    return (text or "").translate(MYANMAR_DIGITS)
