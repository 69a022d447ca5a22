from django.db import migrations, models


class Migration(migrations.Migration):
    """The digest of the file an article was imported from, so that an interrupted import_wiki
    run skips what it already imported (issue 24)."""

    dependencies = [("articles", "0014_stored_renderings")]

    operations = [
        migrations.AddField(
            model_name="article",
            name="import_digest",
            field=models.CharField(blank=True, default="", editable=False, max_length=64),
        ),
    ]
