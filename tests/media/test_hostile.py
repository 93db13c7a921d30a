"""Hostile and broken input is refused with a reason an editor can act on, and never reaches further."""

from __future__ import annotations

import socket
import struct
import time
import warnings
import zlib
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import av
import pytest
from PIL import Image

from newsreel.media import limits as limits_module
from newsreel.media.audio.renditions import audio_renditions
from newsreel.media.limits import MediaLimits
from newsreel.media.photo.images import open_image, read_photo_credits, render_photo
from newsreel.media.probe import probe
from newsreel.media.render import render_master, render_video
from newsreel.media.safeio import DamagedMedia, HostileMedia, MediaTooLarge, UnsupportedMedia, open_input
from newsreel.media.testpattern import generate_photo
from tests.media.forged_mp4 import repeated_picture_mp4, trimmed_by_edit_list
from tests.media.media_checks import Master

pytest_plugins = ["tests.media.media_fixtures"]


@pytest.fixture
def listening_server() -> Iterator[tuple[socket.socket, str]]:
    """A local TCP server that records whether anybody connects to it."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.setblocking(False)
    yield server, f"http://127.0.0.1:{server.getsockname()[1]}"
    server.close()


def _nobody_connected(server: socket.socket) -> bool:
    time.sleep(0.05)
    try:
        conn, _ = server.accept()
    except BlockingIOError:
        return True
    conn.close()
    return False


def test_text_file_with_a_media_name_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "interview.mp4"
    path.write_text("This is a press release, not a video.\n")
    with pytest.raises(UnsupportedMedia, match=r"interview\.mp4: not a supported media file \(video: MP4"):
        probe(path)


def test_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.mov"
    path.write_bytes(b"")
    with pytest.raises(UnsupportedMedia, match="the file is empty"):
        probe(path)


def test_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UnsupportedMedia, match="not a regular file"):
        probe(tmp_path)


@pytest.mark.parametrize("name", ["stream.m3u8", "stream.mp4", "clip.mxf"])
def test_hls_playlist_is_refused_without_opening_what_it_names(
    name: str, tmp_path: Path, masters: dict[str, Master], listening_server: tuple[socket.socket, str]
) -> None:
    server, url = listening_server
    playlist = tmp_path / name
    playlist.write_text(
        "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:3\n"
        f"#EXTINF:3.0,\n{url}/segment0.ts\n#EXTINF:3.0,\n{masters['h264_25'].path}\n#EXTINF:1.0,\n"
        "file:///etc/passwd\n#EXT-X-ENDLIST\n"
    )
    with pytest.raises(HostileMedia, match="M3U/HLS playlist, which points at other files or addresses"):
        probe(playlist)
    with pytest.raises(HostileMedia):
        open_input(playlist)
    with pytest.raises(HostileMedia):
        render_master(playlist, tmp_path / "out")
    assert _nobody_connected(server)
    assert not (tmp_path / "out").exists()


def test_ffconcat_script_is_refused(
    tmp_path: Path, masters: dict[str, Master], listening_server: tuple[socket.socket, str]
) -> None:
    server, url = listening_server
    script = tmp_path / "edit.mov"
    script.write_text(f"ffconcat version 1.0\nfile '{masters['h264_25'].path}'\nfile '{url}/x.mp4'\n")
    with pytest.raises(HostileMedia, match="FFmpeg concat script"):
        probe(script)
    plain = tmp_path / "list.txt"
    plain.write_text(f"file '{masters['h264_25'].path}'\n")
    with pytest.raises(HostileMedia, match="concat script"):
        probe(plain)
    assert _nobody_connected(server)


@pytest.mark.parametrize(
    ("content", "what"),
    [
        (b"[playlist]\nFile1=http://127.0.0.1:9/a.mp3\n", "PLS playlist"),
        (b'<?xml version="1.0"?><MPD><BaseURL>http://127.0.0.1:9/</BaseURL></MPD>', "XML document"),
        (b"\xef\xbb\xbf#EXTM3U\n/etc/passwd\n", "M3U/HLS playlist"),
    ],
)
def test_other_referencing_formats_are_refused(tmp_path: Path, content: bytes, what: str) -> None:
    path = tmp_path / "master.mp4"
    path.write_bytes(content)
    with pytest.raises(HostileMedia, match=what):
        probe(path)


def _faststart_copy(master: Path, dest: Path) -> Path:
    with (
        av.open(str(master)) as src,
        av.open(str(dest), "w", format="mp4", options={"movflags": "+faststart"}) as out,
    ):
        mapping = {
            s.index: out.add_stream_from_template(s) for s in src.streams if s.type in ("video", "audio")
        }
        for packet in src.demux(list(src.streams.video) + list(src.streams.audio)):
            if packet.dts is None:
                continue
            packet.stream = mapping[packet.stream.index]
            out.mux(packet)
    return dest


def test_truncated_upload_with_index_first_is_refused(tmp_path: Path, masters: dict[str, Master]) -> None:
    whole = _faststart_copy(masters["h264_25"].path, tmp_path / "whole.mp4")
    assert probe(whole).kind == "video"
    cut = tmp_path / "cut.mp4"
    data = whole.read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(DamagedMedia, match=r"incomplete .*upload it again"):
        probe(cut)
    with pytest.raises(DamagedMedia):
        render_video(cut, tmp_path / "out")
    assert not any((tmp_path / "out").glob("*")) if (tmp_path / "out").exists() else True


def test_truncated_upload_with_index_last_is_refused(tmp_path: Path, masters: dict[str, Master]) -> None:
    data = masters["h264_25"].path.read_bytes()
    assert data.index(b"mdat") < data.index(b"moov")
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[: len(data) * 2 // 3])
    with pytest.raises(DamagedMedia, match="truncated or damaged"):
        probe(cut)


def test_truncated_wav_is_refused(tmp_path: Path, wav_master: Path) -> None:
    data = wav_master.read_bytes()
    cut = tmp_path / "cut.wav"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(DamagedMedia, match="incomplete"):
        probe(cut)


def test_truncated_jpeg_is_refused(tmp_path: Path) -> None:
    data = generate_photo(tmp_path / "whole.jpg", 600, 400).read_bytes()
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(DamagedMedia, match="truncated or damaged"):
        render_photo(cut, tmp_path / "out")
    assert not list((tmp_path / "out").glob("*")) if (tmp_path / "out").exists() else True


def _png_header_only(path: Path, width: int, height: int) -> Path:
    """A PNG that claims a huge size: a few bytes on disk, gigabytes once decoded."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b""))
    return path


def test_decompression_bomb_is_refused_before_decoding(tmp_path: Path) -> None:
    bomb = _png_header_only(tmp_path / "bomb.png", 29_000, 29_000)  # 841 MP, within the width/height caps
    with pytest.raises(MediaTooLarge, match=r"too many pixels|more than allowed"):
        probe(bomb)
    with pytest.raises(MediaTooLarge):
        render_photo(bomb, tmp_path / "out")


def test_pillow_bomb_guard_is_lowered_and_fatal(tmp_path: Path) -> None:
    assert Image.MAX_IMAGE_PIXELS == limits_module.MAX_IMAGE_PIXELS
    # Generous call limits leave only Pillow's own guard in the way: its warning must stop the open.
    picture = _png_header_only(tmp_path / "big.png", 12_000, 12_000)  # 144 MP: above the 120 MP guard
    generous = MediaLimits(max_image_pixels=10**12)
    # Both ways Pillow's warning can go: raised (our filter, in production) or silenced (someone else's).
    for action in ("error", "ignore"):
        with warnings.catch_warnings():
            warnings.simplefilter(action, Image.DecompressionBombWarning)
            with pytest.raises(MediaTooLarge, match="too many pixels"):
                open_image(picture, limits=generous)


def test_absurd_picture_dimensions_are_refused(tmp_path: Path) -> None:
    wide = _png_header_only(tmp_path / "wide.png", 1_000_000, 1)
    with pytest.raises(MediaTooLarge, match="1000000x1 pixels"):
        probe(wide)


@pytest.mark.parametrize("fmt", ["GIF", "BMP", "WEBP", "ICO"])
def test_image_formats_outside_the_allow_list_are_refused(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / "photo.jpg"
    Image.new("RGB", (32, 32)).save(path, fmt)
    with pytest.raises(UnsupportedMedia, match="not a supported media file"):
        render_photo(path, tmp_path / "out")


def test_video_larger_than_the_limits_is_refused(masters: dict[str, Master]) -> None:
    with pytest.raises(MediaTooLarge, match="320x180, larger than the 200x200 allowed"):
        probe(masters["h264_25"].path, limits=MediaLimits(max_video_width=200, max_video_height=200))
    with pytest.raises(MediaTooLarge, match="lasts"):
        probe(masters["h264_25"].path, limits=MediaLimits(max_duration=1))


def _boxes(data: bytearray, kind: bytes) -> list[int]:
    found, start = [], 0
    while (i := data.find(kind, start)) >= 0:
        found.append(i)
        start = i + 4
    return found


def test_absurd_duration_in_the_headers_is_refused(tmp_path: Path, masters: dict[str, Master]) -> None:
    # FFmpeg trusts the sample tables and edit lists, so a forger has to lie in all of them.
    data = bytearray(masters["h264_25"].path.read_bytes())
    huge = struct.pack(">I", 0x7FFFFFFF)
    for i in _boxes(data, b"stts"):
        for k in range(struct.unpack(">I", data[i + 8 : i + 12])[0]):
            data[i + 16 + 8 * k : i + 20 + 8 * k] = struct.pack(">I", 0x40000000)
    for i in _boxes(data, b"elst"):
        data[i + 12 : i + 16] = huge
    for i in _boxes(data, b"mvhd") + _boxes(data, b"mdhd"):
        data[i + 20 : i + 24] = huge
    for i in _boxes(data, b"tkhd"):
        data[i + 24 : i + 28] = huge
    path = tmp_path / "forever.mp4"
    path.write_bytes(bytes(data))
    with pytest.raises(MediaTooLarge, match=r"lasts .* h, more than the 6\.0 h allowed"):
        probe(path)


def test_video_codec_outside_the_allow_list_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "gif_in_mov.mov"
    with av.open(str(path), "w", format="mov") as out:
        stream = out.add_stream("gif", rate=5)
        stream.width, stream.height, stream.pix_fmt = 32, 32, "rgb8"
        for i in range(3):
            frame = av.VideoFrame(32, 32, "rgb8")
            frame.pts = i
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    with pytest.raises(UnsupportedMedia, match="video codec 'gif' is not accepted"):
        probe(path)


def test_garbage_behind_an_mpeg_audio_sync_word_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "noise.mp3"
    path.write_bytes(b"\xff\xfb\x90\x00" + b"not really audio " * 100)
    with pytest.raises(UnsupportedMedia, match="not a supported media file"):
        probe(path)


def test_xmp_with_entity_expansion_is_ignored(tmp_path: Path) -> None:
    laughs = (
        '<?xpacket begin=""?><!DOCTYPE x [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><x:xmpmeta xmlns:x="adobe:ns:meta/">'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
        'xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"><photoshop:Credit>&c;</photoshop:Credit>'
        "</rdf:Description></rdf:RDF></x:xmpmeta>"
    )
    path = tmp_path / "laughs.jpg"
    Image.new("RGB", (16, 16)).save(path, "JPEG", xmp=laughs.encode())
    assert read_photo_credits(path).credit_line is None


def test_absurd_audio_sample_rate_is_refused(tmp_path: Path, wav_master: Path) -> None:
    data = bytearray(wav_master.read_bytes())
    fmt = data.index(b"fmt ")
    data[fmt + 12 : fmt + 16] = struct.pack("<I", 2_000_000_000)  # samples per second
    path = tmp_path / "fast.wav"
    path.write_bytes(bytes(data))
    with pytest.raises(UnsupportedMedia, match="2000000000 Hz"):
        probe(path)


def test_sample_table_repeating_one_picture_far_beyond_the_declared_duration_is_refused(
        tmp_path: Path, master_25: Master) -> None:
    # Headers say 10 s; the sample table shows one picture 600,000 times (6.7 h at 25 fps) from 2.4 MB.
    liar = repeated_picture_mp4(master_25.path, tmp_path / "liar.mp4", samples=600_000, declared_seconds=10)
    assert liar.stat().st_size < 3_000_000
    with av.open(str(liar)) as container:  # the lie the demuxer believes: 10 s, yet 600,000 pictures
        assert container.duration == 10 * av.time_base and container.streams.video[0].frames == 600_000
    with pytest.raises(DamagedMedia, match=r"says it lasts 10\.0 s at 25 frames per second \(250 pictures\), "
                                           r"but it holds 600000 pictures"):
        probe(liar)


def test_a_video_track_without_pictures_is_refused_for_that_not_for_a_guessed_frame_rate(
        tmp_path: Path, master_25: Master) -> None:
    empty = repeated_picture_mp4(master_25.path, tmp_path / "empty.mp4", samples=0, declared_seconds=10)
    with pytest.raises(DamagedMedia) as refused:
        probe(empty)
    assert "holds no pictures" in str(refused.value)
    assert "per second" not in str(refused.value)


def test_video_decoding_stops_at_the_frame_limit_of_the_declared_duration(
        tmp_path: Path, master_25: Master) -> None:
    # A master that gives more than it declares, whatever the container: here the declaration is understated
    # after probing, standing for every lie that only decoding reveals.
    info = probe(master_25.path)
    understated = replace(info, duration=0.2)
    with pytest.raises(DamagedMedia, match=r"more pictures than the 0\.2 s it declares \(stopped after 56\)"):
        render_video(master_25.path, tmp_path / "out", info=understated, threads=1)
    assert not list((tmp_path / "out").glob("*.mp4"))


def test_audio_decoding_stops_at_the_declared_duration(tmp_path: Path, wav_master: Path) -> None:
    understated = replace(probe(wav_master), duration=0.5)
    with pytest.raises(DamagedMedia, match=r"audio runs past the 0\.5 s the file declares \(stopped at 3 s\)"):
        audio_renditions(wav_master, tmp_path / "out", info=understated)
    assert not list((tmp_path / "out").glob("audio.*"))


def test_a_file_trimmed_by_its_edit_list_is_not_taken_for_a_liar(tmp_path: Path, master_25: Master) -> None:
    # All 75 samples stay in the file, but only the first 0.5 s (13 pictures) are shown and decoded.
    trimmed = trimmed_by_edit_list(master_25.path, tmp_path / "trimmed.mp4", seconds=0.5)
    info = probe(trimmed)
    assert info.duration == pytest.approx(0.5, abs=0.05)
    files = render_video(trimmed, tmp_path / "out", info=info, threads=1)
    assert {f.role for f in files} >= {"web", "broadcast"}
