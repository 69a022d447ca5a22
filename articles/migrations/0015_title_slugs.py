# Article slugs accept the title characters of articles/slugs.py (issue 22); the column is unchanged.

import articles.slugs
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0014_stored_renderings'),
    ]

    operations = [
        migrations.AlterField(
            model_name='article',
            name='slug',
            field=articles.slugs.TitleSlugField(allow_unicode=True, blank=True, max_length=200, verbose_name='网址名'),
        ),
        migrations.AlterField(
            model_name='article',
            name='slug_zh_hans',
            field=articles.slugs.TitleSlugField(allow_unicode=True, blank=True, max_length=200, null=True, verbose_name='网址名'),
        ),
        migrations.AlterField(
            model_name='article',
            name='slug_zh_hant',
            field=articles.slugs.TitleSlugField(allow_unicode=True, blank=True, max_length=200, null=True, verbose_name='网址名'),
        ),
    ]
