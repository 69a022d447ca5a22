"""Article aliases (other names that resolve links and redirect) and the references heading.

Editors may add, change and delete aliases (an inline of the article, like sections). Articles
imported before titles came from file names need no data change: the importer recognises them
(title = bold term, no aliases yet) and renames them on the next import (``article_for_import``).
"""
import django.db.models.deletion
from django.db import migrations, models

from articles.groups import grant

ALIAS_PERMISSIONS = {"articlealias": ("add", "change", "delete", "view")}


def let_editors_edit_aliases(apps, schema_editor):
    grant(apps, "Editors", ALIAS_PERMISSIONS)


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0009_images'),
    ]

    operations = [
        migrations.AddField(
            model_name='article',
            name='references_heading',
            field=models.CharField(blank=True, help_text='参考文献列表的标题，如“注释”；留空则为“参考文献”。', max_length=100, verbose_name='参考文献标题'),
        ),
        migrations.AddField(
            model_name='article',
            name='references_heading_zh_hans',
            field=models.CharField(blank=True, help_text='参考文献列表的标题，如“注释”；留空则为“参考文献”。', max_length=100, null=True, verbose_name='参考文献标题'),
        ),
        migrations.AddField(
            model_name='article',
            name='references_heading_zh_hant',
            field=models.CharField(blank=True, help_text='参考文献列表的标题，如“注释”；留空则为“参考文献”。', max_length=100, null=True, verbose_name='参考文献标题'),
        ),
        migrations.CreateModel(
            name='ArticleAlias',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=200, verbose_name='别名')),
                ('key', models.CharField(db_index=True, editable=False, max_length=200)),
                ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='aliases', to='articles.article')),
            ],
            options={
                'verbose_name': '别名',
                'verbose_name_plural': '别名',
                'constraints': [models.UniqueConstraint(fields=('article', 'key'), name='unique_article_alias')],
            },
        ),
        migrations.RunPython(let_editors_edit_aliases, migrations.RunPython.noop),
    ]
