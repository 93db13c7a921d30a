"""One clip, video or audio, as a job for `isolated.run_isolated`: the portal cuts clips in a child process.

A web process that decoded and encoded pictures would keep their memory (and PyAV's threads) for as long as
it lives, under gunicorn's threads; a child gives all of it back when it exits. The caller is the portal
(downloads.clips.render_clip), in a web request or in the clips worker alike.

    result, child = run_isolated("newsreel.media.clip.job:clip_job", {...}, time_limit=...)

A refusal of the engine (`ClipError`, a message for the user) is part of the result, not an exception: the
child's channel carries only media refusals and crashes as exceptions.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from newsreel.media.audio.cut import cut_audio
from newsreel.media.clip.index import ClipError
from newsreel.media.clip.video import CaptionTrack, cut
from newsreel.media.isolated import Report
from newsreel.media.memory import return_large_buffers


@dataclass(frozen=True)
class ClipJobResult:
    first_frame: int = 0  # the frames the clip holds, [first_frame, stop_frame)
    stop_frame: int = 0
    error: str = ""  # the engine's refusal; the frames are then meaningless


def clip_job(*, report: Report, source: str, target: str, start: int, end: int, mode: str,
             audio_rate: Fraction | None = None, captions: list[dict[str, Any]] | None = None) -> ClipJobResult:
    """Cut frames [start, end) of `source` into `target`; with `audio_rate`, an audio file at that video rate.

    `captions`: [{"language": "en", "cues": [[first, stop, text], ...]}, ...], cues in frames from `start`."""
    return_large_buffers()  # this runs as the whole of a child process, which is the job's (see memory)

    def progress(fraction: float) -> None:
        report("progress", fraction)

    try:
        if audio_rate is not None:
            cut_audio(Path(source), Path(target), start=start / audio_rate, end=end / audio_rate,
                      progress=progress)
            return ClipJobResult(start, end)
        tracks = [CaptionTrack(t["language"], tuple((int(a), int(b), str(c)) for a, b, c in t["cues"]))
                  for t in captions or ()]
        clip = cut(Path(source), Path(target), start=start, end=end, mode=mode,  # type: ignore[arg-type]
                   progress=progress, captions=tracks)
        return ClipJobResult(clip.first_frame, clip.last_frame + 1)
    except ClipError as exc:
        return ClipJobResult(error=str(exc))
