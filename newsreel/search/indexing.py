"""Write the search index: called by search's own signal receivers (signal_handlers.py), `reindex` and loaders.

Each call runs inside the caller's transaction (or its own), so content and index rows commit together.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from newsreel.catalogue.models import Event, Item, Person, ShotlistLine, Tag
from newsreel.news.models import Article
from newsreel.search.backends import document_flags
from newsreel.search.caption_lines import MAX_WORDS, CaptionLine, published_lines
from newsreel.search.models import SearchDocument, SearchText
from newsreel.search.text import LANGS, index_words, stems, strip_html, unaccented_stems

# A document's text is capped so one huge body cannot blow PostgreSQL's per-vector limits. Captions come after
# it with a budget of their own (caption_lines.py), so a long transcript never pushes out the item's own words:
# a column holds at most 5,000 + 2 x 4,000 terms, under tsvector's 16,383 positions (phrases stay exact).
MAX_TERMS_PER_COLUMN = 5000
MAX_CAPTION_TERMS = 2 * MAX_WORDS


class _Text:
    """Collects a document's text per language (stemmed) and language-neutral words, keeping field order."""

    def __init__(self) -> None:
        self.by_lang: dict[str, list[str]] = {lang: [] for lang in LANGS}
        self.neutral: list[str] = []
        self.captions: dict[str, list[str]] = {lang: [] for lang in LANGS}
        self.other_captions: list[str] = []  # a caption language search does not stem: its words only

    def add_captions(self, lines: Iterable[CaptionLine]) -> None:
        for line in lines:
            self.captions.get(line.language, self.other_captions).append(line.text)

    def add(self, lang: str, text: str) -> None:
        if text and text.strip():
            self.by_lang[lang].append(text)

    def add_pair(self, obj: Any, field: str) -> None:
        for lang in LANGS:
            self.add(lang, getattr(obj, f"{field}_{lang}", "") or "")

    def add_neutral(self, text: str) -> None:
        if text and text.strip():
            self.neutral.append(text)

    def column(self, lang: str) -> str:
        return _joined(_cap(_stemmed(self.by_lang[lang], lang), MAX_TERMS_PER_COLUMN),
                       _cap(_stemmed(self.captions[lang], lang), MAX_CAPTION_TERMS))

    def all_words(self) -> str:
        texts = [*self.by_lang["en"], *self.by_lang["fr"], *self.neutral]
        captions = [*self.captions["en"], *self.captions["fr"], *self.other_captions]
        return _joined(_cap(_words(texts), MAX_TERMS_PER_COLUMN), _cap(_words(captions), MAX_CAPTION_TERMS))


def _stemmed(texts: list[str], lang: str) -> str:
    # The stems in text order (phrases), then the stems an unaccented query would look for (text.py).
    return " ".join([*(" ".join(stems(text, lang)) for text in texts),
                     *(" ".join(unaccented_stems(text, lang)) for text in texts)])


def _words(texts: list[str]) -> str:
    return " ".join(" ".join(index_words(text)) for text in texts)


def _cap(terms: str, limit: int) -> str:
    parts = terms.split()
    return " ".join(parts[:limit])


def _joined(*parts: str) -> str:
    return " ".join(part for part in parts if part)


def key(*texts_by_lang: tuple[str, str]) -> str:
    """A ' a b | c d ' string for ranking: each text stemmed in its language, then as plain words."""
    parts = [" ".join(stems(text, lang)) for lang, text in texts_by_lang if text]
    parts += [" ".join(unaccented_stems(text, lang)) for lang, text in texts_by_lang if text]
    parts += [" ".join(index_words(text)) for _lang, text in texts_by_lang if text]
    return " " + " | ".join(part for part in parts if part) + " "


def flags(fields: dict[str, Any], tags: Iterable[Tag] = (), people: Iterable[Person] = ()) -> str:
    """The engine's own terms for a document (see backends.py), from the row's other fields."""
    published = fields["publish_at"]
    if timezone.is_naive(published):
        published = timezone.make_aware(published)
    event = fields["event"]
    return document_flags(
        published=timezone.localtime(published).date(), shot_on=fields["shot_on"], kind=fields["kind"],
        event_id=event.pk if event is not None else None, tag_ids=sorted(t.pk for t in tags),
        person_ids=sorted(p.pk for p in people), location=fields["location"], has_shotlist=fields["has_shotlist"],
        has_en=fields["has_en"], has_fr=fields["has_fr"], has_captions=fields["has_captions"])


def _ids_key(objects: Iterable[Any]) -> str:
    return " ".join(str(pk) for pk in sorted(obj.pk for obj in objects))


def _meta_pairs(tags: Iterable[Tag], people: Iterable[Person], event: Event | None,
                location: str) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for tag in tags:
        pairs += [("en", tag.name_en), ("fr", tag.name_fr)]
    for person in people:
        pairs += [("en", person.name), ("fr", person.name)]
    if event is not None:
        pairs += [("en", event.title_en), ("fr", event.title_fr)]
    if location:
        pairs += [("en", location), ("fr", location)]
    return pairs


def item_document_fields(item: Item, captions: Sequence[CaptionLine] | None = None) -> dict[str, Any]:
    """The item's row; `captions` are its published caption lines when the caller read them for a batch."""
    if captions is None:
        captions = published_lines([item.pk]).get(item.pk, [])
    return item_fields(item, list(item.tags.all()), list(item.people.all()), list(item.shots.all()),
                       captions=captions)


def item_fields(item: Item, tags: list[Tag], people: list[Person], shots: list[ShotlistLine], *,
                captions: Sequence[CaptionLine] = ()) -> dict[str, Any]:
    """The index row of an item given its related rows (also used by bulk loaders, which have them at hand)."""
    event = item.event
    text = _Text()
    for field in ("title", "summary", "description"):
        text.add_pair(item, field)
    for shot in shots:
        text.add_pair(shot, "description")
    for tag in tags:
        text.add_pair(tag, "name")
    for person in people:
        text.add_neutral(person.name)
        text.add_pair(person, "role")
    if event is not None:
        text.add_pair(event, "title")
    # Both names of the place, in either language's search ("Bruxelles" finds the item on the English side too).
    text.add_neutral(" ".join([item.location_en, item.location_fr, item.reference, item.credit]))
    text.add_captions(captions)
    fields = {
        "kind": item.kind, "subtype": "", "status": item.status, "publish_at": item.publish_at,
        "shot_on": item.shot_on, "event": event, "location": item.location_en.strip(),
        "has_shotlist": bool(shots), "has_captions": bool(captions),
        "has_en": bool(item.title_en.strip()), "has_fr": bool(item.title_fr.strip()),
        "en": text.column("en"), "fr": text.column("fr"), "words": text.all_words(),
        "title_key": key(("en", item.title_en), ("fr", item.title_fr)),
        "meta_key": key(*_meta_pairs(tags, people, event, item.location_en)),
        "tag_ids": _ids_key(tags), "person_ids": _ids_key(people),
    }
    return {**fields, "flags": flags(fields, tags, people)}


def article_document_fields(article: Article) -> dict[str, Any]:
    event = article.event
    text = _Text()
    text.add_pair(article, "title")
    text.add_pair(article, "summary")
    for lang in LANGS:
        text.add(lang, strip_html(getattr(article, f"body_{lang}")))
    if event is not None:
        text.add_pair(event, "title")
    text.add_neutral(article.reference)
    location = event.location.strip() if event is not None else ""
    fields = {
        "kind": "article", "subtype": article.type, "status": article.status, "publish_at": article.publish_at,
        "shot_on": None, "event": event, "location": location, "has_shotlist": False, "has_captions": False,
        "has_en": bool(article.title_en.strip()), "has_fr": bool(article.title_fr.strip()),
        "en": text.column("en"), "fr": text.column("fr"), "words": text.all_words(),
        "title_key": key(("en", article.title_en), ("fr", article.title_fr)),
        "meta_key": key(*_meta_pairs([], [], event, location)),
        "tag_ids": "", "person_ids": "",
    }
    return {**fields, "flags": flags(fields)}


TEXT_FIELDS = ("en", "fr", "words", "flags")


def split_fields(fields: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """(SearchDocument fields, SearchText fields)."""
    return ({k: v for k, v in fields.items() if k not in TEXT_FIELDS}, {k: fields[k] for k in TEXT_FIELDS})


def _write(target: dict[str, Any], fields: dict[str, Any]) -> None:
    document_fields, text_fields = split_fields(fields)
    with transaction.atomic():
        document, _ = SearchDocument.objects.update_or_create(**target, defaults=document_fields)
        SearchText.objects.update_or_create(document=document, defaults=text_fields)


def index_item(item: Item, captions: Sequence[CaptionLine] | None = None) -> None:
    """(Re)write the item's index row from its current state, tags, people, shotlist and captions included."""
    if item.pk is not None:
        _write({"item": item}, item_document_fields(item, captions))


def index_article(article: Article) -> None:
    if article.pk is not None:
        _write({"article": article}, article_document_fields(article))


def index_items(items: Iterable[Item]) -> None:
    items = list(items)
    captions = published_lines(item.pk for item in items if item.pk is not None)  # one read for the batch
    for item in items:
        index_item(item, captions.get(item.pk, []))


def _with_related(items: QuerySet[Item]) -> QuerySet[Item]:
    """What an item's row is made of, read a batch at a time rather than four queries per item."""
    return items.select_related("event").prefetch_related("tags", "people", "shots")


def index_item_ids(ids: Iterable[int], *, batch: int = 500) -> None:
    """Rewrite the rows of these items (after a bulk update or an m2m change), a batch of them at a time."""
    ids = sorted(set(ids))
    for start in range(0, len(ids), batch):
        index_items(_with_related(Item.objects.filter(pk__in=ids[start:start + batch])))


def _index_articles(articles: QuerySet[Article]) -> None:
    for article in articles.select_related("event"):
        index_article(article)


def index_article_ids(ids: Iterable[int], *, batch: int = 500) -> None:
    ids = sorted(set(ids))
    for start in range(0, len(ids), batch):
        _index_articles(Article.objects.filter(pk__in=ids[start:start + batch]))


def index_event_content(event: Event) -> None:
    """An event's title is part of its items' and articles' documents."""
    if event.pk is None:
        return
    index_items(_with_related(Item.objects.filter(event=event)))
    _index_articles(Article.objects.filter(event=event))


def reindex_all(*, batch: int = 500, report: Any = None) -> tuple[int, int]:
    """Rebuild every row (recovery after bulk edits or a restore); returns (items, articles) indexed."""
    counts = [0, 0]
    items = _with_related(Item.objects.order_by("pk"))
    for start in range(0, items.count(), batch):
        with transaction.atomic():
            chunk = list(items[start:start + batch])
            index_items(chunk)
            counts[0] += len(chunk)
        if report:
            report(f"items: {counts[0]}")
    articles = Article.objects.select_related("event").order_by("pk")
    with transaction.atomic():
        for article in articles.iterator(chunk_size=batch):
            index_article(article)
            counts[1] += 1
    return counts[0], counts[1]
