"""The embeddable player of an item: its address, its frame's size and the HTML that frames it (docs/embeds.md).

One place for what the item page's "Embed" control shows and what the oEmbed endpoint answers, so the code a
reader copies from the page and the one a CMS fetches are the same. Who may see an embed's media is decided by
the access rules (downloads.access.embeddable_preview), not here.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString

from newsreel.catalogue.models import Item, Kind, Rendition, Role
from newsreel.publishing import localized

EMBED_KINDS = (Kind.VIDEO, Kind.AUDIO)
DEFAULT_WIDTH = 640
# The embed page's lines around the picture (title above; timecode, buttons and links below), in CSS pixels:
# a frame this much taller than the video's own shape shows the video whole, with no letterbox.
CHROME_HEIGHT = 96
AUDIO_HEIGHT = 200  # room for the link field the copy button shows
DEFAULT_SHAPE = (16, 9)


def player_rendition(item: Item) -> Rendition | None:
    """The preview the player plays: the web video, or the audio preview."""
    return item.rendition(Role.WEB if item.kind == Kind.VIDEO else Role.AUDIO_PREVIEW)


def embed_path(item: Item, lang: str, t: str | None = None) -> str:
    with translation.override(lang):
        path = reverse("catalogue:embed", args=[item.reference])
    return f"{path}?{urlencode({'t': t}, safe=':;.')}" if t else path


def embed_url(item: Item, lang: str, t: str | None = None) -> str:
    return settings.SITE_URL + embed_path(item, lang, t)


def frame_size(kind: str, shape: tuple[int, int] | None, *, max_width: int | None = None,
               max_height: int | None = None) -> tuple[int, int]:
    """Width and height of the frame: 640 wide by default, within the limits given, the video at its shape."""
    width = min(DEFAULT_WIDTH, max_width) if max_width else DEFAULT_WIDTH
    if kind == Kind.AUDIO:
        return width, min(AUDIO_HEIGHT, max_height) if max_height else AUDIO_HEIGHT
    shape_w, shape_h = shape if shape and shape[0] > 0 and shape[1] > 0 else DEFAULT_SHAPE
    height = round(width * shape_h / shape_w) + CHROME_HEIGHT
    if max_height and height > max_height:
        # Narrower, so the video keeps its shape in the height allowed.
        height = max_height
        width = min(width, max(1, round(max(0, max_height - CHROME_HEIGHT) * shape_w / shape_h)))
    return width, height


def iframe_html(item: Item, *, lang: str, width: int, height: int, t: str | None = None) -> SafeString:
    """What a site pastes: the frame, sized, titled (its accessible name), allowed to go full screen and to copy
    a timecode link (the clipboard needs the embedding page's permission inside a frame)."""
    title = localized(item, "title", lang).text
    return format_html(
        '<iframe src="{}" width="{}" height="{}" title="{}" allow="fullscreen; clipboard-write" allowfullscreen '
        'loading="lazy" style="border:0"></iframe>',
        embed_url(item, lang, t), width, height, title or item.reference,
    )
