"""A master's container label, stored name and Content-Type all come from its content (the MP4/QuickTime brand)."""

from __future__ import annotations

import shutil

import av
import pytest

from newsreel.catalogue.models import Access, Role
from newsreel.ingest.services import store_master

pytestmark = pytest.mark.django_db


def _quicktime_copy(source, target):
    """Remux to a real QuickTime file ('qt  ' brand)."""
    with av.open(str(source)) as src, av.open(str(target), "w", format="mov") as out:
        streams = {s.index: out.add_stream_from_template(s) for s in src.streams if s.type in ("video", "audio")}
        for packet in src.demux(*[src.streams[i] for i in streams]):
            if packet.dts is not None:
                packet.stream = streams[packet.stream.index]
                out.mux(packet)
    return target


@pytest.mark.parametrize(("name", "quicktime", "container", "suffix", "mime"), [
    ("clip.mp4", False, "mp4", ".mp4", "video/mp4"),
    ("misnamed.mov", False, "mp4", ".mp4", "video/mp4"),  # the name never decides
    ("camera.mov", True, "mov", ".mov", "video/quicktime"),
])
def test_master_label_name_and_type_follow_the_real_format(client, item_factory, small_video, tmp_path,
                                                           name, quicktime, container, suffix, mime):
    source = tmp_path / name
    _quicktime_copy(small_video, source) if quicktime else shutil.copyfile(small_video, source)
    item = item_factory(access=Access.OPEN)
    master = store_master(item=item, source=source)
    assert master.container == container
    assert master.file.name.endswith(f"master{suffix}")
    response = client.get(f"/en/download/{master.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == mime
    assert f'{item.reference}_{Role.MASTER}{suffix}' in response["Content-Disposition"]
