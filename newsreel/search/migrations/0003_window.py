"""Flags (publication year, type, event, tags...) in the full-text index; tag/people ids on the index row.

See backends.py.

Existing rows are filled here, so search keeps working straight after `migrate`; `newsreel reindex`
rewrites every row from the content and gives the same result.
"""

import datetime as dt

from django.db import migrations, models

SQLITE_FILL = [
    "UPDATE search_document SET tag_ids = COALESCE((SELECT group_concat(tag_id, ' ') FROM (SELECT tag_id FROM "
    "catalogue_item_tags t WHERE t.item_id = search_document.item_id ORDER BY tag_id)), '') "
    "WHERE item_id IS NOT NULL",
    "UPDATE search_document SET person_ids = COALESCE((SELECT group_concat(person_id, ' ') FROM (SELECT person_id "
    "FROM catalogue_item_people p WHERE p.item_id = search_document.item_id ORDER BY person_id)), '') "
    "WHERE item_id IS NOT NULL",
]
POSTGRES_FILL = [
    "UPDATE search_document d SET tag_ids = COALESCE((SELECT string_agg(tag_id::text, ' ' ORDER BY tag_id) "
    "FROM catalogue_item_tags t WHERE t.item_id = d.item_id), '') WHERE item_id IS NOT NULL",
    "UPDATE search_document d SET person_ids = COALESCE((SELECT string_agg(person_id::text, ' ' ORDER BY "
    "person_id) FROM catalogue_item_people p WHERE p.item_id = d.item_id), '') WHERE item_id IS NOT NULL",
]


def _fill_flags(connection) -> None:
    """Flags as indexing writes them; in Python, as the year is counted in the site's time zone."""
    from django.utils import timezone

    from newsreel.search.backends import document_flags

    with connection.cursor() as cursor:
        cursor.execute("SELECT id, publish_at, shot_on, kind, event_id, tag_ids, person_ids, location, has_shotlist, "
                       "has_en, has_fr FROM search_document")
        rows = cursor.fetchall()
        updates = []
        for pk, published, shot_on, kind, event_id, tag_ids, person_ids, location, shotlist, en, fr in rows:
            if isinstance(published, str):
                published = dt.datetime.fromisoformat(published)
            if isinstance(shot_on, str):
                shot_on = dt.date.fromisoformat(shot_on)
            if timezone.is_naive(published):
                published = published.replace(tzinfo=dt.UTC)
            updates.append((document_flags(
                published=timezone.localtime(published).date(), shot_on=shot_on, kind=kind, event_id=event_id,
                tag_ids=[int(x) for x in tag_ids.split()], person_ids=[int(x) for x in person_ids.split()],
                location=location, has_shotlist=bool(shotlist), has_en=bool(en), has_fr=bool(fr)), pk))
        cursor.executemany("UPDATE search_text SET flags = %s WHERE document_id = %s", updates)


def _sqlite_fts(flags: bool) -> list[str]:
    columns = "en, fr, words, flags" if flags else "en, fr, words"
    new = ", ".join(f"new.{c}" for c in columns.split(", "))
    old = ", ".join(f"old.{c}" for c in columns.split(", "))
    return [
        "DROP TRIGGER IF EXISTS search_text_au", "DROP TRIGGER IF EXISTS search_text_ad",
        "DROP TRIGGER IF EXISTS search_text_ai", "DROP TABLE IF EXISTS search_fts",
        f"""CREATE VIRTUAL TABLE search_fts USING fts5(
            {columns}, content='search_text', content_rowid='document_id',
            tokenize='unicode61 remove_diacritics 0', detail=full)""",
        f"""CREATE TRIGGER search_text_ai AFTER INSERT ON search_text BEGIN
            INSERT INTO search_fts(rowid, {columns}) VALUES (new.document_id, {new});
        END""",
        f"""CREATE TRIGGER search_text_ad AFTER DELETE ON search_text BEGIN
            INSERT INTO search_fts(search_fts, rowid, {columns}) VALUES ('delete', old.document_id, {old});
        END""",
        f"""CREATE TRIGGER search_text_au AFTER UPDATE ON search_text BEGIN
            INSERT INTO search_fts(search_fts, rowid, {columns}) VALUES ('delete', old.document_id, {old});
            INSERT INTO search_fts(rowid, {columns}) VALUES (new.document_id, {new});
        END""",
        "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
    ]


_TSV = """to_tsvector('simple'::regconfig,
    regexp_replace({t}en, '(\\S+)', 'e\\1', 'g') || ' ' || regexp_replace({t}fr, '(\\S+)', 'f\\1', 'g') || ' '
    || regexp_replace({t}words, '(\\S+)', 'w\\1', 'g') || ' ' || regexp_replace({t}flags, '(\\S+)', 'x\\1', 'g'))"""


def _postgres_tsv(flags: bool) -> list[str]:
    """The tsvector moves onto search_document, next to the columns every search filters and sorts on.

    Kept there by a trigger on search_text (the same transaction as the write). A search then reads one table:
    the planner can combine the GIN index with the date, event or type indexes (a bitmap AND), and a match is
    never joined to its row one lookup at a time. The vector is TOASTed out of line (it is kilobytes), so the
    rows stay narrow. Flags get their own prefix letter, x, as the columns do (see 0002): no typed word can
    reach them. fastupdate off: no pending list that every search would have to read after a burst of saves.
    """
    if not flags:
        return [
            "DROP TRIGGER IF EXISTS search_text_tsv ON search_text",
            "DROP FUNCTION IF EXISTS search_text_tsv()",
            "DROP INDEX IF EXISTS search_document_tsv",
            "ALTER TABLE search_document DROP COLUMN IF EXISTS tsv",
            """ALTER TABLE search_text ADD COLUMN tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple'::regconfig,
                regexp_replace(en, '(\\S+)', 'e\\1', 'g') || ' ' || regexp_replace(fr, '(\\S+)', 'f\\1', 'g')
                || ' ' || regexp_replace(words, '(\\S+)', 'w\\1', 'g'))) STORED""",
            "CREATE INDEX search_text_tsv ON search_text USING gin (tsv)",
        ]
    return [
        "DROP INDEX IF EXISTS search_text_tsv",
        "ALTER TABLE search_text DROP COLUMN IF EXISTS tsv",
        "ALTER TABLE search_document ADD COLUMN tsv tsvector",
        "ALTER TABLE search_document ALTER COLUMN tsv SET STORAGE EXTERNAL",
        f"""CREATE FUNCTION search_text_tsv() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE search_document SET tsv = {_TSV.format(t="NEW.")} WHERE id = NEW.document_id;
            RETURN NULL;
        END $$""",
        """CREATE TRIGGER search_text_tsv AFTER INSERT OR UPDATE ON search_text
            FOR EACH ROW EXECUTE FUNCTION search_text_tsv()""",
        f"UPDATE search_document d SET tsv = {_TSV.format(t='t.')} FROM search_text t WHERE t.document_id = d.id",
        "CREATE INDEX search_document_tsv ON search_document USING gin (tsv) WITH (fastupdate = off)",
    ]


def _structures(vendor: str, flags: bool) -> list[str]:
    if vendor == "sqlite":
        return _sqlite_fts(flags)
    if vendor == "postgresql":
        return _postgres_tsv(flags)
    raise RuntimeError(f"Search has no full-text backend for {vendor}")


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in {"sqlite": SQLITE_FILL, "postgresql": POSTGRES_FILL}.get(vendor, []):
        schema_editor.execute(statement)
    _fill_flags(schema_editor.connection)
    if vendor == "postgresql":
        # The updates queued deferred foreign-key checks, and ALTER TABLE refuses to run with checks pending.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for statement in _structures(vendor, flags=True):
        schema_editor.execute(statement)


def backward(apps, schema_editor):
    for statement in _structures(schema_editor.connection.vendor, flags=False):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0002_fulltext"), ("catalogue", "0001_initial")]
    operations = [
        migrations.AddField(model_name="searchdocument", name="tag_ids", field=models.TextField(blank=True, default="")),
        migrations.AddField(model_name="searchdocument", name="person_ids",
                            field=models.TextField(blank=True, default="")),
        migrations.AddField(model_name="searchtext", name="flags", field=models.TextField(blank=True, default="")),
        migrations.RunPython(forward, backward),
    ]
