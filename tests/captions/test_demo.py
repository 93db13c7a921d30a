from __future__ import annotations

from typing import Any

import pytest

from newsreel.captions.models import CaptionStatus, CueSet
from newsreel.catalogue.models import Item, Kind
from newsreel.front.demo import run_demo


@pytest.mark.django_db
def test_demo_videos_have_published_captions_in_both_languages(settings: Any, tmp_path: Any) -> None:
    settings.VAR_DIR = tmp_path
    run_demo(report=lambda _msg: None, attach_media=False)
    run_demo(report=lambda _msg: None, attach_media=False)  # idempotent: no second set, no doubled cues
    videos = list(Item.objects.filter(kind=Kind.VIDEO))
    assert videos
    for item in videos:
        sets = {cue_set.language: cue_set for cue_set in CueSet.objects.filter(item=item)}
        assert set(sets) == {"en", "fr"}
        assert all(cue_set.status == CaptionStatus.PUBLISHED for cue_set in sets.values())
        assert sets["en"].cues.count() == item.shots.count()
    first = CueSet.objects.get(item__title_en__startswith="Secretary General arrives", language="fr")
    assert first.cues.first().text == "[Plan large du lieu du sommet, drapeaux]"
