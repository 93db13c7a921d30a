from __future__ import annotations

import pytest

from newsreel.catalogue.models import Item, Kind, Rendition, Role
from newsreel.front.demo import run_demo
from newsreel.news.models import Article, ArticleType

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent_and_bilingual(settings, tmp_path, client, django_capture_on_commit_callbacks):
    settings.VAR_DIR = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        run_demo(report=lambda _msg: None, video_scale=0.02)
    counts = (Item.objects.count(), Article.objects.count(), Rendition.objects.count())
    run_demo(report=lambda _msg: None, video_scale=0.02)
    assert (Item.objects.count(), Article.objects.count(), Rendition.objects.count()) == counts

    assert Item.objects.filter(kind=Kind.VIDEO).count() >= 3
    assert all(item.shots.exists() for item in Item.objects.filter(kind=Kind.VIDEO))
    call = Article.objects.get(type=ArticleType.PRESS_RELEASE, slug__contains="phone-call")
    assert "President-elect" in call.title_en and "président élu" in call.title_fr
    masters = Rendition.objects.filter(role=Role.MASTER, item__kind=Kind.VIDEO)
    assert masters.count() >= 3 and all(m.size > 0 for m in masters)
    assert client.get(f"/fr/news/{call.slug}/").status_code == 200
    for video in Item.objects.filter(kind=Kind.VIDEO):
        assert video.start_timecode == "10:00:00:00"
        assert video.renditions.filter(role=Role.WEB).exists()
    assert Rendition.objects.filter(role=Role.PHOTO_MEDIUM).count() >= 6


def test_demo_publishes_terms_of_use_in_english_and_french(settings, tmp_path, client):
    settings.VAR_DIR = tmp_path
    run_demo(report=lambda _msg: None, attach_media=False)
    english = client.get("/en/accounts/terms/").content.decode()
    french = client.get("/fr/accounts/terms/").content.decode()
    assert "not published yet" not in english
    for phrase in ("credit line", "Editorial use", "distorts its meaning", "endorse", "embargo"):
        assert phrase in english, phrase
    for phrase in ("mention de crédit", "Usage éditorial", "déforme le sens", "caution", "embargo"):
        assert phrase in french, phrase


def test_demo_item_location_is_in_french_on_french_pages_and_found_by_both_names(settings, tmp_path, client):
    from newsreel.search.engine import search
    from newsreel.search.params import SearchParams

    settings.VAR_DIR = tmp_path
    run_demo(report=lambda _msg: None, attach_media=False)
    item = Item.objects.filter(kind=Kind.VIDEO, location_en="Brussels, Belgium").first()
    assert item is not None and item.location_fr == "Bruxelles, Belgique"
    french = client.get(f"/fr/media/{item.reference}/").content.decode()
    english = client.get(f"/en/media/{item.reference}/").content.decode()
    assert "Bruxelles, Belgique" in french and "Brussels, Belgium" not in french
    assert "Brussels, Belgium" in english
    for lang in ("en", "fr"):
        for words in ("Bruxelles", "Brussels"):
            assert item in search(SearchParams(q=words), lang=lang, per_page=50).object_list, (lang, words)
