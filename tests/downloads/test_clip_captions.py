"""A clip asked for with its captions carries them as mov_text tracks, cut to its frames; read with ffprobe."""

from __future__ import annotations

import re
import subprocess
from fractions import Fraction
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from newsreel.captions import services
from newsreel.catalogue.models import Role
from newsreel.downloads.models import ClipCache
from tests.downloads.test_clips import body, frames_in, video  # noqa: F401 (the fixture)
from tests.factories import sign_in_staff
from tests.media.conftest import ffprobe

pytestmark = pytest.mark.django_db


@pytest.fixture
def captioned(video):  # noqa: F811
    """The 25 fps video (source timecode 10:00:00:00) with English and French captions, and a German draft."""
    english = services.cue_set_replace(item=video, language="en", cues=[], source="uploaded", status="published")
    english.cues.create(start=5, end=15, text="Good morning")  # frames from the file's first frame
    english.cues.create(start=20, end=40, text="The summit opens")
    french = services.cue_set_replace(item=video, language="fr", cues=[], source="uploaded", status="published")
    french.cues.create(start=12, end=30, text="Le sommet s’ouvre")
    services.cue_set_replace(item=video, language="de", cues=[], source="uploaded", status="draft")
    return video


def ask(client, item, captions: bool, tc_in="10:00:00:10", tc_out="10:00:01:05"):
    data = {"rendition": item.renditions.get(role=Role.BROADCAST).pk, "tc_in": tc_in, "tc_out": tc_out,
            "mode": "accurate"}
    if captions:
        data["captions"] = "on"
    return client.post(f"/en/download/clip/{item.reference}/", data)


def fetch(client, item, tmp_path: Path, captions: bool) -> Path:
    response = ask(client, item, captions)
    assert response.status_code == 302 and response["Location"].endswith("/file")
    out = tmp_path / f"clip-{captions}.mp4"
    out.write_bytes(body(client.get(response["Location"])))
    return out


def tracks(path: Path) -> dict[str, list[tuple[int, int, str]]]:
    """Each subtitle track's cues by language, in frames at 25 fps, as the system ffmpeg reads them."""
    info = ffprobe(path, "-show_entries", "stream=index,codec_type,codec_name:stream_tags=language")
    found = {}
    for stream in (s for s in info["streams"] if s["codec_type"] == "subtitle"):
        assert stream["codec_name"] == "mov_text"
        srt = subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-map", f"0:{stream['index']}", "-f",
                              "srt", "-"], capture_output=True, text=True, check=True).stdout
        cues = []
        for block in srt.strip().split("\n\n"):
            lines = block.splitlines()
            a, b = (_frame(t) for t in lines[1].split(" --> "))
            cues.append((a, b, re.sub(r"</?font[^>]*>", "", "\n".join(lines[2:]))))
        found[stream["tags"]["language"]] = cues
    return found


def _frame(text: str) -> int:
    h, m, rest = text.split(":")
    s, ms = rest.split(",")
    return round(Fraction(((int(h) * 60 + int(m)) * 60 + int(s)) * 1000 + int(ms), 1000) * 25)


def test_a_clip_with_captions_carries_each_published_language_cut_to_its_frames(client, member, captioned,
                                                                                tmp_path):
    client.force_login(member)
    out = fetch(client, captioned, tmp_path, captions=True)
    assert frames_in(out) == 20  # frames 10 to 29 of the file, as without captions
    # Cut to [10, 30) and counted from the clip's first frame; the German draft is not shown.
    assert tracks(out) == {"eng": [(0, 5, "Good morning"), (10, 20, "The summit opens")],
                           "fra": [(2, 20, "Le sommet s’ouvre")]}


def test_without_the_option_the_clip_has_no_subtitle_track_and_is_another_cache_entry(client, member, captioned,
                                                                                      tmp_path):
    client.force_login(member)
    plain = fetch(client, captioned, tmp_path, captions=False)
    with_captions = fetch(client, captioned, tmp_path, captions=True)
    assert tracks(plain) == {}
    assert set(tracks(with_captions)) == {"eng", "fra"}
    keys = sorted(ClipCache.objects.values_list("captions", flat=True))
    assert keys[0] == "" and keys[1].startswith("en,fr:")


def test_edited_captions_give_a_new_clip(client, member, captioned, tmp_path):
    client.force_login(member)
    fetch(client, captioned, tmp_path, captions=True)
    cue = captioned.cue_sets.get(language="en").cues.get(start=5)
    cue.text = "Good afternoon"
    cue.save()
    out = fetch(client, captioned, tmp_path, captions=True)
    assert tracks(out)["eng"][0] == (0, 5, "Good afternoon")
    assert ClipCache.objects.count() == 2


def test_an_item_without_published_captions_gives_the_plain_clip(client, member, video, tmp_path):  # noqa: F811
    client.force_login(member)
    out = fetch(client, video, tmp_path, captions=True)
    assert tracks(out) == {}
    assert ClipCache.objects.get().captions == ""


def test_the_clip_form_offers_captions_only_when_some_are_published(client, member, video):  # noqa: F811
    client.force_login(member)
    assert 'name="captions"' not in client.get(video.get_absolute_url()).content.decode()
    services.cue_set_replace(item=video, language="en", cues=[], source="uploaded", status="published")
    assert 'name="captions"' in client.get(video.get_absolute_url()).content.decode()


def test_a_queued_clip_with_captions_says_so_on_its_page(client, member, captioned, settings):
    settings.NEWSREEL_CLIP_SYNC_SECONDS = 0  # queued: the status page, not the file
    client.force_login(member)
    response = ask(client, captioned, captions=True)
    assert "/file" not in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert "With its captions as subtitle tracks: English, French." in page
    client.cookies.load({"django_language": "fr"})
    page = client.get(response["Location"].replace("/en/", "/fr/")).content.decode()
    assert "Avec ses sous-titres en pistes de sous-titres\u00a0: anglais, français." in page


def test_the_clip_cache_list_shows_which_clips_carry_captions(client, member, captioned):
    client.force_login(member)
    ask(client, captioned, captions=True)
    key = ClipCache.objects.get().captions
    staff = get_user_model().objects.create_user("editor", "editor@example.org", "x", is_staff=True,
                                                 is_superuser=True)
    sign_in_staff(client, staff)
    page = client.get("/admin/downloads/clipcache/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert key in page and "Sous-titres" in page
