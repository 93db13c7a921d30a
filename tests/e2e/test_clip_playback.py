"""A smart-cut clip (copied GOPs plus re-encoded edges with their own parameter sets) plays in a real browser."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsreel.media.clip.video import cut
from newsreel.media.testpattern import PatternSpec, generate_video

PLAY_TO_THE_END = """() => new Promise(resolve => {
  const v = document.getElementById('v');
  v.onerror = () => resolve({error: v.error && v.error.message});
  v.onended = () => { const q = v.getVideoPlaybackQuality();
    resolve({ended: true, decoded: q.totalVideoFrames, duration: v.duration}); };
  v.play().catch(e => resolve({error: String(e)}));
})"""


@pytest.fixture(scope="module")
def clip_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("clip-playback")
    source = generate_video(folder / "source.mp4", PatternSpec(width=320, height=180, seconds=4, gop=25,
                                                               open_gop=True, preset="ultrafast"))
    report = cut(source, folder / "clip.mp4", start=13, end=87)
    assert report.method == "smart-cut" and report.frames_reencoded > 0 and report.frames_copied > 0
    (folder / "index.html").write_text('<!doctype html><video id="v" src="clip.mp4" muted playsinline></video>')
    yield folder


@pytest.fixture(scope="module")
def static_server(clip_dir: Path) -> Iterator[str]:
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(clip_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_smart_cut_clip_plays_through_the_joins_in_chromium(browser, static_server):
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{static_server}/index.html")
    result = page.evaluate(PLAY_TO_THE_END)
    context.close()
    assert result.get("ended"), result
    assert result["decoded"] == 87 - 13
    assert abs(result["duration"] - (87 - 13) / 25) < 0.05
