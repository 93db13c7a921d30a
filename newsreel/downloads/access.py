"""Who may download what.

Open files need no account. Everything else needs a signed-in user with a verified e-mail address who has
accepted the terms in force; restricted files need staff. Masters are offered for clipping only to those
who may download them, and a master follows the same rules as any other file.
"""

from __future__ import annotations

from enum import Enum

from allauth.account.models import EmailAddress
from django.contrib.auth.models import AnonymousUser, User

from newsreel.accounts.terms import needs_terms_acceptance
from newsreel.catalogue.models import DOWNLOAD_ROLES, Access, Rendition


class Verdict(Enum):
    ALLOWED = "allowed"
    SIGN_IN = "sign-in"  # anonymous: send to the sign-in page
    VERIFY = "verify"  # signed in, e-mail address not verified
    TERMS = "terms"  # signed in, current terms not accepted
    FORBIDDEN = "forbidden"  # staff only
    NOT_FOUND = "not-found"  # not downloadable, or not published


def is_verified(user: User) -> bool:
    return user.is_staff or EmailAddress.objects.filter(user=user, verified=True).exists()


def may_download(user: User | AnonymousUser, rendition: Rendition) -> Verdict:
    if rendition.role not in DOWNLOAD_ROLES:
        return Verdict.NOT_FOUND
    item = rendition.item
    if not item.is_visible() and not user.is_staff:
        return Verdict.NOT_FOUND
    access = rendition.effective_access
    if access == Access.RESTRICTED and not user.is_staff:
        # Restricted files are not announced to anyone but staff.
        return Verdict.NOT_FOUND if user.is_authenticated else Verdict.SIGN_IN
    if access == Access.OPEN:
        return Verdict.ALLOWED
    return account_verdict(user)


def account_verdict(user: User | AnonymousUser) -> Verdict:
    """What a user lacks for downloads that need an account (clips, photo sets of registered items)."""
    if not user.is_authenticated:
        return Verdict.SIGN_IN
    assert isinstance(user, User)
    if not is_verified(user):
        return Verdict.VERIFY
    # Staff publish under these terms; they are not their licensees.
    if not user.is_staff and needs_terms_acceptance(user):
        return Verdict.TERMS
    return Verdict.ALLOWED
