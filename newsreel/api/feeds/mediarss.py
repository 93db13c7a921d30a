"""Media RSS (http://search.yahoo.com/mrss/, spec 1.5.1) for an item: what each feed entry says about its files.

Built as plain data here and written by the feed generators (generators.py), so RSS and Atom carry the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from newsreel.api.announce import (
    content_renditions,
    decimal_rate,
    file_url,
    medium_of,
    npt,
    still_renditions,
    timed_shots,
)
from newsreel.catalogue.models import Item, Rendition
from newsreel.publishing import localized

MRSS_NS = "http://search.yahoo.com/mrss/"


@dataclass(frozen=True)
class MediaElement:
    """One element of the media namespace: name without prefix, attributes, text."""

    name: str
    attrs: dict[str, str]
    text: str | None = None


@dataclass
class MediaEntry:
    contents: list[MediaElement] = field(default_factory=list)  # inside <media:group>: versions of one media
    elements: list[MediaElement] = field(default_factory=list)  # shared by all the versions


def _content(rendition: Rendition, lang: str, *, default: bool) -> MediaElement:
    attrs = {"url": file_url(rendition, lang), "type": rendition.mime_type or "application/octet-stream",
             "medium": medium_of(rendition), "expression": "full"}
    if rendition.size:
        attrs["fileSize"] = str(rendition.size)
    if rendition.duration:
        # Whole seconds, as the spec's examples and most readers take it; NewsML-G2 carries the exact value.
        attrs["duration"] = str(max(1, round(rendition.duration)))
    if rendition.width and rendition.height:
        attrs["width"], attrs["height"] = str(rendition.width), str(rendition.height)
    if rendition.bitrate:
        attrs["bitrate"] = str(round(rendition.bitrate / 1000))  # kilobits per second
    if rendition.rate and medium_of(rendition) == "video":
        attrs["framerate"] = decimal_rate(rendition.rate)
    if default:
        attrs["isDefault"] = "true"
    return MediaElement("content", attrs)


def _stills(item: Item) -> list[MediaElement]:
    out = []
    for still in still_renditions(item):
        attrs = {"url": file_url(still)}
        if still.width and still.height:
            attrs["width"], attrs["height"] = str(still.width), str(still.height)
        out.append(MediaElement("thumbnail", attrs))
    return out


def _texts(item: Item, lang: str) -> list[MediaElement]:
    """The shotlist as timed text: start and end in normal play time from the file's first frame, and the
    house timecodes in the text, as journalists quote them."""
    out = []
    for shot in timed_shots(item):
        text = localized(shot.line, "description", lang)
        out.append(MediaElement("text", {"type": "plain", "lang": text.lang, "start": npt(shot.start),
                                         "end": npt(shot.end)}, f"{shot.tc_in}–{shot.tc_out} {text}".strip()))
    return out


def media_entry(item: Item, lang: str) -> MediaEntry:
    contents = [_content(r, lang, default=index == 0) for index, r in enumerate(content_renditions(item))]
    elements = [MediaElement("title", {"type": "plain"}, str(localized(item, "title", lang)))]
    description = localized(item, "description", lang) or localized(item, "summary", lang)
    if description:
        elements.append(MediaElement("description", {"type": "plain"}, str(description)))
    keywords = [str(tag.name) for tag in item.tags.all()]
    if keywords:
        elements.append(MediaElement("keywords", {}, ", ".join(keywords)))
    elements += _stills(item)
    if item.credit:
        elements.append(MediaElement("credit", {}, item.credit))
    if item.copyright:
        elements.append(MediaElement("copyright", {}, item.copyright))
    elements += _texts(item, lang)
    return MediaEntry(contents, elements)
