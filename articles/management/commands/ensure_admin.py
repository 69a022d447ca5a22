"""Make sure an admin login exists, and say how to log in.

The password is never a fixed default: it is read from DJANGO_SUPERUSER_PASSWORD or generated,
printed once and kept in ``.admin-password`` (mode 0600, git-ignored) for the developer.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

PASSWORD_FILE = Path(settings.BASE_DIR) / ".admin-password"


class Command(BaseCommand):
    help = "Create a superuser if none exists and print how to log in."

    def add_arguments(self, parser):
        parser.add_argument("--username", default=os.environ.get("DJANGO_SUPERUSER_USERNAME", "admin"))
        parser.add_argument("--url", default="http://127.0.0.1:8000/admin/", help="where the admin will be served")

    def handle(self, *args, username: str, url: str, **options):
        User = get_user_model()
        login_url = url
        existing = User.objects.filter(is_superuser=True).order_by("pk").first()
        if existing:
            hint = (
                f"its password is in {PASSWORD_FILE.name}"
                if PASSWORD_FILE.exists()
                else f"reset it with: python manage.py changepassword {existing.get_username()}"
            )
            self.stdout.write(f"Admin login exists: user '{existing.get_username()}' ({hint}). Log in at {login_url}")
            return
        password = os.environ.get("DJANGO_SUPERUSER_PASSWORD") or secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, email="", password=password)
        if "DJANGO_SUPERUSER_PASSWORD" not in os.environ:
            PASSWORD_FILE.write_text(password + "\n")
            PASSWORD_FILE.chmod(0o600)
        self.stdout.write(self.style.SUCCESS(
            f"Created admin login — user: {username}  password: {password}  (log in at {login_url})"
        ))
