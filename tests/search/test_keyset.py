"""The engine's keyset (`search(..., after=(publish time, document id))`): the page after a document in date order,
which rows published meanwhile cannot shift (the API's cursors)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from newsreel.search.engine import search
from newsreel.search.models import SearchDocument
from newsreel.search.params import SearchParams
from tests.factories import make_item

pytestmark = pytest.mark.django_db


def _key(item: Any) -> tuple[dt.datetime, int]:
    publish_at, pk = SearchDocument.objects.filter(item=item).values_list("publish_at", "id").get()
    return publish_at, pk


@pytest.mark.parametrize(("sort", "q"), [("date", ""), ("oldest", ""), ("date", "summit"), ("relevance", "")])
def test_keyset_walks_every_match_once_in_date_order(sort: str, q: str) -> None:
    now = timezone.now()
    same = now - dt.timedelta(hours=3)  # two items at the same instant: the id breaks the tie
    items = [make_item(title_en=f"Summit {n}", publish_at=t) for n, t in enumerate(
        [now - dt.timedelta(hours=1), now - dt.timedelta(hours=2), same, same, now - dt.timedelta(hours=4)])]
    params = SearchParams(q=q, sort=sort)
    seen: list[int] = []
    after = None
    for _page in range(10):
        page = search(params, per_page=2, after=after, facets=False)
        seen += [hit.obj.pk for hit in page.hits]
        if len(page.hits) < 2:
            break
        after = _key(page.hits[-1].obj)
    expected = sorted(items, key=lambda i: (i.publish_at, _key(i)[1]), reverse=sort != "oldest")
    assert seen == [i.pk for i in expected]


def test_a_backdated_publication_does_not_shift_the_next_page() -> None:
    now = timezone.now()
    first, second, third = (make_item(publish_at=now - dt.timedelta(hours=n)) for n in (1, 2, 3))
    page = search(SearchParams(sort="date"), per_page=1, facets=False)
    assert [hit.obj for hit in page.hits] == [first]
    backdated = make_item(publish_at=now - dt.timedelta(minutes=90))  # lands between first and second
    make_item(publish_at=now)  # and one at the top, before the cursor: not on the following pages
    following = search(SearchParams(sort="date"), per_page=3, after=_key(first), facets=False)
    assert [hit.obj.pk for hit in following.hits] == [backdated.pk, second.pk, third.pk]


def test_a_keyset_refuses_relevance_order() -> None:
    item = make_item(title_en="Summit")
    with pytest.raises(ValueError, match="date order"):
        search(SearchParams(q="summit"), after=_key(item))
