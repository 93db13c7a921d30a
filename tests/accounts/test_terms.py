"""Versioned terms of use: a new version must be accepted again before the next download."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from newsreel.accounts.models import TermsVersion
from newsreel.accounts.terms import accept_terms, needs_terms_acceptance, terms_required
from tests.factories import make_member

pytestmark = pytest.mark.django_db


@terms_required
def fake_download(request):
    return HttpResponse("file")


def test_a_new_version_must_be_accepted_again():
    member = make_member()
    assert not needs_terms_acceptance(member)  # nothing published yet
    first = TermsVersion.objects.create(version="1", text_en="One", text_fr="Un")
    assert needs_terms_acceptance(member)
    accept_terms(user=member, terms=first)
    assert not needs_terms_acceptance(member)
    TermsVersion.objects.create(version="2", text_en="Two", text_fr="Deux")
    assert needs_terms_acceptance(member)


def test_a_version_in_force_later_does_not_apply_yet():
    member = make_member()
    first = TermsVersion.objects.create(version="1", text_en="One", text_fr="Un")
    accept_terms(user=member, terms=first)
    TermsVersion.objects.create(version="2", text_en="Two", text_fr="Deux",
                                published_at=timezone.now() + dt.timedelta(days=1))
    assert not needs_terms_acceptance(member)


def test_download_guard_sends_to_the_terms_page_and_back(client):
    member = make_member()
    TermsVersion.objects.create(version="3", text_en="Be fair", text_fr="Soyez loyal")
    request = RequestFactory().get("/download/V-1/master/")
    request.user = member
    response = fake_download(request)
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/terms/accept/?next=%2Fdownload%2FV-1%2Fmaster%2F"

    client.force_login(member)
    page = client.get(response["Location"])
    assert "Be fair" in page.content.decode()
    assert client.post(response["Location"], {"next": "/download/V-1/master/"}).status_code == 200  # box unticked
    accepted = client.post(response["Location"], {"accept": "on", "next": "/download/V-1/master/"})
    assert accepted["Location"] == "/download/V-1/master/"
    assert fake_download(request).status_code == 200


def test_terms_versions_are_editable_in_the_admin(client):
    from django.contrib.auth import get_user_model

    from tests.factories import sign_in_staff

    editor = get_user_model().objects.create_superuser("ed", "ed@example.org", "Editor-pass-2026!")
    sign_in_staff(client, editor)
    response = client.post("/admin/accounts/termsversion/add/", {
        "version": "2026-11", "text_en": "New terms", "text_fr": "Nouvelles conditions",
        "published_at_0": "2026-01-01", "published_at_1": "00:00:00",
    })
    assert response.status_code == 302
    assert TermsVersion.current().version == "2026-11"
