"""The frame limit of every job: decoding stops, with a reason, once a master gives more than it declared.

Probe refuses the lies it can see in the headers; this catches the ones only decoding shows (a container
without a sample table, a stream that repeats itself), so no job ever decodes more than
`decode_allowance(declared duration)` of pictures or sound, however the file is built.
"""

from __future__ import annotations

from newsreel.media.limits import decode_allowance
from newsreel.media.safeio import DamagedMedia


class DecodeBudget:
    def __init__(self, declared_seconds: float, frame_rate: float | None = None) -> None:
        self.declared = declared_seconds
        self.max_seconds = decode_allowance(declared_seconds)
        self.max_pictures = int(self.max_seconds * frame_rate) + 1 if frame_rate else None
        self.pictures = 0

    def picture(self, seconds: float) -> None:
        """Count one decoded picture shown at `seconds` from the start."""
        self.pictures += 1
        if self.max_pictures is not None and self.pictures > self.max_pictures:
            raise DamagedMedia(
                f"the video holds more pictures than the {self.declared:.1f} s it declares "
                f"(stopped after {self.max_pictures}); it is damaged or forged"
            )
        self._check(seconds, "video")

    def sound(self, seconds: float) -> None:
        """Check the end of the sound decoded so far, `seconds` from the start."""
        self._check(seconds, "audio")

    def _check(self, seconds: float, what: str) -> None:
        if seconds > self.max_seconds:
            raise DamagedMedia(
                f"the {what} runs past the {self.declared:.1f} s the file declares "
                f"(stopped at {self.max_seconds:.0f} s); it is damaged or forged"
            )
