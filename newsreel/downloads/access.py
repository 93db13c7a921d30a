"""Who may have which file: the one place for the rule.

Every file is either a preview or a download, never both (newsreel.catalogue.models.PREVIEW_ROLES):

- A preview is a file made for the page, of lower quality than any download (the 720p web video, a low bit
  rate audio preview, posters, thumbnails, storyboards, waveforms, the medium and thumbnail photos). Anyone
  who may see the item's page gets it, without an account, terms or a log entry: a visible item's previews,
  and a restricted one's to staff only.
- A download (master, broadcast, proxy, WAV, MP3, large photo) follows its access (the rendition's, else the
  item's): open files need no account; registered ones a signed-in user with a verified e-mail address who
  has accepted the terms in force; restricted ones staff. A master is a download like any other (the
  clip tool offers it to those who may download it). Each download is logged.
"""

from __future__ import annotations

from enum import Enum

from django.contrib.auth.models import AnonymousUser, User

from newsreel.accounts.standing import standing
from newsreel.accounts.terms import needs_terms_acceptance
from newsreel.catalogue.models import DOWNLOAD_ROLES, PREVIEW_ROLES, Access, Rendition


class Verdict(Enum):
    ALLOWED = "allowed"
    SIGN_IN = "sign-in"  # anonymous: send to the sign-in page
    VERIFY = "verify"  # signed in, e-mail address not verified
    TERMS = "terms"  # signed in, current terms not accepted
    FORBIDDEN = "forbidden"  # staff only
    NOT_FOUND = "not-found"  # not downloadable, or not published


def is_verified(user: User) -> bool:
    return user.is_staff or standing(user).verified


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


def may_preview(user: User | AnonymousUser, rendition: Rendition) -> bool:
    if rendition.role not in PREVIEW_ROLES:
        return False
    if not rendition.item.is_visible() and not user.is_staff:
        return False
    return rendition.effective_access != Access.RESTRICTED or user.is_staff


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


assert PREVIEW_ROLES.isdisjoint(DOWNLOAD_ROLES), "a file is a preview or a download, never both"
