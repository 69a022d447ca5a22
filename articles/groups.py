"""Staff groups created by migrations, with exactly the permissions each role needs."""
from __future__ import annotations

from django.contrib.auth.management import create_permissions


def create_group(apps, name: str, permissions: dict[str, tuple[str, ...]], *, reset: bool = True) -> None:
    """Create group ``name`` with ``{model: (action, …)}`` permissions of this app: exactly those
    (``reset``), or added to what the group already has (a later migration's new model).

    Uses the historical models given by the migration; permissions are normally created after all
    migrations ran, so they are created here first.
    """
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=name)
    codenames = [f"{action}_{model}" for model, actions in permissions.items() for action in actions]
    wanted = Permission.objects.filter(content_type__app_label="articles", codename__in=codenames)
    if reset:
        group.permissions.set(wanted)
    else:
        group.permissions.add(*wanted)


def remove_group(apps, name: str) -> None:
    apps.get_model("auth", "Group").objects.filter(name=name).delete()
