"""Reading and writing SubRip, WebVTT and TTML, and refusing hostile files with a clear message."""

from __future__ import annotations

import codecs
from fractions import Fraction

import pytest

from newsreel.captions.formats import CaptionFileError, TimedText, parse, write

LIMITS = {"max_bytes": 200_000, "max_cues": 100}
NTSC = Fraction(30000, 1001)

CUES = [
    TimedText(Fraction(1), Fraction(5, 2), "Good morning, Brussels."),
    TimedText(Fraction(3), Fraction(4), "Two lines:\nthe second one"),
    TimedText(Fraction(123, 1000), Fraction(1), "Bonjour à tous « ici »"),
]


def _read(data: bytes | str, name: str = "") -> tuple[str, list[TimedText]]:
    return parse(data.encode() if isinstance(data, str) else data, name=name, **LIMITS)


@pytest.mark.parametrize("kind", ["srt", "vtt", "ttml"])
def test_round_trip(kind: str) -> None:
    written = write(kind, CUES, language="fr")
    found_kind, cues = _read(written, f"captions.{kind}")
    assert found_kind == kind
    assert cues == sorted(CUES, key=lambda cue: cue.start)


@pytest.mark.parametrize("kind", ["srt", "vtt", "ttml"])
def test_frame_times_survive_a_millisecond_format_at_29_97(kind: str) -> None:
    """Frame n of 30000/1001 written to the millisecond reads back as frame n."""
    frames = [(0, 1), (29, 30), (1799, 1802), (17982, 17983), (107892, 107950)]
    cues = [TimedText(Fraction(a) / NTSC, Fraction(b) / NTSC, f"cue {a}") for a, b in frames]
    _kind, back = _read(write(kind, cues, language="en"), f"x.{kind}")
    assert [(round(cue.start * NTSC), round(cue.end * NTSC)) for cue in back] == frames


@pytest.mark.parametrize("kind", ["vtt", "ttml"])
def test_markup_in_text_is_escaped_on_output_and_kept_as_text(kind: str) -> None:
    cues = [TimedText(Fraction(0), Fraction(1), "<script>alert(1)</script> & <b>x</b>")]
    written = write(kind, cues, language="en")
    assert "<script>" not in written and "<b>" not in written
    assert "&lt;script" in written
    _kind, back = _read(written, f"x.{kind}")
    assert back[0].text == "<script>alert(1)</script> & <b>x</b>"


def test_webvtt_styling_markup_is_dropped_and_text_kept() -> None:
    """Styling goes; a voice (who speaks) is kept as text, as a caption in plain text names the speaker."""
    _kind, cues = _read("WEBVTT\n\n00:01.000 --> 00:02.000\n<v Anna>Hello <b>there</b>\n")
    assert cues == [TimedText(Fraction(1), Fraction(2), "Anna: Hello there")]


def test_overlapping_cues_are_kept_in_order_of_time() -> None:
    text = ("1\n00:00:05,000 --> 00:00:07,000\nLater\n\n"
            "2\n00:00:01,000 --> 00:00:06,000\nFirst speaker\n\n"
            "3\n00:00:02,000 --> 00:00:03,000\nSecond speaker\n")
    _kind, cues = _read(text, "x.srt")
    assert [cue.text for cue in cues] == ["First speaker", "Second speaker", "Later"]


@pytest.mark.parametrize(("text", "line"), [
    ("1\n00:00:01,000 --> 00:00:02,000\nHello\n\n2\n00:00:0x,000 --> 00:00:04,000\nWorld\n", 6),
    ("1\n00:00:01,000 -> 00:00:02,000\nHello\n\n2\n00:00:03,000 --> 00:00:04,000\nWorld\n", None),
    ("1\n00:00:01,000 --> 00:00:02,000\nHello\n\n2\n00:00:05,000 --> 00:00:04,000\nBackwards\n", 6),
])
def test_malformed_subrip_names_the_line(text: str, line: int | None) -> None:
    with pytest.raises(CaptionFileError) as refused:
        _read(text, "x.srt")
    if line is not None:
        assert f"Line {line}" in str(refused.value)


def test_malformed_webvtt_names_the_line() -> None:
    with pytest.raises(CaptionFileError, match="Line 5"):
        _read("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHi\n00:00:03,000 --> 00:00:04.000\nComma\n")


def test_not_a_caption_file() -> None:
    with pytest.raises(CaptionFileError, match="No cue found"):
        _read("Dear editor, here are the captions you asked for.", "letter.srt")


def test_huge_file_is_refused_before_reading() -> None:
    with pytest.raises(CaptionFileError, match="larger than"):
        _read("1\n00:00:01,000 --> 00:00:02,000\n" + "x" * 300_000, "big.srt")


def test_too_many_cues() -> None:
    text = "".join(f"{n}\n00:00:{n % 60:02d},000 --> 00:00:{n % 60:02d},500\ncue\n\n" for n in range(150))
    with pytest.raises(CaptionFileError, match="150 cues"):
        _read(text, "many.srt")


def test_utf8_bom_and_utf16_are_read() -> None:
    srt = "1\n00:00:01,000 --> 00:00:02,000\nÉté à Liège\n"
    for data in (codecs.BOM_UTF8 + srt.encode(), codecs.BOM_UTF16_LE + srt.encode("utf-16-le"),
                 codecs.BOM_UTF16_BE + srt.encode("utf-16-be")):
        assert _read(data, "x.srt")[1][0].text == "Été à Liège"


def test_latin1_is_refused_with_its_line() -> None:
    data = "1\n00:00:01,000 --> 00:00:02,000\nÉté\n".encode("latin-1")
    with pytest.raises(CaptionFileError, match="Line 3 is not UTF-8"):
        _read(data, "x.srt")


def test_binary_is_refused() -> None:
    with pytest.raises(CaptionFileError):
        _read(b"\x00\x01\x02" * 100, "x.srt")


@pytest.mark.parametrize("doc", [
    '<?xml version="1.0"?><!DOCTYPE tt [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
    '<tt xmlns="http://www.w3.org/ns/ttml"><body><div><p begin="00:00:01.000" end="00:00:02.000">&b;</p>'
    '</div></body></tt>',
    '<?xml version="1.0"?><!DOCTYPE tt SYSTEM "file:///etc/passwd"><tt xmlns="http://www.w3.org/ns/ttml"/>',
])
def test_ttml_with_a_dtd_or_entities_is_refused(doc: str) -> None:
    with pytest.raises(CaptionFileError, match="DTD"):
        _read(doc, "x.ttml")


def test_ttml_without_tt_is_refused() -> None:
    with pytest.raises(CaptionFileError, match="not a TTML"):
        _read("<html><body>hello</body></html>", "x.xml")


def test_ttml_ebu_tt_d_is_read() -> None:
    doc = ('<?xml version="1.0" encoding="UTF-8"?>\n'
           '<tt xmlns="http://www.w3.org/ns/ttml" xmlns:ttp="http://www.w3.org/ns/ttml#parameter" '
           'xmlns:ebuttm="urn:ebu:tt:metadata" ttp:timeBase="media" xml:lang="fr"><head/><body><div>'
           '<p xml:id="s1" begin="00:00:01.040" end="00:00:03.000">Mesdames<br/>et messieurs</p>'
           '</div></body></tt>')
    _kind, cues = _read(doc, "x.xml")
    assert cues == [TimedText(Fraction(1040, 1000), Fraction(3), "Mesdames\net messieurs")]


@pytest.mark.parametrize(("text", "name"), [
    ("1\n999:00:00,000 --> 999:00:01,000\nFar\n", "x.srt"),
    ("WEBVTT\n\n25:00:00.000 --> 25:00:01.000\nFar\n", "x.vtt"),
    ('<tt xmlns="http://www.w3.org/ns/ttml"><body><div><p begin="90000s" end="90001s">Far</p></div></body></tt>',
     "x.ttml"),
])
def test_times_past_a_day_are_refused(text: str, name: str) -> None:
    with pytest.raises(CaptionFileError, match="24 hours"):
        _read(text, name)
