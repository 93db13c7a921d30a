"""In a real browser, in English and French: pages announce their feeds in <head>, the footer leads to the feeds
page, the announced feeds are real feeds, and the item page links its NewsML-G2 document."""

from __future__ import annotations

import feedparser
import pytest
from lxml import etree

from newsreel.catalogue.models import Event
from tests.api.conftest import ingested
from tests.factories import make_article

pytestmark = pytest.mark.e2e


def _discovered(page) -> list[tuple[str, str]]:
    return [(link.get_attribute("type"), link.get_attribute("href"))
            for link in page.locator("head link[rel=alternate][type$='+xml']").all()]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_pages_announce_their_feeds_and_the_item_page_links_newsml(site, page, small_video, lang):
    event = Event.objects.create(slug="summit", title_en="Summit", title_fr="Sommet")
    video = ingested(small_video, title_en="Leaders arrive", title_fr="Arrivée des dirigeants", event=event,
                     access="open")
    make_article(title_en="Summit opens", title_fr="Ouverture du sommet", event=event)

    expected = {
        f"/{lang}/": f"/{lang}/feeds/news.rss",
        f"/{lang}/news/": f"/{lang}/feeds/news.atom",
        f"/{lang}/media/?type=video": f"/{lang}/feeds/media/video.rss",
        f"/{lang}/events/summit/": f"/{lang}/feeds/events/summit.rss",
        f"/{lang}/search/?q=leaders": f"/{lang}/feeds/search.rss?q=leaders",
    }
    for path, feed in expected.items():
        page.goto(site.url + path)
        hrefs = [href for _type, href in _discovered(page)]
        assert feed in hrefs, (path, hrefs)
        response = page.request.get(site.url + feed)
        assert response.ok
        parsed = feedparser.parse(response.body())
        assert not parsed.bozo and parsed.feed.language == lang
        if "news" not in feed:
            titles = [entry.title for entry in parsed.entries]
            assert ("Arrivée des dirigeants" if lang == "fr" else "Leaders arrive") in titles, (feed, titles)

    page.goto(f"{site.url}/{lang}/media/{video.reference}/")
    link = page.locator("a.newsml-link")
    assert link.is_visible() and link.inner_text() == "NewsML-G2"
    with page.expect_response(lambda r: "/api/newsml/items/" in r.url) as answer:
        link.click()
    response = answer.value
    assert response.status == 200
    assert response.headers["content-type"].startswith("application/vnd.iptc.g2.newsitem+xml")
    # Chromium's XML viewer keeps no body to read back: the same URL again, through the page's context.
    root = etree.fromstring(page.request.get(response.url).body())
    assert root.get("guid").endswith(f":item:{video.reference}")

    page.goto(f"{site.url}/{lang}/")
    page.locator("footer a", has_text="Flux" if lang == "fr" else "Feeds").click()
    page.wait_for_url(f"**/{lang}/feeds/")
    assert page.locator("h1").inner_text() == ("Flux" if lang == "fr" else "Feeds")
    assert page.locator(f"a[href$='/{lang}/feeds/media/photo.atom']").count() == 1
    assert page.errors == []
