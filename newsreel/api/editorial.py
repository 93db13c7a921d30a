"""/editorial: staff write items and articles (both languages, status, embargo, access) as in the admin.

Writes need a token with the `editorial` scope whose owner is staff now (a token made while they were staff stops
writing when they no longer are). Each write is validated by the model's own `full_clean` (the admin's rules) and
saved with `save()`, so the search index, feeds and webhooks follow as they do for the admin's saves. Drafts and
embargoed content are read here too: the public resources (/items, /articles) show only what is visible.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Path, Router, Schema, Status
from pydantic import AwareDatetime, Field

from newsreel.api.auth import require_scope
from newsreel.api.errors import ApiError, not_found, with_errors
from newsreel.api.models import Scope
from newsreel.api.representations import API_ROOT, absolute
from newsreel.catalogue.models import Event, Item
from newsreel.news.models import Article

router = Router(tags=["editorial"])

REFERENCE = Path(..., max_length=20, pattern=r"^[A-Za-z0-9-]+$")
SLUG = Path(..., max_length=150, pattern=r"^[-a-zA-Z0-9_]+$")
StatusName = Literal["draft", "scheduled", "published", "withdrawn"]
AccessName = Literal["open", "registered", "restricted"]
BILINGUAL = ("title", "summary", "description", "location", "terms", "body", "withdrawn_note")


class TextIn(Schema):
    """A text in both languages; a language left out keeps its value (on update)."""

    en: str | None = Field(None, max_length=100_000)
    fr: str | None = Field(None, max_length=100_000)


class Publication(Schema):
    status: StatusName | None = Field(None, description="`scheduled` with a future `publish_at` is an embargo.")
    publish_at: AwareDatetime | None = Field(None, description="When it appears (with a UTC offset).")
    title: TextIn | None = None
    summary: TextIn | None = None
    withdrawn_note: TextIn | None = None
    event: str | None = Field(None, max_length=150, pattern=r"^[-a-zA-Z0-9_]*$",
                              description="The event's slug; an empty string removes it.")


class ItemWrite(Publication):
    description: TextIn | None = None
    location: TextIn | None = None
    terms: TextIn | None = None
    access: AccessName | None = None
    shot_on: dt.date | None = None
    credit: str | None = Field(None, max_length=250)
    copyright: str | None = Field(None, max_length=250)
    frame_rate: str | None = Field(None, max_length=20)
    start_timecode: str | None = Field(None, max_length=12)


class ItemCreate(ItemWrite):
    kind: Literal["video", "photo", "audio"]


class ArticleWrite(Publication):
    type: Literal["press_release", "news", "statement"] | None = None
    reference: str | None = Field(None, max_length=40)
    body: TextIn | None = Field(None, description="HTML, cleaned as the admin cleans it.")
    related_items: list[str] | None = Field(None, max_length=50, description="Items' references.")


class ArticleCreate(ArticleWrite):
    slug: str = Field(..., min_length=1, max_length=150, pattern=r"^[-a-zA-Z0-9_]+$")


class EditorialText(Schema):
    en: str
    fr: str


class EditorialOut(Schema):
    status: str
    publish_at: dt.datetime
    updated_at: dt.datetime
    title: EditorialText
    summary: EditorialText
    event: str | None
    visible: bool
    public: str  # the public resource (found there once visible)


class EditorialItemOut(EditorialOut):
    reference: str
    kind: str
    access: str
    description: EditorialText
    location: EditorialText
    terms: EditorialText
    shot_on: dt.date | None
    credit: str
    copyright: str
    frame_rate: str
    start_timecode: str
    uploads: str  # where to send its master (POST, tus)


class EditorialArticleOut(EditorialOut):
    slug: str
    type: str
    reference: str
    body: EditorialText
    related_items: list[str]


def editor(request: HttpRequest) -> User:
    """The token's owner if the token has the editorial scope, which holds only while they are staff
    (ApiToken.has_scope)."""
    return require_scope(request, Scope.EDITORIAL)


def _text(obj: Any, field: str) -> dict[str, str]:
    return {"en": getattr(obj, f"{field}_en"), "fr": getattr(obj, f"{field}_fr")}


def _common(obj: Any) -> dict[str, Any]:
    return {"status": obj.status, "publish_at": obj.publish_at, "updated_at": obj.updated_at,
            "title": _text(obj, "title"), "summary": _text(obj, "summary"),
            "event": obj.event.slug if obj.event_id else None, "visible": obj.is_visible()}


def item_editorial(request: HttpRequest, item: Item) -> dict[str, Any]:
    return {**_common(item), "reference": item.reference, "kind": item.kind, "access": item.access,
            **{field: _text(item, field) for field in ("description", "location", "terms")},
            "shot_on": item.shot_on, "credit": item.credit, "copyright": item.copyright,
            "frame_rate": item.frame_rate, "start_timecode": item.start_timecode,
            "public": absolute(request, f"{API_ROOT}/items/{item.reference}"),
            "uploads": absolute(request, f"{API_ROOT}/editorial/items/{item.reference}/uploads")}


def article_editorial(request: HttpRequest, article: Article) -> dict[str, Any]:
    return {**_common(article), "slug": article.slug, "type": article.type, "reference": article.reference,
            "body": _text(article, "body"), "related_items": [i.reference for i in article.related_items.all()],
            "public": absolute(request, f"{API_ROOT}/articles/{article.slug}")}


def _invalid(errors: list[dict[str, Any]]) -> ApiError:
    return ApiError(422, "invalid_request", _("The request is not valid."), errors=errors)


def _loc(field: str) -> list[str | int]:
    """A model field's name as the request's path to it: title_en -> body.payload.title.en."""
    if field == "__all__":
        return ["body", "payload"]
    base, _sep, lang = field.rpartition("_")
    if base in BILINGUAL and lang in ("en", "fr"):
        return ["body", "payload", base, lang]
    return ["body", "payload", field]


def _apply(obj: Any, data: dict[str, Any]) -> None:
    """Set the fields a request gave (bilingual ones language by language)."""
    for name, value in data.items():
        if name in ("event", "related_items", "kind", "slug"):
            continue
        if isinstance(value, dict):
            for lang, text in value.items():
                if text is not None:
                    setattr(obj, f"{name}_{lang}", text)
        elif value is not None or name == "shot_on":
            setattr(obj, name, value)
    if "event" in data and data["event"] is not None:
        obj.event = _event(data["event"])


def _event(slug: str) -> Event | None:
    if not slug:
        return None
    event = Event.objects.filter(slug=slug).first()
    if event is None:
        raise _invalid([{"loc": ["body", "payload", "event"], "message": _("No such event."), "type": "not_found"}])
    return event


def _save(obj: Any, *, exclude: list[str]) -> None:
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise _invalid([{"loc": _loc(field), "message": str(message), "type": "invalid"}
                        for field, messages in exc.message_dict.items() for message in messages]) from exc
    obj.save()


def _item(reference: str) -> Item:
    item = Item.objects.select_related("event").filter(reference=reference).first()
    if item is None:
        raise not_found(_("No such item."))
    return item


def _article(slug: str) -> Article:
    article = Article.objects.select_related("event").prefetch_related("related_items").filter(slug=slug).first()
    if article is None:
        raise not_found(_("No such article."))
    return article


@router.post("/items", response=with_errors({201: EditorialItemOut}, 403), summary="Create an item",
             operation_id="editorial_item_create")
def item_create(request: HttpRequest, response: HttpResponse, payload: ItemCreate) -> Any:
    """A new item (a draft unless `status` says otherwise); its reference is given by the portal. Send its
    master to `uploads`."""
    editor(request)
    item = Item(kind=payload.kind)
    _apply(item, payload.model_dump(exclude_unset=True))
    _save(item, exclude=["reference"])
    body = item_editorial(request, item)
    response["Location"] = absolute(request, f"{API_ROOT}/editorial/items/{item.reference}")
    return Status(201, body)


@router.get("/items/{reference}", response=with_errors({200: EditorialItemOut}, 403),
            summary="An item, as editors see it", operation_id="editorial_item_detail")
def item_detail(request: HttpRequest, reference: str = REFERENCE) -> Any:
    editor(request)
    return item_editorial(request, _item(reference))


@router.patch("/items/{reference}", response=with_errors({200: EditorialItemOut}, 403), summary="Change an item",
              operation_id="editorial_item_update")
def item_update(request: HttpRequest, payload: ItemWrite, reference: str = REFERENCE) -> Any:
    """Change the fields given; others keep their values."""
    editor(request)
    with transaction.atomic():
        item = _item(reference)
        _apply(item, payload.model_dump(exclude_unset=True))
        _save(item, exclude=["reference"])
    return item_editorial(request, item)


def _related(article: Article, references: list[str] | None) -> None:
    if references is None:
        return
    items = list(Item.objects.filter(reference__in=references))
    missing = sorted(set(references) - {item.reference for item in items})
    if missing:
        raise _invalid([{"loc": ["body", "payload", "related_items"], "type": "not_found",
                         "message": _("No such item: %(references)s") % {"references": ", ".join(missing)}}])
    article.related_items.set(items)


@router.post("/articles", response=with_errors({201: EditorialArticleOut}, 403), summary="Create an article",
             operation_id="editorial_article_create")
def article_create(request: HttpRequest, response: HttpResponse, payload: ArticleCreate) -> Any:
    editor(request)
    if Article.objects.filter(slug=payload.slug).exists():
        raise _invalid([{"loc": ["body", "payload", "slug"], "type": "taken",
                         "message": _("An article with this slug exists already.")}])
    article = Article(slug=payload.slug)
    with transaction.atomic():
        _apply(article, payload.model_dump(exclude_unset=True))
        _save(article, exclude=[])
        _related(article, payload.related_items)
    response["Location"] = absolute(request, f"{API_ROOT}/editorial/articles/{article.slug}")
    return Status(201, article_editorial(request, article))


@router.get("/articles/{slug}", response=with_errors({200: EditorialArticleOut}, 403),
            summary="An article, as editors see it", operation_id="editorial_article_detail")
def article_detail(request: HttpRequest, slug: str = SLUG) -> Any:
    editor(request)
    return article_editorial(request, _article(slug))


@router.patch("/articles/{slug}", response=with_errors({200: EditorialArticleOut}, 403),
              summary="Change an article", operation_id="editorial_article_update")
def article_update(request: HttpRequest, payload: ArticleWrite, slug: str = SLUG) -> Any:
    editor(request)
    with transaction.atomic():
        article = _article(slug)
        _apply(article, payload.model_dump(exclude_unset=True))
        _save(article, exclude=[])
        _related(article, payload.related_items)
    return article_editorial(request, _article(slug))
