"""The entry points ingest calls: one per kind of master, each writing a fixed set of file names into
`out_dir` (so a retried job overwrites its previous attempt) and returning what it wrote.

    info = probe(master)  # MediaInfo; raises UnsupportedMedia with an editor-facing reason
    files = render_master(master, out_dir, credits=PhotoCredits(...), progress=cb, threads=2)[1]
    # or, per kind: render_video / render_audio / render_photo (all keyword-only after out_dir)

Every produced file is a `RenditionFile` (role, path, container, mime_type, size_bytes, sha256, codecs,
width, height, frame_rate, duration, bitrate). Each file is written under a temporary name and renamed
into place, so readers never see half a file. Nothing is written outside `out_dir`, nothing is read but
the master, and no network or nested resource is ever opened (see safeio).

Failures raise `UnsupportedMedia` or one of its subclasses (`HostileMedia`, `DamagedMedia`,
`MediaTooLarge`), whose message is safe to show to an editor.
"""

from __future__ import annotations

import os
from pathlib import Path

from newsreel.media.audio.renditions import audio_renditions
from newsreel.media.isolated import Report
from newsreel.media.limits import DEFAULT_LIMITS, MediaLimits
from newsreel.media.photo.images import render_photo
from newsreel.media.probe import MediaInfo, PhotoCredits, probe
from newsreel.media.renditions import Progress, ProgressSpan, RenditionFile, describe
from newsreel.media.safeio import UnsupportedMedia
from newsreel.media.video.storyboard import DEFAULT_INTERVAL, poster_tap, storyboard_tap
from newsreel.media.video.transcode import BROADCAST, DEFAULT_THREADS, WEB_PREVIEW, transcode_video

__all__ = ["probe", "render_audio", "render_job", "render_master", "render_photo", "render_video"]


def render_video(
    master: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    *,
    progress: Progress | None = None,
    threads: int = DEFAULT_THREADS,
    broadcast: bool = True,
    storyboard_interval: float = DEFAULT_INTERVAL,
    poster_at: float | None = None,
    info: MediaInfo | None = None,
    limits: MediaLimits = DEFAULT_LIMITS,
) -> list[RenditionFile]:
    """Web preview, broadcast MP4, poster and thumbnails, storyboard, and MP3/WAV audio of a video master.

    Files: web.mp4, broadcast.mp4, poster.jpg, thumbnail_640.jpg, thumbnail_320.jpg, storyboard_NNN.jpg,
    storyboard.json, storyboard.vtt, audio.mp3, audio.wav (the last two only when the master has sound).
    The pictures all come from a single decode of the master.
    """
    info = info or probe(master, limits=limits)
    if info.kind != "video" or info.video is None or info.duration is None:
        raise UnsupportedMedia(f"{Path(master).name}: this is {info.kind}, not video")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    span = ProgressSpan(progress)
    storyboard = storyboard_tap(info, out, interval=storyboard_interval)
    poster = poster_tap(info, out, at=poster_at)
    targets = [(WEB_PREVIEW, out / "web.mp4")]
    if broadcast:
        targets.append((BROADCAST, out / "broadcast.mp4"))
    transcode_video(
        master,
        targets,
        taps=[storyboard, poster],
        info=info,
        progress=span.sub(0.0, 0.95),
        threads=threads,
        limits=limits,
    )
    files = [describe(path, profile.role, "mp4") for profile, path in targets]
    files += poster.files + storyboard.files
    if info.audio is not None:
        files += audio_renditions(
            master, out, info=info, waveform=False, progress=span.sub(0.95, 1.0), limits=limits
        )
    span(1.0)
    return files


def render_audio(
    master: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    *,
    progress: Progress | None = None,
    waveform: bool = True,
    info: MediaInfo | None = None,
    limits: MediaLimits = DEFAULT_LIMITS,
) -> list[RenditionFile]:
    """audio.mp3, audio.wav, the player's audio_preview.mp3, waveform.png and waveform.json (peaks) from an
    audio master."""
    info = info or probe(master, limits=limits)
    if info.kind != "audio":
        raise UnsupportedMedia(f"{Path(master).name}: this is {info.kind}, not audio")
    return audio_renditions(master, out_dir, info=info, waveform=waveform, preview=True, progress=progress,
                            limits=limits)


def render_master(
    master: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    *,
    credits: PhotoCredits | None = None,
    progress: Progress | None = None,
    threads: int = DEFAULT_THREADS,
    limits: MediaLimits = DEFAULT_LIMITS,
    info: MediaInfo | None = None,
) -> tuple[MediaInfo, list[RenditionFile]]:
    """Probe `master` (unless `info` is given) and render whatever it turns out to be."""
    info = info or probe(master, limits=limits)
    if info.kind == "video":
        return info, render_video(
            master, out_dir, progress=progress, threads=threads, info=info, limits=limits
        )
    if info.kind == "audio":
        return info, render_audio(master, out_dir, progress=progress, info=info, limits=limits)
    files = render_photo(master, out_dir, credits=credits, limits=limits)
    if progress is not None:
        progress(1.0)
    return info, files


def render_job(
    *,
    report: Report,
    master: str,
    out_dir: str,
    credits: PhotoCredits | None = None,
    threads: int = DEFAULT_THREADS,
    limits: MediaLimits = DEFAULT_LIMITS,
) -> tuple[MediaInfo, list[RenditionFile]]:
    """`render_master` as run by `isolated.run_isolated`: reports ("declared", seconds) as soon as probe knows
    the duration (the parent's time limit grows with it), then ("progress", fraction)."""
    info = probe(master, limits=limits)
    report("declared", info.duration or 0.0)
    return render_master(master, out_dir, credits=credits, threads=threads, limits=limits, info=info,
                         progress=lambda fraction: report("progress", fraction))
