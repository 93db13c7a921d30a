"""Writes and paths shared by the apps that put files into the catalogue."""

from __future__ import annotations

from pathlib import Path

from newsreel.catalogue.models import Item


def rendition_dir(item: Item) -> Path:
    """Where an item's files live, relative to MEDIA_ROOT: named by the system, never by the user."""
    return Path("items") / item.reference
