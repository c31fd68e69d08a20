import copy

import pytest
from django.test import Client
from jsonschema import Draft202012Validator

from api.services import api_token_create

SCHEMA_URL = "/api/v1/openapi.json"


@pytest.fixture
def api_client():
    """A client with no session at all: only the bearer token authenticates."""
    return Client()


@pytest.fixture
def make_token(db):
    def make(*centres, case_level=False, organisation="ILO M&E"):
        return api_token_create(organisation=organisation, centres=centres, case_level=case_level)

    return make


def bearer(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def strict(components: dict) -> dict:
    """The served components with every object closed: a field the document does not declare fails validation."""
    closed = copy.deepcopy(components)
    for schema in closed.get("schemas", {}).values():
        if schema.get("type") == "object":
            schema["additionalProperties"] = False
    return closed


def validate_against_served_schema(client, path: str, response) -> None:
    """Validate a real response against the schema the app serves for that path and status code."""
    spec = client.get(SCHEMA_URL).json()
    operation = spec["paths"][path]["get"]
    documented = operation["responses"][str(response.status_code)]["content"]["application/json"]["schema"]
    Draft202012Validator({**documented, "components": strict(spec["components"])}).validate(response.json())
