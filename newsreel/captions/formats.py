"""Reading and writing timed text: SubRip (.srt), WebVTT (.vtt) and EBU-TT-D / TTML (.ttml, .xml, .dfxp).

pycaption (PBS's caption converter) parses and writes the three. Around it, this module adds what a portal
that takes files from anyone needs: a size and cue-count limit, a strict look at the bytes (UTF-8, or UTF-16
with its byte-order mark; anything else is refused, not guessed), a check of every timing line that names the
line that is wrong, no DTD or entity in TTML (it never needs one: refusing them closes entity expansion and
external entities whatever the XML parser does), and end-after-start.

Times are exact fractions of a second here; models.py turns them into frames at the item's rate.
Cue text is plain text: markup in a file (`<b>`, `<c.yellow>`) is dropped by the reader, and what looks like
markup but is text (`<script>`) stays text, written escaped in WebVTT and TTML.
"""

from __future__ import annotations

import codecs
import re
import warnings
from dataclasses import dataclass
from fractions import Fraction

import pycaption
from bs4 import XMLParsedAsHTMLWarning
from django.utils.translation import gettext as _

MICROSECONDS = 1_000_000
# No cue may start or end past this: a day of media, and far inside what a frame count column holds at any rate.
MAX_SECONDS = 24 * 3600

# WebVTT and SubRip timing lines. The hours are optional in WebVTT (mm:ss.ttt).
_SRT_TIME = r"\d{1,3}:[0-5]\d:[0-5]\d[,.]\d{1,3}"
_VTT_TIME = r"(?:\d{1,3}:)?[0-5]\d:[0-5]\d\.\d{3}"
_SRT_TIMING = re.compile(rf"^\s*({_SRT_TIME})\s*-->\s*({_SRT_TIME})(\s+.*)?$", re.ASCII)
_VTT_TIMING = re.compile(rf"^\s*({_VTT_TIME})\s+-->\s+({_VTT_TIME})(\s+.*)?$", re.ASCII)
_XML_DECLARATIONS = re.compile(r"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


class CaptionFileError(ValueError):
    """A caption file we refuse, with a message for the editor (naming the line where there is one)."""


@dataclass(frozen=True)
class TimedText:
    start: Fraction  # seconds from the media's first frame
    end: Fraction
    text: str


FORMATS = {"srt": "SubRip", "vtt": "WebVTT", "ttml": "TTML / EBU-TT-D"}
_SUFFIXES = {".srt": "srt", ".vtt": "vtt", ".ttml": "ttml", ".xml": "ttml", ".dfxp": "ttml"}


def format_of(name: str, text: str) -> str:
    """The format a file is in: from its content where it says (WEBVTT, <tt), else from its name."""
    head = text.lstrip()[:200]
    if head.startswith("WEBVTT"):
        return "vtt"
    if head.startswith("<"):
        return "ttml"
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return _SUFFIXES.get(suffix, "srt")


def decode(data: bytes) -> str:
    """The file's text: UTF-8 (with or without a byte-order mark) or UTF-16 with one; nothing is guessed."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise CaptionFileError(_("The file says it is UTF-16 but is not valid UTF-16.")) from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CaptionFileError(_("Line %(line)d is not UTF-8 text. Save the file as UTF-8 and upload it again.")
                               % {"line": line}) from exc
    if "\x00" in text:
        raise CaptionFileError(_("The file contains NUL characters: it is not a text file."))
    return text


def parse(data: bytes, *, name: str = "", max_bytes: int, max_cues: int) -> tuple[str, list[TimedText]]:
    """The format and the cues of a caption file, in order of their start (then end); or CaptionFileError."""
    if len(data) > max_bytes:
        raise CaptionFileError(_("The file is larger than %(n)d KB; caption files are much smaller.")
                               % {"n": max_bytes // 1024})
    text = decode(data).replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise CaptionFileError(_("The file is empty."))
    kind = format_of(name, text)
    if kind == "ttml":
        cues = _read_ttml(text)
    else:
        _check_timing_lines(text, kind)
        cues = _read(pycaption.WebVTTReader() if kind == "vtt" else pycaption.SRTReader(), text)
    if len(cues) > max_cues:
        raise CaptionFileError(_("The file has %(found)d cues; at most %(n)d are accepted.")
                               % {"found": len(cues), "n": max_cues})
    # Overlapping cues are kept: two people speaking at once is a real thing, and WebVTT and TTML allow it.
    # They are put in order of time, as every writer needs.
    return kind, sorted(cues, key=lambda cue: (cue.start, cue.end))


def _check_timing_lines(text: str, kind: str) -> None:
    """Every line with an arrow is a well-formed timing line, and its end is after its start."""
    pattern = _VTT_TIMING if kind == "vtt" else _SRT_TIMING
    found = False
    for number, line in enumerate(text.split("\n"), start=1):
        if "-->" not in line:
            continue
        match = pattern.match(line)
        if match is None:
            raise CaptionFileError(_("Line %(line)d is not a timing line (%(example)s): “%(text)s”.") % {
                "line": number, "text": line.strip()[:80],
                "example": "00:00:01.000 --> 00:00:02.500" if kind == "vtt" else "00:00:01,000 --> 00:00:02,500"})
        if _seconds(match[2]) > MAX_SECONDS:
            raise CaptionFileError(_("Line %(line)d: a time past 24 hours.") % {"line": number})
        if _seconds(match[2]) <= _seconds(match[1]):
            raise CaptionFileError(_("Line %(line)d: the cue ends before it starts (or when it starts).")
                                   % {"line": number})
        found = True
    if not found:
        raise CaptionFileError(_("No cue found: a %(format)s file has lines such as %(example)s.") % {
            "format": FORMATS[kind],
            "example": "00:00:01.000 --> 00:00:02.500" if kind == "vtt" else "00:00:01,000 --> 00:00:02,500"})


def _seconds(stamp: str) -> Fraction:
    clock, _sep, fraction = stamp.replace(",", ".").partition(".")
    parts = [int(part) for part in clock.split(":")]
    whole = sum(value * 60**power for power, value in enumerate(reversed(parts)))
    return whole + Fraction(int(fraction), 10 ** len(fraction))


def _read_ttml(text: str) -> list[TimedText]:
    if _XML_DECLARATIONS.search(text):
        raise CaptionFileError(_("TTML files must not declare a DTD or entities; remove the <!DOCTYPE> or "
                                 "<!ENTITY> lines."))
    if not re.search(r"<tt[\s>]", text):
        raise CaptionFileError(_("This is not a TTML file: it has no <tt> element."))
    return _read(pycaption.DFXPReader(), text)


def _read(reader: pycaption.base.BaseReader, text: str) -> list[TimedText]:
    try:
        with warnings.catch_warnings():
            # pycaption reads TTML with BeautifulSoup's HTML parser, which resolves no entity: what we want.
            warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
            warnings.simplefilter("ignore", DeprecationWarning)  # pycaption's calls into BeautifulSoup
            captions = reader.read(text)
    except pycaption.exceptions.CaptionReadError as exc:
        raise CaptionFileError(_("The file cannot be read: %(reason)s") % {"reason": _reason(exc)}) from exc
    except (ValueError, IndexError, KeyError, AttributeError, TypeError) as exc:
        # pycaption's readers raise these on some broken files (a cue without a time, an odd attribute).
        raise CaptionFileError(_("The file cannot be read: it is not well-formed.")) from exc
    cues: list[TimedText] = []
    for language in captions.get_languages():
        for caption in captions.get_captions(language):
            body = caption.get_text().strip()
            start, end = Fraction(caption.start, MICROSECONDS), Fraction(caption.end, MICROSECONDS)
            if end <= start:
                raise CaptionFileError(_("The cue at %(time)s ends before it starts.") % {"time": clock(start)})
            if end > MAX_SECONDS:
                raise CaptionFileError(_("The cue at %(time)s ends past 24 hours.") % {"time": clock(start)})
            if body:
                cues.append(TimedText(start, end, body))
        break  # a file carries one language here: the cue set's
    if not cues:
        raise CaptionFileError(_("The file has no cue with text."))
    return cues


def _reason(exc: Exception) -> str:
    text = str(exc.args[0]) if exc.args else type(exc).__name__
    return text[:200]


def clock(seconds: Fraction, separator: str = ".") -> str:
    """HH:MM:SS.mmm, rounded to the millisecond (the unit of SubRip and WebVTT)."""
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{millis:03d}"


def _caption_set(cues: list[TimedText], language: str) -> pycaption.CaptionSet:
    captions = pycaption.CaptionList()
    for cue in cues:
        nodes = []
        for number, line in enumerate(cue.text.split("\n")):
            if number:
                nodes.append(pycaption.CaptionNode.create_break())
            nodes.append(pycaption.CaptionNode.create_text(line))
        # Microseconds of the exact time, so that a millisecond format rounds it to the nearest millisecond.
        captions.append(pycaption.Caption(round(cue.start * MICROSECONDS), round(cue.end * MICROSECONDS), nodes))
    return pycaption.CaptionSet({language: captions})


_WRITERS = {"srt": pycaption.SRTWriter, "vtt": pycaption.WebVTTWriter, "ttml": pycaption.DFXPWriter}


def write(kind: str, cues: list[TimedText], *, language: str) -> str:
    """The cues as a file of the given format ("srt", "vtt", "ttml").

    WebVTT and TTML escape the text as their specs say (`&lt;script&gt;` is text, not markup). SubRip is plain
    text with no escape: the text goes as it is, and the portal sends it as a download, never as a page.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # pycaption's calls into BeautifulSoup
        return str(_WRITERS[kind]().write(_caption_set(cues, language)))
