"""A media item (video, photo, audio) as a NewsML-G2 newsItem: metadata, the shotlist as timed parts, a
remoteContent per file with its technical characteristics, and one per published caption file."""

from __future__ import annotations

from pathlib import Path

from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation
from lxml import etree

from newsreel.api.announce import absolute, content_renditions, decimal_rate, file_url, still_renditions, timed_shots
from newsreel.api.newsml.document import (
    bilingual,
    event_subject,
    headline_and_credit,
    host,
    iso,
    item_meta,
    languages,
    names,
    rights,
    root,
    serialise,
    sub,
    version_of,
)
from newsreel.captions.export import CONTENT_TYPES as CAPTION_TYPES
from newsreel.captions.export import published_sets
from newsreel.captions.models import CueSet
from newsreel.catalogue.models import DOWNLOAD_ROLES, Item, Kind, Rendition
from newsreel.media.probe import probe
from newsreel.media.safeio import UnsupportedMedia

ITEM_CLASS = {Kind.VIDEO: "ninat:video", Kind.PHOTO: "ninat:picture", Kind.AUDIO: "ninat:audio"}


def item_guid(item: Item) -> str:
    return f"tag:{host()},{item.created_at.year}:newsreel:item:{item.reference}"


def item_newsml(*, item: Item, request: HttpRequest | None = None) -> bytes:
    """The item as a NewsML-G2 newsItem (UTF-8 bytes). The caller decides who may have it: the views and the
    API give only visible items (a withdrawn one says so, with pubStatus canceled and no content)."""
    captions = published_sets(item)
    # A caption set published or edited is a change of the item's content: the version grows with it too.
    version = max([version_of(item), *(version_of(cue_set) for cue_set in captions)])
    doc = root(guid=item_guid(item), version=version)
    rights(doc, copyright_line=item.copyright, terms_of=item)
    item_meta(doc, item, item_class=ITEM_CLASS[Kind(item.kind)], page_name="catalogue:item",
              page_args=[item.reference])
    _content_meta(doc, item)
    if item.is_withdrawn:
        return serialise(doc)
    renditions = content_renditions(item)
    reference = _role_code(renditions[0]) if renditions else ""
    for seq, shot in enumerate(timed_shots(item), start=1):
        part = sub(doc, "partMeta", partid=f"shot{seq}", seq=seq)
        drop_frame = ";" in shot.tc_in or ";" in shot.tc_out
        sub(part, "timeDelim", start=shot.tc_in, end=shot.tc_out,
            timeunit="timeunit:timeCodeDropFrame" if drop_frame else "timeunit:timeCode", renditionref=reference)
        bilingual(part, "description", shot.line, "description")
    content_set = sub(doc, "contentSet")
    for rendition in renditions:
        _remote_content(content_set, rendition)
    # Caption files follow the metadata sidecar's rule (whoever may download one of the item's files): they are
    # announced with the item's downloads.
    if any(r.role in DOWNLOAD_ROLES for r in renditions):
        for cue_set in captions:
            _caption_content(content_set, cue_set)
    return serialise(doc)


def _content_meta(doc: etree._Element, item: Item) -> None:
    meta = sub(doc, "contentMeta")
    for still in still_renditions(item)[:1]:
        sub(meta, "icon", href=file_url(still, "en"), contenttype=still.mime_type, width=still.width,
            height=still.height, rendition=_role_code(still))
    if item.shot_on:
        sub(meta, "contentCreated", item.shot_on.isoformat())
    sub(meta, "contentModified", iso(item.updated_at))
    if item.location_en or item.location_fr:
        located = sub(meta, "located", literal=item.location_en or item.location_fr)
        bilingual(located, "name", item, "location")
    languages(meta, item)
    event_subject(meta, item.event)
    for tag in item.tags.all():
        subject = sub(meta, "subject", type="cpnat:abstract", qcode=f"nrtag:{tag.slug}")
        names(subject, tag)
    for person in item.people.all():
        subject = sub(meta, "subject", type="cpnat:person", qcode=f"nrperson:{person.slug}")
        names(subject, person)
    headline_and_credit(meta, item, item.credit)
    bilingual(meta, "description", item, "description", role="drol:caption")


def _role_code(rendition: Rendition) -> str:
    return f"nrrole:{rendition.role}"


def _remote_content(parent: etree._Element, rendition: Rendition) -> None:
    attrs: dict[str, object] = {
        "href": file_url(rendition, "en"), "rendition": _role_code(rendition),
        "contenttype": rendition.mime_type, "size": rendition.size or None,
        "width": rendition.width, "height": rendition.height,
    }
    if rendition.duration:
        attrs["duration"] = f"{rendition.duration:.3f}".rstrip("0").rstrip(".")
        attrs["durationunit"] = "timeunit:seconds"
    attrs.update(_streams(rendition))
    sub(parent, "remoteContent", **attrs)


def _caption_content(parent: etree._Element, cue_set: CueSet) -> None:
    """The set's SubRip and WebVTT downloads, times from the media's first frame (`?in=&out=` cuts them)."""
    for kind in ("vtt", "srt"):
        with translation.override("en"):  # as the files' addresses (file_url)
            href = absolute(reverse(f"downloads:captions_{kind}", args=[cue_set.item.reference, cue_set.language]))
        sub(parent, "remoteContent", href=href, rendition=f"nrrole:captions_{kind}",
            contenttype=CAPTION_TYPES[kind].split(";")[0], language=cue_set.language)


def _streams(rendition: Rendition) -> dict[str, object]:
    """Codecs, bit rates, frame and sample rates of the file's streams, read from its headers (the rendition
    row keeps the overall bit rate only). A file that cannot be read keeps what the row says."""
    if not rendition.video_codec and not rendition.audio_codec:
        return {}
    found: dict[str, object] = {
        "videocodec": _codec(rendition.video_codec), "audiocodec": _codec(rendition.audio_codec),
        "videoframerate": decimal_rate(rendition.rate) if rendition.video_codec else None,
    }
    try:
        info = probe(Path(rendition.file.path))
    except (UnsupportedMedia, OSError, ValueError):
        if not rendition.video_codec:
            found["audiobitrate"] = rendition.bitrate
        return found
    if info.video is not None:
        found.update(videocodec=_codec(info.video.codec), videoavgbitrate=info.video.bitrate,
                     videoframerate=decimal_rate(info.video.frame_rate))
    if info.audio is not None:
        found.update(audiocodec=_codec(info.audio.codec), audiobitrate=info.audio.bitrate,
                     audiosamplerate=info.audio.sample_rate)
    return found


def _codec(name: str | None) -> str | None:
    return f"nrcodec:{name.lower()}" if name else None
