from django.db import migrations, models


class Migration(migrations.Migration):
    """The digest of the file an article was imported from, so that an interrupted import_wiki
    run skips what it already imported, and indexes on the titles that named() looks up (issue 24)."""

    dependencies = [("articles", "0016_written_scripts")]

    operations = [
        migrations.AddField(
            model_name="article",
            name="import_digest",
            field=models.CharField(blank=True, default="", editable=False, max_length=64),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["title_zh_hans"], name="article_title_zh_hans"),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["title_zh_hant"], name="article_title_zh_hant"),
        ),
    ]
