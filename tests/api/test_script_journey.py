"""What a newsroom script does with only a token, over real HTTP: search, follow the links to the item, see which
files it may download and where, and revalidate the item with its ETag."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import pytest

from newsreel.accounts.models import TermsVersion
from newsreel.accounts.terms import accept_terms
from newsreel.api.tokens import token_create
from newsreel.catalogue.models import Access, Rendition, Role
from tests.factories import make_item, make_member

pytestmark = pytest.mark.django_db(transaction=True)


def _get(url: str, token: str, **headers: str) -> tuple[int, dict[str, str], Any]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}", **headers})
    try:
        with urllib.request.urlopen(request) as response:
            body = response.read()
            return response.status, dict(response.headers), json.loads(body) if body else None
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read() or b"null")


def test_a_script_with_a_token_searches_and_fetches_an_item(live_server: Any, settings: Any) -> None:
    item = make_item(title_en="Leaders arrive at the summit", access=Access.REGISTERED)
    item.shots.create(position=1, tc_in="00:00:01:00", tc_out="00:00:02:00", description_en="Arrivals")
    broadcast = Rendition.objects.create(item=item, role=Role.BROADCAST, file="renditions/b.mp4", size=1234,
                                         width=1920, height=1080, mime_type="video/mp4")
    member = make_member()
    accept_terms(user=member, terms=TermsVersion.objects.create(version="1", text_en="Credit.", text_fr="Citez."))
    _token, token = token_create(user=member, name="script", scopes=["download"])

    status, _headers, found = _get(f"{live_server.url}/api/v1/search?q=summit&type=video", token)
    assert status == 200 and found["total"] == 1
    status, headers, detail = _get(found["results"][0]["item"]["links"]["self"], token)
    assert status == 200 and detail["reference"] == item.reference
    assert detail["shotlist"][0]["description"]["en"] == "Arrivals"
    files = {r["role"]: r for r in detail["renditions"]}
    assert files["broadcast"]["download"] == "allowed"
    assert files["broadcast"]["links"]["download"].endswith(f"/api/v1/renditions/{broadcast.pk}/file")
    assert files["broadcast"]["links"]["portal_download"].endswith(f"/download/{broadcast.pk}/")
    assert _get(detail["links"]["self"], token, **{"If-None-Match": headers["ETag"]})[0] == 304
