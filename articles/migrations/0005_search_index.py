"""PostgreSQL: a GIN index over the search tokens (see search.py). Other databases skip it."""
from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS article_search_tokens_gin "
    "ON articles_article USING gin (string_to_array(search_tokens, ' '))"
)
DROP = "DROP INDEX IF EXISTS article_search_tokens_gin"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("articles", "0004_search_columns")]

    operations = [migrations.RunPython(create_index, drop_index)]
