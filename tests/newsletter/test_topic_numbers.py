"""Topic ids in the newsletter forms are numbers from the request too: any length is an invalid choice."""

from __future__ import annotations

import pytest

from newsreel.newsletter.forms import PreferencesForm

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("topic", ["9" * 5000, "99999999999999999999", "\u0663", "-1"])
def test_a_topic_id_of_any_length_is_an_invalid_choice(topic):
    form = PreferencesForm(data={"language": "en", "topics": [topic]})
    assert not form.is_valid() and "topics" in form.errors
