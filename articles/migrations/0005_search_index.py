"""PostgreSQL: a GIN index over the search tokens (see search.py). Other databases skip it.

The tokens are read through a PL/pgSQL wrapper of ``string_to_array`` declared with a high cost:
PostgreSQL does not inline it, so the index expression matches the query, and the planner knows
that splitting every row's tokens in a sequential scan is far dearer than the index.
"""
from django.db import migrations

CREATE = [
    """
    CREATE OR REPLACE FUNCTION article_search_tokens(tokens text) RETURNS text[]
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE COST 1000
    AS $$ BEGIN RETURN string_to_array(btrim(tokens), ' '); END $$
    """,
    "CREATE INDEX IF NOT EXISTS article_search_tokens_gin ON articles_article "
    "USING gin (article_search_tokens(search_tokens))",
]
DROP = [
    "DROP INDEX IF EXISTS article_search_tokens_gin",
    "DROP FUNCTION IF EXISTS article_search_tokens(text)",
]


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in CREATE:
            schema_editor.execute(statement)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("articles", "0004_search_columns")]

    operations = [migrations.RunPython(create_index, drop_index)]
