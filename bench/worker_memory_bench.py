"""Resident memory of a media worker before and after its jobs: jobs in the worker's own process (the old
behaviour), the same followed by glibc's malloc_trim, and jobs in a child process (newsreel.media.isolated,
what run_job does now).

    PYTHONPATH=. python bench/worker_memory_bench.py [--seconds 20] [--jobs 2]

Each way runs in a fresh Python process that imports the engine (as a worker has), notes its resident set
(VmRSS), renders the same 1080p25 master `--jobs` times with render_master (web + broadcast + poster +
storyboard + MP3/WAV), and notes it again once idle. The master is the one bench/transcode_bench.py makes.
Figures on the development box are in docs/workers.md.
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

MODES = ["in-process", "in-process + malloc_trim", "child process"]


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def hwm_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


def measure(mode: str, master: Path, jobs: int, threads: int) -> dict[str, object]:
    from newsreel.media.isolated import run_isolated
    from newsreel.media.render import render_master

    gc.collect()
    baseline = rss_mb()
    after: list[float] = []
    child_peaks: list[float] = []
    started = time.monotonic()
    for _ in range(jobs):
        with tempfile.TemporaryDirectory() as out:
            if mode == "child process":
                _, report = run_isolated("newsreel.media.render:render_job",
                                         {"master": str(master), "out_dir": out, "threads": threads},
                                         time_limit=lambda: 3600.0)
                child_peaks.append(report.peak_rss / 2**20)
            else:
                render_master(master, out, threads=threads)
        gc.collect()
        if mode == "in-process + malloc_trim":
            ctypes.CDLL(None).malloc_trim(0)
        after.append(rss_mb())
    cpu = sum(getattr(resource.getrusage(who), f) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
              for f in ("ru_utime", "ru_stime"))
    return {"mode": mode, "baseline": baseline, "after": after, "worker_peak": hwm_mb(),
            "child_peaks": child_peaks, "seconds": time.monotonic() - started, "cpu": cpu}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--mode", choices=MODES)
    args = parser.parse_args()
    from bench.transcode_bench import master_path

    master = master_path(args.seconds)
    if args.mode:
        print(json.dumps(measure(args.mode, master, args.jobs, args.threads)))
        return
    print(f"master: {master.name}, {args.jobs} job(s) per way, {args.threads} threads")
    print(f"{'way':<26}{'idle before':>12}{'idle after':>12}{'worker peak':>13}{'child peak':>12}{'wall':>8}{'CPU':>8}")
    results = {}
    for mode in MODES:
        out = subprocess.run([sys.executable, __file__, "--mode", mode, "--seconds", str(args.seconds),
                              "--jobs", str(args.jobs), "--threads", str(args.threads)],
                             capture_output=True, text=True, check=True).stdout
        r = json.loads(out.strip().splitlines()[-1])
        results[mode] = r
        child = f"{max(r['child_peaks']):.0f} MB" if r["child_peaks"] else "-"
        print(f"{mode:<26}{r['baseline']:>9.0f} MB{r['after'][-1]:>9.0f} MB{r['worker_peak']:>10.0f} MB"
              f"{child:>12}{r['seconds']:>7.0f}s{r['cpu']:>7.0f}s", flush=True)
    old, new = results["in-process"], results["child process"]
    kept_old = old["after"][-1] - old["baseline"]
    kept_new = new["after"][-1] - new["baseline"]
    print(f"memory kept while idle: in-process {kept_old:.0f} MB, child process {kept_new:.0f} MB")


if __name__ == "__main__":
    main()
