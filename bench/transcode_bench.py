"""Transcode speed of the media engine against the system ffmpeg doing the same job.

    PYTHONPATH=. python bench/transcode_bench.py [--seconds 60] [--threads 2] [--only web|broadcast|all]

Generates (once) a 1080p25 H.264 8 Mb/s master with AAC stereo into bench/out/, then times:
  newsreel web preview      transcode_video(WEB_PREVIEW)              720p, x264 veryfast CRF 23
  ffmpeg web preview        /usr/bin/ffmpeg with the same settings     (baseline)
  newsreel broadcast        transcode_video(BROADCAST)                1080p, x264 faster CRF 16
  ffmpeg broadcast          /usr/bin/ffmpeg with the same settings     (baseline)
  newsreel render_video     web + broadcast + poster + storyboard + MP3/WAV from one decode
Speed is reported as a multiple of real time (master duration / wall time), and as the speed the same
CPU time would give on idle cores (the steadier figure on a shared machine).

Figures on the 2-core development box, 2026-11-26, shared with other jobs (load average 4-13):
  web preview   newsreel 28.9 CPU-s (4.15x on 2 idle cores), 1.11x wall at load 3.6-4.8
                ffmpeg   28.4 CPU-s (4.23x on 2 idle cores), 0.98x wall in the same conditions
  broadcast     newsreel 75.7 CPU-s (1.58x), ffmpeg 77.4 CPU-s (1.55x)
  render_video  112 CPU-s for everything (1.07x on 2 idle cores), peak RSS 434 MB
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from newsreel.media.render import render_video
from newsreel.media.testpattern import PatternSpec, generate_video
from newsreel.media.video.transcode import BROADCAST, SCALER, WEB_PREVIEW, VideoProfile, transcode_video

OUT = Path(__file__).resolve().parent / "out"


def master_path(seconds: int) -> Path:
    path = OUT / f"master_1080p25_{seconds}s.mp4"
    if not path.exists():
        print(f"generating {path.name} ...", flush=True)
        generate_video(
            path,
            PatternSpec(
                width=1920,
                height=1080,
                rate=Fraction(25),
                seconds=seconds,
                gop=50,
                bframes=2,
                bitrate=8_000_000,
                preset="veryfast",
            ),
        )
    return path


def ffmpeg_args(profile: VideoProfile, master: Path, out: Path, threads: int) -> list[str]:
    gop = round(profile.gop_seconds * 25)
    params = f"keyint={gop}:min-keyint={gop}:scenecut=0:threads={threads}:lookahead-threads=1"
    return [
        "ffmpeg",
        "-v",
        "error",
        "-y",
        "-threads",
        str(threads),
        "-i",
        str(master),
        "-vf",
        f"scale=w={profile.max_width}:h={profile.max_height}:force_original_aspect_ratio=decrease:"
        f"flags={SCALER.lower()},format=yuv420p",
        "-c:v",
        "libx264",
        "-preset",
        profile.preset,
        "-crf",
        str(profile.crf),
        "-profile:v",
        profile.h264_profile,
        "-maxrate",
        str(profile.maxrate),
        "-bufsize",
        str(profile.bufsize),
        "-x264-params",
        params,
        "-c:a",
        "aac",
        "-b:a",
        str(profile.audio_bitrate),
        "-ac",
        "2",
        "-ar",
        str(profile.audio_rate),
        "-movflags",
        "+faststart",
        str(out),
    ]


def _cpu_seconds() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(label: str, seconds: float, job: Callable[[], object], cores: int) -> float:
    """Print wall-clock speed, and the speed the same CPU time would give on `cores` idle cores (the
    machine is shared, so the second figure is the steadier one to compare)."""
    load = os.getloadavg()[0]
    start, cpu_start = time.perf_counter(), _cpu_seconds()
    job()
    wall, cpu = time.perf_counter() - start, _cpu_seconds() - cpu_start
    print(
        f"{label:<36} {wall:6.1f} s wall  {seconds / wall:5.2f}x real time | CPU {cpu:6.1f} s "
        f"= {seconds * cores / cpu:5.2f}x on {cores} idle cores | load before {load:.1f}",
        flush=True,
    )
    return wall


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--only", choices=["web", "broadcast", "render", "all"], default="all")
    parser.add_argument("--no-ffmpeg", action="store_true", help="skip the system ffmpeg baseline")
    args = parser.parse_args()
    master = master_path(args.seconds)
    have_ffmpeg = shutil.which("ffmpeg") is not None and not args.no_ffmpeg
    print(f"master: {master.name}, {args.seconds} s 1080p25 8 Mb/s; threads={args.threads}; scaler={SCALER}")
    cores = args.threads
    for name, profile in (("web", WEB_PREVIEW), ("broadcast", BROADCAST)):
        if args.only not in (name, "all"):
            continue
        out = OUT / f"newsreel_{name}.mp4"

        def ours(p: VideoProfile = profile, o: Path = out) -> None:
            transcode_video(master, [(p, o)], threads=args.threads)

        timed(f"newsreel {name} ({profile.preset})", args.seconds, ours, cores)
        if have_ffmpeg:
            cmd = ffmpeg_args(profile, master, OUT / f"ffmpeg_{name}.mp4", args.threads)
            timed(
                f"ffmpeg   {name} (baseline)",
                args.seconds,
                lambda c=cmd: subprocess.run(c, check=True),
                cores,
            )
    if args.only in ("render", "all"):
        timed(
            "newsreel render_video (everything)",
            args.seconds,
            lambda: render_video(master, OUT / "render", threads=args.threads),
            cores,
        )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this process: {rss:.0f} MB")


if __name__ == "__main__":
    main()
