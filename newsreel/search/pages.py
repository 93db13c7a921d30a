"""What a search returns: the page of hits, with facet values and the Django Page interface for list templates."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from newsreel.search.params import SearchParams
from newsreel.search.query import ParsedQuery


@dataclass
class Hit:
    kind: str
    obj: Any  # Item or Article
    score: int
    snippet: str = ""
    # The first line with times that matches (snippets.py): a ShotlistLine or a published caption cue
    # (caption_lines.CaptionLine), both with `tc_in` and `tc_out`; the link opens the item page at its moment.
    shot: Any = None
    caption: Any = None
    line_url: str = ""
    line_snippet: str = ""
    title_html: str = ""

    @property
    def line(self) -> Any:
        return self.shot if self.shot is not None else self.caption


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False
    url: str = ""
    approximate: bool = False  # counted over the most recent matches only: at least this many

    @property
    def count_label(self) -> str:
        return f"{self.count}+" if self.approximate else str(self.count)


@dataclass
class SearchPage:
    params: SearchParams
    query: ParsedQuery
    hits: list[Hit]
    total: int
    page: int
    per_page: int
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    unknown_filters: list[str] = field(default_factory=list)
    # More matched than were counted: `total` and the facet counts are "at least" figures, shown with a "+".
    total_is_lower_bound: bool = False
    facets_approximate: bool = False

    @property
    def num_pages(self) -> int:
        pages = max(1, -(-self.total // self.per_page))
        if self.total_is_lower_bound and self.page >= pages:
            pages = self.page + 1  # a further page exists: we read one row past this one
        return min(pages, settings.NEWSREEL_MAX_PAGE)

    @property
    def total_label(self) -> str:
        return f"{self.total}+" if self.total_is_lower_bound else str(self.total)

    @property
    def num_pages_label(self) -> str:
        return f"{self.num_pages}+" if self.total_is_lower_bound else str(self.num_pages)

    # The Django Page interface, so list templates and the pagination include work unchanged.
    @property
    def object_list(self) -> list[Any]:
        return [hit.obj for hit in self.hits]

    @property
    def number(self) -> int:
        return self.page

    @property
    def paginator(self) -> SearchPage:
        return self

    def has_next(self) -> bool:
        return self.page < self.num_pages

    def has_previous(self) -> bool:
        return self.page > 1

    def has_other_pages(self) -> bool:
        return self.num_pages > 1

    def next_page_number(self) -> int:
        return self.page + 1

    def previous_page_number(self) -> int:
        return self.page - 1

    @property
    def first_index(self) -> int:
        return (self.page - 1) * self.per_page + 1 if self.hits else 0

    @property
    def last_index(self) -> int:
        return (self.page - 1) * self.per_page + len(self.hits)

    @property
    def out_of_range(self) -> bool:
        return self.page < 1 or (self.page > self.num_pages and self.page > 1)
