"""The image library (articles/images/): the Image model, its usage by articles, and the
Editors' permission to add and change images (deleting one stays with superusers).
"""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from articles.groups import grant, revoke

EDITORS_IMAGE_PERMISSIONS = {"image": ("add", "change", "view")}


def grant_editors(apps, schema_editor):
    grant(apps, "Editors", EDITORS_IMAGE_PERMISSIONS)


def revoke_editors(apps, schema_editor):
    revoke(apps, "Editors", EDITORS_IMAGE_PERMISSIONS)


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0008_article_links'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Image',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(help_text='文件名，正文以 [[File:名称]] 引用，例如 辛丑条约签字.jpg。', max_length=200, unique=True, verbose_name='名称')),
                ('file', models.FileField(blank=True, editable=False, max_length=300, upload_to='', verbose_name='文件')),
                ('content_hash', models.CharField(blank=True, editable=False, max_length=64, verbose_name='内容散列')),
                ('format', models.CharField(blank=True, editable=False, max_length=10, verbose_name='格式')),
                ('width', models.PositiveIntegerField(blank=True, editable=False, null=True, verbose_name='宽度')),
                ('height', models.PositiveIntegerField(blank=True, editable=False, null=True, verbose_name='高度')),
                ('renditions', models.JSONField(blank=True, default=list, editable=False, verbose_name='缩放版本')),
                ('alt', models.CharField(blank=True, help_text='给看不到图片的读者（屏幕阅读器）的描述。', max_length=300, verbose_name='替代文字')),
                ('alt_zh_hans', models.CharField(blank=True, help_text='给看不到图片的读者（屏幕阅读器）的描述。', max_length=300, null=True, verbose_name='替代文字')),
                ('alt_zh_hant', models.CharField(blank=True, help_text='给看不到图片的读者（屏幕阅读器）的描述。', max_length=300, null=True, verbose_name='替代文字')),
                ('caption', models.TextField(blank=True, help_text='正文没有写说明时使用（行内 Markdown）。', validators=[django.core.validators.MaxLengthValidator(200000, message='文字太长：最多 %(limit_value)s 个字符，现在有 %(show_value)s 个。请拆分成几个章节。')], verbose_name='说明')),
                ('caption_zh_hans', models.TextField(blank=True, help_text='正文没有写说明时使用（行内 Markdown）。', null=True, validators=[django.core.validators.MaxLengthValidator(200000, message='文字太长：最多 %(limit_value)s 个字符，现在有 %(show_value)s 个。请拆分成几个章节。')], verbose_name='说明')),
                ('caption_zh_hant', models.TextField(blank=True, help_text='正文没有写说明时使用（行内 Markdown）。', null=True, validators=[django.core.validators.MaxLengthValidator(200000, message='文字太长：最多 %(limit_value)s 个字符，现在有 %(show_value)s 个。请拆分成几个章节。')], verbose_name='说明')),
                ('author', models.CharField(blank=True, max_length=300, verbose_name='作者／来源署名')),
                ('licence', models.CharField(blank=True, help_text='例如 CC BY-SA 4.0、公有领域。', max_length=200, verbose_name='许可协议')),
                ('source_url', models.URLField(blank=True, max_length=1000, verbose_name='来源网址')),
                ('uploaded_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='上传时间')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                ('articles', models.ManyToManyField(blank=True, editable=False, related_name='figure_images', to='articles.article', verbose_name='使用它的条目')),
                ('uploaded_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='上传者')),
            ],
            options={
                'verbose_name': '图片',
                'verbose_name_plural': '图片',
                'ordering': ['name'],
            },
        ),
        migrations.RunPython(grant_editors, revoke_editors),
    ]
