"""search/loading.py builds the hits' objects by hand, through the ORM's private parts. Each test compares with
what the ORM itself loads, so a Django upgrade that changes any of those parts fails here, by name."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext

from newsreel.catalogue.models import Item, Rendition, Role, ShotlistLine
from newsreel.news.models import Article
from newsreel.search.loading import load_hits
from tests.factories import make_article, make_event, make_item

pytestmark = pytest.mark.django_db


def _fields(obj: object) -> dict[str, object]:
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}  # type: ignore[attr-defined]


@pytest.fixture
def loaded() -> tuple[Item, Article]:
    event = make_event()
    item = make_item(event=event, shot_on=dt.date(2024, 5, 6))
    for role, size in ((Role.WEB, 10), (Role.BROADCAST, 20)):
        Rendition.objects.create(item=item, role=role, file=f"items/x/{role}.mp4", size=size, duration=12.5)
    for position in (2, 1):
        ShotlistLine.objects.create(item=item, position=position, tc_in="00:00:00:00", tc_out="00:00:01:00",
                                    description_en=f"shot {position}")
    article = make_article(event=event)
    return item, article


def test_objects_have_the_fields_the_orm_would_load(loaded):
    item, article = loaded
    hits = load_hits([("i", item.pk, 3), ("a", article.pk, 1)])
    assert [type(hit.obj) for hit in hits] == [Item, Article]
    # Same values and types after the fields' converters: datetimes aware, dates as dates, floats as floats.
    assert _fields(hits[0].obj) == _fields(Item.objects.get(pk=item.pk))
    assert _fields(hits[1].obj) == _fields(Article.objects.get(pk=article.pk))
    assert not hits[0].obj._state.adding and hits[0].obj._state.db == "default"  # Model.from_db's state


def test_event_renditions_and_shots_read_no_database(loaded):
    item, _article = loaded
    hits = load_hits([("i", item.pk, 0)])
    expected = Item.objects.select_related("event").prefetch_related("renditions", "shots").get(pk=item.pk)
    with CaptureQueriesContext(connection) as queries:
        obj = hits[0].obj
        assert obj.event == expected.event  # _state.fields_cache
        assert [_fields(r) for r in obj.renditions.all()] == [_fields(r) for r in expected.renditions.all()]
        assert [s.position for s in obj.shots.all()] == [s.position for s in expected.shots.all()] == [1, 2]
        assert obj.renditions.count() == 2 and len(obj.shots.all()) == 2  # _prefetched_objects_cache
        assert obj.shots.all()[0].item is obj  # the reverse side, as prefetch_related sets it
    assert queries.captured_queries == []


def test_a_query_made_from_the_loaded_relation_is_a_real_one_limited_to_the_item(loaded):
    item, _article = loaded
    other = make_item()
    Rendition.objects.create(item=other, role=Role.WEB, file="items/y/web.mp4")
    obj = load_hits([("i", item.pk, 0)])[0].obj
    narrowed = obj.renditions.all().filter(role=Role.WEB)  # QuerySet._clone of the cached relation
    assert isinstance(narrowed, QuerySet)
    assert [r.item_id for r in narrowed] == [item.pk]
    assert obj.renditions.all().order_by("-size")[0].size == 20


def test_missing_ids_are_left_out_and_the_order_kept(loaded):
    item, article = loaded
    hits = load_hits([("a", article.pk, 0), ("i", 10**9, 0), ("i", item.pk, 5)])
    assert [(hit.kind, hit.obj.pk, hit.score) for hit in hits] == [("article", article.pk, 0),
                                                                  (item.kind, item.pk, 5)]
