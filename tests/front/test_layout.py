"""Layout rules of the item and home pages that a browser would otherwise be needed to see."""
from __future__ import annotations

import re

import pytest
from django.core.files.base import ContentFile

from newsreel.catalogue.models import Kind, Rendition, Role

pytestmark = pytest.mark.django_db


def _rendition(item, role: str, **fields) -> Rendition:
    r = Rendition(item=item, role=role, container="jpeg", size=1234, **fields)
    r.file.save(f"{item.pk}-{role}.jpg", ContentFile(b"x"), save=False)
    r.save()
    return r


def test_photo_preview_has_the_rendition_size_and_no_video_columns(client, item_factory):
    photo = item_factory(kind=Kind.PHOTO, frame_rate="")
    _rendition(photo, Role.PHOTO_MEDIUM, width=1024, height=683)
    html = client.get(f"/en/media/{photo.reference}/").content.decode()
    img = re.search(r'<img[^>]*class="photo-preview"[^>]*>', html)
    assert img and 'width="1024"' in img.group() and 'height="683"' in img.group()
    files = html[html.index('class="renditions'):html.index("</table>", html.index('class="renditions'))]
    assert "Resolution" in files
    assert "Duration" not in files and "Frame rate" not in files and "Bitrate" not in files


def test_home_leads_with_the_latest_article(client, article_factory):
    article_factory(title_en="Older story")
    article_factory(title_en="Newest story")
    html = client.get("/en/").content.decode()
    lead = html[html.index('class="lead-story"'):html.index("</section>")]
    assert "Newest story" in lead and "Older story" not in lead
