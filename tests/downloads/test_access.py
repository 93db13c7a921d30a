"""Who may download what: anonymous, unverified, without the current terms, verified, staff x open/registered/
restricted."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from newsreel.catalogue.models import Access, Role
from newsreel.downloads.models import Download
from tests.downloads.conftest import add_file
from tests.factories import make_member

pytestmark = pytest.mark.django_db

EXPECTED = {  # (user kind, access) -> status or where to
    ("anonymous", "open"): 200, ("anonymous", "registered"): "login", ("anonymous", "restricted"): "login",
    ("unverified", "open"): 200, ("unverified", "registered"): 403, ("unverified", "restricted"): 404,
    ("no_terms", "open"): 200, ("no_terms", "registered"): "terms", ("no_terms", "restricted"): 404,
    ("member", "open"): 200, ("member", "registered"): 200, ("member", "restricted"): 404,
    ("staff", "open"): 200, ("staff", "registered"): 200, ("staff", "restricted"): 200,
}


@pytest.fixture
def users(member, unverified, terms):
    staff = get_user_model().objects.create_user("staff", "staff@example.org", "x", is_staff=True)
    return {"anonymous": None, "unverified": unverified, "no_terms": make_member(), "member": member,
            "staff": staff}


@pytest.mark.parametrize(("who", "access"), list(EXPECTED))
@pytest.mark.parametrize("set_on", ["item", "rendition"])
def test_access_matrix(client, users, item_factory, settings, who, access, set_on):
    item = item_factory(access=access if set_on == "item" else Access.REGISTERED)
    rendition = add_file(item, Role.BROADCAST, media_root=settings.MEDIA_ROOT,
                         access=access if set_on == "rendition" else "")
    if users[who] is not None:
        client.force_login(users[who])
    response = client.get(f"/en/download/{rendition.pk}/")
    expected = EXPECTED[(who, access)]
    if expected == "login":
        assert response.status_code == 302 and response["Location"].startswith("/en/accounts/login/?next=")
    elif expected == "terms":
        assert response.status_code == 302 and response["Location"].startswith("/en/accounts/terms/accept/")
    else:
        assert response.status_code == expected
    assert Download.objects.filter(rendition=rendition).exists() == (expected == 200)


def test_previews_and_unpublished_items_are_not_downloadable(client, member, item_factory, settings):
    from newsreel.publishing import Status

    client.force_login(member)
    poster = add_file(item_factory(), Role.POSTER, media_root=settings.MEDIA_ROOT, mime="image/jpeg")
    assert client.get(f"/en/download/{poster.pk}/").status_code == 404
    draft = add_file(item_factory(status=Status.DRAFT), Role.BROADCAST, media_root=settings.MEDIA_ROOT)
    assert client.get(f"/en/download/{draft.pk}/").status_code == 404


@pytest.mark.parametrize("path", [
    "/en/download/..%2F..%2Fetc%2Fpasswd/", "/en/download/1/../../settings.py", "/en/download/%2e%2e/",
    "/en/download/-1/", "/en/download/1%00/", "/en/download/item/..%2F..%2Fetc/metadata.txt",
    "/en/download/item/../../etc/passwd/photos.zip",
])
def test_path_traversal_attempts_find_nothing(client, member, path):
    client.force_login(member)
    response = client.get(path)
    assert response.status_code in (404, 400)
    assert b"root:" not in response.content


def test_a_rendition_whose_stored_name_escapes_media_root_is_refused(client, member, item_factory, settings):
    from django.core.exceptions import SuspiciousFileOperation

    from newsreel.catalogue.models import Rendition

    client.force_login(member)
    rogue = Rendition.objects.create(item=item_factory(), role=Role.BROADCAST, file="../../../../etc/passwd")
    client.raise_request_exception = False
    response = client.get(f"/en/download/{rogue.pk}/")
    assert response.status_code in (400, 404, 500)
    assert b"root:" not in b"".join(getattr(response, "streaming_content", [response.content]))
    with pytest.raises(SuspiciousFileOperation):
        _ = rogue.file.path
