"""Poster frame, thumbnails and the scrubbing storyboard (sprite sheets + JSON index + WebVTT).

Both are frame taps: they ride along a transcode's decode, or run a decode pass of their own through
`make_storyboard` / `make_poster`. Sprite sheets are written page by page as they fill, so memory stays
bounded whatever the video's length.
"""

from __future__ import annotations

import io
import json
import math
import os
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
from av.video.reformatter import VideoReformatter
from PIL import Image

from newsreel.media.probe import MediaInfo
from newsreel.media.renditions import Progress, RenditionFile, describe, write_atomic
from newsreel.media.video.geometry import output_size

TILE_WIDTH = 160
COLUMNS = 10
ROWS_PER_SHEET = 10
DEFAULT_INTERVAL = 2.0
MAX_TILES = 1800  # an hour at the default interval; longer videos get a wider interval
THUMBNAIL_WIDTHS = (640, 320)
POSTER_MAX = (1920, 1080)


def _fit_width(width: int, height: int, sar: float, target_width: int) -> tuple[int, int]:
    display_w = width * sar
    w = min(target_width, round(display_w))
    return max(2, w // 2 * 2), max(2, round(height * w / display_w) // 2 * 2)


def _jpeg(img: Image.Image, quality: int) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality, optimize=True)
    return buf.getvalue()


def _vtt_time(seconds: float) -> str:
    ms = round(seconds * 1000)
    h, rem = divmod(ms, 3_600_000)
    m, rem = divmod(rem, 60_000)
    s, ms = divmod(rem, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


@dataclass(frozen=True)
class Tile:
    start: float
    end: float
    sheet: int
    x: int
    y: int


class StoryboardTap:
    """Collects one frame every `interval` seconds into sprite sheets of COLUMNS x ROWS_PER_SHEET tiles."""

    def __init__(
        self,
        out_dir: Path,
        duration: float,
        *,
        width: int,
        height: int,
        sar: float = 1.0,
        frame_rate: float = 25.0,
        interval: float = DEFAULT_INTERVAL,
        tile_width: int = TILE_WIDTH,
        columns: int = COLUMNS,
        rows: int = ROWS_PER_SHEET,
        basename: str = "storyboard",
        quality: int = 75,
    ) -> None:
        self.out_dir, self.duration, self.basename, self.quality = out_dir, duration, basename, quality
        # Never finer than one frame (tiles would repeat frames) nor more than MAX_TILES tiles.
        self.interval = max(interval, 1 / frame_rate, duration / MAX_TILES)
        self.columns, self.rows = columns, rows
        self.tile_w, self.tile_h = _fit_width(width, height, sar, tile_width)
        self.reformatter = VideoReformatter()
        self.next_time = 0.0
        self.tiles: list[Tile] = []
        self.sheet: Image.Image | None = None
        self.sheets: list[Path] = []
        self.files: list[RenditionFile] = []

    @property
    def per_sheet(self) -> int:
        return self.columns * self.rows

    def __call__(self, frame: av.VideoFrame, seconds: float) -> None:
        if seconds + 1e-6 < self.next_time:
            return
        tile = None
        # A gap in a variable-rate source can span several grid times: they all show this frame.
        while seconds + 1e-6 >= self.next_time:
            if tile is None:
                small = self.reformatter.reformat(
                    frame, self.tile_w, self.tile_h, "rgb24", interpolation="AREA"
                )
                tile = small.to_image()
            self._place(tile)
            self.next_time = len(self.tiles) * self.interval

    def _place(self, picture: Image.Image) -> None:
        index = len(self.tiles)
        slot = index % self.per_sheet
        if slot == 0:
            self._flush_sheet()
            remaining = max(1, math.ceil(self.duration / self.interval - 1e-6) - index)
            rows = min(self.rows, math.ceil(min(remaining, self.per_sheet) / self.columns))
            self.sheet = Image.new("RGB", (self.tile_w * self.columns, self.tile_h * rows), (0, 0, 0))
        assert self.sheet is not None
        x, y = (slot % self.columns) * self.tile_w, (slot // self.columns) * self.tile_h
        if y + self.tile_h > self.sheet.height:  # more tiles than the duration promised: grow the sheet
            grown = Image.new("RGB", (self.sheet.width, y + self.tile_h), (0, 0, 0))
            grown.paste(self.sheet)
            self.sheet = grown
        self.sheet.paste(picture, (x, y))
        start = index * self.interval
        self.tiles.append(
            Tile(start=start, end=start + self.interval, sheet=index // self.per_sheet, x=x, y=y)
        )

    def _flush_sheet(self) -> None:
        if self.sheet is None:
            return
        path = self.out_dir / f"{self.basename}_{len(self.sheets):03d}.jpg"
        write_atomic(path, _jpeg(self.sheet, self.quality))
        self.sheets.append(path)
        self.files.append(describe(path, "storyboard_sprite", "jpeg"))
        self.sheet = None

    def finish(self) -> None:
        self._flush_sheet()
        if not self.tiles:
            return
        last = self.tiles[-1]
        self.tiles[-1] = Tile(
            last.start, max(last.start, min(last.end, self.duration)), last.sheet, last.x, last.y
        )
        index = {
            "interval": self.interval,
            "tile_width": self.tile_w,
            "tile_height": self.tile_h,
            "columns": self.columns,
            "sheets": [p.name for p in self.sheets],
            "tiles": [
                {"start": round(t.start, 3), "end": round(t.end, 3), "sheet": t.sheet, "x": t.x, "y": t.y}
                for t in self.tiles
            ],
        }
        json_path = self.out_dir / f"{self.basename}.json"
        write_atomic(json_path, json.dumps(index, indent=1).encode())
        lines = ["WEBVTT", ""]
        for t in self.tiles:
            lines += [
                f"{_vtt_time(t.start)} --> {_vtt_time(t.end)}",
                f"{self.sheets[t.sheet].name}#xywh={t.x},{t.y},{self.tile_w},{self.tile_h}",
                "",
            ]
        vtt_path = self.out_dir / f"{self.basename}.vtt"
        write_atomic(vtt_path, "\n".join(lines).encode())
        self.files += [
            describe(json_path, "storyboard_index", "json"),
            describe(vtt_path, "storyboard_vtt", "vtt"),
        ]


class PosterTap:
    """Keeps the frame at `at` seconds (or the last one, for shorter videos) as poster and thumbnails."""

    def __init__(
        self,
        out_dir: Path,
        at: float,
        *,
        width: int,
        height: int,
        sar: float = 1.0,
        basename: str = "poster",
        thumbnail_widths: tuple[int, ...] = THUMBNAIL_WIDTHS,
    ) -> None:
        self.out_dir, self.at, self.basename = out_dir, at, basename
        self.size = output_size(width, height, Fraction(sar).limit_denominator(1000), *POSTER_MAX)
        self.thumbnail_widths = thumbnail_widths
        self.frame: av.VideoFrame | None = None
        self.done = False
        self.files: list[RenditionFile] = []

    def __call__(self, frame: av.VideoFrame, seconds: float) -> None:
        if self.done:
            return
        self.frame = frame  # a reference, not a copy: cheap until we pick one
        if seconds + 1e-6 >= self.at:
            self.done = True

    def finish(self) -> None:
        if self.frame is None:
            return
        picture = self.frame.reformat(self.size[0], self.size[1], "rgb24", interpolation="LANCZOS").to_image()
        self.frame = None
        poster = self.out_dir / f"{self.basename}.jpg"
        write_atomic(poster, _jpeg(picture, 88))
        self.files.append(describe(poster, "poster", "jpeg"))
        for w in self.thumbnail_widths:
            h = max(2, round(picture.height * w / picture.width))
            thumb = picture.resize((w, h), Image.Resampling.LANCZOS) if w < picture.width else picture
            path = self.out_dir / f"thumbnail_{w}.jpg"
            write_atomic(path, _jpeg(thumb, 82))
            self.files.append(describe(path, f"thumbnail_{w}", "jpeg"))


def default_poster_time(duration: float) -> float:
    """A tenth of the way in (past slates and fades), but never later than 10 s."""
    return min(10.0, duration * 0.1)


def storyboard_tap(
    info: MediaInfo,
    out_dir: Path,
    *,
    interval: float = DEFAULT_INTERVAL,
    columns: int = COLUMNS,
    rows: int = ROWS_PER_SHEET,
) -> StoryboardTap:
    assert info.video is not None and info.duration is not None
    v = info.video
    return StoryboardTap(
        out_dir,
        info.duration,
        width=v.upright_size[0],
        height=v.upright_size[1],
        sar=float(v.upright_sample_aspect_ratio or 1),
        frame_rate=float(v.frame_rate),
        interval=interval,
        columns=columns,
        rows=rows,
    )


def poster_tap(info: MediaInfo, out_dir: Path, *, at: float | None = None) -> PosterTap:
    assert info.video is not None and info.duration is not None
    v = info.video
    return PosterTap(
        out_dir,
        default_poster_time(info.duration) if at is None else at,
        width=v.upright_size[0],
        height=v.upright_size[1],
        sar=float(v.upright_sample_aspect_ratio or 1),
    )


def make_storyboard(
    master: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    *,
    interval: float = DEFAULT_INTERVAL,
    columns: int = COLUMNS,
    rows: int = ROWS_PER_SHEET,
    progress: Progress | None = None,
    threads: int = 2,
) -> list[RenditionFile]:
    """Sprite sheets `storyboard_NNN.jpg`, `storyboard.json` and `storyboard.vtt` for a video master."""
    from newsreel.media.video.transcode import decode_with_taps

    def build(info: MediaInfo) -> StoryboardTap:
        return storyboard_tap(info, Path(out_dir), interval=interval, columns=columns, rows=rows)

    return decode_with_taps(master, build, progress=progress, threads=threads).files


def make_poster(
    master: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    *,
    at: float | None = None,
    progress: Progress | None = None,
    threads: int = 2,
) -> list[RenditionFile]:
    """`poster.jpg` and `thumbnail_<width>.jpg` from the frame at `at` s (None: default_poster_time)."""
    from newsreel.media.video.transcode import decode_with_taps

    def build(info: MediaInfo) -> PosterTap:
        return poster_tap(info, Path(out_dir), at=at)

    return decode_with_taps(master, build, progress=progress, threads=threads).files
