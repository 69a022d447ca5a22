"""Create the Editors group with exactly the permissions editors need.

Editors write content: articles (no deletion), their sections and references (deleting a row
of an inline is part of editing), categories, tags and glossary terms. They get nothing on
users, groups or sessions. Deleting articles and categories stays with superusers.
"""
from django.db import migrations

from articles.groups import create_group, remove_group

EDITORS = "Editors"
PERMISSIONS = {
    "article": ("add", "change", "view"),
    "section": ("add", "change", "delete", "view"),
    "reference": ("add", "change", "delete", "view"),
    "category": ("add", "change", "view"),
    "tag": ("add", "change", "view"),
    "taggedarticle": ("add", "change", "delete", "view"),
    "glossaryterm": ("add", "change", "delete", "view"),
}


def create_editors_group(apps, schema_editor):
    create_group(apps, EDITORS, PERMISSIONS)


def remove_editors_group(apps, schema_editor):
    remove_group(apps, EDITORS)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editors_group, remove_editors_group)]
