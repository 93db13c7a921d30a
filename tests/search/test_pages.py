from __future__ import annotations

import re

import pytest

from tests.factories import make_item

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_results_page_in_both_languages(client, corpus, lang):
    html = client.get(f"/{lang}/search/?q=sommet+bruxelles").content.decode()
    assert f'<html lang="{lang}">' in html
    assert "<mark>" in html
    assert corpus["v1"].get_absolute_url() in html
    if lang == "fr":
        assert "Filtres" in html and "résultat" in html
    else:
        assert "Filters" in html and "result" in html


def test_every_page_has_the_search_box(client, corpus):
    for path in ["/en/", "/fr/news/", "/en/media/", f"/en/media/{corpus['v1'].reference}/", "/fr/events/summit/"]:
        html = client.get(path).content.decode()
        assert 'role="search"' in html and 'name="q"' in html


def test_shotlist_match_links_to_the_timecode(client, corpus):
    html = client.get("/en/search/?q=beach").content.decode()
    assert f'href="{corpus["v2"].get_absolute_url()}?t=00:00:12:00#shotlist"' in html
    assert "<mark>beach</mark>" in html


def test_url_holds_the_whole_state_and_facets_link_to_narrower_states(client, corpus):
    html = client.get("/en/search/?q=summit&type=video&type=photo&sort=date").content.decode()
    assert 'value="video" checked' in html and 'value="photo" checked' in html
    assert '<option value="date" selected>' in html
    assert "?q=summit&amp;type=video&amp;type=photo&amp;event=summit&amp;sort=date" in html
    assert len(re.findall(r'class="hit hit-', html)) == 2


def test_zero_results_suggest_what_to_change(client, corpus):
    html = client.get("/en/search/?q=summit+zzzyzx&type=audio").content.decode()
    assert "No results" in html
    assert 'href="?q=summit+zzzyzx"' not in html  # no suggestion that also finds nothing
    assert "href=\"?q=summit&amp;type=audio\"" not in html
    assert "the same words without filters" not in html
    html = client.get("/en/search/?q=summit+zzzyzx").content.decode()
    assert 'href="?q=summit"' in html
    html = client.get("/fr/search/?q=summit+zzzyzx").content.decode()
    assert "Aucun résultat" in html


@pytest.mark.parametrize("q", ['"(', "\x00", "a" * 3000, "NEAR(*", "-"])
def test_hostile_queries_render_a_page(client, corpus, q):
    assert client.get("/en/search/", {"q": q}).status_code == 200


def test_bad_search_parameters_are_ignored_or_404(client, corpus):
    assert client.get("/en/search/?q=summit&type=bogus&published_from=notadate&sort=evil").status_code == 200
    assert client.get("/en/search/?q=summit&page=999").status_code == 404
    assert client.get("/en/search/?q=summit&page=-1").status_code == 404


def test_hidden_content_is_not_on_list_pages(client, corpus):
    html = client.get("/en/media/").content.decode()
    assert "Draft summit" not in html and "Embargoed" not in html and "Withdrawn summit" not in html
    html = client.get("/en/events/summit/").content.decode()
    assert "Family photo at the summit" in html and "Embargoed" not in html
    html = client.get("/en/news/?type=press_release").content.decode()
    assert "Allies agree to spend more on defence" in html and "Spending review" not in html


def test_the_place_facet_speaks_the_pages_language(client):
    make_item(title_en="Arrival of the leaders", title_fr="Arrivée des dirigeants",
              location_en="Brussels, Belgium", location_fr="Bruxelles, Belgique")
    french = client.get("/fr/search/?q=dirigeants").content.decode()
    assert ">Bruxelles, Belgique</a>" in french and ">Brussels, Belgium</a>" not in french
    assert "location=Brussels" in french  # the filter's value stays the indexed (English) name
    english = client.get("/en/search/?q=leaders").content.decode()
    assert ">Brussels, Belgium</a>" in english
