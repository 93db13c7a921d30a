"""A small bilingual corpus, the same on SQLite and PostgreSQL, with drafts, an embargo and a withdrawal."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from newsreel.catalogue.models import Kind, Person, ShotlistLine, Tag
from newsreel.news.models import ArticleType
from newsreel.publishing import Status
from tests.factories import make_article, make_event, make_item


def _ago(**delta: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(**delta)


@pytest.fixture
def corpus(db: Any) -> dict[str, Any]:
    summit = make_event(slug="summit", title_en="Leaders' Summit 2026", title_fr="Sommet des dirigeants 2026",
                        location="Brussels, Belgium")
    tag = Tag.objects.create(slug="summit", name_en="Summit", name_fr="Sommet")
    sg = Person.objects.create(slug="sg", name="Mark Example", role_en="Secretary General",
                               role_fr="Secrétaire général")
    v1 = make_item(
        title_en="Leaders' summit in Brussels: negotiations on defence spending",
        title_fr="Sommet des dirigeants à Bruxelles : négociations sur les dépenses de défense",
        summary_en="Arrivals and doorstep statements.", summary_fr="Arrivées et déclarations à la presse.",
        event=summit, location_en="Brussels, Belgium", publish_at=_ago(days=2), shot_on=dt.date(2024, 6, 1),
    )
    v1.tags.add(tag)
    v1.people.add(sg)
    ShotlistLine.objects.create(item=v1, position=0, tc_in="00:00:00:00", tc_out="00:00:10:00",
                                description_en="Wide shot of the venue", description_fr="Plan large du lieu")
    ShotlistLine.objects.create(item=v1, position=1, tc_in="00:00:10:00", tc_out="00:00:30:00",
                                description_en="Secretary General on defence spending",
                                description_fr="Le Secrétaire général sur les dépenses de défense")
    p1 = make_item(kind=Kind.PHOTO, title_en="Family photo at the summit", title_fr="Photo de famille au sommet",
                   event=summit, location_en="Brussels, Belgium", publish_at=_ago(days=3))
    a1 = make_article(
        slug="allies-spend", title_en="Allies agree to spend more on defence",
        title_fr="Les Alliés s'accordent pour dépenser davantage pour la défense",
        body_en="<p>Negotiations in Brussels ended with a plan.</p>", body_fr="<p>Un plan a été adopté.</p>",
        event=summit, publish_at=_ago(days=1), type=ArticleType.PRESS_RELEASE,
    )
    a2 = make_article(slug="spending-review", title_en="Spending review published", title_fr="",
                      body_en="<p>The annual review.</p>", body_fr="", publish_at=_ago(days=4))
    a3 = make_article(slug="negociations-budget", title_en="", title_fr="Négociations budgétaires à Bruxelles",
                      body_en="", body_fr="<p>Les discussions continuent.</p>", publish_at=_ago(hours=12))
    v2 = make_item(title_en="Exercise Northern Shield: amphibious landing",
                   title_fr="Exercice Northern Shield : débarquement amphibie", location_en="Andøya, Norway",
                   publish_at=_ago(days=5), shot_on=dt.date(2025, 3, 2))
    ShotlistLine.objects.create(item=v2, position=0, tc_in="00:00:12:00", tc_out="00:00:20:00",
                                description_en="Landing craft approach the beach",
                                description_fr="Les engins de débarquement approchent de la plage")
    hidden = {
        "draft": make_item(title_en="Draft summit negotiations photo", status=Status.DRAFT, event=summit,
                           location_en="Brussels, Belgium"),
        "embargoed": make_item(title_en="Embargoed summit negotiations", status=Status.SCHEDULED, event=summit,
                               location_en="Brussels, Belgium", publish_at=timezone.now() + dt.timedelta(hours=1)),
        "withdrawn": make_item(title_en="Withdrawn summit negotiations", status=Status.WITHDRAWN, event=summit,
                               location_en="Brussels, Belgium"),
        "draft_article": make_article(title_en="Draft summit statement", status=Status.DRAFT, event=summit),
    }
    for item in (hidden["draft"], hidden["embargoed"], hidden["withdrawn"]):  # links index the items (signal handlers)
        item.tags.add(tag)
        item.people.add(sg)
    return {"v1": v1, "p1": p1, "a1": a1, "a2": a2, "a3": a3, "v2": v2, "summit": summit, "tag": tag, "sg": sg,
            **hidden}
