"""Staff groups created by migrations, with exactly the permissions each role needs."""
from __future__ import annotations

from django.contrib.auth.management import create_permissions


def _permissions(apps, permissions: dict[str, tuple[str, ...]]):
    """This app's permissions ``{model: (action, …)}``, created first if migrations run before them.

    Uses the historical models given by the migration; permissions are normally created after all
    migrations ran, so they are created here first.
    """
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    codenames = [f"{action}_{model}" for model, actions in permissions.items() for action in actions]
    return Permission.objects.filter(content_type__app_label="articles", codename__in=codenames)


def create_group(apps, name: str, permissions: dict[str, tuple[str, ...]]) -> None:
    """Create (or reset) group ``name`` with exactly these permissions of this app."""
    group, _ = apps.get_model("auth", "Group").objects.get_or_create(name=name)
    group.permissions.set(_permissions(apps, permissions))


def grant(apps, name: str, permissions: dict[str, tuple[str, ...]]) -> None:
    """Add permissions to group ``name`` (created if missing), keeping those it has."""
    group, _ = apps.get_model("auth", "Group").objects.get_or_create(name=name)
    group.permissions.add(*_permissions(apps, permissions))


def revoke(apps, name: str, permissions: dict[str, tuple[str, ...]]) -> None:
    group = apps.get_model("auth", "Group").objects.filter(name=name).first()
    if group is not None:
        group.permissions.remove(*_permissions(apps, permissions))


def remove_group(apps, name: str) -> None:
    apps.get_model("auth", "Group").objects.filter(name=name).delete()
