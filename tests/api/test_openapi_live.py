"""The OpenAPI document is valid, and schemathesis finds nothing wrong with the live API (a real HTTP server on
loopback: pytest-django's live server, in this process's test database)."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate
from schemathesis import GenerationMode

from newsreel.api.tokens import token_create
from tests.factories import make_article, make_event, make_item, make_member

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def served(live_server: Any, transactional_db: Any, settings: Any) -> Any:
    """The live API with some content, limits high enough for the run, and a reader's token."""
    settings.NEWSREEL_API_RATE_ANONYMOUS = settings.NEWSREEL_API_RATE_TOKEN = 100_000
    event = make_event(slug="summit")
    make_item(title_en="Summit arrivals", event=event)
    make_item(title_en="Press conference", kind="photo")
    make_article(title_en="Summit declaration", event=event)
    _token, raw = token_create(user=make_member(), name="schemathesis", scopes=["download"])
    live_server.token = raw
    return live_server


def test_openapi_document_is_valid(served: Any) -> None:
    with urllib.request.urlopen(f"{served.url}/api/v1/openapi.json") as response:
        document = json.load(response)
    validate(document)
    assert document["info"]["version"] == "1"
    error = document["components"]["schemas"]["ErrorBody"]
    assert set(error["properties"]) == {"status", "code", "message", "errors"}
    for path, operations in document["paths"].items():
        for operation in operations.values():
            for status in ("401", "404", "422", "429", "500"):
                assert operation["responses"][status]["content"]["application/json"]["schema"] == {
                    "$ref": "#/components/schemas/ErrorBody"}, (path, status)


def _fuzz(url: str, *, headers: dict[str, str], examples: int) -> None:
    """Each operation, with valid (positive) and invalid (negative) requests, every schemathesis check."""
    schema = schemathesis.openapi.from_url(f"{url}/api/v1/openapi.json")
    # Reads are fuzzed; writes (clips, webhooks, editorial, uploads) are checked with chosen examples in
    # test_openapi_actions.py: random webhook URLs would be looked up in the DNS, random writes pile up rows.
    operations = [result.ok() for result in schema.get_all_operations()]
    operations = [operation for operation in operations if operation.method.upper() == "GET"]
    assert len(operations) >= 8
    for operation in operations:
        # An operation that takes nothing has no invalid request to make.
        modes = list(GenerationMode) if list(operation.iter_parameters()) else [GenerationMode.POSITIVE]
        for mode in modes:

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
                      suppress_health_check=list(HealthCheck))
            def check(case: Any) -> None:
                case.call_and_validate(headers=headers)

            check()


def test_api_conforms_to_its_document_anonymously(served: Any) -> None:
    _fuzz(served.url, headers={}, examples=12)


def test_api_conforms_to_its_document_with_a_token(served: Any) -> None:
    _fuzz(served.url, headers={"Authorization": f"Bearer {served.token}"}, examples=6)
