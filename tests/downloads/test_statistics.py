"""Download statistics in the back office and each user's own history."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth import get_user_model

from newsreel.catalogue.models import Role
from newsreel.downloads.models import Download
from tests.downloads.conftest import add_file, make_licensee
from tests.factories import sign_in_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(client, member, item_factory, settings, terms):
    popular = item_factory(title_en="Popular")
    quiet = item_factory(title_en="Quiet")
    a = add_file(popular, Role.BROADCAST, media_root=settings.MEDIA_ROOT)
    b = add_file(quiet, Role.BROADCAST, media_root=settings.MEDIA_ROOT)
    other = make_licensee(organisation="=HYPERLINK(evil)")
    for user, rendition in [(member, a), (member, a), (other, a), (other, b)]:
        client.force_login(user)
        response = client.get(f"/en/download/{rendition.pk}/")
        b"".join(response.streaming_content)
    client.force_login(member)
    b"".join(client.get(f"/en/download/{a.pk}/", HTTP_RANGE="bytes=100-").streaming_content)  # a resume
    client.logout()
    return popular, quiet, other


def test_back_office_shows_counts_per_item_and_organisation_and_top_items(client, history):
    popular, quiet, _other = history
    staff = get_user_model().objects.create_superuser("chief", "chief@example.org", "Str0ng!Passw0rd#")
    sign_in_staff(client, staff)
    page = client.get("/admin/downloads/download/statistics/")
    assert page.status_code == 200
    rows = page.context["top_items"]
    assert [(r["item__reference"], r["downloads"], r["users"]) for r in rows] == [
        (popular.reference, 3, 2), (quiet.reference, 1, 1)]
    organisations = {r["organisation"]: r["downloads"] for r in page.context["organisations"]}
    assert organisations == {"Daily Example": 2, "=HYPERLINK(evil)": 2}
    assert "Popular" in page.content.decode()
    empty = client.get("/admin/downloads/download/statistics/?since=2001-01-01&until=2001-12-31")
    assert empty.context["top_items"] == []


def test_csv_export_lists_every_request_and_defuses_formulas(client, history):
    staff = get_user_model().objects.create_superuser("chief", "chief@example.org", "Str0ng!Passw0rd#")
    sign_in_staff(client, staff)
    response = client.get("/admin/downloads/download/statistics.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 5
    assert {r["organisation"] for r in rows} == {"Daily Example", "'=HYPERLINK(evil)"}
    assert any(r["first_byte"] == "100" for r in rows)


def test_members_cannot_see_the_statistics(client, member):
    client.force_login(member)
    assert client.get("/admin/downloads/download/statistics/").status_code in (302, 404)
    assert client.get("/admin/downloads/download/statistics.csv").status_code in (302, 404)


def test_a_user_sees_only_their_own_download_history(client, history, member):
    popular, quiet, _other = history
    client.force_login(member)
    page = client.get("/en/accounts/downloads/")
    assert page.status_code == 200
    text = page.content.decode()
    assert popular.reference in text and quiet.reference not in text
    assert len(page.context["page"].object_list) == 3
    assert "/en/accounts/downloads/" in client.get("/en/accounts/profile/").content.decode()
    client.logout()
    assert client.get("/en/accounts/downloads/").status_code == 302
    assert Download.objects.count() == 5
