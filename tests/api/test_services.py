import pytest
from django.core.exceptions import ValidationError

from api.models import ApiToken
from api.selectors import api_token_for_secret
from api.services import NO_CENTRE, api_token_create, api_token_revoke, token_digest
from tests.factories import CentreFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_only_the_hash_of_the_token_is_stored():
    admin = UserFactory()
    token, secret = api_token_create(organisation="ILO M&E", centres=[CentreFactory()], created_by=admin)
    stored = ApiToken.objects.get()
    assert secret.startswith("mch_") and len(secret) > 40
    assert stored.token_hash == token_digest(secret) and secret not in stored.token_hash
    assert stored.token_prefix == secret[:12]
    assert api_token_for_secret(secret) == token
    assert api_token_for_secret(secret + "x") is None
    assert token.history.exists()  # creation, and the centres it was given


def test_a_revoked_token_no_longer_authenticates_and_keeps_its_first_revocation():
    token, secret = api_token_create(organisation="MAP radio", centres=[CentreFactory()])
    before = token.history.count()
    api_token_revoke(token=token)
    first = token.revoked_at
    api_token_revoke(token=token)
    token.refresh_from_db()
    assert token.revoked_at == first
    assert api_token_for_secret(secret) is None
    assert token.history.count() == before + 1  # the revocation, once


def test_a_token_needs_a_centre():
    with pytest.raises(ValidationError) as error:
        api_token_create(organisation="MAP radio", centres=[])
    assert error.value.message_dict == {"centres": [str(NO_CENTRE)]}
    assert not ApiToken.objects.exists()
