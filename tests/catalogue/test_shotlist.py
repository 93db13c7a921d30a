from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from newsreel.catalogue.models import ShotlistLine

pytestmark = pytest.mark.django_db


def test_shotlist_line_is_normalised_and_counts_frames_at_the_item_rate(item_factory):
    item = item_factory(frame_rate="25")
    line = ShotlistLine(item=item, tc_in="0:00:12:00", tc_out="00:00:31:10", description_en="Arrival")
    line.full_clean()
    assert line.tc_in == "00:00:12:00"
    assert line.frames() == (300, 785)


@pytest.mark.parametrize(
    ("tc_in", "tc_out", "field"),
    [("00:00:10:00", "00:00:05:00", "tc_out"), ("00:00:10:25", "00:00:12:00", "tc_in"), ("ten", "00:00:12:00", "tc_in"),
     ("00:00:01;00", "00:00:02:00", "tc_in")],
)
def test_shotlist_line_rejects_impossible_timecodes(item_factory, tc_in, tc_out, field):
    item = item_factory(frame_rate="25")
    with pytest.raises(ValidationError) as excinfo:
        ShotlistLine(item=item, tc_in=tc_in, tc_out=tc_out).full_clean()
    assert field in excinfo.value.message_dict


def test_drop_frame_shotlist_at_2997(item_factory):
    item = item_factory(frame_rate="30000/1001")
    line = ShotlistLine(item=item, tc_in="00:01:00;02", tc_out="00:01:00;10")
    line.full_clean()
    assert line.frames() == (1800, 1808)
