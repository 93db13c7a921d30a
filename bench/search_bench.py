"""Search benchmark: 100,000 items and 20,000 articles, 50 typical queries, p50/p95 per backend.

    PYTHONPATH=. python -m bench.search_bench            # both backends, prints a table
    PYTHONPATH=. python -m bench.search_bench --items 10000 --articles 2000   # a quicker run

SQLite uses a file under bench/out/; PostgreSQL a database `newsreel_bench` (or NEWSREEL_BENCH_PG_DB) on
NEWSREEL_BENCH_PG (default postgres://postgres@127.0.0.1:5432), created for the run and dropped after. Each
backend runs in its own process (settings are read at import); both load the same deterministic corpus, so
their results are compared too.
Timings are of what the results page does: search() (page + facets + objects) and the snippets.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent / "out"
PG_SERVER = os.environ.get("NEWSREEL_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
PG_DB = os.environ.get("NEWSREEL_BENCH_PG_DB", "newsreel_bench")
ROUNDS = 5

QUERIES: list[dict[str, Any]] = [
    {"q": "defence spending"}, {"q": "negotiations"}, {"q": "summit brussels"}, {"q": "cyber defence"},
    {"q": "maritime security"}, {"q": "arms control"}, {"q": "secretary general"}, {"q": "press conference"},
    {"q": "air policing"}, {"q": "energy security"}, {"q": "missile defence"}, {"q": "hybrid threats"},
    {"q": "crisis management"}, {"q": "deterrence"}, {"q": "military mobility"},
    {"q": "négociations Bruxelles sommet"}, {"q": "dépenses de défense"}, {"q": "sécurité maritime"},
    {"q": "maîtrise des armements"}, {"q": "conférence de presse"}, {"q": "ministres de la Défense"},
    {"q": "cyberdéfense"}, {"q": "Varsovie"}, {"q": "La Haye"}, {"q": "lutte contre le terrorisme"},
    {"q": "defence spending 2024 video"}, {"q": '"family photo"'}, {"q": "landing craft beach"}, {"q": "negot"},
    {"q": "sécur"}, {"q": "secretary general -visit"}, {"q": "summit -brussels"}, {"q": "Nordberg"},
    {"q": "fighter jets"},
    {"q": "defence spending", "type": ["video"]}, {"q": "summit", "shotlist": "1"},
    {"q": "negotiations", "published_from": "2024-01-01", "published_to": "2024-12-31"},
    {"q": "deterrence", "tag": ["tag-3"]}, {"q": "press conference", "event": "event-7"},
    {"q": "visit", "location": "Ottawa, Canada"}, {"q": "sommet", "lang": "fr", "type": ["video", "photo"]},
    {"q": "innovation", "sort": "date"}, {"q": "defence", "page": "20"},
    {"type": ["photo"]}, {"type": ["video"], "page": "50"}, {"event": "event-12"}, {"type": ["article"]},
    {"q": "exercise", "shot_from": "2022-01-01", "shot_to": "2023-06-30", "type": ["video"]},
    {"q": "Kowalski", "person": ["person-30"]}, {"q": "space policy", "sort": "oldest"},
]


# --- worker (one backend, in its own process) ---------------------------------------------------------------

def _setup(backend: str, *, reuse: bool = False) -> bool:
    """Point Django at the backend's database; True if `reuse` found an already loaded one (no reload)."""
    OUT.mkdir(parents=True, exist_ok=True)
    os.environ["NEWSREEL_VAR_DIR"] = str(OUT / "var")
    os.environ["NEWSREEL_LOG_LEVEL"] = "WARNING"
    if backend == "sqlite":
        path = OUT / "search_bench.sqlite3"
        reused = reuse and path.exists()
        if not reused:
            for suffix in ("", "-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    else:
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
            found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [PG_DB]).fetchone()
            reused = reuse and found is not None
            if not reused:
                conn.execute(f"DROP DATABASE IF EXISTS {PG_DB}")
                conn.execute(f"CREATE DATABASE {PG_DB}")
        os.environ["DATABASE_URL"] = f"{PG_SERVER}/{PG_DB}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsreel.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return reused


def _load(n_items: int, n_articles: int) -> dict[str, float]:
    import datetime as dt
    import random

    from django.db import connection

    from bench import search_corpus as gen
    from newsreel.catalogue.models import Event, Item, Person, ShotlistLine, Tag
    from newsreel.news.models import Article
    from newsreel.search.indexing import article_document_fields, item_fields, split_fields

    rng = random.Random(7)
    base = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    n_events, n_tags, n_people = 500, 60, 200
    events = Event.objects.bulk_create([
        Event(slug=f"event-{i}", title_en=en, title_fr=fr, location=place)
        for i, (en, fr, place) in enumerate(gen.events(rng, n_events))])
    topics = gen.TOPICS + gen.MEETINGS + [(c[2], c[3]) for c in gen.CITIES]
    tags = Tag.objects.bulk_create([Tag(slug=f"tag-{i}", name_en=topics[i % len(topics)][0].capitalize(),
                                        name_fr=topics[i % len(topics)][1].capitalize()) for i in range(n_tags)])
    people = Person.objects.bulk_create([Person(slug=f"person-{i}", name=name) for i, name in
                                         enumerate(gen.people(n_people))])

    def published(spec: Any) -> dt.datetime:  # scheduled content is embargoed ten years ahead
        return base + dt.timedelta(days=3650) if spec.status == "scheduled" else base - dt.timedelta(days=spec.days_ago)

    timings = {"build_s": 0.0, "insert_s": 0.0}
    started = time.perf_counter()
    batch = 5000
    counter = 0
    for start in range(0, n_items, batch):
        specs = [gen.item(rng, n_events=n_events, n_tags=n_tags, n_people=n_people)
                 for _ in range(min(batch, n_items - start))]
        objs = []
        for spec in specs:
            counter += 1
            objs.append(Item(
                kind=spec.kind, reference=f"{spec.kind[0].upper()}-B-{counter:06d}", title_en=spec.title_en,
                title_fr=spec.title_fr, summary_en=spec.summary_en, summary_fr=spec.summary_fr,
                description_en=spec.description_en, description_fr=spec.description_fr,
                location_en=spec.location, location_fr=spec.location,
                event=events[spec.event] if spec.event >= 0 else None, status=spec.status, publish_at=published(spec),
                shot_on=(base - dt.timedelta(days=spec.shot_days_ago)).date(), frame_rate="25"))
        with _timed_batch(timings) as mark:
            Item.objects.bulk_create(objs)
            Item.tags.through.objects.bulk_create([Item.tags.through(item_id=o.pk, tag_id=tags[t].pk)
                                                   for o, s in zip(objs, specs, strict=True) for t in s.tags])
            Item.people.through.objects.bulk_create([Item.people.through(item_id=o.pk, person_id=people[p].pk)
                                                     for o, s in zip(objs, specs, strict=True) for p in s.people])
            shots = {o.pk: [ShotlistLine(item=o, position=i, tc_in=a, tc_out=b, description_en=en, description_fr=fr)
                            for i, (a, b, en, fr) in enumerate(s.shots)] for o, s in zip(objs, specs, strict=True)}
            ShotlistLine.objects.bulk_create([line for lines in shots.values() for line in lines])
            mark()
            docs = [split_fields(item_fields(o, [tags[t] for t in s.tags], [people[p] for p in s.people],
                                             shots[o.pk])) for o, s in zip(objs, specs, strict=True)]
            mark()
            _insert_documents([("item", o, d) for o, d in zip(objs, docs, strict=True)])
        print(f"  items {start + len(objs)}/{n_items}", file=sys.stderr, flush=True)
    for start in range(0, n_articles, batch):
        articles = []
        for i in range(start, min(start + batch, n_articles)):
            spec = gen.item(rng, n_events=n_events, n_tags=n_tags, n_people=n_people, kind="video")
            fr_only, en_only = rng.random() < 0.05, rng.random() < 0.1
            articles.append(Article(
                slug=f"article-{i}", type=rng.choice(["news", "press_release", "statement"]),
                title_en="" if fr_only else spec.title_en, title_fr="" if en_only else spec.title_fr,
                summary_en="" if fr_only else spec.summary_en, summary_fr="" if en_only else spec.summary_fr,
                body_en="" if fr_only else f"<p>{spec.description_en}</p><p>{spec.description_en}</p>",
                body_fr="" if en_only else f"<p>{spec.description_fr}</p><p>{spec.description_fr}</p>",
                event=events[spec.event] if spec.event >= 0 else None, status=spec.status,
                publish_at=published(spec)))
        with _timed_batch(timings) as mark:
            Article.objects.bulk_create(articles)
            mark()
            docs = [split_fields(article_document_fields(a)) for a in articles]
            mark()
            _insert_documents([("article", a, d) for a, d in zip(articles, docs, strict=True)])
        print(f"  articles {start + len(articles)}/{n_articles}", file=sys.stderr, flush=True)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")
            cursor.execute("ANALYZE")
        else:
            cursor.execute("VACUUM ANALYZE")
    timings["load_s"] = time.perf_counter() - started
    return timings


@contextmanager
def _timed_batch(timings: dict[str, float]) -> Iterator[Callable[[], None]]:
    """One batch in a transaction, in three phases that the yielded mark() separates: content rows, building the
    index rows, inserting them. The build time adds to timings["build_s"], the other two to "insert_s"."""
    from django.db import transaction

    marks = [time.perf_counter()]
    with transaction.atomic():
        yield lambda: marks.append(time.perf_counter())
    t0, t1, t2 = marks
    timings["build_s"] += t2 - t1
    timings["insert_s"] += (t1 - t0) + (time.perf_counter() - t2)


def _insert_documents(rows: list[tuple[str, Any, tuple[dict[str, Any], dict[str, str]]]]) -> None:
    from newsreel.search.models import SearchDocument, SearchText

    documents = SearchDocument.objects.bulk_create([SearchDocument(**{target: obj}, **fields)
                                                    for target, obj, (fields, _text) in rows])
    SearchText.objects.bulk_create([SearchText(document=document, **text)
                                    for document, (_t, _o, (_f, text)) in zip(documents, rows, strict=True)])


def _save_cost(samples: int = 200) -> dict[str, float]:
    """Wall time of Item.save() with the index write, and of the index write alone (ms per item)."""
    from newsreel.catalogue.models import Item
    from newsreel.search.indexing import index_item

    items = list(Item.objects.select_related("event").order_by("pk")[1000:1000 + samples])
    t0 = time.perf_counter()
    for item in items:
        item.title_en += " (updated)"
        item.save()
    t1 = time.perf_counter()
    for item in items:
        index_item(item)
    t2 = time.perf_counter()
    return {"save_ms": (t1 - t0) * 1000 / len(items), "index_ms": (t2 - t1) * 1000 / len(items)}


def _run_queries() -> dict[str, Any]:
    from django.http import QueryDict

    from newsreel.search.engine import search
    from newsreel.search.params import SearchParams
    from newsreel.search.snippets import annotate

    def params_of(spec: dict[str, Any]) -> SearchParams:
        data = QueryDict(mutable=True)
        for key, value in spec.items():
            data.setlist(key, value if isinstance(value, list) else [value])
        return SearchParams.from_query(data)

    def one(spec: dict[str, Any]) -> tuple[float, list[str], int]:
        t0 = time.perf_counter()
        page = search(params_of(spec), lang="en")
        annotate(page.hits, page.query, "en")
        elapsed = (time.perf_counter() - t0) * 1000
        keys = [getattr(hit.obj, "reference", "") or hit.obj.slug for hit in page.hits]
        return elapsed, keys, page.total

    results: dict[str, Any] = {"per_query": [], "timings": []}
    for spec in QUERIES:  # warm caches once
        one(spec)
    for spec in QUERIES:
        times = []
        for _ in range(ROUNDS):
            elapsed, keys, total = one(spec)
            times.append(elapsed)
        results["timings"] += times
        results["per_query"].append({"query": spec, "median_ms": statistics.median(times), "total": total,
                                     "first_page": keys})
    return results


def worker(backend: str, n_items: int, n_articles: int, *, reuse: bool = False) -> None:
    out = OUT / f"search-{backend}.json"
    reused = _setup(backend, reuse=reuse)
    try:
        if reused:  # keep the load and save figures of the run that built the database
            previous = json.loads(out.read_text())
            load, cost = previous["load"], previous["cost"]
        else:
            load = _load(n_items, n_articles)
            cost = _save_cost()
        queries = _run_queries()
    finally:
        if backend == "postgres" and not reuse:
            from django.db import connections

            connections.close_all()
            import psycopg

            with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {PG_DB}")
    out.write_text(json.dumps({"load": load, "cost": cost, **queries}))


# --- orchestrator ---------------------------------------------------------------------------------------------

def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", choices=["sqlite", "postgres"])
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--reuse", action="store_true",
                        help="keep the databases after the run and reuse them if present (no reload)")
    args = parser.parse_args()
    if args.backend:
        worker(args.backend, args.items, args.articles, reuse=args.reuse)
        return
    backends = [args.only] if args.only else ["sqlite", "postgres"]
    for backend in backends:
        print(f"{backend}: loading {args.items} items and {args.articles} articles...", flush=True)
        subprocess.run([sys.executable, "-m", "bench.search_bench", "--backend", backend, "--items",
                        str(args.items), "--articles", str(args.articles), *(["--reuse"] if args.reuse else [])],
                       check=True)
    data = {b: json.loads((OUT / f"search-{b}.json").read_text()) for b in backends}
    print(f"\nSearch: {args.items} items + {args.articles} articles, {len(QUERIES)} queries x {ROUNDS} rounds "
          "(search + facets + snippets, ms)")
    print(f"{'backend':<10} {'p50':>7} {'p95':>7} {'max':>7} {'load s':>8} {'build/doc ms':>13} "
          f"{'save ms':>8} {'index ms':>9}")
    docs = args.items + args.articles
    for backend, d in data.items():
        t = d["timings"]
        print(f"{backend:<10} {_pct(t, .5):7.1f} {_pct(t, .95):7.1f} {max(t):7.1f} {d['load']['load_s']:8.0f} "
              f"{d['load']['build_s'] * 1000 / docs:13.3f} {d['cost']['save_ms']:8.2f} {d['cost']['index_ms']:9.2f}")
    if len(data) == 2:
        a, b = data["sqlite"]["per_query"], data["postgres"]["per_query"]
        disagree = [x["query"] for x, y in zip(a, b, strict=True)
                    if (x["first_page"], x["total"]) != (y["first_page"], y["total"])]
        print(f"\nSame first page and total on both backends: {len(a) - len(disagree)}/{len(a)} queries")
        for query in disagree:
            print(f"  differs: {query}")
        print("\nSlowest queries (median ms, sqlite / postgres):")
        rows = sorted(zip(a, b, strict=True), key=lambda r: -max(r[0]["median_ms"], r[1]["median_ms"]))[:8]
        for x, y in rows:
            print(f"  {x['median_ms']:7.1f} / {y['median_ms']:7.1f}  total {x['total']:>6}  {x['query']}")


if __name__ == "__main__":
    main()
