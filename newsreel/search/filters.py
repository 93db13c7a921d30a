"""The WHERE clause of a search over search_document `d`: visibility, the filters, and the words' match, which
the month walk (search/window.py) narrows to a few months at a time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.utils import timezone

from newsreel.catalogue.models import Event, Item, Person, Tag
from newsreel.publishing import Status
from newsreel.search.backends import (
    Dialect,
    Sql,
    event_flag,
    has_flag,
    kind_flag,
    location_flag,
    person_flag,
    shot_flag,
    tag_flag,
)
from newsreel.search.params import SearchParams
from newsreel.search.query import Clause, ParsedQuery

_VISIBLE = (Status.PUBLISHED.value, Status.SCHEDULED.value)


@dataclass(frozen=True)
class Match:
    """The words' match in a Where: which part it is, so a copy can narrow it to some months."""

    index: int
    clauses: list[Clause]
    flags: list[list[str]]  # the filters as flag groups (one flag of each), answered by the text index
    exclusions: list[Clause]
    narrow: bool  # an event, tag, person or place filter: a few hundred documents at most, no years needed


class Where:
    def __init__(self) -> None:
        self.parts: list[Sql] = []
        self.plain: Match | None = None

    def add(self, sql: str, *args: Any) -> None:
        self.parts.append((sql, list(args)))

    def add_sql(self, fragment: Sql) -> None:
        self.add(fragment[0], *fragment[1])

    def sql(self) -> str:
        return " AND ".join(sql for sql, _args in self.parts) if self.parts else "1=1"

    @property
    def args(self) -> list[Any]:
        return [arg for _sql, args in self.parts for arg in args]

    def narrowed(self, db: Dialect, months: Sequence[str], *, before: Any = None, after: Any = None) -> Where:
        """A copy whose words' match is limited to documents published in `months` (month flags: the index
        knows each one's month), or, without months, to publish times before/from the given instants."""
        copy = Where()
        copy.parts, copy.plain = list(self.parts), self.plain
        if self.plain is not None and months:
            copy.parts[self.plain.index] = db.match(self.plain.clauses, flags=[*self.plain.flags, months],
                                                    exclusions=self.plain.exclusions)
        if before is not None:
            copy.add("d.publish_at < %s", before)
        if after is not None:
            copy.add("d.publish_at >= %s", after)
        return copy


def day_start(day: dt.date) -> Any:
    return instant(timezone.make_aware(dt.datetime.combine(day, dt.time.min)))


def instant(value: dt.datetime) -> Any:
    """A datetime parameter in the column's stored form: SQLite compares text, so '+00:00' must not differ."""
    return connection.ops.adapt_datetimefield_value(value)


def _text_predicate(parsed: ParsedQuery, db: Dialect, where: Where, flags: list[list[str]], *,
                    narrow: bool) -> None:
    if parsed.clauses:
        where.plain = Match(len(where.parts), list(parsed.clauses), flags, list(parsed.exclusions), narrow)
        where.add_sql(db.match(parsed.clauses, flags=flags, exclusions=parsed.exclusions))
    elif parsed.exclusions:  # only exclusions: everything else, which the date index walks
        sql, args = db.match_any(parsed.exclusions)
        where.add(f"NOT ({sql})", *args)


def _ids(model: type[Any], field_name: str, values: Sequence[str]) -> list[int]:
    """Primary keys of the rows whose `field_name` is in `values` (a plain statement: no ORM compilation)."""
    quote, meta = connection.ops.quote_name, model._meta
    marks = ", ".join(["%s"] * len(values))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {quote(meta.pk.column)} FROM {quote(meta.db_table)} "  # noqa: S608 - names from the model; values are parameters
                       f"WHERE {quote(meta.get_field(field_name).column)} IN ({marks})", list(values))
        return [row[0] for row in cursor.fetchall()]


def build_where(params: SearchParams, parsed: ParsedQuery, db: Dialect, *, now: dt.datetime,
                public: bool = True, unknown: list[str] | None = None) -> Where:
    where = Where()
    _column_filters(params, where, now=now, public=public)
    # With words, the filters also go to the text index as flags (backends.document_flags): it intersects them
    # with the words' lists, where the tables would look every match up. Without words, the tables do it.
    flags: list[list[str]] = []
    with_words = bool(parsed.clauses)
    if params.type:
        flags.append([kind_flag(kind) for kind in params.type])
    if params.shot_from and params.shot_to and 0 <= params.shot_to.year - params.shot_from.year < 20:
        flags.append([shot_flag(year) for year in range(params.shot_from.year, params.shot_to.year + 1)])
    _linked_filters(params, where, flags, with_words=with_words, unknown=unknown)
    if params.location:
        where.add("d.location = %s", params.location)
        flags.append([location_flag(params.location)])
    if params.shotlist:
        where.add("d.has_shotlist = %s", True)
        flags.append([has_flag("sl")])
    if params.captions:
        where.add("d.has_captions = %s", True)
        flags.append([has_flag("cc")])
    if params.lang:
        where.add(f"d.has_{params.lang} = %s", True)
        flags.append([has_flag(params.lang)])
    narrow = bool(params.event or params.tag or params.person or params.location)
    _text_predicate(parsed, db, where, flags if with_words else [], narrow=narrow)
    return where


def _column_filters(params: SearchParams, where: Where, *, now: dt.datetime, public: bool) -> None:
    """Visibility, type and dates: columns of the index row, tested by the tables whatever the words."""
    if public:
        where.add("d.status IN (%s, %s) AND d.publish_at <= %s", *_VISIBLE, instant(now))
    if params.type:
        where.add(f"d.kind IN ({', '.join(['%s'] * len(params.type))})", *params.type)
    if params.article_type:
        where.add("d.subtype = %s", params.article_type)
    if params.published_from:
        where.add("d.publish_at >= %s", day_start(params.published_from))
    if params.published_to:
        where.add("d.publish_at < %s", day_start(params.published_to + dt.timedelta(days=1)))
    if params.shot_from:
        where.add("d.shot_on >= %s", params.shot_from)
    if params.shot_to:
        where.add("d.shot_on <= %s", params.shot_to)


def _linked_filters(params: SearchParams, where: Where, flags: list[list[str]], *, with_words: bool,
                    unknown: list[str] | None) -> None:
    """Event, tags and people by slug: a flag for the text index with words, else a test on the tables. An
    unknown slug matches nothing (id -1) and is named in `unknown`."""
    links: list[tuple[str, type[Any], list[str], str, Any]] = [
        ("event", Event, [params.event] if params.event else [], "d.event_id = %s", event_flag)]
    for name, model, through, column, flag in (
        ("tag", Tag, Item.tags.through, "tag_id", tag_flag),
        ("person", Person, Item.people.through, "person_id", person_flag),
    ):
        links.append((name, model, list(getattr(params, name)),
                      f"d.item_id IN (SELECT item_id FROM {through._meta.db_table} WHERE {column} = %s)",  # noqa: S608 - fixed SQL; user values are parameters
                      flag))
    for name, model, slugs, sql, flag in links:
        for slug in slugs:
            found = _ids(model, "slug", [slug])
            if found and with_words:
                flags.append([flag(found[0])])
            else:
                where.add(sql, found[0] if found else -1)
            if not found and unknown is not None:
                unknown.append(name)
