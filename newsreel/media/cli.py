"""`newsreel clip SOURCE OUTPUT --in TC --out TC [--fast] [--rate R]`: the clip engines from the command line.

An .mp4/.mov OUTPUT is cut from a video by the smart-cut engine; a .wav/.mp3/.m4a OUTPUT from an audio file, to
the sample, with timecodes counted at `--rate` frames per second (or exact seconds).
"""

from __future__ import annotations

import argparse
import gc
import re
import sys
from fractions import Fraction
from pathlib import Path

from newsreel.media.audio.cut import OUTPUT_FORMATS, cut_audio
from newsreel.media.clip.video import ClipError, cut, parse_point, parse_range
from newsreel.media.memory import return_large_buffers
from newsreel.media.timecode import frames_to_seconds, parse_rate

_SECONDS = re.compile(r"^\d+(\.\d+)?$")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsreel", description="Newsreel media tools")
    commands = parser.add_subparsers(dest="command", required=True)
    clip = commands.add_parser(
        "clip", help="cut a frame-accurate clip (smart cut)",
        description="Cut frames [in, out) of a video. Timecodes count from the file's first frame "
                    "(00:00:00:00) at its frame rate; use HH:MM:SS;FF for drop-frame, or seconds (17.5). "
                    "An audio file (WAV, MP3, AAC) is cut to the sample into a .wav, .mp3 or .m4a OUTPUT; its "
                    "timecodes count from its first sample at --rate frames per second, seconds are exact.")
    clip.add_argument("source", type=Path)
    clip.add_argument("output", type=Path, help="an .mp4 or .mov file (video); .wav, .mp3 or .m4a (audio)")
    clip.add_argument("--in", dest="in_point", required=True, help="first frame, inclusive")
    clip.add_argument("--out", dest="out_point", required=True, help="end frame, exclusive")
    clip.add_argument("--fast", action="store_true",
                      help="keyframe-aligned stream copy: instant and lossless but NOT frame-accurate")
    clip.add_argument("--rate", help="audio only: the frame rate timecodes count in (25, 29.97, 30000/1001)")
    return parser


def _instant(text: str, rate: Fraction | None) -> Fraction:
    text = text.strip()
    if _SECONDS.match(text):
        return Fraction(text)
    if rate is None:
        raise ClipError(f"'{text}': give --rate to count timecodes in an audio file, or give seconds")
    return frames_to_seconds(parse_point(text, rate), rate)


def _audio(args: argparse.Namespace) -> str:
    if args.fast:
        raise ClipError("audio is always cut to the sample: --fast does not apply")
    try:
        rate = parse_rate(args.rate) if args.rate else None
    except (ValueError, ZeroDivisionError) as exc:
        raise ClipError(f"'{args.rate}' is not a frame rate") from exc
    if rate is not None and rate <= 0:
        raise ClipError(f"'{args.rate}' is not a frame rate")
    start, end = _instant(args.in_point, rate), _instant(args.out_point, rate)
    return cut_audio(args.source, args.output, start=start, end=end).summary()


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.output.suffix.lower() in OUTPUT_FORMATS:
            summary = _audio(args)
        else:
            if args.rate:
                raise ClipError("--rate is for audio: a video's timecodes count at its own frame rate")
            start, end = parse_range(args.source, args.in_point, args.out_point)
            summary = cut(args.source, args.output, start=start, end=end,
                          mode="fast" if args.fast else "accurate").summary()
    except ClipError as exc:
        print(f"newsreel clip: {exc}", file=sys.stderr)
        return 2
    print(summary)
    return 0


def run(argv: list[str]) -> int:
    """`main` as the whole of the process's work."""
    return_large_buffers()  # the process is ours: before the first picture is decoded (see memory)
    code = main(argv)
    # Python's last collection at exit would walk every object left (a long video's index, PyAV's types):
    # ~18 ms of a command that takes well under a second. Nothing left needs collecting.
    gc.freeze()
    return code


if __name__ == "__main__":
    raise SystemExit(run(sys.argv[1:]))
