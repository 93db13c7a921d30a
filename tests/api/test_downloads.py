"""Whole files through the API: the portal's access rule (downloads/access.py), the download scope, the portal's
download log, and Range as on the portal."""

from __future__ import annotations

from typing import Any

import pytest
from allauth.account.models import EmailAddress

from newsreel.accounts.models import TermsVersion
from newsreel.catalogue.models import Access, Role
from newsreel.downloads.models import Download, DownloadKind
from tests.api.actions import ActionClient, actions_for, body
from tests.downloads.conftest import add_file, make_licensee
from tests.factories import make_item, make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def files(settings: Any) -> dict[str, Any]:
    TermsVersion.objects.create(version="2026-1", text_en="Credit the source.", text_fr="Citez la source.")
    return {access: add_file(make_item(access=access), Role.BROADCAST, media_root=settings.MEDIA_ROOT)
            for access in (Access.OPEN, Access.REGISTERED, Access.RESTRICTED)}


def _unverified() -> Any:
    user = make_licensee()
    EmailAddress.objects.filter(user=user).update(verified=False)
    return user


CALLERS = {
    "anonymous": lambda: ActionClient(),
    "read_token": lambda: actions_for(make_licensee()),
    "unverified": lambda: actions_for(_unverified(), "download"),
    "without_terms": lambda: actions_for(make_member(), "download"),
    "licensee": lambda: actions_for(make_licensee(), "download"),
    "staff": lambda: actions_for(make_member(is_staff=True), "download"),
}

# (status, code) for each caller and access; 200 means the file is sent.
EXPECTED = {
    "anonymous": {"open": 200, "registered": (401, "unauthorized"), "restricted": (401, "unauthorized")},
    "read_token": {"open": (403, "insufficient_scope"), "registered": (403, "insufficient_scope"),
                   "restricted": (403, "insufficient_scope")},
    "unverified": {"open": 200, "registered": (403, "email_not_verified"), "restricted": (404, "not_found")},
    "without_terms": {"open": 200, "registered": (403, "terms_not_accepted"), "restricted": (404, "not_found")},
    "licensee": {"open": 200, "registered": 200, "restricted": (404, "not_found")},
    "staff": {"open": 200, "registered": 200, "restricted": 200},
}


@pytest.mark.parametrize("caller", list(CALLERS))
def test_downloads_follow_the_portals_access_rule_and_the_download_scope(caller: str, files: dict[str, Any]) -> None:
    client = CALLERS[caller]()
    for access, rendition in files.items():
        response = client.get(f"/renditions/{rendition.pk}/file")
        expected = EXPECTED[caller][access]
        if expected == 200:
            assert response.status_code == 200, (access, response.content)
            assert body(response) == (rendition.file.path and open(rendition.file.path, "rb").read())
            assert f'{rendition.item.reference}_broadcast.mp4' in response["Content-Disposition"]
        else:
            status, code = expected
            assert response.status_code == status, (access, response.content)
            assert response.json()["code"] == code
    sent = EXPECTED[caller]
    assert Download.objects.count() == sum(1 for value in sent.values() if value == 200)


def test_a_download_is_logged_as_the_portal_logs_it(files: dict[str, Any]) -> None:
    user = make_licensee(organisation="Daily Example")
    client = actions_for(user, "download")
    rendition = files[Access.REGISTERED]
    data = body(client.get(f"/renditions/{rendition.pk}/file"))
    log = Download.objects.get()
    assert (log.user, log.organisation, log.item_id, log.rendition_id, log.kind, log.role) == (
        user, "Daily Example", rendition.item_id, rendition.pk, DownloadKind.FILE, Role.BROADCAST)
    assert log.bytes_sent == log.bytes_expected == len(data) and log.completed
    history = client.get("/me/downloads").json()["results"]
    assert [(row["item"], row["kind"], row["completed"]) for row in history] == [
        (rendition.item.reference, "file", True)]


def test_a_range_is_served_and_logged_from_where_it_starts(files: dict[str, Any]) -> None:
    client = actions_for(make_licensee(), "download")
    rendition = files[Access.OPEN]
    whole = open(rendition.file.path, "rb").read()
    response = client.get(f"/renditions/{rendition.pk}/file", HTTP_RANGE="bytes=100-")
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 100-{len(whole) - 1}/{len(whole)}"
    assert body(response) == whole[100:]
    log = Download.objects.get()
    assert (log.range_start, log.bytes_sent, log.completed) == (100, len(whole) - 100, True)


def test_head_tells_the_size_and_logs_nothing(files: dict[str, Any]) -> None:
    rendition = files[Access.OPEN]
    response = ActionClient().client.head(f"/api/v1/renditions/{rendition.pk}/file")
    assert response.status_code == 200
    assert response["Content-Length"] == str(rendition.size)
    assert response.content == b""
    assert not Download.objects.exists()


def test_previews_and_unknown_files_are_not_downloads(files: dict[str, Any], settings: Any) -> None:
    web = add_file(files[Access.OPEN].item, Role.WEB, media_root=settings.MEDIA_ROOT)
    client = actions_for(make_licensee(), "download")
    for pk in (web.pk, 999_999):
        response = client.get(f"/renditions/{pk}/file")
        assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_refusals_are_told_in_the_callers_language(files: dict[str, Any]) -> None:
    client = actions_for(make_member(), "download")
    response = client.get(f"/renditions/{files[Access.REGISTERED].pk}/file", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 403
    assert response.json()["message"].startswith("Acceptez d’abord les conditions d’utilisation en vigueur")
