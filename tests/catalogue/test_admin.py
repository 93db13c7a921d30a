from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from tests.factories import sign_in_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("editor", "editor@example.org", "Str0ng!Passw0rd#")
    return sign_in_staff(client, user)  # the back office needs a second factor


def test_editor_can_search_and_filter_items(admin_client, item_factory):
    item_factory(title_en="Summit arrival")
    item_factory(title_en="Exercise landing", kind="photo")
    response = admin_client.get("/admin/catalogue/item/?q=summit")
    assert response.status_code == 200
    assert "Summit arrival" in response.content.decode()
    assert "Exercise landing" not in response.content.decode()
    response = admin_client.get("/admin/catalogue/item/?kind__exact=photo")
    assert "Exercise landing" in response.content.decode()


def test_item_change_page_has_shotlist_and_rendition_inlines(admin_client, item_factory):
    item = item_factory()
    html = admin_client.get(f"/admin/catalogue/item/{item.pk}/change/").content.decode()
    assert "shots-TOTAL_FORMS" in html
    assert "renditions-TOTAL_FORMS" in html
