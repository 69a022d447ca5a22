"""Create the "Category managers" group: they keep the category tree in order.

They may add, change, merge and delete categories (deleting one that still has articles stays
with superusers, enforced in the admin) and view articles, nothing else.
"""
from django.db import migrations

from articles.groups import create_group, remove_group

CATEGORY_MANAGERS = "Category managers"
PERMISSIONS = {"category": ("add", "change", "delete", "view"), "article": ("view",)}


def create_category_managers(apps, schema_editor):
    create_group(apps, CATEGORY_MANAGERS, PERMISSIONS)


def remove_category_managers(apps, schema_editor):
    remove_group(apps, CATEGORY_MANAGERS)


class Migration(migrations.Migration):
    dependencies = [("articles", "0006_text_limits")]

    operations = [migrations.RunPython(create_category_managers, remove_category_managers)]
