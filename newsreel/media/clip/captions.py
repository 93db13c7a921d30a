"""Captions carried inside a clip as MP4/MOV timed text (`mov_text`, the 3GPP `tx3g` sample format).

The engine knows nothing of cue sets: the portal hands it each language's cues already cut to the clip
(`CaptionTrack`, frames counted from the clip's first frame, as captions.timing.cut gives them), and this module
turns them into one subtitle stream per language for FFmpeg's muxer, times in frames of the clip's rate, so a
cue starts on the clip's frame it was cut to.

A track's samples follow one another: overlapping cues (two speakers at once, which cue sets keep) become one
sample per stretch with the texts of all cues showing, one per line. FFmpeg's muxer fills the gaps between
samples with empty ones, as players expect.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import pairwise

import av
import pycountry

# The mov_text encoder builds the track's sample description (font, size, colours) from an ASS header; it will
# not open without one. White 18-point sans serif at the bottom centre: what players show by default anyway.
_ASS_HEADER = (
    b"[Script Info]\nScriptType: v4.00+\nPlayResX: 384\nPlayResY: 288\n\n"
    b"[V4+ Styles]\nFormat: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, "
    b"Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, "
    b"Alignment, MarginL, MarginR, MarginV, Encoding\n"
    b"Style: Default,Sans,18,&Hffffff,&Hffffff,&H0,&H0,0,0,0,0,100,100,0,0,1,1,0,2,10,10,10,0\n\n"
    b"[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n"
)
_MAX_SAMPLE_TEXT = 0xFFFF  # a tx3g sample's text length is 16 bits


@dataclass(frozen=True)
class CaptionTrack:
    language: str  # the cue set's code ("en", "fr"); the muxer stores it as ISO 639-2 ("eng", "fre")
    cues: tuple[tuple[int, int, str], ...]  # (first frame, frame after the last, text), from the clip's frame 0


def samples(cues: Sequence[tuple[int, int, str]], shift: int, stop: int) -> list[tuple[int, int, str]]:
    """The cues as samples that follow one another: moved by `shift` frames, kept inside [0, stop), and where
    cues overlap, one sample per stretch holding the texts of all those showing, in order of start.

    One sweep over the cue edges, holding only the cues showing (a few at most), so a long clip's thousands of
    cues cost no more than sorting them."""
    placed = sorted((max(0, s + shift), min(stop, e + shift), t) for s, e, t in cues)
    placed = [cue for cue in placed if cue[0] < cue[1]]
    edges = sorted({edge for s, e, _t in placed for edge in (s, e)})
    out: list[tuple[int, int, str]] = []
    showing: list[tuple[int, int, str]] = []
    upcoming = 0
    for first, after in pairwise(edges):
        showing = [cue for cue in showing if cue[1] > first]
        while upcoming < len(placed) and placed[upcoming][0] == first:
            showing.append(placed[upcoming])
            upcoming += 1
        if not showing:
            continue
        text = "\n".join(t for _s, _e, t in showing)
        if out and out[-1][1] == first and out[-1][2] == text:  # the same text on: one sample, not two
            out[-1] = (out[-1][0], after, text)
        else:
            out.append((first, after, text))
    return out


def iso639_2(code: str) -> str:
    """The three-letter code an MP4 track is labelled with ("en" → "eng"; "und" for a code ISO 639 lacks)."""
    base = code.split("-")[0].split("_")[0].lower()
    found = pycountry.languages.get(**{"alpha_2" if len(base) == 2 else "alpha_3": base})
    return found.alpha_3 if found is not None else "und"


def add_streams(out: av.container.OutputContainer, tracks: Sequence[CaptionTrack],
                rate: Fraction) -> list[av.subtitles.stream.SubtitleStream]:
    streams = []
    for track in tracks:
        stream = out.add_stream("mov_text")
        stream.codec_context.subtitle_header = _ASS_HEADER
        stream.time_base = 1 / rate
        stream.metadata["language"] = iso639_2(track.language)
        streams.append(stream)
    return streams


def packets(streams: Sequence[av.subtitles.stream.SubtitleStream], tracks: Sequence[CaptionTrack],
            rate: Fraction, *, shift: int, stop: int) -> Iterator[tuple[float, av.Packet]]:
    """Every track's samples as packets in time order, each with its time in seconds (for interleaving)."""
    time_base = 1 / rate
    made = []
    for number, (stream, track) in enumerate(zip(streams, tracks, strict=True)):
        for first, after, text in samples(track.cues, shift, stop):
            made.append((first, number, after, text, stream))
    for first, _number, after, text, stream in sorted(made, key=lambda m: (m[0], m[1])):
        data = text.encode()[:_MAX_SAMPLE_TEXT].decode(errors="ignore").encode()
        packet = av.Packet(len(data).to_bytes(2, "big") + data)
        packet.pts = packet.dts = first
        packet.duration = after - first
        packet.time_base = time_base
        packet.stream = stream
        yield float(first * time_base), packet
