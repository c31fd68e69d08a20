"""Creating, revoking and touching API tokens: the only writes of the API app."""
from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from api.models import ApiToken
from helpdesk.models import Centre
from helpdesk.selectors import User

TOKEN_PREFIX = "mch_"
NO_CENTRE = _("Choose at least one centre: a token sees the figures of its centres only.")


def token_digest(secret: str) -> str:
    """The SHA-256 kept in place of the token: a leaked table gives no usable token."""
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def api_token_create(
    *, organisation: str, centres: Iterable[Centre], case_level: bool = False, created_by: User | None = None
) -> tuple[ApiToken, str]:
    """Create a token and return it with its secret: the only moment the secret exists outside the caller's hands."""
    centres = list(centres)
    if not centres:
        raise ValidationError({"centres": NO_CENTRE})
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        organisation=organisation, case_level=case_level, created_by=created_by,
        token_prefix=secret[:12], token_hash=token_digest(secret),
    )
    token.full_clean(exclude=["token_hash", "token_prefix"])
    token.save()
    token.centres.set(centres)
    return token, secret


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> ApiToken:
    """Revoke a token for good: its next call is refused (401). Revoking twice keeps the first date."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def api_token_touch(*, token: ApiToken) -> None:
    """Note the token's last call (one UPDATE, no history row: it is not a change to the token)."""
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
