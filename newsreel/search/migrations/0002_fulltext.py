"""Backend-specific full-text structures over search_document (see newsreel/search/models.py)."""

from django.db import migrations

SQLITE_FORWARD = [
    # External-content FTS5 table: the text lives once, in search_document; the triggers keep the inverted
    # index in step inside the writing transaction. Terms are already normalised, so the tokenizer only splits.
    """CREATE VIRTUAL TABLE search_fts USING fts5(
        en, fr, words, content='search_document', content_rowid='id',
        tokenize='unicode61 remove_diacritics 0', detail=full)""",
    """CREATE TRIGGER search_document_ai AFTER INSERT ON search_document BEGIN
        INSERT INTO search_fts(rowid, en, fr, words) VALUES (new.id, new.en, new.fr, new.words);
    END""",
    """CREATE TRIGGER search_document_ad AFTER DELETE ON search_document BEGIN
        INSERT INTO search_fts(search_fts, rowid, en, fr, words) VALUES ('delete', old.id, old.en, old.fr, old.words);
    END""",
    """CREATE TRIGGER search_document_au AFTER UPDATE OF en, fr, words ON search_document BEGIN
        INSERT INTO search_fts(search_fts, rowid, en, fr, words) VALUES ('delete', old.id, old.en, old.fr, old.words);
        INSERT INTO search_fts(rowid, en, fr, words) VALUES (new.id, new.en, new.fr, new.words);
    END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_document_au",
    "DROP TRIGGER IF EXISTS search_document_ad",
    "DROP TRIGGER IF EXISTS search_document_ai",
    "DROP TABLE IF EXISTS search_fts",
]

# The 'simple' configuration only lower-cases and splits; our [a-z0-9] terms come through unchanged, one
# lexeme per term, so positions (and phrases) match FTS5's. Weights mark the column: A en, B fr, C words.
POSTGRES_FORWARD = [
    """ALTER TABLE search_document ADD COLUMN tsv tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, en), 'A')
        || setweight(to_tsvector('simple'::regconfig, fr), 'B')
        || setweight(to_tsvector('simple'::regconfig, words), 'C')) STORED""",
    "CREATE INDEX search_document_tsv ON search_document USING gin (tsv)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS search_document_tsv",
    "ALTER TABLE search_document DROP COLUMN IF EXISTS tsv",
]


def forward(apps, schema_editor):
    statements = {"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}.get(schema_editor.connection.vendor)
    if statements is None:
        raise RuntimeError(f"Search has no full-text backend for {schema_editor.connection.vendor}")
    for statement in statements:
        schema_editor.execute(statement)


def backward(apps, schema_editor):
    for statement in {"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}[schema_editor.connection.vendor]:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
