"""Create the Editors group with exactly the permissions editors need.

Editors write content: articles (no deletion), their sections and references (deleting a row
of an inline is part of editing), categories, tags and glossary terms. They get nothing on
users, groups or sessions. Deleting articles and categories stays with superusers.
"""
from django.contrib.auth.management import create_permissions
from django.db import migrations

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
    # Permissions are normally created after all migrations; make sure ours exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=EDITORS)
    codenames = [f"{action}_{model}" for model, actions in PERMISSIONS.items() for action in actions]
    permissions = Permission.objects.filter(content_type__app_label="articles", codename__in=codenames)
    group.permissions.set(permissions)


def remove_editors_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=EDITORS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editors_group, remove_editors_group)]
