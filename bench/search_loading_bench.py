"""The hits' objects: search/loading.py (by hand, private ORM parts) against the ORM's own public loading.

    PYTHONPATH=. python -m bench.search_loading_bench     # after bench.search_bench --reuse left its SQLite file

Loads pages of 24 items (the page size) with their event, renditions and shots both ways and prints the median
per page and the ratio: the hand-made loading stays only while it is clearly faster (docs/search.md).
"""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"
PAGES, PER_PAGE = 200, 24


def main() -> None:
    os.environ.update(DATABASE_URL=f"sqlite:///{OUT / 'search_bench.sqlite3'}", NEWSREEL_VAR_DIR=str(OUT / "var"),
                      NEWSREEL_LOG_LEVEL="WARNING", DJANGO_SETTINGS_MODULE="newsreel.settings")
    import django

    django.setup()
    from django.db.models import Prefetch

    from newsreel.catalogue.models import Item, Rendition, ShotlistLine
    from newsreel.search.loading import load_hits

    ids = list(Item.objects.order_by("pk").values_list("pk", flat=True)[:PAGES * PER_PAGE])
    pages = [ids[i:i + PER_PAGE] for i in range(0, len(ids), PER_PAGE)]

    def by_hand(page: list[int]) -> None:
        for hit in load_hits([("i", pk, 0) for pk in page]):
            list(hit.obj.renditions.all()), list(hit.obj.shots.all()), hit.obj.event

    def public(page: list[int]) -> None:
        found = Item.objects.select_related("event").prefetch_related(
            Prefetch("renditions", Rendition.objects.order_by("item_id", "role", "id")),
            Prefetch("shots", ShotlistLine.objects.order_by("item_id", "position", "id"))).in_bulk(page)
        for pk in page:
            obj = found[pk]
            list(obj.renditions.all()), list(obj.shots.all()), obj.event

    timings: dict[str, list[float]] = {"hand-made (search/loading.py)": [], "ORM select/prefetch_related": []}
    for _round in range(2):  # the first round warms the caches; the second is timed
        for name, load in zip(timings, (by_hand, public), strict=True):
            timings[name].clear()
            for page in pages:
                t0 = time.perf_counter()
                load(page)
                timings[name].append((time.perf_counter() - t0) * 1000)
    base = statistics.median(timings["hand-made (search/loading.py)"])
    print(f"Loading a page of {PER_PAGE} items with event, renditions and shots ({len(pages)} pages, ms):")
    for name, values in timings.items():
        median = statistics.median(values)
        print(f"  {name:<32} median {median:6.2f}  ratio {median / base:4.2f}")


if __name__ == "__main__":
    main()
