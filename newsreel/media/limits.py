"""Limits applied to untrusted masters, so that a hostile or mistaken upload is refused before it costs much.

The defaults suit a press office (4K video, hour-long recordings, 100-megapixel photos). Pass a different
`MediaLimits` to `probe` and the `render_*` functions to change them for one call.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_DURATION_SECONDS = 6 * 3600
MAX_VIDEO_WIDTH = 8192
MAX_VIDEO_HEIGHT = 4320
MAX_FRAME_RATE = 240
MAX_AUDIO_CHANNELS = 64
MAX_SAMPLE_RATE = 384_000
MAX_IMAGE_WIDTH = 30_000
MAX_IMAGE_HEIGHT = 30_000
MAX_IMAGE_PIXELS = 120_000_000  # a 100 MP medium-format frame fits, a decompression bomb does not


# How far decoding may run past the duration a master declares (rounding, priming, a last long frame) before
# the file is taken for a liar: probe refuses sample tables beyond it, and every job stops there.
OVERRUN_RATIO = 1.10
OVERRUN_SECONDS = 2.0


def decode_allowance(declared_seconds: float) -> float:
    """Seconds of media a job may decode from a master that declares `declared_seconds`."""
    return declared_seconds * OVERRUN_RATIO + OVERRUN_SECONDS


@dataclass(frozen=True)
class MediaLimits:
    max_duration: float = MAX_DURATION_SECONDS
    max_video_width: int = MAX_VIDEO_WIDTH
    max_video_height: int = MAX_VIDEO_HEIGHT
    max_frame_rate: float = MAX_FRAME_RATE
    max_audio_channels: int = MAX_AUDIO_CHANNELS
    max_sample_rate: int = MAX_SAMPLE_RATE
    max_image_width: int = MAX_IMAGE_WIDTH
    max_image_height: int = MAX_IMAGE_HEIGHT
    max_image_pixels: int = MAX_IMAGE_PIXELS


DEFAULT_LIMITS = MediaLimits()
