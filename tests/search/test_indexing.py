from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, transaction

from newsreel.catalogue.models import Item, ShotlistLine, Tag
from newsreel.search import indexing
from newsreel.search.engine import search
from newsreel.search.models import SearchDocument
from newsreel.search.params import SearchParams
from tests.factories import make_article, make_event, make_item

pytestmark = pytest.mark.django_db


def found(q: str) -> list[int]:
    return [hit.obj.pk for hit in search(SearchParams(q=q), lang="en").hits]


def test_saving_an_item_writes_its_index_row_in_the_same_transaction():
    item = make_item(title_en="Harbour visit")
    assert found("harbour") == [item.pk]
    item.title_en = "Airport visit"
    item.save()
    assert found("harbour") == [] and found("airport") == [item.pk]


def test_a_failed_index_write_rolls_the_item_back(monkeypatch):
    def broken(item, captions=None):
        raise RuntimeError("index down")

    monkeypatch.setattr(indexing, "item_document_fields", broken)
    with pytest.raises(RuntimeError):
        make_item(title_en="Never saved")
    assert not Item.objects.filter(title_en="Never saved").exists()


def test_a_rolled_back_save_leaves_no_index_row():
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        make_item(title_en="Rolled back")
        1 / 0
    assert not SearchDocument.objects.exists()
    assert found("rolled") == []


def test_shotlist_lines_update_the_index_when_saved_and_deleted():
    item = make_item(title_en="Doorstep")
    line = ShotlistLine.objects.create(item=item, tc_in="00:00:00:00", tc_out="00:00:02:00",
                                       description_en="Helicopter lands")
    assert found("helicopter") == [item.pk]
    line.delete()
    assert found("helicopter") == []


def test_deleting_content_deletes_its_row():
    item = make_item(title_en="Short lived")
    article = make_article(title_en="Short lived too")
    item.delete()
    article.delete()
    assert not SearchDocument.objects.exists()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM search_fts WHERE search_fts MATCH 'words : short'")
            assert cursor.fetchone()[0] == 0


def test_renaming_a_tag_or_an_event_reindexes_their_content():
    event = make_event(title_en="Ministerial")
    tag = Tag.objects.create(slug="cyber", name_en="Cyber", name_fr="Cyber")
    item = make_item(title_en="Meeting", event=event)
    item.tags.add(tag)
    tag.name_en = "Cyber defence"
    tag.save()
    event.title_en = "Ministerial in Rome"
    event.save()
    assert found("defence rome") == [item.pk]


def test_reindex_command_rebuilds_rows(capsys):
    item = make_item(title_en="Recovered")
    SearchDocument.objects.all().delete()
    assert found("recovered") == []
    call_command("reindex")
    assert found("recovered") == [item.pk]
    assert "Indexed 1 media items" in capsys.readouterr().out


@pytest.fixture
def admin_client(client):
    from tests.factories import sign_in_staff

    user = get_user_model().objects.create_superuser("editor", "editor@example.org", "Str0ng!Passw0rd#")
    return sign_in_staff(client, user)


def test_admin_save_indexes_tags_and_shotlist_saved_after_the_item(admin_client):
    tag = Tag.objects.create(slug="naval", name_en="Naval", name_fr="Naval")
    data = {
        "kind": "video", "status": "published", "publish_at_0": "2026-01-02", "publish_at_1": "10:00:00",
        "access": "open", "title_en": "Frigate", "tags": [tag.pk], "frame_rate": "25",
        "shots-TOTAL_FORMS": "1", "shots-INITIAL_FORMS": "0", "shots-MIN_NUM_FORMS": "0",
        "shots-MAX_NUM_FORMS": "1000", "shots-0-position": "0", "shots-0-tc_in": "00:00:01:00",
        "shots-0-tc_out": "00:00:03:00", "shots-0-description_en": "Submarine surfaces",
        "renditions-TOTAL_FORMS": "0", "renditions-INITIAL_FORMS": "0", "renditions-MIN_NUM_FORMS": "0",
        "renditions-MAX_NUM_FORMS": "1000", "ingest_jobs-TOTAL_FORMS": "0", "ingest_jobs-INITIAL_FORMS": "0",
    }
    response = admin_client.post("/admin/catalogue/item/add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    item = Item.objects.get(title_en="Frigate")
    assert found("naval submarine") == [item.pk]


def test_admin_search_uses_the_engine_and_finds_drafts(admin_client):
    make_item(title_en="Négociations draft", status="draft")
    make_item(title_en="Something else")
    html = admin_client.get("/admin/catalogue/item/?q=negociation").content.decode()
    assert "Négociations draft" in html and "Something else" not in html
    make_article(title_en="Budget talks", status="draft")
    html = admin_client.get("/admin/news/article/?q=budget").content.decode()
    assert "Budget talks" in html
    assert admin_client.get('/admin/catalogue/item/?q="(*').status_code == 200
