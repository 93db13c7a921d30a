"""Every call obeys the portal's access rules: who sees which item, which files, and what they lack to download.

Callers: anonymous; a member who has not accepted the terms in force; a member who has; staff. Content: open,
registered and restricted items (visible), an embargoed item and a draft.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from django.utils import timezone

from newsreel.accounts.models import TermsVersion
from newsreel.accounts.terms import accept_terms
from newsreel.catalogue.models import Access, Item, Rendition, Role
from newsreel.publishing import Status
from tests.api.conftest import ApiClient, client_for
from tests.factories import make_item, make_member

pytestmark = pytest.mark.django_db
_files = itertools.count()


def _with_files(item: Item) -> Item:
    for role in (Role.BROADCAST, Role.POSTER, Role.WEB):
        Rendition.objects.create(item=item, role=role, file=f"renditions/{item.reference}-{next(_files)}.bin",
                                 size=1000, mime_type="video/mp4")
    return item


@pytest.fixture
def content() -> dict[str, Item]:
    later = timezone.now() + dt.timedelta(days=1)
    return {
        "open": _with_files(make_item(access=Access.OPEN)),
        "registered": _with_files(make_item(access=Access.REGISTERED)),
        "restricted": _with_files(make_item(access=Access.RESTRICTED)),
        "embargoed": _with_files(make_item(status=Status.SCHEDULED, publish_at=later, access=Access.OPEN)),
        "draft": _with_files(make_item(status=Status.DRAFT, access=Access.OPEN)),
    }


@pytest.fixture
def callers() -> dict[str, ApiClient]:
    terms = TermsVersion.objects.create(version="2026-1", text_en="Credit the source.", text_fr="Citez la source.")
    with_terms = make_member()
    accept_terms(user=with_terms, terms=terms)
    return {
        "anonymous": ApiClient(),
        "without_terms": client_for(make_member()),
        "with_terms": client_for(with_terms),
        "staff": client_for(make_member(is_staff=True)),
    }


# What each caller is told about the broadcast file of each visible item: None = the file is not even listed.
BROADCAST = {
    "anonymous": {"open": "allowed", "registered": "sign-in", "restricted": None},
    "without_terms": {"open": "allowed", "registered": "terms", "restricted": None},
    "with_terms": {"open": "allowed", "registered": "allowed", "restricted": None},
    "staff": {"open": "allowed", "registered": "allowed", "restricted": "allowed"},
}


def _files_of(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {rendition["role"]: rendition for rendition in body["renditions"]}


@pytest.mark.parametrize("who", list(BROADCAST))
def test_item_detail_follows_the_access_rules(who: str, content: dict[str, Item],
                                              callers: dict[str, ApiClient]) -> None:
    api = callers[who]
    for access, expected in BROADCAST[who].items():
        response = api.get(f"/items/{content[access].reference}")
        assert response.status_code == 200, (who, access)
        files = _files_of(response.json())
        if expected is None:
            assert "broadcast" not in files and "web" not in files, (who, access)
            assert response.json()["links"]["poster"] is None
        else:
            assert files["broadcast"]["download"] == expected, (who, access)
            links, pk = files["broadcast"]["links"], files["broadcast"]["id"]
            assert links["download"].endswith(f"/api/v1/renditions/{pk}/file")
            assert links["portal_download"].endswith(f"/download/{pk}/")
            assert files["web"]["kind"] == "preview" and files["web"]["links"]["preview"]
    for hidden in ("embargoed", "draft"):
        response = api.get(f"/items/{content[hidden].reference}")
        assert response.status_code == 404, (who, hidden)
        assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("who", ["anonymous", "with_terms", "staff"])
def test_lists_and_search_never_show_embargoed_or_draft(who: str, content: dict[str, Item],
                                                        callers: dict[str, ApiClient]) -> None:
    api = callers[who]
    visible = {content[name].reference for name in ("open", "registered", "restricted")}
    listed = {row["reference"] for row in api.get("/items?limit=100").json()["results"]}
    assert listed == visible
    found = {hit["item"]["reference"] for hit in api.get("/search?q=item&limit=100").json()["results"]}
    assert found == visible


def test_history_needs_a_token(callers: dict[str, ApiClient]) -> None:
    response = callers["anonymous"].get("/me/downloads")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"
    assert callers["with_terms"].get("/me/downloads").status_code == 200


def test_history_is_the_owners_only(callers: dict[str, ApiClient], content: dict[str, Item]) -> None:
    from newsreel.downloads.models import Download

    owner = make_member()
    Download.objects.create(user=owner, item=content["open"], role="broadcast", bytes_sent=10, completed=True)
    mine = client_for(owner).get("/me/downloads").json()["results"]
    assert [row["item"] for row in mine] == [content["open"].reference]
    assert callers["with_terms"].get("/me/downloads").json()["results"] == []
