"""Search keeps its index by listening to the content apps: one write per item per operation, bulk edits too.

Index writes are counted as the SQL that reaches the search_document table, so the count holds whichever
function does the writing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newsreel.catalogue.models import Item, Person, ShotlistLine, Tag
from newsreel.lib.units import unit_of_work
from newsreel.news.models import Article
from newsreel.search.engine import search
from newsreel.search.params import SearchParams
from tests.factories import make_article, make_item, sign_in_staff

pytestmark = pytest.mark.django_db

_DOCUMENT_WRITE = re.compile(r'^\s*(INSERT INTO|UPDATE) "search_document"', re.IGNORECASE)


class Writes:
    def __init__(self) -> None:
        self.count = 0


@contextmanager
def index_writes() -> Iterator[Writes]:
    writes = Writes()
    with CaptureQueriesContext(connection) as captured:
        yield writes
    writes.count = sum(1 for query in captured.captured_queries if _DOCUMENT_WRITE.match(query["sql"]))


def found(q: str) -> list[int]:
    return [hit.obj.pk for hit in search(SearchParams(q=q), lang="en").hits]


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("editor", "editor@example.org", "Str0ng!Passw0rd#")
    return sign_in_staff(client, user)


def _change_form(item: Item, shots: list[tuple[str, str, str]], tags: list[Tag], people: list[Person]) -> dict:
    local = timezone.localtime(item.publish_at)
    data = {
        "kind": item.kind, "status": item.status, "access": item.access,
        "publish_at_0": local.strftime("%Y-%m-%d"), "publish_at_1": local.strftime("%H:%M:%S"),
        "title_en": item.title_en, "title_fr": item.title_fr, "credit": item.credit, "frame_rate": item.frame_rate,
        "tags": [tag.pk for tag in tags], "people": [person.pk for person in people],
        "shots-TOTAL_FORMS": str(len(shots)), "shots-INITIAL_FORMS": "0",
        "shots-MIN_NUM_FORMS": "0", "shots-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    for empty in ("renditions", "ingest_jobs"):  # the other inlines (ingest adds its jobs), left as they are
        data |= {f"{empty}-TOTAL_FORMS": "0", f"{empty}-INITIAL_FORMS": "0"}
    for number, (tc_in, tc_out, text) in enumerate(shots):
        data |= {f"shots-{number}-position": str(number), f"shots-{number}-tc_in": tc_in,
                 f"shots-{number}-tc_out": tc_out, f"shots-{number}-description_en": text,
                 f"shots-{number}-item": str(item.pk)}
    return data


def _form_errors(response) -> object:
    inlines = response.context["inline_admin_formsets"]
    return (response.context["adminform"].form.errors,
            [(inline.formset.prefix, inline.formset.errors, inline.formset.non_form_errors()) for inline in inlines])


def test_saving_an_item_with_its_shotlist_in_the_admin_indexes_it_once(admin_client):
    item = make_item(title_en="Summit arrivals")
    tags = [Tag.objects.create(slug=slug, name_en=slug.title()) for slug in ("summit", "leaders")]
    people = [Person.objects.create(slug="anna", name="Anna Lind")]
    shots = [(f"00:00:{n:02d}:00", f"00:00:{n + 1:02d}:00", f"Shot {word}") for n, word in
             enumerate(["motorcade", "handshake", "podium", "flags", "departure", "helicopter"])]
    with index_writes() as writes:
        response = admin_client.post(f"/admin/catalogue/item/{item.pk}/change/",
                                     _change_form(item, shots, tags, people))
    assert response.status_code == 302, _form_errors(response)
    assert ShotlistLine.objects.filter(item=item).count() == 6
    assert writes.count == 1
    # The one write saw everything the form saved, whichever part was saved last.
    assert found("helicopter") == [item.pk]
    assert found("motorcade") == [item.pk]
    assert found("leaders") == [item.pk]
    assert found("lind") == [item.pk]


def test_a_service_writing_an_item_and_its_shotlist_in_one_unit_indexes_it_once():
    with index_writes() as writes, unit_of_work():
        item = make_item(title_en="Exercise landing")
        for n, word in enumerate(["hovercraft", "beach", "convoy", "dunes"]):
            ShotlistLine.objects.create(item=item, position=n, tc_in=f"00:00:{n:02d}:00",
                                        tc_out=f"00:00:{n + 1:02d}:00", description_en=word)
        item.tags.add(Tag.objects.create(slug="amphibious", name_en="Amphibious"))
    assert writes.count == 1
    assert found("dunes") == [item.pk] and found("amphibious") == [item.pk]


def test_outside_a_unit_each_change_is_indexed_at_once():
    item = make_item(title_en="Press point")
    with index_writes() as writes:
        ShotlistLine.objects.create(item=item, tc_in="00:00:00:00", tc_out="00:00:01:00", description_en="lectern")
        assert found("lectern") == [item.pk]
        ShotlistLine.objects.create(item=item, tc_in="00:00:01:00", tc_out="00:00:02:00", description_en="question")
    assert writes.count == 2
    assert found("question") == [item.pk]


def test_a_unit_that_fails_leaves_content_and_index_as_they_were():
    item = make_item(title_en="Harbour visit")
    with pytest.raises(RuntimeError), unit_of_work():
        Item.objects.filter(pk=item.pk).update(title_en="Frigate visit")
        raise RuntimeError("the operation fails after the update")
    assert Item.objects.get(pk=item.pk).title_en == "Harbour visit"
    assert found("harbour") == [item.pk] and found("frigate") == []


def test_bulk_updates_of_items_and_articles_keep_the_index_right():
    first, second, other = make_item(title_en="Arrival"), make_item(title_en="Arrival"), make_item(title_en="Other")
    article = make_article(title_en="Statement")
    Item.objects.filter(pk__in=[first.pk, second.pk]).update(title_en="Ministerial walkabout")
    Article.objects.filter(pk=article.pk).update(title_en="Communiqué agreed")
    assert sorted(found("walkabout")) == sorted([first.pk, second.pk])
    assert found("arrival") == [] and found("other") == [other.pk]
    assert found("communique") == [article.pk]
    Item.objects.filter(pk=first.pk).update(status="withdrawn")
    assert found("walkabout") == [second.pk]


def test_a_bulk_update_inside_a_transaction_is_indexed_before_it_commits():
    item = make_item(title_en="Arrival")
    with transaction.atomic():
        Item.objects.filter(pk=item.pk).update(title_en="Departure")
        assert found("departure") == [item.pk]


def test_deleting_an_item_with_its_shotlist_leaves_no_row_behind():
    item = make_item(title_en="Parade")
    ShotlistLine.objects.create(item=item, tc_in="00:00:00:00", tc_out="00:00:01:00", description_en="band")
    item.delete()
    assert found("parade") == [] and found("band") == []
