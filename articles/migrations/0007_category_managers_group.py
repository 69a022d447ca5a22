"""Create the "Category managers" group: they keep the category tree in order.

They may add, change, merge and delete categories (deleting one that still has articles stays
with superusers, enforced in the admin) and view articles, nothing else.
"""
from django.contrib.auth.management import create_permissions
from django.db import migrations

CATEGORY_MANAGERS = "Category managers"
PERMISSIONS = {"category": ("add", "change", "delete", "view"), "article": ("view",)}


def create_group(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=CATEGORY_MANAGERS)
    codenames = [f"{action}_{model}" for model, actions in PERMISSIONS.items() for action in actions]
    group.permissions.set(Permission.objects.filter(content_type__app_label="articles", codename__in=codenames))


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=CATEGORY_MANAGERS).delete()


class Migration(migrations.Migration):
    dependencies = [("articles", "0006_text_limits")]

    operations = [migrations.RunPython(create_group, remove_group)]
