"""A password validator for words anyone would guess for this project."""
import re
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from helpdesk.demo.logins import DEMO_PASSWORD

# Words a guesser tries first against a Myanmar migrant-centre helpdesk (centre names are added from the database).
PROJECT_WORDS = {
    "admin", "burma", "center", "centre", "ctum", "dagon", "helpdesk", "help", "desk", "ilo", "letmein", "login",
    "manager", "mandalay", "migrant", "migrants", "mingalaba", "mingalabar", "myanmar", "naypyitaw", "officer",
    "pass", "password", "passwd", "qwerty", "staff", "user", "welcome", "yangon", "rangoon", "thailand", "mc",
}
MIN_OWN_LETTERS = 5
DEMO_PASSWORD_ERROR = gettext_lazy("This is the published demo password.")
GUESSABLE_ERROR = gettext_lazy(
    "This password is made of names and words anyone would try first (place, centre, role or repeats)."
)


def _letters(text: str) -> str:
    """Letters (Burmese vowel signs too), lower-cased: digits, spaces and symbols add little for a guesser."""
    return "".join(ch for ch in text.casefold() if ch.isalpha() or unicodedata.category(ch).startswith("M"))


def _is_repeat(text: str) -> bool:
    """True for a short piece said again and again: "staffstaff", "abcabc", "aaaaaaaa", "12121212"."""
    return bool(text) and re.fullmatch(r"(.+?)\1+", text) is not None


def _centre_words() -> set[str]:
    from helpdesk.models import Centre

    words = set()
    for values in Centre.objects.values_list("code", "name", "township", "state_region"):
        for value in values:
            words.update(w for w in re.split(r"\W+", (value or "").casefold()) if len(w) >= 3)
    return words


class ProjectPasswordValidator:
    """Refuse the demo password (outside DEBUG), repeats, and passwords that are mostly project words.

    What is left of the letters after taking out the project's words, the centres' names and the
    username must be at least five letters of one's own.
    """

    def validate(self, password: str, user=None) -> None:
        if password == DEMO_PASSWORD and not settings.DEBUG:
            raise ValidationError(DEMO_PASSWORD_ERROR, code="password_demo")
        lowered = password.casefold()
        if _is_repeat(lowered) or _is_repeat(re.sub(r"\W", "", lowered)):
            raise ValidationError(GUESSABLE_ERROR, code="password_guessable")
        letters = _letters(password)
        words = PROJECT_WORDS | _centre_words()
        username = _letters(getattr(user, "username", "") or "")
        if username:
            words.add(username)
        for word in sorted(words, key=len, reverse=True):
            letters = letters.replace(word, "")
        if len(letters) < MIN_OWN_LETTERS:
            raise ValidationError(GUESSABLE_ERROR, code="password_guessable")

    def get_help_text(self) -> str:
        return _("Not the demo password, not a repeat, and not only names of places, centres or roles with numbers.")
