"""Embeds and timecode links in a real browser: the player plays in a frame on an allowed site and is refused on
any other; a link at a timecode opens the item page and the embed at that frame; the copy button copies it, says
so, and shows the link when the clipboard is refused; the pages pass the sweep's checks."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from newsreel.catalogue.models import Item, Kind
from newsreel.ingest.services import ingest_file
from tests.e2e import sweep_checks as check
from tests.factories import make_item

pytestmark = pytest.mark.e2e

PORTS = range(8400, 8500)  # this work's port range on the shared machine
FPS = 25
START = "10:00:00:00"
WIDTHS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


def ingested(source: Path, **fields: Any) -> Item:
    item = make_item(**fields)
    job = ingest_file(item=item, source=source)
    job.refresh_from_db()
    assert job.status == "done", job.message
    item.refresh_from_db()
    return item


@pytest.fixture
def video(site: Any, small_video: Path) -> Item:
    item = ingested(small_video, title_en="Summit arrival", title_fr="Arrivée au sommet", credit="© Alliance")
    Item.objects.filter(pk=item.pk).update(start_timecode=START)
    item.refresh_from_db()
    return item


@pytest.fixture
def audio(site: Any, small_wav: Path) -> Item:
    return ingested(small_wav, kind=Kind.AUDIO, frame_rate="", title_en="Press conference",
                    title_fr="Conférence de presse", credit="© Alliance")


class Host:
    """A static web server on its own loopback origin, standing for a site that embeds the player."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
        self.server = self._bind(handler)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @staticmethod
    def _bind(handler: Any) -> http.server.ThreadingHTTPServer:
        for port in PORTS:
            try:
                return http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
            except OSError:
                continue
        raise RuntimeError("no free port in 8400-8499")

    def page(self, name: str, frame_src: str, height: int = 456) -> str:
        (self.folder / name).write_text(
            f'<!doctype html><html lang="en"><title>Partner</title><h1>Partner news</h1>'
            f'<iframe id="f" src="{frame_src}" width="640" height="{height}" title="Player" '
            f'allow="fullscreen; clipboard-write"></iframe></html>')
        return f"{self.origin}/{name}"


@pytest.fixture
def hosts(tmp_path: Path) -> Iterator[tuple[Host, Host]]:
    allowed, other = tmp_path / "allowed", tmp_path / "other"
    allowed.mkdir()
    other.mkdir()
    pair = Host(allowed), Host(other)
    yield pair
    for host in pair:
        host.server.shutdown()
        host.server.server_close()


def until(target: Any, condition: str) -> None:
    """Waits in the page until a JavaScript condition holds. (Playwright's wait_for_function compiles its
    predicate with eval, which the portal's CSP refuses, as it should.)"""
    target.evaluate(f"""() => new Promise(resolve => {{
      const check = () => {{ if ({condition}) resolve(true); else setTimeout(check, 20); }};
      check(); }})""")


def child(page: Any) -> Any:
    frames = [f for f in page.frames if f != page.main_frame]
    assert len(frames) == 1, [f.url for f in frames]
    return frames[0]


def test_the_player_plays_in_a_frame_on_an_allowed_site_and_is_refused_on_another(site, page, video, hosts,
                                                                                   settings, tmp_path):
    allowed, other = hosts
    settings.NEWSREEL_EMBED_ORIGINS = [allowed.origin]
    embed = f"{site.url}/en/media/{video.reference}/embed/"
    refusals: list[str] = []
    page.on("console", lambda msg: refusals.append(msg.text) if "frame-ancestors" in msg.text else None)
    page.goto(allowed.page("partner.html", embed))
    frame = child(page)
    assert frame.url == embed
    frame.evaluate("() => { const v = document.getElementById('player'); v.muted = true; return v.play(); }")
    until(frame, "document.getElementById('player').currentTime > 0.5")
    assert frame.locator("[data-role=timecode]").text_content().startswith("10:00:0")
    assert refusals == []
    page.screenshot(path=str(tmp_path / "framed.png"))

    refused(page, other.page("elsewhere.html", embed), f"frame-ancestors 'self' {allowed.origin}")
    # The item page itself refuses every frame, even on the allowed site.
    refused(page, allowed.page("item.html", f"{site.url}/en/media/{video.reference}/"), "frame-ancestors 'none'")


def refused(page: Any, url: str, directive: str) -> None:
    """The page at `url` frames a portal page, and Chromium refuses it: it reports the directive in the console
    and puts its error page in the frame's place (no portal document in it)."""
    with page.expect_console_message(lambda msg: directive in msg.text):
        page.goto(url)
    frame = child(page)
    frame.wait_for_url(lambda address: address.startswith("chrome-error://"))
    assert frame.locator("#player").count() == 0
    assert frame.locator(".embed-main, .site-header").count() == 0


def test_an_audio_embed_loads_in_a_frame_on_an_allowed_site(site, page, audio, hosts, settings, tmp_path):
    allowed, _other = hosts
    settings.NEWSREEL_EMBED_ORIGINS = [allowed.origin]
    page.goto(allowed.page("audio.html", f"{site.url}/fr/media/{audio.reference}/embed/", height=200))
    frame = child(page)
    until(frame, "document.querySelector('#audio-player audio').readyState >= 1")
    assert abs(frame.evaluate("document.querySelector('#audio-player audio').duration") - 2.0) < 0.1
    assert frame.locator("html").get_attribute("lang") == "fr"
    page.screenshot(path=str(tmp_path / "framed-audio.png"))


def shown_frame(page_or_frame: Any, timecode: str) -> float:
    """Waits for the player to show `timecode`, then gives the video's current time."""
    until(page_or_frame,
        f"document.querySelector('[data-role=timecode]').textContent === '{timecode}' "
        "&& !document.getElementById('player').seeking")
    return float(page_or_frame.evaluate("document.getElementById('player').currentTime"))


def assert_at_frame(seconds: float, frame: int) -> None:
    # Within the frame's own display interval, at most half a frame from its middle.
    assert abs(seconds - (frame + 0.5) / FPS) <= 0.5 / FPS, (seconds, frame)


def test_a_timecode_link_opens_the_item_page_and_the_embed_at_that_frame(site, page, video):
    page.goto(f"{site.url}/en/media/{video.reference}/?t=10:00:01:12")
    assert_at_frame(shown_frame(page, "10:00:01:12"), 37)
    assert page.input_value("#clip-in") == "10:00:01:12"  # the clip's in point follows

    page.goto(f"{site.url}/fr/media/{video.reference}/embed/?t=10:00:02:03")
    assert_at_frame(shown_frame(page, "10:00:02:03"), 53)

    page.goto(f"{site.url}/en/media/{video.reference}/embed/#t=1.2")  # seconds, as in a media fragment
    assert_at_frame(shown_frame(page, "10:00:01:05"), 30)

    for wrong in ("10:00:09:00", "banana", "10:00:01:99", "%E0%A4"):
        page.goto(f"{site.url}/en/media/{video.reference}/embed/?t={wrong}")
        until(page, "document.getElementById('player').readyState >= 1")
        assert page.locator("[data-role=timecode]").text_content() == "10:00:00:00", wrong
    assert not page.errors


def test_copy_link_copies_the_frame_on_screen_and_says_so(site, browser, video):
    context = browser.new_context(locale="en-GB", viewport={"width": 1100, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site.url)
    page = context.new_page()
    page.goto(f"{site.url}/en/media/{video.reference}/")
    until(page, "document.getElementById('player').readyState >= 1")
    for _ in range(17):
        page.keyboard.press("ArrowRight")
    shown_frame(page, "10:00:00:17")
    button = page.get_by_role("button", name="Copy link at this timecode")
    button.focus()
    page.keyboard.press("Enter")  # from the keyboard
    status = page.get_by_role("status").filter(has_text="Link copied")
    status.wait_for()
    link = f"{site.url}/en/media/{video.reference}/?t=10:00:00:17"
    assert page.evaluate("navigator.clipboard.readText()") == link
    assert page.input_value("#timelink-url") == link

    page.goto(link)
    assert_at_frame(shown_frame(page, "10:00:00:17"), 17)

    page.get_by_text("Embed", exact=True).click()
    page.get_by_role("button", name="Copy code").click()
    page.get_by_role("status").filter(has_text="Code copied").wait_for()
    code = page.evaluate("navigator.clipboard.readText()")
    assert code == page.input_value("#embed-code")
    assert code.startswith('<iframe src="') and f"/en/media/{video.reference}/embed/" in code
    context.close()


def test_when_the_clipboard_is_refused_the_link_is_shown_to_copy(site, page, audio):
    page.add_init_script("navigator.clipboard.writeText = () => Promise.reject(new DOMException('no', "
                         "'NotAllowedError'));")
    page.goto(f"{site.url}/en/media/{audio.reference}/?t=00:00:01.250")
    until(page, "Math.abs(document.querySelector('#audio-player audio').currentTime - 1.25) < 0.01")
    page.get_by_role("button", name="Copy link at this time").click()
    page.get_by_role("status").filter(has_text="Copy the link from the field.").wait_for()
    field = page.get_by_label("Link", exact=True)
    assert field.is_visible()
    assert field.input_value() == f"{site.url}/en/media/{audio.reference}/?t=00:00:01.250"
    assert page.evaluate("document.activeElement.id") == "timelink-url"

    page.get_by_text("Embed", exact=True).click()
    page.get_by_role("button", name="Copy code").click()
    page.get_by_role("status").filter(has_text="Copy the code from the field.").wait_for()
    assert page.evaluate("document.activeElement.id") == "embed-code"
    assert page.evaluate("(() => { const t = document.getElementById('embed-code'); "
                         "return t.selectionEnd - t.selectionStart === t.value.length; })()")
    assert not page.errors


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_embed_and_item_pages_pass_the_sweep(site, browser, video, audio, lang, settings, tmp_path):
    settings.NEWSREEL_EMBED_ORIGINS = ["https://news.example.com"]
    problems: list[str] = []
    for width_name, viewport in WIDTHS.items():
        context = browser.new_context(locale=lang, viewport=viewport)
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda msg, errors=errors: errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
        for name, item in (("video", video), ("audio", audio)):
            for kind, path in (("embed", f"/{lang}/media/{item.reference}/embed/"),
                               ("item page", f"/{lang}/media/{item.reference}/")):
                page.goto(site.url + path)
                page.wait_for_load_state("networkidle")
                if kind == "item page":
                    page.locator("details.embed-code summary").click()  # the Embed control, opened
                page.locator("[data-action=copy-link]").wait_for()  # shown once its script runs
                where = f"{name} {kind} {lang} {width_name}"
                found = (check.overflow(page) + check.images(page) + check.media(page) + check.axe(page)
                         + check.lang(page, lang))
                problems += [f"{where}: {p}" for p in found + errors]
                errors.clear()
                page.screenshot(path=str(tmp_path / f"{name}-{kind}-{lang}-{width_name}.png"),
                                full_page=True)
        page.goto(f"{site.url}/{lang}/media/V-1999-0001/embed/")  # no such item: said inside the frame
        found = check.overflow(page) + check.axe(page) + check.lang(page, lang)
        problems += [f"missing embed {lang} {width_name}: {p}" for p in found]
        problems += [f"missing embed: {e}" for e in errors if not e.startswith("Failed to load resource")]
        errors.clear()
        context.close()
    assert problems == []
