"""Writing a smart cut straight into MP4: the copied GOPs and the audio as byte ranges of the source.

The copied part of a clip is most of it, and copying it through a demuxer and a muxer costs as much as the
whole ffmpeg stream copy. Here it is copied file to file by the kernel while the edge worker re-encodes the
head on the other core; the edges are stored after it, and the sample tables say where everything is. The
samples are those the FFmpeg muxing path (clip._mux) stores, with the same timestamps; the tests compare the
two. Used for MP4 outputs of MP4/MOV sources with H.264 in 4-byte length prefixes and AAC or no audio, when
the copied run starts at an IDR picture (clip._direct_copy).
"""

from __future__ import annotations

import os
import struct
import threading
from bisect import bisect_left
from collections.abc import Callable, Iterable
from itertools import pairwise
from pathlib import Path

from newsreel.media.clip import h264
from newsreel.media.clip.encode import EncodedPacket
from newsreel.media.clip.index import AudioSamples, ClipError, SourceIndex
from newsreel.media.clip.mp4_tables import boxes
from newsreel.media.clip.mp4_writer import Mp4Writer, SourceEnded, Track, box, full_box

_VISUAL_FIELDS = 78  # bytes of a VisualSampleEntry before its child boxes


def video_entry(source_entry: bytes, config: h264.AvcConfig) -> bytes | None:
    """The source's `avc1` description with our `avcC`; its stale bit rate box is left out."""
    if source_entry[4:8] != b"avc1" or len(source_entry) < 8 + _VISUAL_FIELDS:
        return None
    children = boxes(source_entry, 8 + _VISUAL_FIELDS, len(source_entry))
    if not children or not any(kind == b"avcC" for kind, _, _ in children):
        return None
    kept = [box(b"avcC", config.build()) if kind == b"avcC" else source_entry[body - 8:stop]
            for kind, body, stop in children if kind != b"btrt"]
    return box(b"avc1", source_entry[8:8 + _VISUAL_FIELDS], *kept)


def _descriptor(tag: int, body: bytes) -> bytes:
    n = len(body)
    return bytes([tag, 0x80 | (n >> 21) & 0x7F, 0x80 | (n >> 14) & 0x7F, 0x80 | (n >> 7) & 0x7F, n & 0x7F]) + body


def audio_entry(audio: AudioSamples, track_number: int, sizes: list[int], seconds: float) -> bytes:
    """An ISO `mp4a` description (version 0, whatever the source's QuickTime variant) with its `esds`."""
    average = round(sum(sizes) * 8 / seconds) if seconds > 0 else 0
    config = struct.pack(">BB", 0x40, 0x15) + max(sizes, default=0).to_bytes(3, "big") + \
        struct.pack(">II", average, average) + _descriptor(5, audio.config)
    es = _descriptor(3, struct.pack(">HB", track_number, 0) + _descriptor(4, config) + _descriptor(6, b"\x02"))
    fields = struct.pack(">6xH8xHHHHI", 1, audio.channels, 16, 0, 0, audio.sample_rate << 16)
    return box(b"mp4a", fields, full_box(b"esds", 0, 0, es))


def timecode_entry(timescale: int, frame_duration: int, frames_per_second: int, drop_frame: bool) -> bytes:
    return box(b"tmcd", struct.pack(">6xH4xIIIBBH", 1, 1 if drop_frame else 0, timescale, frame_duration,
                                    frames_per_second, 0, 0))


class VideoSamples:
    """The clip's video samples in decode order, each stored wherever it was written."""

    def __init__(self) -> None:
        self.pts: list[int] = []
        self.sizes: list[int] = []
        self.locations: list[int] = []
        self.sync: list[int] = []

    def add(self, pts: int, size: int, location: int, key: bool) -> None:
        if key:
            self.sync.append(len(self.pts))
        self.pts.append(pts)
        self.sizes.append(size)
        self.locations.append(location)

    def extend(self, pts: list[int], sizes: list[int], locations: list[int], keys: list[int]) -> None:
        """More samples after those added so far; `keys` numbers their sync samples from 0."""
        first = len(self.pts)
        self.sync += [first + k for k in keys]
        self.pts += pts
        self.sizes += sizes
        self.locations += locations


def audio_range(audio: AudioSamples, origin: int, stop: int) -> tuple[int, int]:
    """Samples [a, b): from the one that starts nearest the clip's first frame to the one nearest its end
    (times in the audio time base), as clip_audio._copied chooses them."""
    ts = audio.timestamps
    a = _first_middle_from(ts, origin, 0)
    return a, _first_middle_from(ts, stop, min(a + 1, len(ts)))


def _first_middle_from(ts: list[int], t: int, lo: int) -> int:
    """The first sample from `lo` on whose middle is at or after `t` (len(ts) if none)."""
    i = max(lo, bisect_left(ts, t) - 1)  # every sample before this one ends before t
    while i < len(ts) and _middle(ts, i) < t:
        i += 1
    return i


def _middle(ts: list[int], i: int) -> float:
    return ts[i] + _duration(ts, i) / 2


def _duration(ts: list[int], i: int) -> int:
    if i + 1 < len(ts):
        return ts[i + 1] - ts[i]
    return ts[i] - ts[i - 1] if i > 0 else 1024


def copy_samples(writer: Mp4Writer, source: Path, pieces: list[tuple[int, int]],
                 progress: Callable[[float], None] | None) -> list[int]:
    """Copy (file offset, size) pieces of `source` in file order, merged into runs; their locations here."""
    runs: list[tuple[int, int, list[int]]] = []  # (start, end, piece numbers)
    start = end = -1
    members: list[int] = []
    for i in sorted(range(len(pieces)), key=pieces.__getitem__):
        pos, size = pieces[i]
        if members and pos <= end:
            members.append(i)
            end = max(end, pos + size)
        else:
            if members:
                runs.append((start, end, members))
            start, end, members = pos, pos + size, [i]
    if members:
        runs.append((start, end, members))
    total = sum(end - start for start, end, _ in runs) or 1
    locations = [0] * len(pieces)
    done = 0
    fd = os.open(source, os.O_RDONLY)
    try:
        for start, end, members in runs:
            try:
                at = writer.copy(fd, start, end - start)
            except SourceEnded as exc:
                raise ClipError("the source changed while it was being cut") from exc
            for i in members:
                locations[i] = at + pieces[i][0] - start
            done += end - start
            if progress:
                progress(0.9 * done / total)
    finally:
        os.close(fd)
    return locations


def append_edges(writer: Mp4Writer, made: Iterable[EncodedPacket], into: VideoSamples) -> int:
    count = 0
    for packet in made:
        into.add(packet.pts, len(packet.data), writer.write(packet.data), packet.key)
        count += 1
    return count


def decode_times(shown: list[int], reorder: int, duration: int) -> list[int]:
    """The decode time of each sample, in decode order, for frames shown at `shown` (ascending): the
    presentation times delayed by the reorder depth, so that no picture is decoded after it is shown."""
    return [shown[k - reorder] if k >= reorder else shown[0] - (reorder - k) * duration
            for k in range(len(shown))]


def video_track(index: SourceIndex, samples: VideoSamples, entry: bytes, reorder: int) -> Track:
    duration = index.frame_duration
    dts = decode_times(sorted(samples.pts), reorder, duration)
    if any(d > p for d, p in zip(dts, samples.pts, strict=True)):
        raise ClipError(f"internal error: B-frame reordering deeper than {reorder} frames")
    durations = [b - a for a, b in pairwise(dts)] + [duration]
    composition = [p - d + dts[0] for p, d in zip(samples.pts, dts, strict=True)]
    assert index.mp4 is not None
    return Track(b"vide", index.time_base.denominator, entry, durations, samples.sizes, samples.locations,
                 composition, samples.sync, index.mp4.video.display, index.mp4.video.language)


def write(output: Path, index: SourceIndex, copy: tuple[int, int], span: tuple[int, int],
          edges: tuple[Iterable[EncodedPacket], Iterable[EncodedPacket]], config: Callable[[], h264.AvcConfig],
          reorder: int, timecode: tuple[int, bool], progress: Callable[[float], None] | None,
          copy_done: threading.Event | None = None) -> int:
    """Write the clip: copied packets [copy[0], copy[1]) between the head and tail edge packets. `span` is
    the source time the clip shows, [first pts, stop pts); `timecode` the first frame's number and
    drop-frame flag; `config` gives the avcC once the edges are written; `copy_done` is set once the middle
    is copied. Returns the number of re-encoded frames."""
    layout = index.mp4
    assert layout is not None
    tb = index.time_base
    copied = index.packets[copy[0]:copy[1]]
    pieces = [(p.pos, p.size) for p in copied]
    audio = layout.audio
    a = b = 0
    origin = span[0]
    if audio is not None:
        a, b = audio_range(audio, *(round(t * tb / audio.time_base) for t in span))
        pieces += list(zip(audio.positions[a:b], audio.sizes[a:b], strict=True))
    with open(output, "wb") as out:
        writer = Mp4Writer(out)
        tmcd_at = writer.write(struct.pack(">I", timecode[0]))
        locations = copy_samples(writer, index.path, pieces, progress)
        if copy_done is not None:
            copy_done.set()
        # While the head edge is still being made: everything that does not depend on it.
        tracks = [Track(b"tmcd", tb.denominator,
                        timecode_entry(tb.denominator, index.frame_duration, round(index.rate), timecode[1]),
                        [span[1] - span[0]], [4], [tmcd_at])]
        if audio is not None:
            ts = audio.timestamps
            sizes = audio.sizes[a:b]
            durations = [t1 - t0 for t0, t1 in pairwise(ts[a:b])] + ([_duration(ts, b - 1)] if b > a else [])
            seconds = float(sum(durations) * audio.time_base)
            tracks.insert(0, Track(b"soun", audio.time_base.denominator, audio_entry(audio, 2, sizes, seconds),
                                   durations, sizes, locations[len(copied):], language=audio.language,
                                   roll_distance=-1))
        for ready in tracks:
            ready.sample_table  # noqa: B018 (made now, used by finish)
        copied_pts = [p.pts - origin for p in copied]
        copied_keys = [k for k, p in enumerate(copied) if p.key]
        video = VideoSamples()
        head, tail = edges
        encoded = append_edges(writer, head, video)
        video.extend(copied_pts, [p.size for p in copied], locations[:len(copied)], copied_keys)
        encoded += append_edges(writer, tail, video)
        entry = video_entry(layout.video.sample_entry or b"", config())
        if entry is None:
            raise ClipError("internal error: the source's video description cannot be reused")
        track = video_track(index, video, entry, reorder)
        track.references[b"tmcd"] = len(tracks) + 1
        writer.finish([track, *tracks])
    return encoded
