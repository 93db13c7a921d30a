"""Text from outside is cleaned at one boundary (issue #14, point 8).

PostgreSQL refuses NUL in text ("A string literal cannot contain NUL"): a NUL that reached a query was a 500.
Every query-string and form value, every search state (also when read back from a saved search) and every URL
path is cleaned or refused before a view or the database sees it. Run these on PostgreSQL too (CI does).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import RequestFactory
from django.utils import timezone

from newsreel.newsletter.models import SavedSearch
from tests.factories import make_member
from tests.search.conftest import corpus  # noqa: F401  (the search corpus, the same on both databases)

pytestmark = pytest.mark.django_db

# A control character inside each kind of search value: list filters (get_list), single ones, dates, the text.
POISONED = {
    "tag": "summ\x00it", "person": "\x00sg", "event": "sum\x00mit", "location": "Brus\x00sels",
    "type": "vid\x00eo", "published_from": "2020-01-01\x00", "q": "sum\x00mit", "lang": "e\x00n",
}


@pytest.mark.parametrize("name", sorted(POISONED))
def test_a_nul_in_any_search_value_is_removed_not_a_server_error(client, corpus, name):  # noqa: F811
    poisoned = client.get("/en/search/", {name: POISONED[name]})
    clean = client.get("/en/search/", {name: POISONED[name].replace("\x00", "")})
    assert poisoned.status_code == clean.status_code == 200
    assert _hits(poisoned) == _hits(clean)


def _hits(response) -> list[str]:
    return re.findall(r'class="hit hit-[^"]*".*?href="([^"]+)"', response.content.decode(), re.S)


def test_control_characters_in_a_tag_filter_still_find_the_tagged_items(client, corpus):  # noqa: F811
    html = client.get("/en/search/", {"tag": "summit\x00\x01\x1f"}).content.decode()
    assert corpus["v1"].get_absolute_url() in html


@pytest.mark.parametrize("path", ["/en/media/V-1%00/", "/en/events/sum%00mit/", "/en/news/a%00b/",
                                  "/en/media/%01/"])
def test_a_control_character_in_the_path_is_not_found(client, corpus, path):  # noqa: F811
    assert client.get(path).status_code == 404


def test_every_form_and_query_value_reaches_the_view_clean():
    from newsreel.lib.inputs import CleanInputMiddleware

    seen = {}

    def view(request):
        seen.update(get=request.GET.getlist("a"), post=request.POST.getlist("b"), text=request.POST["c"])

    request = RequestFactory().post("/en/?a=x%00y&a=%01z", {"b": ["p\x00q", "r"], "c": "line one\r\n\tline two\x00"})
    CleanInputMiddleware(lambda r: view(r))(request)
    assert seen == {"get": ["xy", "z"], "post": ["pq", "r"], "text": "line one\r\n\tline two"}


def test_a_saved_search_stores_no_control_character(client, corpus):  # noqa: F811
    member = make_member()
    client.force_login(member)
    # The saved query is itself a query string: a NUL can hide in it percent-encoded, past the form's checks.
    response = client.post("/en/newsletter/alerts/", {
        "name": "Summit", "query": "?q=summit&tag=summ%00it&person=%00sg&tag=%01", "frequency": "daily",
        "language": "en"})
    assert response.status_code == 302
    saved = SavedSearch.objects.get(user=member)
    assert "%00" not in saved.query and "%01" not in saved.query and "\x00" not in saved.query
    assert saved.query == "q=summit&tag=summit&person=sg"


def test_an_old_saved_search_holding_a_nul_still_runs_and_finds(corpus, smtp):  # noqa: F811
    from newsreel.newsletter.alerts import alert_run

    member = make_member(email="alerted@example.org")
    saved = SavedSearch.objects.create(user=member, name="Old", query="tag=summ%00it", frequency="daily",
                                       language="en")
    long_ago = timezone.now() - dt.timedelta(days=10)
    SavedSearch.objects.filter(pk=saved.pk).update(created_at=long_ago, checked_until=long_ago)
    saved.refresh_from_db()
    # Before the fix PostgreSQL refused the query, so the alert failed at every run (and SQLite found nothing).
    assert alert_run(saved_search=saved, now=timezone.now()) == 1
    assert corpus["v1"].get_absolute_url() in smtp.wait_for("alerted@example.org")[0].text()
