"""Previews and downloads agree on access because no file is both: previews are the page's own lower-quality
files, for anyone who may see the page; downloads follow the download rule (and are logged) wherever asked for."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from newsreel.catalogue.models import Access, Role
from newsreel.downloads.models import Download
from tests.downloads.conftest import add_file

pytestmark = pytest.mark.django_db

ALL_ROLES = [role.value for role in Role]
PREVIEWS = {"web", "audio_preview", "poster", "thumbnail_320", "thumbnail_640", "storyboard_sprite",
            "storyboard_index", "storyboard_vtt", "waveform", "waveform_peaks", "photo_medium", "photo_thumbnail"}


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_user("staff", "staff@example.org", "x", is_staff=True)


@pytest.mark.parametrize("role", sorted(set(ALL_ROLES) | {"audio_preview"}))
def test_every_file_is_either_a_preview_or_a_download_for_everyone(client, item_factory, settings, member, staff,
                                                                   role):
    item = item_factory(access=Access.REGISTERED)
    rendition = add_file(item, role, media_root=settings.MEDIA_ROOT)
    preview, download = f"/preview/{rendition.pk}/", f"/en/download/{rendition.pk}/"
    for user in (None, member, staff):
        client.logout()
        if user is not None:
            client.force_login(user)
        previewed = client.get(preview).status_code
        downloaded = client.get(download).status_code
        if role in PREVIEWS:
            assert (previewed, downloaded) == (200, 404), user
        else:
            assert previewed == 404, user
            assert downloaded == (302 if user is None else 200), user
    # Only downloads are logged, once each for the member and staff.
    assert Download.objects.count() == (0 if role in PREVIEWS else 2)


def test_a_registered_items_web_video_and_medium_photo_are_previews_not_downloads(client, item_factory, settings,
                                                                                  member):
    """The issue's case: /download/ sent an anonymous user to sign in, /preview/ sent the same file to anyone."""
    video, photo = item_factory(), item_factory(kind="photo")
    web = add_file(video, Role.WEB, media_root=settings.MEDIA_ROOT)
    broadcast = add_file(video, Role.BROADCAST, media_root=settings.MEDIA_ROOT)
    medium = add_file(photo, Role.PHOTO_MEDIUM, media_root=settings.MEDIA_ROOT, suffix=".jpg")
    large = add_file(photo, Role.PHOTO_LARGE, media_root=settings.MEDIA_ROOT, suffix=".jpg")
    for rendition in (web, medium):
        assert client.get(f"/en/download/{rendition.pk}/").status_code == 404
        assert client.get(f"/preview/{rendition.pk}/").status_code == 200
    for rendition in (broadcast, large):
        assert client.get(f"/preview/{rendition.pk}/").status_code == 404
        assert client.get(f"/en/download/{rendition.pk}/")["Location"].startswith("/en/accounts/login/")
    client.force_login(member)
    page = client.get(video.get_absolute_url()).content.decode()
    assert f"/en/download/{web.pk}/" not in page and f"/en/download/{broadcast.pk}/" in page
    assert f'name="rendition" value="{web.pk}"' not in page  # clips are downloads: cut from the broadcast file


def test_an_audio_item_plays_its_preview_and_offers_its_mp3_as_a_download(client, item_factory, settings):
    item = item_factory(kind="audio")
    mp3 = add_file(item, Role.AUDIO_MP3, media_root=settings.MEDIA_ROOT, suffix=".mp3")
    preview = add_file(item, "audio_preview", media_root=settings.MEDIA_ROOT, suffix=".mp3")
    page = client.get(item.get_absolute_url()).content.decode()
    assert f'<audio controls preload="none" src="/preview/{preview.pk}/">' in page
    assert f"/preview/{mp3.pk}/" not in page
    assert client.get(f"/preview/{mp3.pk}/").status_code == 404


@pytest.mark.parametrize("access", [Access.RESTRICTED])
def test_restricted_and_unpublished_previews_are_for_staff_only(client, item_factory, settings, member, staff,
                                                               access):
    from newsreel.publishing import Status

    restricted = add_file(item_factory(access=access), Role.POSTER, media_root=settings.MEDIA_ROOT)
    draft = add_file(item_factory(status=Status.DRAFT), Role.POSTER, media_root=settings.MEDIA_ROOT)
    for rendition in (restricted, draft):
        client.force_login(member)
        assert client.get(f"/preview/{rendition.pk}/").status_code == 404
        client.force_login(staff)
        assert client.get(f"/preview/{rendition.pk}/").status_code == 200
