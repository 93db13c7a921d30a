"""What a master is, decided from its content: kind, container, codecs, geometry, timing and credits.

`probe` is the first thing ingest calls; it also enforces the limits, so anything that passes it can be
rendered without surprises.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Literal

import av
import av.container

from newsreel.media.fields import field_order_name
from newsreel.media.limits import DEFAULT_LIMITS, MediaLimits, decode_allowance
from newsreel.media.safeio import (
    IMAGE_FAMILIES,
    DamagedMedia,
    MediaTooLarge,
    UnsupportedMedia,
    check_regular_file,
    open_input,
    raise_refusal,
    sniff_family,
)

Kind = Literal["video", "audio", "photo"]

# Decoders we let loose on untrusted input: the broadcast and camera codecs a press office receives.
VIDEO_CODECS = frozenset(
    {
        "h264",
        "hevc",
        "prores",
        "dnxhd",
        "mpeg2video",
        "mpeg1video",
        "mpeg4",
        "mjpeg",
        "dvvideo",
        "av1",
        "vp9",
    }
)
AUDIO_CODECS = frozenset({"aac", "mp3", "mp2", "ac3", "eac3", "alac", "flac", "opus"})

_PRIMARIES = {
    1: "bt709",
    4: "bt470m",
    5: "bt470bg",
    6: "smpte170m",
    7: "smpte240m",
    9: "bt2020",
    12: "smpte432",
}
_TRANSFERS = {
    1: "bt709",
    4: "gamma22",
    5: "gamma28",
    6: "smpte170m",
    8: "linear",
    13: "iec61966-2-1",
    14: "bt2020-10",
    15: "bt2020-12",
    16: "smpte2084",
    18: "arib-std-b67",
}
_MATRICES = {0: "gbr", 1: "bt709", 5: "bt470bg", 6: "smpte170m", 7: "smpte240m", 9: "bt2020nc", 10: "bt2020c"}
_RANGES = {1: "tv", 2: "pc"}


@dataclass(frozen=True)
class VideoInfo:
    codec: str
    profile: str | None
    level: int | None
    width: int
    height: int
    frame_rate: Fraction
    frame_count: int
    pix_fmt: str | None
    color_primaries: str | None
    color_transfer: str | None
    color_space: str | None
    color_range: str | None
    field_order: str | None  # progressive, tt, bb, tb, bt; None when the file does not say
    bitrate: int | None
    sample_aspect_ratio: Fraction | None = None
    rotation: int = 0  # display rotation, degrees counter-clockwise (0, 90, 180, 270), as phones record

    @property
    def interlaced(self) -> bool:
        return self.field_order in {"tt", "bb", "tb", "bt"}

    @property
    def upright_size(self) -> tuple[int, int]:
        """Stored width and height once the display rotation is applied."""
        return (self.height, self.width) if self.rotation in (90, 270) else (self.width, self.height)

    @property
    def upright_sample_aspect_ratio(self) -> Fraction | None:
        sar = self.sample_aspect_ratio
        return 1 / sar if sar and self.rotation in (90, 270) else sar


@dataclass(frozen=True)
class AudioInfo:
    codec: str
    sample_rate: int
    channels: int
    layout: str | None
    bitrate: int | None


@dataclass(frozen=True)
class PhotoCredits:
    creator: str | None = None
    credit_line: str | None = None
    copyright_notice: str | None = None

    def merged_over(self, fallback: PhotoCredits | None) -> PhotoCredits:
        """These credits, with gaps filled from `fallback`: the master's own credits win."""
        if fallback is None:
            return self
        return PhotoCredits(
            creator=self.creator or fallback.creator,
            credit_line=self.credit_line or fallback.credit_line,
            copyright_notice=self.copyright_notice or fallback.copyright_notice,
        )


@dataclass(frozen=True)
class PhotoInfo:
    format: str  # JPEG, PNG, TIFF
    width: int  # as stored, before EXIF orientation
    height: int
    mode: str
    orientation: int  # EXIF 1..8; 1 when absent
    icc_profile: bool
    credits: PhotoCredits = field(default_factory=PhotoCredits)

    @property
    def display_size(self) -> tuple[int, int]:
        """Width and height once EXIF orientation is applied."""
        return (self.height, self.width) if self.orientation in {5, 6, 7, 8} else (self.width, self.height)


@dataclass(frozen=True)
class MediaInfo:
    kind: Kind
    container: str  # mp4, mov, mxf, wav, mp3, aac, jpeg, png, tiff
    size_bytes: int
    duration: float | None = None  # seconds; None for photos
    bitrate: int | None = None
    start_timecode: str | None = None  # HH:MM:SS:FF (or ;FF drop-frame), from a tmcd track or metadata
    video: VideoInfo | None = None
    audio: AudioInfo | None = None  # the first audio stream
    audio_streams: int = 0
    photo: PhotoInfo | None = None


def probe(path: str | os.PathLike[str], *, limits: MediaLimits = DEFAULT_LIMITS) -> MediaInfo:
    """Describe the master at `path`.

    Raises `UnsupportedMedia` (or a subclass) with a reason an editor can act on.
    """
    p = check_regular_file(path)
    family = sniff_family(p)
    if family is None:
        raise_refusal(p)
    if family in IMAGE_FAMILIES:
        from newsreel.media.photo.images import probe_photo  # images imports probe's dataclasses

        return MediaInfo(
            kind="photo", container=family, size_bytes=p.stat().st_size, photo=probe_photo(p, limits=limits)
        )
    if family == "wav":
        _check_wav_complete(p)
    with open_input(p) as container:
        info = _probe_av(p, family, container, limits)
    return info


def iso_container(p: Path) -> str:
    """MP4 or QuickTime, for the ISO base media family: the `ftyp` major brand says which ("qt  " is QuickTime;
    a file without `ftyp` is old QuickTime). The label, the stored name and the MIME type all follow it."""
    with open(p, "rb") as f:
        head = f.read(12)
    if head[4:8] != b"ftyp" or head[8:12] == b"qt  ":
        return "mov"
    return "mp4"


def _probe_av(p: Path, family: str, container: av.container.InputContainer, limits: MediaLimits) -> MediaInfo:
    videos = [s for s in container.streams.video if not s.disposition & av.stream.Disposition.attached_pic]
    audios = list(container.streams.audio)
    if not videos and not audios:
        raise UnsupportedMedia(f"{p.name}: the file holds no video or audio")
    duration = _duration(container)
    if duration is not None and duration > limits.max_duration:
        raise MediaTooLarge(
            f"{p.name}: lasts {duration / 3600:.1f} h, more than the "
            f"{limits.max_duration / 3600:.1f} h allowed"
        )
    if duration is None or duration <= 0:
        raise DamagedMedia(f"{p.name}: the duration cannot be determined; the file may be damaged")
    video = _video_info(p, container, videos[0], duration, limits) if videos else None
    audio = _audio_info(p, audios[0], limits) if audios else None
    if family == "mov":
        _check_mov_complete(p, container)
    return MediaInfo(
        kind="video" if video else "audio",
        container=iso_container(p) if family == "mov" else family,
        size_bytes=p.stat().st_size,
        duration=duration,
        bitrate=container.bit_rate or None,
        start_timecode=_start_timecode(container),
        video=video,
        audio=audio,
        audio_streams=len(audios),
    )


def _duration(container: av.container.InputContainer) -> float | None:
    if container.duration and container.duration > 0:
        return container.duration / av.time_base
    for s in container.streams:
        if s.duration and s.time_base:
            return float(s.duration * s.time_base)
    return None


def _video_info(
    p: Path,
    container: av.container.InputContainer,
    stream: av.VideoStream,
    duration: float,
    limits: MediaLimits,
) -> VideoInfo:
    cc = stream.codec_context
    name = cc.codec.canonical_name
    if name not in VIDEO_CODECS:
        raise UnsupportedMedia(
            f"{p.name}: video codec {name!r} is not accepted "
            "(H.264, HEVC, ProRes, DNxHD, MPEG-2 and similar are)"
        )
    if not cc.width or not cc.height:
        raise DamagedMedia(f"{p.name}: the video has no picture size; the file may be damaged")
    if cc.width > limits.max_video_width or cc.height > limits.max_video_height:
        raise MediaTooLarge(
            f"{p.name}: the video is {cc.width}x{cc.height}, larger than the "
            f"{limits.max_video_width}x{limits.max_video_height} allowed"
        )
    if stream.frames == 0 and container.format.name.startswith("mov") and not len(stream.index_entries):
        raise DamagedMedia(f"{p.name}: the video track holds no pictures; the file may be damaged")
    # Before any figure derived from the pictures: without them, FFmpeg's rate is a guess from the time base
    # (a track with no pictures "runs at 12800 frames per second"), and a refusal must not state a guess.
    rotation = _first_frame_rotation(p, container, stream)
    rate = stream.average_rate or stream.guessed_rate or stream.base_rate
    if not rate or rate <= 0:
        raise DamagedMedia(f"{p.name}: the frame rate cannot be determined")
    rate = Fraction(rate).limit_denominator(1001)
    if rate > limits.max_frame_rate:
        raise MediaTooLarge(
            f"{p.name}: {float(rate):.0f} frames per second is more than the "
            f"{limits.max_frame_rate:.0f} allowed"
        )
    frames = stream.frames or round(duration * rate)
    _check_picture_count(p, container, stream, duration, rate)
    field_order = field_order_name(cc)
    sar = stream.sample_aspect_ratio
    return VideoInfo(
        codec=name,
        profile=cc.profile or None,
        level=cc.level if cc.level and cc.level > 0 else None,
        width=cc.width,
        height=cc.height,
        frame_rate=rate,
        frame_count=int(frames),
        pix_fmt=cc.pix_fmt,
        color_primaries=_PRIMARIES.get(int(cc.color_primaries or 0)),
        color_transfer=_TRANSFERS.get(int(cc.color_trc or 0)),
        color_space=_MATRICES.get(int(cc.colorspace if cc.colorspace is not None else 2)),
        color_range=_RANGES.get(int(cc.color_range or 0)),
        field_order=field_order,
        bitrate=stream.bit_rate or cc.bit_rate or None,
        sample_aspect_ratio=Fraction(sar) if sar and sar.numerator else None,
        rotation=rotation,
    )


def _check_picture_count(
    p: Path, container: av.container.InputContainer, stream: av.VideoStream, duration: float, rate: Fraction
) -> None:
    """A sample table may show one picture many times over while the headers declare a short duration: such
    a file decodes for hours. Everything after probe trusts the declared duration, so both must agree."""
    allowed = decode_allowance(duration) * rate + 1
    if container.format.name.startswith("mov"):
        # The demuxer's index is what will be decoded: samples an edit list leaves out (a trim done without
        # re-muxing) are marked discarded there, and only counted when the total is suspect.
        entries = stream.index_entries
        pictures = len(entries)
        if pictures > allowed:
            pictures = sum(1 for entry in entries if not entry.is_discard)
    else:
        pictures = stream.frames
    if pictures > allowed:
        raise DamagedMedia(
            f"{p.name}: the file says it lasts {duration:.1f} s at {float(rate):g} frames per second "
            f"({duration * rate:.0f} pictures), but it holds {pictures} pictures; it is damaged or forged"
        )


def _first_frame_rotation(p: Path, container: av.container.InputContainer, stream: av.VideoStream) -> int:
    """Decode the first picture: proves the video is decodable, and gives its display rotation."""
    try:
        for frame in container.decode(stream):
            return round(frame.rotation or 0) % 360 // 90 * 90
    except av.FFmpegError as exc:
        raise DamagedMedia(f"{p.name}: the video cannot be decoded; it may be damaged ({exc})") from exc
    raise DamagedMedia(f"{p.name}: the video holds no decodable picture; it may be truncated or damaged")


def _audio_info(p: Path, stream: av.AudioStream, limits: MediaLimits) -> AudioInfo:
    cc = stream.codec_context
    name = cc.codec.canonical_name  # the format's name (mp3), not the decoder's (mp3float)
    if name not in AUDIO_CODECS and not name.startswith("pcm_"):
        raise UnsupportedMedia(
            f"{p.name}: audio codec {name!r} is not accepted (PCM, AAC, MP3 and similar are)"
        )
    if not cc.sample_rate or not cc.channels:
        raise DamagedMedia(f"{p.name}: the audio has no sample rate or channels; the file may be damaged")
    if cc.sample_rate > limits.max_sample_rate:
        raise MediaTooLarge(
            f"{p.name}: an audio sample rate of {cc.sample_rate} Hz is more than the "
            f"{limits.max_sample_rate} Hz allowed"
        )
    if cc.channels > limits.max_audio_channels:
        raise MediaTooLarge(
            f"{p.name}: {cc.channels} audio channels, more than the {limits.max_audio_channels} allowed"
        )
    return AudioInfo(
        codec=name,
        sample_rate=cc.sample_rate,
        channels=cc.channels,
        layout=cc.layout.name if cc.layout else None,
        bitrate=stream.bit_rate or cc.bit_rate or None,
    )


def _start_timecode(container: av.container.InputContainer) -> str | None:
    # A tmcd track's timecode is copied by the demuxer to the video stream and to the track itself;
    # MXF and some MOV writers put it in the container metadata.
    for s in container.streams:
        tc = s.metadata.get("timecode")
        if tc:
            return str(tc)
    tc = container.metadata.get("timecode")
    return str(tc) if tc else None


def _check_mov_complete(p: Path, container: av.container.InputContainer) -> None:
    """Refuse an MP4/MOV whose sample table points past the end of the file (an interrupted upload)."""
    size = p.stat().st_size
    for s in container.streams:
        if s.type not in ("video", "audio"):
            continue
        entries = s.index_entries
        n = len(entries)
        if n and entries[n - 1].pos + entries[n - 1].size > size:
            raise DamagedMedia(
                f"{p.name}: the file is incomplete (truncated at {size} bytes); upload it again"
            )


def _check_wav_complete(p: Path) -> None:
    size = p.stat().st_size
    with open(p, "rb") as fh:
        head = fh.read(12)
        if head[:4] != b"RIFF":
            return  # RF64/BW64 keep the real size elsewhere; the demuxer checks those
        pos = 12
        while pos + 8 <= size:
            fh.seek(pos)
            chunk_id, chunk_size = struct.unpack("<4sI", fh.read(8))
            if chunk_id == b"data":
                if pos + 8 + chunk_size > size and chunk_size != 0xFFFFFFFF:
                    raise DamagedMedia(
                        f"{p.name}: the file is incomplete (truncated at {size} bytes); upload it again"
                    )
                return
            pos += 8 + chunk_size + (chunk_size & 1)
    raise DamagedMedia(f"{p.name}: the WAV file has no audio data")
