"""Writes that span several models of the catalogue."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from django.conf import settings
from django.db import transaction

from newsreel.catalogue.models import Item, Rendition, Role


def file_sha256(path: Path, chunk: int = 1024 * 1024) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def rendition_dir(item: Item) -> Path:
    """Where an item's files live, relative to MEDIA_ROOT: named by the system, never by the user."""
    return Path("items") / item.reference


def attach_master(*, item: Item, source: Path) -> Rendition:
    """Copy a master into the item's storage and record it; the ingest pipeline then makes renditions."""
    relative = rendition_dir(item) / f"master{source.suffix.lower()}"
    target = Path(settings.MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".part")
    shutil.copyfile(source, tmp)
    tmp.replace(target)
    with transaction.atomic():
        rendition, _ = Rendition.objects.update_or_create(item=item, role=Role.MASTER, defaults={
            "file": str(relative), "size": target.stat().st_size, "sha256": file_sha256(target)})
    return rendition
