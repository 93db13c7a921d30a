"""Beyond NEWSREEL_SEARCH_WINDOW matches: lower-bound totals and facet counts, labelled so, on both backends.

CI runs this file once per DATABASE_URL; the expected values are the same for both, so the backends agree.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from newsreel.search.engine import search
from newsreel.search.params import SearchParams
from tests.factories import make_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def window(settings: Any) -> Any:
    settings.NEWSREEL_SEARCH_WINDOW = 2
    return settings


def names(corpus: dict[str, Any], page: Any) -> list[str]:
    by_key = {(type(obj).__name__, obj.pk): name for name, obj in corpus.items() if hasattr(obj, "publish_at")}
    return [by_key[(type(hit.obj).__name__, hit.obj.pk)] for hit in page.hits]


def read_in_turn(q: str, sort: str, pages: int) -> list[int]:
    """The ids on pages 1 to `pages` of two results each, in order."""
    seen = []
    for number in range(1, pages + 1):
        page = search(SearchParams(q=q, sort=sort, page=number), lang="en", per_page=2)
        seen += [hit.obj.pk for hit in page.hits]
    return seen


def test_within_the_window_everything_is_exact(corpus):
    page = search(SearchParams(q="summit"), lang="en")
    assert page.total == 3 and not page.total_is_lower_bound and not page.facets_approximate
    assert all(not value.approximate for values in page.facets.values() for value in values)


def test_over_the_window_totals_and_counts_are_lower_bounds(corpus, window):
    page = search(SearchParams(q="summit"), lang="en", per_page=1)
    # The two most recent matches (a1, then v1) are ranked: v1's title holds the word, a1 only its event.
    assert names(corpus, page) == ["v1"]
    assert page.total == 2 and page.total_is_lower_bound and page.total_label == "2+"
    assert page.num_pages_label == "2+" and page.has_next()
    assert page.facets_approximate
    counts = {name: {v.value: v.count_label for v in values} for name, values in page.facets.items()}
    assert counts["type"] == {"video": "1+", "article": "1+"}
    assert counts["event"] == {"summit": "2+"}


def test_pages_past_the_window_continue_in_date_order_without_overlap(corpus, window):
    seen = []
    for number in (1, 2, 3):
        page = search(SearchParams(q="summit", page=number), lang="en", per_page=1)
        seen += names(corpus, page)
    assert seen == ["v1", "a1", "p1"]  # the ranked window, then the older matches by date
    assert page.total == 3 and not page.total_is_lower_bound and not page.has_next()
    assert search(SearchParams(q="summit", page=4), lang="en", per_page=1).out_of_range


def test_a_full_page_straddling_the_window_is_exact_at_the_end(corpus, window):
    page = search(SearchParams(q="summit"), lang="en")
    assert names(corpus, page) == ["v1", "a1", "p1"]
    assert page.total == 3 and not page.total_is_lower_bound and page.facets_approximate


def test_browse_without_words_uses_the_same_window(corpus, window):
    page = search(SearchParams(sort="date"), lang="en", per_page=1)
    assert names(corpus, page) == ["a3"] and page.total_is_lower_bound
    assert search(SearchParams(sort="date", page=6), lang="en", per_page=1).hits[0].obj == corpus["v2"]


@pytest.mark.parametrize(("lang", "more", "note"), [
    ("en", "of more than 2 results", "Counts among the 2 most recent results"),
    ("fr", "sur plus de 2 résultats", "Décompte sur les 2 résultats les plus récents"),
])
def test_the_page_says_the_counts_are_lower_bounds(client, corpus, window, lang, more, note):
    window.NEWSREEL_PAGE_SIZE = 1
    html = client.get(f"/{lang}/search/?q=summit").content.decode()
    assert more in html and note in html
    assert '<span class="count">2+</span>' in html  # the event facet
    assert "2+" in html.split('class="pagination"')[1]


def test_exact_counts_carry_no_plus(client, corpus):
    html = client.get("/en/search/?q=summit").content.decode()
    assert "of 3 results" in html and "+</span>" not in html and "most recent results" not in html


@pytest.mark.parametrize("window_size", [1, 3, 5, 1000])
@pytest.mark.parametrize("sort", ["relevance", "date", "oldest"])
def test_month_by_month_reading_misses_and_repeats_nothing(settings, window_size, sort):
    """Matches spread over years: whatever the window, every page in turn lists each match once, in order."""
    settings.NEWSREEL_SEARCH_WINDOW = window_size
    now = timezone.now()
    made = [make_item(title_en=f"Alpha report {n}", publish_at=now - dt.timedelta(days=37 * n ** 2))
            for n in range(9)]  # today back to about eight years ago, denser recently
    make_item(title_en="Beta report")
    newest_first = [item.pk for item in made]
    expected = newest_first[::-1] if sort == "oldest" else newest_first
    assert read_in_turn("alpha", sort, pages=5) == expected
    since = (now - dt.timedelta(days=37 * 16 + 1)).date()
    page = search(SearchParams(q="alpha", sort=sort, published_from=since), lang="en")
    assert [hit.obj.pk for hit in page.hits] == [pk for pk in expected if pk in newest_first[:5]]


@pytest.mark.parametrize("window_size", [2, 5, 1000])
@pytest.mark.parametrize("sort", ["relevance", "date", "oldest"])
def test_a_publish_time_span_that_falls_short_is_followed_by_the_rest(settings, window_size, sort):
    """Dense recent matches, then a gap longer than their density suggests, then old ones: the span step reads
    too little and the rest step the others; every match still comes once, in order."""
    settings.NEWSREEL_SEARCH_WINDOW = window_size
    now = timezone.now()
    made = [make_item(title_en=f"Gamma briefing {n}", publish_at=now - dt.timedelta(days=days))
            for n, days in enumerate([0, 1, 150, 300, 900, 1800, 2400])]
    newest_first = [item.pk for item in made]
    expected = newest_first[::-1] if sort == "oldest" else newest_first
    assert read_in_turn("gamma", sort, pages=4) == expected


def test_a_hits_related_rows_are_loaded_and_queries_from_them_stay_on_the_item(django_assert_num_queries):
    """The page's items come with their renditions and shots read (no query per card); a query made from them
    is still limited to that item."""
    from newsreel.catalogue.models import Rendition, Role, ShotlistLine

    first, second = make_item(title_en="Delta drill one"), make_item(title_en="Delta drill two")
    for item in (first, second):
        ShotlistLine.objects.create(item=item, position=0, tc_in="00:00:00:00", tc_out="00:00:01:00",
                                    description_en="Delta drill shot")
        Rendition.objects.create(item=item, role=Role.THUMBNAIL, mime_type="image/jpeg", file=f"r/{item.pk}.jpg")
    page = search(SearchParams(q="delta"), lang="en")
    assert {hit.obj.pk for hit in page.hits} == {first.pk, second.pk}
    with django_assert_num_queries(0):
        for hit in page.hits:
            assert [shot.item_id for shot in hit.obj.shots.all()] == [hit.obj.pk]
            assert hit.obj.thumbnail is not None and hit.obj.thumbnail.item is hit.obj
            assert hit.obj.shots.count() == 1
    for hit in page.hits:
        assert [r.item_id for r in hit.obj.renditions.filter(role=Role.THUMBNAIL)] == [hit.obj.pk]
