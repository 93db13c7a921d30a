"""The index follows every way content changes: m2m links both ways, bulk edits, deleted tags and events.

Each test would fail if the index were only written by Item.save() (the gap `newsreel reindex` used to cover).
"""

from __future__ import annotations

import pytest
from django.db import transaction

from newsreel.catalogue.models import Event, Item, Person, Tag
from newsreel.news.models import Article
from newsreel.search.engine import search
from newsreel.search.params import SearchParams
from tests.factories import make_article, make_event, make_item

pytestmark = pytest.mark.django_db


def found(q: str = "", **filters: object) -> list[int]:
    return [hit.obj.pk for hit in search(SearchParams(q=q, **filters), lang="en").hits]


def facet(name: str, q: str = "") -> dict[str, int]:
    page = search(SearchParams(q=q), lang="en")
    return {value.value: value.count for value in page.facets.get(name, [])}


def test_adding_a_tag_indexes_its_name_its_filter_and_its_facet():
    item = make_item(title_en="Harbour visit")
    tag = Tag.objects.create(slug="naval", name_en="Naval", name_fr="Naval")
    item.tags.add(tag)
    assert found("naval") == [item.pk]
    assert found("harbour", tag=("naval",)) == [item.pk]
    assert facet("tag", "harbour") == {"naval": 1}


def test_linking_from_the_tag_side_indexes_the_item_too():
    item = make_item(title_en="Harbour visit")
    tag = Tag.objects.create(slug="naval", name_en="Naval", name_fr="Naval")
    tag.items.add(item)
    assert found("harbour", tag=("naval",)) == [item.pk]
    tag.items.clear()
    assert found("harbour", tag=("naval",)) == []
    assert found("naval") == []


def test_set_remove_and_clear_of_people_are_indexed():
    item = make_item(title_en="Press point")
    anna, ben = (Person.objects.create(slug=s, name=n) for s, n in (("anna", "Anna Lind"), ("ben", "Ben Holt")))
    item.people.set([anna, ben])
    assert found("lind") == [item.pk] and found("holt") == [item.pk]
    item.people.remove(ben)
    assert found("holt") == [] and found("press", person=("anna",)) == [item.pk]
    assert facet("person", "press") == {"anna": 1}
    item.people.clear()
    assert found("lind") == [] and facet("person", "press") == {}


def test_a_rolled_back_link_leaves_the_index_as_it_was():
    item = make_item(title_en="Harbour visit")
    tag = Tag.objects.create(slug="naval", name_en="Naval", name_fr="Naval")
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        item.tags.add(tag)
        1 / 0
    assert found("naval") == []


def test_bulk_updates_rewrite_the_rows():
    kept, withdrawn = make_item(title_en="Summit arrivals"), make_item(title_en="Summit departures")
    Item.objects.filter(pk=withdrawn.pk).update(status="withdrawn")
    assert found("summit") == [kept.pk]
    Item.objects.filter(pk=kept.pk).update(title_en="Ministerial arrivals")
    assert found("summit") == [] and found("ministerial") == [kept.pk]
    article = make_article(title_en="Budget statement")
    Article.objects.filter(pk=article.pk).update(title_en="Budget agreed")
    assert found("agreed") == [article.pk]
    Item.objects.bulk_update([Item(pk=kept.pk, title_en="Ministerial walkabout")], ["title_en"])
    assert found("walkabout") == [kept.pk]


def test_bulk_change_of_type_moves_the_item_between_type_filters():
    item = make_item(title_en="Frigate exercise")
    Item.objects.filter(pk=item.pk).update(kind="photo")
    assert found("frigate", type=("photo",)) == [item.pk]
    assert found("frigate", type=("video",)) == []
    assert found("frigate photo") == [item.pk]  # a type word matches the type


def test_deleting_a_tag_person_or_event_cleans_their_items_rows():
    event = make_event(slug="summit", title_en="Leaders' summit")
    item = make_item(title_en="Arrivals", event=event)
    article = make_article(title_en="Communiqué", event=event)
    tag = Tag.objects.create(slug="naval", name_en="Naval", name_fr="Naval")
    person = Person.objects.create(slug="anna", name="Anna Lind")
    item.tags.add(tag)
    item.people.add(person)
    tag.delete()
    Person.objects.filter(pk=person.pk).delete()  # the admin's bulk action
    assert found("naval") == [] and found("lind") == []
    assert facet("tag", "arrivals") == {} and facet("person", "arrivals") == {}
    Event.objects.filter(pk=event.pk).delete()
    assert found("leaders") == []
    assert found("arrivals") == [item.pk]
    assert found("communiqué") == [article.pk]


def test_reindex_rebuilds_flags_and_facet_ids():
    from django.core.management import call_command
    from django.db import connection

    item = make_item(title_en="Harbour visit")
    item.tags.add(Tag.objects.create(slug="naval", name_en="Naval", name_fr="Naval"))
    with connection.cursor() as cursor:  # as if written before migration 0003, or damaged
        cursor.execute("UPDATE search_text SET flags = ''")
        cursor.execute("UPDATE search_document SET tag_ids = ''")
    assert found("harbour", tag=("naval",)) == [] and facet("tag", "harbour") == {}
    call_command("reindex")
    assert found("harbour", tag=("naval",)) == [item.pk] and facet("tag", "harbour") == {"naval": 1}


def test_migration_0003_fills_the_flags_indexing_writes():
    """Rows written before 0003 get, from its SQL and Python fill, exactly what indexing would write."""
    import importlib

    from django.db import connection

    from newsreel.search.models import SearchText

    migration = importlib.import_module("newsreel.search.migrations.0003_window")
    event = make_event(title_en="Summit", location="Brussels")
    item = make_item(title_en="Harbour visit", event=event, location_en="Andøya, Norway", kind="photo")
    item.tags.add(Tag.objects.create(slug="naval", name_en="Naval", name_fr="Naval"))
    item.people.add(Person.objects.create(slug="anna", name="Anna Lind"))
    make_article(title_en="Budget agreed", event=event)
    expected = dict(SearchText.objects.values_list("document_id", "flags"))
    with connection.cursor() as cursor:
        cursor.execute("UPDATE search_text SET flags = ''")
        cursor.execute("UPDATE search_document SET tag_ids = '', person_ids = ''")
        fill = migration.SQLITE_FILL if connection.vendor == "sqlite" else migration.POSTGRES_FILL
        for statement in fill:
            cursor.execute(statement)
    migration._fill_flags(connection)
    assert dict(SearchText.objects.values_list("document_id", "flags")) == expected
    assert found("harbour", tag=("naval",), person=("anna",), type=("photo",)) == [item.pk]
