"""The owner's webhook pages and the back office."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.urls import reverse

from newsreel.newsletter.models import SavedSearch
from newsreel.webhooks.models import Endpoint
from tests.factories import make_member, sign_in_staff
from tests.webhooks.conftest import endpoint_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("allow_loopback")]


def test_member_adds_a_webhook_and_sees_its_secret(client, member, receiver):
    client.force_login(member)
    account = client.get(reverse("accounts:profile")).content.decode()
    assert reverse("webhooks:endpoints") in account
    search = SavedSearch.objects.create(user=member, name="Summit", query="q=summit")
    response = client.post(reverse("webhooks:endpoints"), {"url": receiver.url, "saved_search": search.pk,
                                                           "description": "Desk system"})
    endpoint = Endpoint.objects.get()
    assert response.url == reverse("webhooks:endpoint", args=[endpoint.pk])
    assert (endpoint.owner, endpoint.saved_search, endpoint.active) == (member, search, True)
    page = client.get(response.url).content.decode()
    assert endpoint.secret in page and endpoint.secret.startswith("whsec_")
    assert "Summit" in page and "Nothing has been sent" in page


def test_rotate_disable_enable_and_delete(client, member, receiver):
    endpoint = endpoint_for(member, receiver.url)
    old = endpoint.secret
    client.force_login(member)
    action = reverse("webhooks:action", args=[endpoint.pk])
    client.post(action, {"action": "rotate"})
    endpoint.refresh_from_db()
    assert endpoint.secret != old and endpoint.previous_secret == old
    client.post(action, {"action": "disable"})
    endpoint.refresh_from_db()
    assert not endpoint.active and endpoint.disabled_reason
    client.post(action, {"action": "enable"})
    endpoint.refresh_from_db()
    assert endpoint.active
    client.post(action, {"action": "delete"})
    assert not Endpoint.objects.exists()


def test_nobody_sees_or_changes_someone_elses_webhook(client, member, receiver, terms):
    endpoint = endpoint_for(member, receiver.url)
    other = make_member()
    from newsreel.accounts.terms import accept_terms

    accept_terms(user=other, terms=terms)
    client.force_login(other)
    assert client.get(reverse("webhooks:endpoint", args=[endpoint.pk])).status_code == 404
    assert client.post(reverse("webhooks:action", args=[endpoint.pk]), {"action": "delete"}).status_code == 404
    assert endpoint.secret not in client.get(reverse("webhooks:endpoints")).content.decode()
    assert Endpoint.objects.filter(pk=endpoint.pk).exists()


def test_only_the_owners_saved_searches_can_be_chosen(client, member, receiver):
    stranger = get_user_model().objects.create_user("al", "al@example.org", "pw-long-enough-1")
    theirs = SavedSearch.objects.create(user=stranger, name="Theirs", query="q=x")
    client.force_login(member)
    page = client.post(reverse("webhooks:endpoints"), {"url": receiver.url, "saved_search": theirs.pk})
    assert page.status_code == 400 and not Endpoint.objects.exists()


def test_webhooks_need_a_verified_address_and_the_terms(client, member, terms):
    assert client.get(reverse("webhooks:endpoints")).status_code == 302  # signed out
    unverified = make_member()
    EmailAddress.objects.filter(user=unverified).update(verified=False)
    client.force_login(unverified)
    assert client.get(reverse("webhooks:endpoints")).status_code == 403
    no_terms = make_member()
    client.force_login(no_terms)
    response = client.get(reverse("webhooks:endpoints"))
    assert response.status_code == 302 and reverse("accounts:terms") in response.url


def test_french_page(client, member):
    client.force_login(member)
    page = client.get("/fr/accounts/webhooks/").content.decode()
    assert "Ajouter un webhook" in page and "Tout ce qui est nouvellement publié" in page


def test_staff_manage_every_endpoint_in_the_back_office(client, member, receiver):
    endpoint = endpoint_for(member, receiver.url)
    staff = get_user_model().objects.create_user("ed", "ed@example.org", "pw-long-enough-1", is_staff=True,
                                                 is_superuser=True)
    sign_in_staff(client, staff)
    assert receiver.url in client.get(reverse("admin:webhooks_endpoint_changelist")).content.decode()
    change = client.get(reverse("admin:webhooks_endpoint_change", args=[endpoint.pk])).content.decode()
    assert endpoint.secret in change
    client.post(reverse("admin:webhooks_endpoint_changelist"),
                {"action": "disable", "_selected_action": [endpoint.pk]})
    endpoint.refresh_from_db()
    assert not endpoint.active
    assert client.get(reverse("admin:webhooks_delivery_changelist")).status_code == 200
    added = client.post(reverse("admin:webhooks_endpoint_add"),
                        {"owner": member.pk, "url": "http://127.0.0.1:1/x", "description": "Partner"})
    assert added.status_code == 302 and Endpoint.objects.count() == 2


def test_owner_sends_a_test_request(client, member, receiver, django_capture_on_commit_callbacks):
    endpoint = endpoint_for(member, receiver.url)
    receiver.secret = endpoint.secret
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("webhooks:action", args=[endpoint.pk]), {"action": "ping"})
    [request] = receiver.received
    assert request.verified and request.json()["event"] == "ping" and request.headers["Newsreel-Event"] == "ping"
    page = client.get(reverse("webhooks:endpoint", args=[endpoint.pk])).content.decode()
    assert "HTTP 200" in page and "ping" in page


def test_the_log_names_what_was_sent_in_the_readers_language(client, member, receiver, clock):
    from newsreel.webhooks.tick import webhooks_tick
    from tests.factories import make_item

    endpoint = endpoint_for(member, receiver.url)
    receiver.secret = endpoint.secret
    clock.advance(minutes=1)
    make_item(title_en="Summit arrivals", title_fr="Arrivées au sommet", publish_at=clock.now)
    webhooks_tick()
    client.force_login(member)
    assert "Arrivées au sommet" in client.get(f"/fr/accounts/webhooks/{endpoint.pk}/").content.decode()
    assert "Summit arrivals" in client.get(f"/en/accounts/webhooks/{endpoint.pk}/").content.decode()


def test_a_deactivated_accounts_endpoints_get_nothing(member, receiver, clock):
    from newsreel.webhooks.tick import webhooks_tick
    from tests.factories import make_item

    endpoint_for(member, receiver.url)
    member.is_active = False
    member.save()
    clock.advance(minutes=1)
    make_item(publish_at=clock.now)
    webhooks_tick()
    assert receiver.received == []


def test_test_requests_are_limited(client, member, receiver, django_capture_on_commit_callbacks):
    from newsreel.webhooks.views import PINGS_PER_HOUR

    endpoint = endpoint_for(member, receiver.url)
    receiver.secret = endpoint.secret
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        for _n in range(PINGS_PER_HOUR + 2):
            client.post(reverse("webhooks:action", args=[endpoint.pk]), {"action": "ping"})
    assert len(receiver.received) == PINGS_PER_HOUR
    page = client.get(reverse("webhooks:endpoint", args=[endpoint.pk])).content.decode()
    assert "Too many test requests" in page
