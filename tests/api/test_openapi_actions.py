"""The API's writes against its OpenAPI document, by chosen examples on the live server (the reads are fuzzed
in test_openapi_live.py): each answer, success or refusal, is checked by every schemathesis check."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import schemathesis

from newsreel.api.tokens import token_create
from newsreel.catalogue.models import Role
from tests.downloads.conftest import add_file
from tests.factories import make_article, make_item, make_member

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def served(live_server: Any, settings: Any, small_video: Path) -> Any:
    settings.NEWSREEL_API_RATE_ANONYMOUS = settings.NEWSREEL_API_RATE_TOKEN = 100_000
    settings.NEWSREEL_WEBHOOKS_ALLOW_PRIVATE = True
    video = make_item(title_en="Summit", start_timecode="10:00:00:00", access="open")
    broadcast = add_file(video, Role.BROADCAST, media_root=settings.MEDIA_ROOT, source=small_video)
    _t, member = token_create(user=make_member(), name="member", scopes=["download"])
    _t, editor = token_create(user=make_member(is_staff=True), name="editor", scopes=["editorial", "download"])
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/openapi.json")
    return {"schema": schema, "member": {"Authorization": f"Bearer {member}"},
            "editor": {"Authorization": f"Bearer {editor}"}, "video": video, "broadcast": broadcast}


def check(served: Any, path: str, method: str, who: str | None, **case: Any) -> Any:
    operation = served["schema"][f"/api/v1{path}"][method]
    headers = {**(served[who] if who else {}), **case.pop("headers", {})}
    return operation.Case(**case).call_and_validate(headers=headers)


def test_clip_operations_conform(served):
    body = {"rendition": served["broadcast"].pk, "tc_in": "10:00:00:05", "tc_out": "10:00:00:20"}
    assert check(served, "/clips", "POST", None, body=body).status_code == 401
    made = check(served, "/clips", "POST", "member", body=body)
    assert made.status_code == 202
    job = {"clip_id": made.json()["id"]}
    assert check(served, "/clips", "POST", "member", body={**body, "rendition": 999_999}).status_code == 404
    assert check(served, "/clips/{clip_id}", "GET", "member", path_parameters=job).json()["status"] == "ready"
    assert check(served, "/clips/{clip_id}/file", "GET", "member", path_parameters=job).status_code == 200
    assert check(served, "/clips/{clip_id}/file", "GET", "editor", path_parameters=job).status_code == 404
    file = {"rendition_id": served["broadcast"].pk}
    assert check(served, "/renditions/{rendition_id}/file", "GET", None, path_parameters=file).status_code == 200


def test_webhook_operations_conform(served):
    made = check(served, "/webhooks", "POST", "member", body={"url": "http://127.0.0.1:8798/hook"})
    assert made.status_code == 201
    one = {"endpoint_id": made.json()["id"]}
    assert check(served, "/webhooks/{endpoint_id}", "PUT", "member", path_parameters=one,
                 body={"url": "http://127.0.0.1:8798/other", "description": "desk"}).status_code == 200
    assert check(served, "/webhooks/{endpoint_id}/rotate", "POST", "member", path_parameters=one).status_code == 200
    assert check(served, "/webhooks/{endpoint_id}", "GET", "editor", path_parameters=one).status_code == 404
    assert check(served, "/webhooks/{endpoint_id}", "DELETE", "member", path_parameters=one).status_code == 204


def test_editorial_operations_conform(served):
    made = check(served, "/editorial/items", "POST", "editor", body={
        "kind": "video", "title": {"en": "Arrivals", "fr": "Arrivées"}, "status": "scheduled",
        "publish_at": "2030-01-01T09:00:00+01:00", "access": "registered"})
    assert made.status_code == 201
    ref = {"reference": made.json()["reference"]}
    assert check(served, "/editorial/items/{reference}", "PATCH", "editor", path_parameters=ref,
                 body={"summary": {"fr": "Résumé"}}).status_code == 200
    assert check(served, "/editorial/items/{reference}", "PATCH", "member", path_parameters=ref,
                 body={"summary": {"fr": "Résumé"}}).status_code == 403
    article = make_article(slug="declaration")
    assert check(served, "/editorial/articles/{slug}", "PATCH", "editor", path_parameters={"slug": article.slug},
                 body={"related_items": [ref["reference"]]}).status_code == 200
    assert check(served, "/editorial/articles", "POST", "editor", body={
        "slug": "statement-1", "type": "statement", "title": {"en": "Statement"}}).status_code == 201
    uploaded = check(served, "/editorial/items/{reference}/uploads", "POST", "editor", path_parameters=ref,
                     headers={"Tus-Resumable": "1.0.0", "Upload-Length": "100"})
    assert uploaded.status_code == 201
    upload = {"upload_id": uploaded.json()["id"]}
    assert check(served, "/editorial/uploads/{upload_id}", "GET", "editor", path_parameters=upload).json()[
        "offset"] == 0
    assert check(served, "/editorial/uploads/{upload_id}", "DELETE", "editor",
                 path_parameters=upload).status_code == 204
