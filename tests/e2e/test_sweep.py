"""Every page type in a real browser (issue #13, section 4): in EN and FR, at desktop and phone widths, anonymous
and signed in. Each page must not overflow sideways, load every image and media source, show no distorted image,
log no console error (CSP included), pass axe-core with no violation and declare its language. A crawl from the
home pages finds no broken same-origin link.

One test per language × width × user builds the catalogue once and reports every failing page by name."""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin, urlparse

import pytest
from django.test import Client

from newsreel.accounts.models import TermsVersion
from newsreel.accounts.terms import accept_terms
from newsreel.catalogue.models import Item, Kind
from newsreel.ingest.services import ingest_file
from tests.e2e import sweep_checks as check
from tests.factories import make_article, make_event, make_item, make_member

pytestmark = pytest.mark.e2e

WIDTHS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
CRAWL_LIMIT = 150


def ingested(source: Any, **fields: Any) -> Item:
    item = make_item(**fields)
    job = ingest_file(item=item, source=source)
    job.refresh_from_db()
    assert job.status == "done", job.message
    item.refresh_from_db()
    return item


@pytest.fixture
def catalogue(site: Any, small_video: Any, small_photo: Any, small_wav: Any) -> dict[str, str]:
    """One of each page's content; returns page name -> path without the language prefix."""
    TermsVersion.objects.create(version="1", text_en="Credit the source.", text_fr="Citez la source.")
    event = make_event(slug="summit", title_en="Leaders' summit", title_fr="Sommet des dirigeants",
                       location="Brussels")
    video = ingested(small_video, title_en="Summit arrival", title_fr="Arrivée au sommet", event=event)
    Item.objects.filter(pk=video.pk).update(start_timecode="10:00:00:00")
    video.shots.create(position=1, tc_in="10:00:01:00", tc_out="10:00:02:00", description_en="Leaders arrive",
                       description_fr="Les dirigeants arrivent")
    photo = ingested(small_photo, kind=Kind.PHOTO, frame_rate="", title_en="Family photo",
                     title_fr="Photo de famille", event=event)
    ingested(small_photo, kind=Kind.PHOTO, frame_rate="", title_en="Handshake", title_fr="Poignée de main",
             event=event)
    audio = ingested(small_wav, kind=Kind.AUDIO, frame_rate="", title_en="Press conference",
                     title_fr="Conférence de presse", event=event)
    make_article(slug="summit-opens", title_en="Summit opens", title_fr="Le sommet s'ouvre", event=event)
    return {
        "home": "", "news list": "news/", "videos": "media/?type=video", "photos": "media/?type=photo",
        "audio list": "media/?type=audio", "all media": "media/", "events": "events/",
        "video item": f"media/{video.reference}/", "photo item": f"media/{photo.reference}/",
        "audio item": f"media/{audio.reference}/", "photo set (event)": "events/summit/",
        "article": "news/summit-opens/", "search results": "search/?q=summit",
        "search no results": "search/?q=zzzyyqx", "sign in": "accounts/login/", "sign up": "accounts/signup/",
        "password reset": "accounts/password/reset/", "profile": "accounts/profile/",
        "downloads history": "accounts/downloads/", "api tokens": "accounts/api-tokens/", "terms": "accounts/terms/",
        "newsletter subscribe": "newsletter/", "newsletter alerts": "newsletter/alerts/",
        "feeds": "feeds/", "404": "no-such-page/",
    }


def sign_in(page: Any, site: Any) -> None:
    member = make_member()
    terms = TermsVersion.current()
    assert terms is not None
    accept_terms(user=member, terms=terms)
    client = Client()
    client.force_login(member)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": site.url}])


def page_problems(page: Any, url: str, lang: str) -> list[str]:
    page.errors.clear()
    page.goto(url, wait_until="networkidle")
    problems = check.lang(page, lang) + check.overflow(page) + check.images(page) + check.media(page)
    problems += check.axe(page)
    problems += [f"console/network error: {e}" for e in page.errors]
    return problems


@pytest.mark.parametrize("user", ["anonymous", "member"])
@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_page_is_clean_in_the_browser(site, page, catalogue, lang, width, user):
    page.set_viewport_size(WIDTHS[width])
    if user == "member":
        sign_in(page, site)
    failures: list[str] = []
    for name, path in catalogue.items():
        for problem in page_problems(page, f"{site.url}/{lang}/{path}", lang):
            failures.append(f"[{name} | {lang} | {width} | {user}] /{lang}/{path}: {problem}")
    assert not failures, f"{len(failures)} problems:\n" + "\n".join(failures)


def test_a_crawl_from_both_home_pages_finds_no_broken_link(site, page, catalogue):
    origin = urlparse(site.url).netloc
    queue = [(f"{site.url}/en/", "start"), (f"{site.url}/fr/", "start")]
    seen: set[str] = set()
    broken: list[str] = []
    request = page.context.request
    while queue and len(seen) < CRAWL_LIMIT:
        url, referrer = queue.pop(0)
        url = url.split("#")[0]
        if url in seen:
            continue
        seen.add(url)
        response = request.get(url, max_redirects=5)
        if response.status >= 400:
            broken.append(f"{referrer} -> {url}: {response.status}")
            continue
        if "text/html" not in response.headers.get("content-type", "") or "/download/" in url:
            continue
        page.set_content(response.text())
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))"):
            target = urljoin(url, href)
            if urlparse(target).netloc == origin and urlparse(target).scheme in ("http", "https"):
                queue.append((target, url))
    assert not broken, "broken links (referrer -> URL):\n" + "\n".join(broken)
