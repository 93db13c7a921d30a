"""Helpers for handing one decoded frame to several consumers."""

from __future__ import annotations

import av


def audio_copies(frame: av.AudioFrame, n: int) -> list[av.AudioFrame]:
    """`n` frames with the same samples and timing. Encoders take ownership of the frame they are given
    (the buffer moves into their resampler), so each consumer needs its own."""
    if n <= 1:
        return [frame] * n
    data = frame.to_ndarray()
    copies = []
    for _ in range(n - 1):
        copy = av.AudioFrame.from_ndarray(data.copy(), format=frame.format.name, layout=frame.layout.name)
        copy.sample_rate, copy.pts, copy.time_base = frame.sample_rate, frame.pts, frame.time_base
        copies.append(copy)
    return [*copies, frame]
