"""Index section text for substring search on PostgreSQL (pg_trgm), where the extension is available.

Japanese has no spaces between words, so PostgreSQL's word-based full-text parsers cannot split it; the
trigram index is the database's own text-search support that fits, and it serves the ``icontains``
(UPPER(...) LIKE) queries of policies.search directly. SQLite and servers without pg_trgm keep the plain
contains match.
"""

from django.db import migrations

INDEXES = (
    ("policies_section_text_trgm", "text"),
    ("policies_section_heading_trgm", "heading"),
)


def add_trigram_indexes(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    table = apps.get_model("policies", "Section")._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
        if cursor.fetchone() is None:
            return
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone() is None:
            cursor.execute("SAVEPOINT mamori_trgm")
            try:
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            except Exception:  # no privilege to create extensions: keep the plain search
                cursor.execute("ROLLBACK TO SAVEPOINT mamori_trgm")
                return
            cursor.execute("RELEASE SAVEPOINT mamori_trgm")
        for name, column in INDEXES:
            cursor.execute(
                f'CREATE INDEX IF NOT EXISTS {name} ON "{table}" USING gin (UPPER("{column}"::text) gin_trgm_ops)'
            )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for name, _column in INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("policies", "0003_documents")]
    operations = [migrations.RunPython(add_trigram_indexes, drop_trigram_indexes)]
