"""Clips of a video item's audio-only renditions: the in and out marked on the video cut the WAV and MP3 at the
same instants, to the sample."""

from __future__ import annotations

import pytest

from newsreel.catalogue.models import Role
from newsreel.downloads.models import ClipCache, Download
from tests.downloads.conftest import add_file
from tests.downloads.test_clips import ask, body
from tests.media.audio_checks import decoded_samples, raw_pcm

pytest_plugins = ["tests.media.audio_media"]
pytestmark = pytest.mark.django_db

PER_FRAME = 48000 // 25  # samples of a 25 fps frame at 48 kHz


@pytest.fixture
def video(item_factory, settings, small_video, noise_wav, noise_mp3):
    """A 25 fps video from 10:00:00:00 with its 3 s of audio as WAV and MP3 renditions, as ingest leaves them."""
    item = item_factory(start_timecode="10:00:00:00", frame_rate="25", title_en="Summit")
    add_file(item, Role.BROADCAST, media_root=settings.MEDIA_ROOT, source=small_video)
    add_file(item, Role.WEB, media_root=settings.MEDIA_ROOT, source=small_video)
    add_file(item, Role.AUDIO_WAV, media_root=settings.MEDIA_ROOT, source=noise_wav, mime="audio/wav",
             suffix=".wav")
    add_file(item, Role.AUDIO_MP3, media_root=settings.MEDIA_ROOT, source=noise_mp3, mime="audio/mpeg",
             suffix=".mp3")
    return item


def test_the_wav_is_cut_at_the_marked_frames_to_the_sample(client, member, video, noise_wav, tmp_path):
    client.force_login(member)
    response = ask(client, video, "10:00:00:10", "10:00:01:11", role=Role.AUDIO_WAV)
    assert response.status_code == 302 and response["Location"].endswith("/file")
    download = client.get(response["Location"])
    assert download.status_code == 200 and download["Content-Type"] == "audio/wav"
    name = f"{video.reference}_10-00-00-10_10-00-01-11_audio_wav.wav"
    assert f'filename="{name}"' in download["Content-Disposition"]
    out = tmp_path / name
    out.write_bytes(body(download))
    assert raw_pcm(out) == raw_pcm(noise_wav)[10 * PER_FRAME * 4:36 * PER_FRAME * 4]  # 26 frames, bit for bit
    log = Download.objects.get()
    assert (log.kind, log.role, log.clip_in, log.clip_out, log.completed) == (
        "clip", "audio_wav", "10:00:00:10", "10:00:01:11", True)
    clip = ClipCache.objects.get()
    assert (clip.start, clip.end, clip.mode, clip.file.endswith(".wav")) == (10, 36, "accurate", True)


def test_the_mp3_is_cut_to_the_exact_sample_count(client, member, video, tmp_path):
    client.force_login(member)
    download = client.get(ask(client, video, "10:00:01:00", "10:00:02:13", role=Role.AUDIO_MP3)["Location"])
    assert download.status_code == 200 and download["Content-Type"] == "audio/mpeg"
    name = f"{video.reference}_10-00-01-00_10-00-02-13_audio_mp3.mp3"
    assert f'filename="{name}"' in download["Content-Disposition"]
    out = tmp_path / name
    out.write_bytes(body(download))
    assert len(decoded_samples(out)) == 38 * PER_FRAME


def test_fast_is_the_same_exact_cut_for_audio(client, member, video):
    client.force_login(member)
    exact = client.get(ask(client, video, role=Role.AUDIO_WAV)["Location"])
    fast = client.get(ask(client, video, role=Role.AUDIO_WAV, mode="fast")["Location"])
    assert fast["ETag"] == exact["ETag"]
    assert list(ClipCache.objects.values_list("mode", flat=True)) == ["accurate"]


def test_the_audio_can_be_cut_up_to_its_last_frame(client, member, video, tmp_path):
    client.force_login(member)
    download = client.get(ask(client, video, "10:00:02:00", "10:00:03:00", role=Role.AUDIO_WAV)["Location"])
    out = tmp_path / "end.wav"
    out.write_bytes(body(download))
    assert len(raw_pcm(out)) == 25 * PER_FRAME * 4


@pytest.mark.parametrize(("tc_in", "tc_out", "message"), [
    ("10:00:01:00", "10:00:03:01", "past the end of the audio (10:00:03:00)"),
    ("09:59:59:24", "10:00:01:00", "before the start of the audio (10:00:00:00)"),
    ("10:00:01:00", "10:00:01:00", "The out point must come after the in point."),
    ("10:00:00:00", "10:00:00:25", "is not a timecode"),
])
def test_bad_audio_ranges_are_refused_with_a_clear_message(client, member, video, tc_in, tc_out, message):
    client.force_login(member)
    response = ask(client, video, tc_in, tc_out, role=Role.AUDIO_MP3)
    assert response["Location"].endswith("#clip-tool")
    page = client.get(response["Location"]).content.decode()
    assert message in page.replace("&quot;", '"').replace("&#x27;", "'")
    assert not ClipCache.objects.exists()


def test_the_clip_tool_offers_the_audio_versions_in_english_and_french(client, member, video):
    client.force_login(member)
    wav, mp3 = video.renditions.get(role=Role.AUDIO_WAV), video.renditions.get(role=Role.AUDIO_MP3)
    page = client.get(video.get_absolute_url()).content.decode()
    assert f'<option value="{wav.pk}">Audio (WAV)</option>' in page
    assert f'<option value="{mp3.pk}">Audio (MP3)</option>' in page
    assert "always cut exactly at the in and out points" in page
    french = client.get(f"/fr/media/{video.reference}/").content.decode()
    assert f'<option value="{wav.pk}">Audio (WAV)</option>' in french
    assert "toujours coupées exactement" in french


def test_a_video_item_without_a_frame_rate_counts_in_its_video_files_rate(client, member, video, tmp_path):
    video.frame_rate = ""
    video.save()
    client.force_login(member)
    download = client.get(ask(client, video, "10:00:00:05", "10:00:00:15", role=Role.AUDIO_WAV)["Location"])
    out = tmp_path / "clip.wav"
    out.write_bytes(body(download))
    assert len(raw_pcm(out)) == 10 * PER_FRAME * 4  # 25 fps read from the broadcast file


def test_the_clip_tool_speaks_french_on_the_french_page(client, member, video):
    client.force_login(member)
    french = client.get(f"/fr/media/{video.reference}/").content.decode()
    for text in ("Marquer l’entrée", "Marquer la sortie", "Version à découper", "À l’image près (recommandé)",
                 "Télécharger l’extrait", "Image suivante (→)"):
        assert text in french, text
    for english in ("Mark in", "Mark out", "Version to cut", "Frame-accurate", "Download clip"):
        assert english not in french, english
