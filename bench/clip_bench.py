"""Clip engine benchmark: Newsreel's smart cut against ffmpeg stream copy, smartcut and a full re-encode.

    make bench BENCH=clip_bench   (or: .venv/bin/python -m bench.clip_bench [--profile] [--skip-reencode] [--rounds N])

Source: 5-minute 1080p25 H.264 (8 Mb/s, GOP 50, B-frames) + AAC 48 kHz stereo, generated once into
bench/out/. Cut 00:00:17:13 -> 00:04:23:07 (frames 438..6581). Every tool runs in its own process; wall time
and that process's peak RSS are measured with wait4(), over several interleaved rounds (median wall time,
highest peak RSS), so that load elsewhere on the machine falls on every tool alike. Frames stored (packets)
and presented (decoded) and the PSNR of the first and last frames against the source are measured afterwards
with the system ffmpeg.

smartcut (PyPI) pins an older PyAV than Newsreel, so it is looked for in its own virtualenv:
$NEWSREEL_SMARTCUT, bench/out/smartcut-venv/bin/smartcut, or `smartcut` on PATH; skipped if absent.
To install it there: python3 -m venv bench/out/smartcut-venv && bench/out/smartcut-venv/bin/pip install smartcut
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from PIL import Image, ImageDraw

import newsreel
from newsreel.media import testpattern
from newsreel.media.testpattern import PatternSpec
from newsreel.media.timecode import frames_to_timecode

OUT = Path(__file__).resolve().parent / "out"
IN_TC, OUT_TC = "00:00:17:13", "00:04:23:07"
RATE = 25
FIRST, STOP = 17 * RATE + 13, 263 * RATE + 7  # frames [438, 6582)
T_IN, T_OUT = FIRST / RATE, STOP / RATE
SPEC = PatternSpec(width=1920, height=1080, rate=Fraction(RATE), seconds=300, gop=50, bframes=2,
                   bitrate=8_000_000, preset="superfast", title="NEWSREEL CLIP BENCHMARK")


@dataclass
class Run:
    name: str
    output: Path
    seconds: float = 0.0  # median wall time
    fastest: float = 0.0  # least wall time: the least disturbed run
    cpu: float = 0.0  # median user + system CPU time (both cores)
    peak_mb: float = 0.0
    stored: int = 0
    presented: int = 0
    psnr_first: float = 0.0
    psnr_last: float = 0.0
    note: str = ""


def source() -> Path:
    path = OUT / "source-1080p25-5min.mp4"
    if not path.exists():
        print(f"generating {path.name} (5 min 1080p25, once)...", flush=True)
        tmp = path.with_name("tmp-" + path.name)
        generate_fast(tmp)
        tmp.rename(path)
    return path


def generate_fast(path: Path) -> None:
    """The test pattern of newsreel.media.testpattern, drawn in YUV directly: RGB drawing and conversion of
    7500 1080p frames would dominate the generation time. Each frame still carries its timecode and number
    and a moving marker, so every frame is unique."""
    w, h = SPEC.width, SPEC.height
    background = av.VideoFrame.from_image(testpattern._background(w, h, SPEC.title)).reformat(
        format="yuv420p").to_ndarray()
    box = (int(h * 0.68), int(h * 0.92), int(w * 0.05), int(w * 0.95))
    font = testpattern._font(max(12, h // 9))
    # Film-grain-like noise: the clean pattern alone compresses to ~1 Mb/s, far below a real 8 Mb/s master.
    rng = np.random.default_rng(5)
    grain = [rng.integers(-5, 6, (h, w), dtype=np.int16) for _ in range(16)]
    luma = background[:h].astype(np.int16)
    with av.open(str(path), "w") as out:
        v = out.add_stream("libx264", rate=SPEC.rate)
        assert isinstance(v, av.video.stream.VideoStream)
        v.width, v.height, v.pix_fmt = w, h, "yuv420p"
        v.bit_rate = SPEC.bitrate or 0
        gop = f"keyint={SPEC.gop}:min-keyint={SPEC.gop}:scenecut=0:bframes={SPEC.bframes}"
        v.options = {"preset": SPEC.preset, "maxrate": str(SPEC.bitrate),
                     "bufsize": str(2 * (SPEC.bitrate or 0)), "x264-params": gop}
        a = out.add_stream("aac", rate=48000, layout="stereo")
        assert isinstance(a, av.audio.stream.AudioStream)
        tone = testpattern._Tone(out, a, 48000, SPEC.tone_hz)
        n = round(SPEC.seconds * SPEC.rate)
        for i in range(n):
            yuv = background.copy()
            yuv[:h] = np.clip(luma + grain[i % 16], 16, 235)
            label = Image.new("L", (box[3] - box[2], box[1] - box[0]), 16)
            text = f"{frames_to_timecode(i, SPEC.rate)}  #{i:06d}"
            ImageDraw.Draw(label).text((w * 0.02, h * 0.02), text, fill=235, font=font)
            yuv[box[0]:box[1], box[2]:box[3]] = np.asarray(label)
            x = (i * 37) % (w - w // 20)
            yuv[int(h * 0.94):h, x:x + w // 20] = 200
            frame = av.VideoFrame.from_ndarray(yuv, format="yuv420p")
            frame.pts, frame.time_base = i, Fraction(1, RATE)
            for packet in v.encode(frame):
                out.mux(packet)
            tone.write_until(Fraction(i + 1, RATE))
        for packet in v.encode():
            out.mux(packet)
        tone.flush()


def measure(command: list[str]) -> tuple[float, float, float, str]:
    """Wall seconds, peak RSS (MB), CPU seconds (user + system) of the child, and its stderr tail."""
    log, rss = OUT / "last-run.log", OUT / "last-run.rss"
    # Linux keeps the peak RSS of the process image that exec replaced: a child forked straight from this
    # (large, numpy-laden) process would report at least our own RSS. /usr/bin/time is that small process
    # instead, and reports the wait4() peak of the tool it forks itself.
    timer = ["/usr/bin/time", "-f", "%U %S %M", "-o", str(rss)] if Path("/usr/bin/time").exists() else []
    with open(log, "wb") as sink:
        began = time.perf_counter()
        proc = subprocess.Popen([*timer, *command], stdout=sink, stderr=subprocess.STDOUT)
        # wait4 reaps this one child and returns its own rusage (peak RSS), unlike RUSAGE_CHILDREN totals.
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - began
    proc.returncode = code = os.waitstatus_to_exitcode(status)
    text = log.read_text(errors="replace")
    if code != 0:
        raise RuntimeError(f"{command[0]} failed ({code}): {text[-800:]}")
    if timer:
        user, system, peak_kb = rss.read_text().split()[-3:]
        cpu, peak = float(user) + float(system), int(peak_kb)
    else:
        cpu, peak = usage.ru_utime + usage.ru_stime, usage.ru_maxrss
    return seconds, peak / 1024, cpu, text[-600:]


def count(path: Path) -> tuple[int, int]:
    command = ["ffprobe", "-v", "error", "-select_streams", "v:0", "-count_frames", "-count_packets",
               "-show_entries", "stream=nb_read_packets,nb_read_frames", "-of", "csv=p=0", str(path)]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip().split(",")
    return int(out[1]), int(out[0])  # packets (stored), frames (presented)


def gray_frames(path: Path, before: tuple[str, ...] = (), after: tuple[str, ...] = ()) -> np.ndarray:
    command = ["ffmpeg", "-v", "error", *before, "-i", str(path), "-map", "0:v:0", *after, "-f", "rawvideo",
               "-pix_fmt", "gray", "-"]
    raw = subprocess.run(command, capture_output=True, check=True).stdout
    return np.frombuffer(raw, np.uint8).reshape(-1, SPEC.height * SPEC.width)


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return 99.0 if mse == 0 else 10 * float(np.log10(255 ** 2 / mse))


def edge_psnr(src: Path, clip: Path, presented: int) -> tuple[float, float]:
    one = ("-frames:v", "1")
    first_src = gray_frames(src, ("-ss", f"{T_IN:.3f}"), one)[0]
    last_src = gray_frames(src, ("-ss", f"{(STOP - 1) / RATE:.3f}"), one)[0]
    first = gray_frames(clip, (), one)[0]
    tail = gray_frames(clip, ("-sseof", "-0.5"))
    return psnr(first, first_src), psnr(tail[-1], last_src)


def smartcut_binary() -> str | None:
    for candidate in (os.environ.get("NEWSREEL_SMARTCUT"), str(OUT / "smartcut-venv" / "bin" / "smartcut"),
                      shutil.which("smartcut")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def commands(src: Path, skip_reencode: bool) -> list[tuple[Run, list[str] | None]]:
    py = sys.executable
    runs: list[tuple[Run, list[str] | None]] = [
        (Run("ffmpeg -c copy (floor)", OUT / "ffmpeg-copy.mp4"),
         ["ffmpeg", "-v", "error", "-y", "-ss", f"{T_IN}", "-to", f"{T_OUT}", "-i", str(src), "-c", "copy",
          str(OUT / "ffmpeg-copy.mp4")]),
        (Run("newsreel accurate", OUT / "newsreel-accurate.mp4"),
         [py, "-m", "newsreel.media.cli", "clip", str(src), str(OUT / "newsreel-accurate.mp4"),
          "--in", IN_TC, "--out", OUT_TC]),
        (Run("newsreel fast", OUT / "newsreel-fast.mp4"),
         [py, "-m", "newsreel.media.cli", "clip", str(src), str(OUT / "newsreel-fast.mp4"),
          "--in", IN_TC, "--out", OUT_TC, "--fast"]),
    ]
    binary = smartcut_binary()
    runs.append((Run("smartcut 1.x (peer)", OUT / "smartcut.mp4",
                     note="" if binary else "not installed: skipped"),
                 [binary, str(src), str(OUT / "smartcut.mp4"), "--keep", f"{T_IN},{T_OUT}"]
                 if binary else None))
    runs.append((Run("ffmpeg libx264 re-encode", OUT / "reencode.mp4",
                     note="skipped" if skip_reencode else "preset veryfast, crf 18"),
                 None if skip_reencode else
                 ["ffmpeg", "-v", "error", "-y", "-ss", f"{T_IN}", "-i", str(src), "-t", f"{T_OUT - T_IN}",
                  "-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-c:a", "aac",
                  str(OUT / "reencode.mp4")]))
    return runs


def profile(src: Path) -> None:
    """Where the accurate mode spends its time (in-process cProfile)."""
    import cProfile
    import pstats

    from newsreel.media.clip.video import cut

    profiler = cProfile.Profile()
    profiler.enable()
    cut(src, OUT / "newsreel-profile.mp4", start=FIRST, end=STOP)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


def _interleaved_rounds(plan: list[tuple[Run, list[str] | None]], rounds: int
                        ) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Wall and CPU times of each tool's runs, by tool name."""
    walls: dict[str, list[float]] = {run.name: [] for run, _ in plan}
    cpus: dict[str, list[float]] = {run.name: [] for run, _ in plan}
    # Rounds interleave the tools, so a burst of load elsewhere on the machine hits them all alike, and the
    # median of each tool's rounds is what is compared. The slow full re-encode runs in the first round only.
    for round_no in range(rounds):
        for run, command in plan:
            if command is None or (round_no > 0 and run.name.startswith("ffmpeg libx264")):
                continue
            run.output.unlink(missing_ok=True)
            seconds, peak_mb, cpu, tail = measure(command)
            walls[run.name].append(seconds)
            cpus[run.name].append(cpu)
            run.peak_mb = max(run.peak_mb, peak_mb)
            if "newsreel" in run.name:
                run.note = " ".join(line.strip() for line in tail.splitlines()[1:2])
        print(f"  round {round_no + 1}/{rounds}: "
              + ", ".join(f"{name} {w[-1]:.2f} s" for name, w in walls.items() if w), flush=True)
    return walls, cpus


def _print_table(results: list[Run]) -> None:
    floor, best_floor = results[0].seconds, results[0].fastest
    print(f"{'tool':<26} {'wall s':>7} {'x floor':>7} {'best s':>7} {'x floor':>7} {'cpu s':>6} {'peak MB':>7} "
          f"{'stored':>6} {'shown':>6} {'PSNR in':>7} {'out':>5}  note")
    for r in results:
        if not r.seconds:
            print(f"{r.name:<26} {'-':>7} {'-':>7} {'-':>7} {'-':>7} {'-':>6} {'-':>7} {'-':>6} {'-':>6} {'-':>7} "
                  f"{'-':>5}  {r.note}")
            continue
        print(f"{r.name:<26} {r.seconds:7.2f} {r.seconds / floor:7.2f} {r.fastest:7.2f} {r.fastest / best_floor:7.2f} "
              f"{r.cpu:6.2f} {r.peak_mb:7.1f} {r.stored:6d} {r.presented:6d} {r.psnr_first:7.1f} "
              f"{r.psnr_last:5.1f}  {r.note}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--profile", action="store_true", help="also cProfile the accurate mode")
    parser.add_argument("--skip-reencode", action="store_true", help="skip the slow full re-encode")
    parser.add_argument("--rounds", type=int, default=5, help="runs of each tool; the median is reported")
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    src = source()
    print(f"source: {src.name}; clip {IN_TC} -> {OUT_TC} = {STOP - FIRST} frames", flush=True)
    subprocess.run(["cat", str(src)], stdout=subprocess.DEVNULL, check=True)  # warm the page cache for all
    # An installed package runs from compiled bytecode (pip compiles it, as it did smartcut's). An editable
    # checkout under PYTHONDONTWRITEBYTECODE would recompile Newsreel's modules on every run (~30 ms).
    compileall.compile_dir(Path(newsreel.__file__).parent, quiet=1)
    plan = commands(src, args.skip_reencode)
    results = [run for run, _ in plan]
    walls, cpus = _interleaved_rounds(plan, args.rounds)
    for run in results:
        if walls[run.name]:
            run.seconds = statistics.median(walls[run.name])
            run.fastest = min(walls[run.name])
            run.cpu = statistics.median(cpus[run.name])
            run.stored, run.presented = count(run.output)
            run.psnr_first, run.psnr_last = edge_psnr(src, run.output, run.presented)
    print(f"\n{args.rounds} interleaved rounds; load average now {os.getloadavg()[0]:.2f}. wall = median, "
          "best = least wall time, cpu = median user+system time over both cores")
    _print_table(results)
    print(f"\nexpected {STOP - FIRST} frames stored and shown; PSNR 99 = identical to the source frame")
    accurate = next(r for r in results if r.name == "newsreel accurate")
    peer = next(r for r in results if r.name.startswith("smartcut"))
    if peer.seconds:
        print(f"newsreel accurate is {peer.seconds / accurate.seconds:.1f}x faster than smartcut (median wall), "
              f"{peer.fastest / accurate.fastest:.1f}x (best)")
    if args.profile:
        profile(src)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
