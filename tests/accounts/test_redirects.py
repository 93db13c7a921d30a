"""Only same-site relative `next` values are honoured; everything else falls back to home."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from newsreel.accounts.redirects import is_safe_next
from tests.accounts.mail import code_in, mail_to
from tests.factories import make_member

pytestmark = pytest.mark.django_db
PASSWORD = "Correct-Horse-9battery"

VECTORS = [
    "//evil.example",
    "https:evil.example",
    "/\\evil.example",
    "javascript:alert(1)",
    "https://evil.example/",
    "%2F%2Fevil.example",
    "/%2F/evil.example",
    "/%5Cevil.example",
    "%2f%2fevil.example",
    "/%252F%252Fevil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    " //evil.example",
    "java%0Ascript:alert(1)",
    "evil.example",
]


@pytest.mark.parametrize("vector", VECTORS)
def test_sign_in_ignores_unsafe_next(client, vector):
    member = make_member()
    response = client.post(f"/en/accounts/login/?next={quote(vector, safe='')}",
                           {"login": member.email, "password": PASSWORD, "next": vector})
    assert response.status_code == 302
    assert response["Location"] == "/en/"


@pytest.mark.parametrize("vector", VECTORS)
def test_reset_flow_drops_unsafe_next(client, smtp, vector):
    member = make_member()
    client.post(f"/en/accounts/password/reset/?next={quote(vector, safe='')}",
                {"email": member.email, "next": vector})
    client.post("/en/accounts/password/reset/confirm/", {"code": code_in(mail_to(smtp, member.email))})
    done = client.post("/en/accounts/password/reset/complete/",
                       {"password1": "Brand-new-Pass9!", "password2": "Brand-new-Pass9!"})
    assert done["Location"] == "/en/accounts/password/reset/done/"
    html = client.get(done["Location"]).content.decode()
    assert "evil" not in html
    assert 'href="/en/accounts/login/"' in html


@pytest.mark.parametrize("vector", VECTORS)
def test_completed_page_ignores_unsafe_next_in_its_own_url(client, vector):
    html = client.get(f"/en/accounts/password/reset/done/?next={quote(vector, safe='')}").content.decode()
    main = html.split('<main', 1)[1].split("</main>", 1)[0]  # the header's language links echo the URL as is
    assert "evil" not in main
    assert 'href="/en/accounts/login/"' in main and 'href="/en/"' in main


@pytest.mark.parametrize("vector", VECTORS)
def test_terms_page_falls_back_to_home(client, vector):
    from newsreel.accounts.models import TermsVersion

    TermsVersion.objects.create(version="1", text_en="T", text_fr="C")
    client.force_login(make_member())
    response = client.post(f"/en/accounts/terms/accept/?next={quote(vector, safe='')}",
                           {"accept": "on", "next": vector})
    assert response["Location"] == "/en/"


@pytest.mark.parametrize("good", ["/en/media/V-2026-0001/", "/fr/media/?type=video&page=2", "/en/?q=a%20b"])
def test_same_site_relative_paths_are_kept(good):
    assert is_safe_next(good)


@pytest.mark.django_db
def test_signing_out_from_a_french_page_lands_on_the_french_home_page(client):
    client.force_login(make_member())
    response = client.post("/fr/accounts/logout/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302 and response.url == "/fr/"
    assert client.get(response.url).status_code == 200


@pytest.mark.django_db
def test_signing_out_honours_a_safe_next_and_ignores_an_unsafe_one(client):
    client.force_login(make_member())
    assert client.post("/fr/accounts/logout/", {"next": "/fr/media/"}).url == "/fr/media/"
    client.force_login(make_member())
    assert client.post("/fr/accounts/logout/", {"next": "//evil.example/"}).url == "/fr/"
