from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache

from newsreel.accounts.models import TermsVersion
from newsreel.accounts.terms import accept_terms
from newsreel.catalogue.models import Rendition, Role
from tests.factories import make_member


@pytest.fixture(autouse=True)
def _fresh_cache_and_fast_hashing(settings: Any) -> Any:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    yield
    cache.clear()


# An MP4 file type box: enough for the content sniffing that decides a served file's type (newsreel.media.content).
MP4_HEAD = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomavc1"


def add_file(item: Any, role: str, data: bytes | None = None, *, media_root: str, mime: str = "video/mp4",
             suffix: str = ".mp4", access: str = "", source: Path | None = None) -> Rendition:
    """A rendition whose file lives under MEDIA_ROOT, as ingest would leave it."""
    path = Path(media_root) / "items" / item.reference / "derived" / f"{role}{suffix}"
    path.parent.mkdir(parents=True, exist_ok=True)
    if source is not None:
        path.write_bytes(source.read_bytes())
    else:
        path.write_bytes(data if data is not None else MP4_HEAD + os.urandom(50_000))
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return Rendition.objects.create(item=item, role=role, file=str(path.relative_to(media_root)), mime_type=mime,
                                    size=path.stat().st_size, sha256=digest, access=access)


@pytest.fixture
def terms(db: Any) -> TermsVersion:
    return TermsVersion.objects.create(version="2026-1", text_en="Credit the source.", text_fr="Citez la source.")


def make_licensee(**fields: Any) -> Any:
    """A verified member who accepted the terms in force."""
    user = make_member(**fields)
    current = TermsVersion.current()
    if current is not None:
        accept_terms(user=user, terms=current)
    return user


@pytest.fixture
def member(terms: TermsVersion) -> Any:
    return make_licensee(organisation="Daily Example")


@pytest.fixture
def unverified(terms: TermsVersion) -> Any:
    user = make_member()
    EmailAddress.objects.filter(user=user).update(verified=False)
    accept_terms(user=user, terms=terms)
    return user


@pytest.fixture
def web_file(item_factory: Any, settings: Any) -> Rendition:
    return add_file(item_factory(), Role.BROADCAST, media_root=settings.MEDIA_ROOT)
