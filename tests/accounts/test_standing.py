"""A user's standing (verified address, terms in force accepted) is kept in the cache and follows every change."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone

from newsreel.accounts.models import TermsAcceptance, TermsVersion
from newsreel.accounts.standing import standing
from newsreel.accounts.terms import accept_terms, needs_terms_acceptance
from newsreel.downloads.access import Verdict, account_verdict
from tests.factories import make_member

pytestmark = pytest.mark.django_db


def test_a_second_reading_costs_no_query(django_assert_num_queries):
    member = make_member()
    accept_terms(user=member, terms=TermsVersion.objects.create(version="1", text_en="One", text_fr="Un"))
    assert account_verdict(member) == Verdict.ALLOWED
    with django_assert_num_queries(0):
        assert account_verdict(member) == Verdict.ALLOWED


def test_verifying_or_losing_an_address_counts_at_once():
    member = make_member()
    address = EmailAddress.objects.get(user=member)
    assert standing(member).verified
    address.verified = False
    address.save()
    assert account_verdict(member) == Verdict.VERIFY
    address.verified = True
    address.save()
    assert account_verdict(member) == Verdict.ALLOWED
    address.delete()
    assert account_verdict(member) == Verdict.VERIFY


def test_an_acceptance_withdrawn_counts_at_once():
    member = make_member()
    accept_terms(user=member, terms=TermsVersion.objects.create(version="1", text_en="One", text_fr="Un"))
    assert not needs_terms_acceptance(member)
    TermsAcceptance.objects.filter(user=member).delete()
    assert needs_terms_acceptance(member)
    assert account_verdict(member) == Verdict.TERMS


def test_a_version_scheduled_for_later_is_in_force_when_its_time_comes():
    member = make_member()
    accept_terms(user=member, terms=TermsVersion.objects.create(version="1", text_en="One", text_fr="Un"))
    TermsVersion.objects.create(version="2", text_en="Two", text_fr="Deux",
                                published_at=timezone.now() + dt.timedelta(seconds=1))
    assert not needs_terms_acceptance(member)  # read now, and kept
    time.sleep(1.1)
    assert needs_terms_acceptance(member)


def test_one_users_change_leaves_anothers_standing_alone():
    first, second = make_member(), make_member()
    terms = TermsVersion.objects.create(version="1", text_en="One", text_fr="Un")
    accept_terms(user=first, terms=terms)
    assert needs_terms_acceptance(second)
    accept_terms(user=second, terms=terms)
    assert not needs_terms_acceptance(second)
    assert not needs_terms_acceptance(first)
