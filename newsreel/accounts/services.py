"""Account writes that span several models."""

from __future__ import annotations

from allauth.usersessions.models import UserSession
from django.contrib.auth.models import User
from django.db import transaction

from newsreel.accounts.models import Profile, TermsVersion
from newsreel.accounts.terms import accept_terms


@transaction.atomic
def profile_create(
    *, user: User, full_name: str, organisation: str, role: str, country: str, language: str,
    accepted_terms: bool,
) -> Profile:
    profile = Profile.objects.create(
        user=user, full_name=full_name, organisation=organisation, role=role, country=country, language=language,
    )
    current = TermsVersion.current()
    if accepted_terms and current is not None:
        accept_terms(user=user, terms=current)
    return profile


def end_other_sessions(*, user: User, keep_session_key: str | None) -> int:
    """Signs the user out of every other session allauth tracked. Untracked sessions die too: Django refuses a
    session once the password hash it was signed with has changed."""
    others = UserSession.objects.filter(user=user).exclude(session_key=keep_session_key or "")
    ended = 0
    for user_session in others:
        user_session.end()
        ended += 1
    return ended


@transaction.atomic
def account_delete(*, user: User) -> None:
    """Deletes the account with its profile, e-mail addresses, authenticators and terms acceptances."""
    end_other_sessions(user=user, keep_session_key=None)
    user.delete()
