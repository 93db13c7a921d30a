"""The back office's caption work reaches search: an uploaded draft is not found, publishing finds it, a cue
edited in the cue list is found by its new words, unpublishing removes it (the index follows in the same
transaction; search listens, captions knows nothing of it)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from newsreel.captions.models import CueSet
from newsreel.search.engine import search
from newsreel.search.params import SearchParams
from tests.factories import make_item, sign_in_staff

pytestmark = pytest.mark.django_db

SRT = ("1\n00:00:01,000 --> 00:00:03,000\nGood morning and welcome\n\n"
       "2\n00:00:04,000 --> 00:00:06,000\nto the harbour inauguration\n")


@pytest.fixture
def admin_client(client: Any) -> Any:
    user = get_user_model().objects.create_superuser("editor", "editor@example.org", "Str0ng!Passw0rd#")
    return sign_in_staff(client, user)


def found(q: str) -> list[int]:
    return [hit.obj.pk for hit in search(SearchParams(q=q), lang="en").hits]


def test_editing_captions_in_the_back_office_updates_search(admin_client: Any) -> None:
    item = make_item(title_en="Ceremony", start_timecode="10:00:00:00")
    admin_client.post(reverse("admin:captions_cueset_add"), {
        "item": item.pk, "language": "en", "status": "draft", "upload": SimpleUploadedFile("c.srt", SRT.encode())})
    cue_set = CueSet.objects.get()
    assert found("inaugurated") == []  # a draft
    sets = reverse("admin:captions_cueset_changelist")
    admin_client.post(sets, {"action": "publish", "_selected_action": [cue_set.pk]})
    assert found("inaugurated") == [item.pk]  # stemmed: inaugur
    cues = list(cue_set.cues.all())
    url = reverse("admin:captions_cue_changelist") + f"?cue_set__id__exact={cue_set.pk}"
    data = {"form-TOTAL_FORMS": "2", "form-INITIAL_FORMS": "2", "_save": "Save"}
    for n, (cue, text) in enumerate(zip(cues, ["Good morning", "to the lighthouse opening"], strict=True)):
        data.update({f"form-{n}-id": str(cue.pk), f"form-{n}-start": cue_set.label(cue.start),
                     f"form-{n}-end": cue_set.label(cue.end), f"form-{n}-text": text})
    assert admin_client.post(url, data).status_code == 302
    assert found("inaugurated") == [] and found("lighthouse") == [item.pk]
    admin_client.post(url, {"action": "delete_selected", "_selected_action": [cues[1].pk], "post": "yes"})
    assert found("lighthouse") == [] and found("morning") == [item.pk]
    admin_client.post(sets, {"action": "unpublish", "_selected_action": [cue_set.pk]})
    assert found("morning") == []
