from __future__ import annotations

import datetime as dt

import pytest

from newsreel.news.models import ArticleType
from newsreel.publishing import Status

pytestmark = pytest.mark.django_db


def test_body_html_is_sanitised_on_save(article_factory):
    hostile = '<p onclick="x()">Hi <script>alert(1)</script><a href="javascript:evil()">l</a></p>'
    article = article_factory(body_en=hostile)
    assert "script" not in article.body_en
    assert "onclick" not in article.body_en
    assert "javascript" not in article.body_en
    assert article.body_en.startswith("<p>Hi")


def test_embargoed_press_release_appears_when_its_time_comes(client, article_factory, clock):
    article = article_factory(type=ArticleType.PRESS_RELEASE, status=Status.SCHEDULED,
                              publish_at=clock.now + dt.timedelta(hours=2))
    assert client.get(article.get_absolute_url()).status_code == 404
    assert article.slug not in client.get("/en/news/").content.decode()
    clock.advance(hours=2, seconds=1)
    assert client.get(article.get_absolute_url()).status_code == 200
    assert article.slug in client.get("/en/news/?type=press_release").content.decode()


def test_missing_translation_falls_back_visibly(client, article_factory):
    article = article_factory(title_fr="", summary_fr="", body_fr="", title_en="Only in English")
    page = client.get(f"/fr/news/{article.slug}/").content.decode()
    assert "Only in English" in page
    assert 'lang="en"' in page
    assert "Ce texte n'est disponible qu'en anglais." in page


def test_withdrawn_article_says_so(client, article_factory):
    article = article_factory(status=Status.WITHDRAWN)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 410
    assert article.slug not in client.get("/en/news/").content.decode()


@pytest.mark.django_db
def test_french_news_list_says_english_only_once_per_english_only_article(client):
    from tests.factories import make_article

    make_article(title_en="Statement on the summit", title_fr="", summary_en="What was agreed.", summary_fr="",
                 body_fr="")
    page = client.get("/fr/news/").content.decode()
    assert "Statement on the summit" in page and "What was agreed." in page
    assert page.count("en anglais uniquement") == 1
