#!/usr/bin/env python
"""Django's command-line utility for administrative tasks.

A settings error (production settings without SECRET_KEY, a bad DATABASE_URL …) is reported as one
line saying what to do, with a non-zero exit status, instead of a traceback from the settings module.
"""
import os
import sys

DEVELOPMENT_HINT = "For development run `DEBUG=1 python manage.py …` or the make targets (README, \"Configuration\")."


def main():
    """Run administrative tasks."""
    os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'treatysite.settings')
    try:
        from django.conf import settings
        from django.core.exceptions import ImproperlyConfigured
        from django.core.management import execute_from_command_line
    except ImportError as exc:
        raise ImportError(
            "Couldn't import Django. Are you sure it's installed and "
            "available on your PYTHONPATH environment variable? Did you "
            "forget to activate a virtual environment?"
        ) from exc
    try:
        settings.INSTALLED_APPS  # loads the settings module
    except ImproperlyConfigured as error:
        sys.exit(f"manage.py: {error} {DEVELOPMENT_HINT}")
    execute_from_command_line(sys.argv)


if __name__ == '__main__':
    main()
