"""Names of FFmpeg's field orders (AVFieldOrder), which PyAV reports as bare integers."""

from __future__ import annotations

import av

_NAMES = {1: "progressive", 2: "tt", 3: "bb", 4: "tb", 5: "bt"}


def field_order_name(cc: av.video.codeccontext.VideoCodecContext) -> str | None:
    """progressive, tt, bb, tb or bt; None when the stream does not say."""
    try:
        code = int(cc.field_order or 0)
    except (AttributeError, ValueError):  # PyAV raises for values outside its enum (unknown field order)
        return None
    return _NAMES.get(code)
