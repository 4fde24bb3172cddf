"""Full-text search: an FTS5 table on SQLite, a GIN expression index on PostgreSQL."""

from django.db import migrations

PG_INDEX = "post_body_search_idx"


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS post_search USING fts5("
            "body, tokenize='unicode61 remove_diacritics 2')"
        )
        schema_editor.execute(
            "INSERT INTO post_search(rowid, body) "
            "SELECT id, body FROM posts_post WHERE repost_of_id IS NULL"
        )
    elif vendor == "postgresql":
        # The same expression as SearchVector("body", config="simple") in posts/search.py.
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {PG_INDEX} ON posts_post USING GIN "
            "(to_tsvector('simple'::regconfig, COALESCE(body, '')))"
        )


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS post_search")
    elif vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {PG_INDEX}")


class Migration(migrations.Migration):
    dependencies = [("posts", "0002_social")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
