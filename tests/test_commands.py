"""The commands `make run` relies on."""
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from articles.management.commands import ensure_admin

pytestmark = pytest.mark.django_db


def test_ensure_admin_creates_login_once_with_generated_password(tmp_path, monkeypatch):
    monkeypatch.setattr(ensure_admin, "PASSWORD_FILE", tmp_path / ".admin-password")
    monkeypatch.delenv("DJANGO_SUPERUSER_PASSWORD", raising=False)
    out = StringIO()
    call_command("ensure_admin", stdout=out)
    password = (tmp_path / ".admin-password").read_text().strip()
    assert f"password: {password}" in out.getvalue()
    assert len(password) >= 12
    user = get_user_model().objects.get(username="admin")
    assert user.is_superuser and user.check_password(password)

    again = StringIO()
    call_command("ensure_admin", stdout=again)
    assert get_user_model().objects.count() == 1
    assert "exists" in again.getvalue() and password not in again.getvalue()


def test_ensure_admin_uses_password_from_environment(tmp_path, monkeypatch):
    monkeypatch.setattr(ensure_admin, "PASSWORD_FILE", tmp_path / ".admin-password")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-chosen-password")
    call_command("ensure_admin", stdout=StringIO())
    assert get_user_model().objects.get(username="admin").check_password("a-long-chosen-password")
    assert not (tmp_path / ".admin-password").exists()
