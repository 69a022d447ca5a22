"""Production settings: deploy checks, security headers, CSP, login rate limiting."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories import ArticleFactory, EditorFactory

ROOT = Path(__file__).resolve().parent.parent


def test_check_deploy_is_clean():
    # DJANGO_ALLOW_ASYNC_UNSAFE is set by the browser tests for their own process only.
    skip = {"DEBUG", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in skip}
    env.update({
        "DJANGO_SETTINGS_MODULE": "treatysite.settings",
        "SECRET_KEY": "x" * 20 + "-a-long-random-production-secret-key-for-the-check",
        "ALLOWED_HOSTS": "treaties.example.org",
    })
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_public_page_headers_and_csp(client):
    response = client.get(ArticleFactory().get_absolute_url())
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "object-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    # No inline script on the page: everything it runs comes from 'self'.
    assert "<script>" not in response.content.decode()


@pytest.mark.django_db
def test_admin_works_under_csp(editor_client):
    page = editor_client.get(reverse("admin:articles_article_add"))
    assert "Content-Security-Policy" in page
    html = page.content.decode()
    # The admin's scripts are all files ('self'), including jQuery UI for the script tabs.
    assert "<script>" not in html and "vendor/jquery-ui/jquery-ui.min.js" in html


@pytest.mark.django_db
def test_login_is_rate_limited(client, settings):
    editor = EditorFactory(username="editor")
    url = reverse("admin:login")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(url, {"username": "editor", "password": "wrong", "next": "/admin/"})
        assert response.status_code == 200 and "errornote" in response.content.decode()
    assert client.post(url, {"username": "editor", "password": "wrong", "next": "/admin/"}).status_code == 429
    # Now even the right password is refused, with a clear message.
    locked = client.post(url, {"username": "editor", "password": "correct horse battery", "next": "/admin/"})
    assert locked.status_code == 429
    assert "登录已暂时锁定" in locked.content.decode()
    # Another user from the same address is not locked out.
    EditorFactory(username="other")
    ok = client.post(url, {"username": "other", "password": "correct horse battery", "next": "/admin/"})
    assert ok.status_code == 302
    assert editor.pk
