"""`newsreel clip SOURCE OUTPUT --in TC --out TC [--fast]`: the clip engine from the command line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from newsreel.media.clip import ClipError, cut, parse_range


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsreel", description="Newsreel media tools")
    commands = parser.add_subparsers(dest="command", required=True)
    clip = commands.add_parser(
        "clip", help="cut a frame-accurate clip (smart cut)",
        description="Cut frames [in, out) of a video. Timecodes count from the file's first frame "
                    "(00:00:00:00) at its frame rate; use HH:MM:SS;FF for drop-frame, or seconds (17.5).")
    clip.add_argument("source", type=Path)
    clip.add_argument("output", type=Path, help="an .mp4 or .mov file")
    clip.add_argument("--in", dest="in_point", required=True, help="first frame, inclusive")
    clip.add_argument("--out", dest="out_point", required=True, help="end frame, exclusive")
    clip.add_argument("--fast", action="store_true",
                      help="keyframe-aligned stream copy: instant and lossless but NOT frame-accurate")
    return parser


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    try:
        start, end = parse_range(args.source, args.in_point, args.out_point)
        report = cut(args.source, args.output, start=start, end=end, mode="fast" if args.fast else "accurate")
    except ClipError as exc:
        print(f"newsreel clip: {exc}", file=sys.stderr)
        return 2
    print(report.summary())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
