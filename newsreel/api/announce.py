"""What the machine interfaces (feeds, NewsML-G2) say about an item's files, to anyone who asks.

Feeds and NewsML documents are the same for every reader, so they announce what an anonymous reader of the
item's page sees: previews that anyone may see (downloads/access.py decides, as for the pages), and downloads
that are not restricted to staff, each at the portal's own access-checked URL (the download view asks for an
account, terms and logs the download; the preview view checks the item is visible). Never a storage path.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import translation

from newsreel.catalogue.models import DOWNLOAD_ROLES, Access, Item, Rendition, Role, ShotlistLine
from newsreel.downloads.access import may_preview
from newsreel.media.timecode import TimecodeError, frames_to_seconds, timecode_to_frames

# The files that are the media itself (not stills, storyboards or waveforms), best first: the first one present
# is the default version.
CONTENT_ROLES = (Role.BROADCAST, Role.MASTER, Role.PROXY, Role.WEB, Role.PHOTO_LARGE, Role.PHOTO_MEDIUM,
                 Role.AUDIO_WAV, Role.AUDIO_MP3, Role.AUDIO_PREVIEW)
STILL_ROLES = (Role.THUMBNAIL, Role.PHOTO_THUMB, Role.THUMBNAIL_LARGE, Role.POSTER)


def absolute(url: str) -> str:
    """A URL for a reader outside the portal: the site's address before a path (the media origin's already
    has one)."""
    return url if url.startswith(("https://", "http://")) else settings.SITE_URL + url


def is_announced(rendition: Rendition) -> bool:
    """Whether a public document may name this file: as the item page shows it to an anonymous reader."""
    if rendition.role in DOWNLOAD_ROLES:
        return rendition.item.is_visible() and rendition.effective_access != Access.RESTRICTED
    return may_preview(AnonymousUser(), rendition)


def file_url(rendition: Rendition, lang: str | None = None) -> str:
    """The access-checked address of a file: the download view for downloads, the preview view for previews."""
    if rendition.role in DOWNLOAD_ROLES:
        with translation.override(lang or translation.get_language()):
            return absolute(reverse("downloads:file", args=[rendition.pk]))
    return absolute(rendition.preview_url())


def content_renditions(item: Item) -> list[Rendition]:
    """The item's media files that may be announced, best first."""
    found = [r for r in item.renditions.all() if r.role in CONTENT_ROLES and is_announced(r)]
    return sorted(found, key=lambda r: CONTENT_ROLES.index(Role(r.role)))


def still_renditions(item: Item) -> list[Rendition]:
    """The item's stills (thumbnails, poster) that may be announced, smallest first."""
    found = [r for r in item.renditions.all() if r.role in STILL_ROLES and is_announced(r)]
    return sorted(found, key=lambda r: STILL_ROLES.index(Role(r.role)))


def medium_of(rendition: Rendition) -> str:
    """video, audio or image, from the file's media type (a video item's WAV is audio)."""
    kind = (rendition.mime_type or "").split("/", 1)[0]
    return {"video": "video", "audio": "audio", "image": "image"}.get(kind, "document")


def decimal_rate(rate: Fraction | None) -> str:
    """A frame rate as a decimal number (25, 29.97), as NewsML-G2 and Media RSS write it."""
    if rate is None:
        return ""
    value = Decimal(rate.numerator) / Decimal(rate.denominator)
    return format(value.quantize(Decimal("0.001")).normalize(), "f")


@dataclass(frozen=True)
class TimedShot:
    """A shotlist line with its place in the media: seconds from the first frame, and the house timecodes."""

    start: Fraction
    end: Fraction
    tc_in: str
    tc_out: str
    line: ShotlistLine


def timed_shots(item: Item) -> list[TimedShot]:
    """The shotlist in seconds from the start of the file (the item's start timecode is frame 0). Lines whose
    timecodes do not parse at the item's rate are left out rather than placed wrongly."""
    rate = item.rate
    if rate is None:
        return []
    try:
        origin = timecode_to_frames(item.start_timecode, rate) if item.start_timecode else 0
    except TimecodeError:
        origin = 0
    shots = []
    for line in item.shots.all():
        try:
            first, last = timecode_to_frames(line.tc_in, rate), timecode_to_frames(line.tc_out, rate)
        except TimecodeError:
            continue
        shots.append(TimedShot(frames_to_seconds(max(0, first - origin), rate),
                               frames_to_seconds(max(0, last - origin), rate), line.tc_in, line.tc_out, line))
    return shots


def npt(seconds: Fraction) -> str:
    """Normal play time (RFC 2326) to the millisecond: 00:01:02.040."""
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"
