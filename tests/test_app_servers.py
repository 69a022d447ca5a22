"""Two app servers (gunicorn processes) sharing PostgreSQL and Redis: an edit through one's admin
is served fresh by the other at once. Needs PostgreSQL (separate processes share the test database)."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from django.db import connection
from django.utils import translation

from articles.models import Article
from tests.factories import ArticleFactory, SectionFactory, UserFactory
from tests.forms import form_data
from tests.servers import ThrowawayRedis, free_port, wait_for_port

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [
    pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server"),
    pytest.mark.django_db(transaction=True),
]


class Browser:
    """Just enough of a browser for the admin: cookies (secure ones too, on loopback) and forms."""

    def __init__(self, base: str) -> None:
        self.base, self.cookies = base, {}

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        request = urllib.request.Request(self.base + path, data=body, headers=headers)
        opener = urllib.request.build_opener(NoRedirect)
        try:
            response = opener.open(request, timeout=20)
        except urllib.error.HTTPError as error:
            response = error
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, response.read().decode()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def two_servers():
    if connection.vendor != "postgresql":
        pytest.skip("separate server processes share the test database only on PostgreSQL")
    redis = ThrowawayRedis()
    redis.start()
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "treatysite.test_settings",
        "DATABASE_URL": f"postgres://{db['USER'] or 'root'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "REDIS_URL": redis.url,
        "ALLOWED_HOSTS": "127.0.0.1",
        "PYTHONPATH": str(ROOT),
    }
    servers, bases = [], []
    try:
        for _ in range(2):
            port = free_port()
            servers.append(subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "treatysite.wsgi", "--workers", "1", "--bind", f"127.0.0.1:{port}",
                 "--log-level", "warning"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            ))
            wait_for_port(port, timeout=30)
            bases.append(f"http://127.0.0.1:{port}")
        yield bases
    finally:
        for server in servers:
            server.terminate()
            server.wait(10)
        redis.stop()


def test_an_edit_through_one_server_is_served_fresh_by_the_other(two_servers):
    one, other = Browser(two_servers[0]), Browser(two_servers[1])
    article = ArticleFactory(lead_zh_hans="两台服务器之前的导言")
    SectionFactory(article=article, heading_zh_hans="缘起")
    UserFactory(username="chief", is_staff=True, is_superuser=True)
    with translation.override("zh-hans"):
        path = article.get_absolute_url()
    for browser in (one, other, one, other):  # both servers have it cached
        assert "两台服务器之前的导言" in browser.request(path)[1]
    reader = Browser(two_servers[1])

    status, page = one.request("/admin/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    status, _ = one.request("/admin/login/", {"csrfmiddlewaretoken": token, "username": "chief",
                                              "password": "correct horse battery", "next": "/admin/"})
    assert status == 302
    change = f"/admin/articles/article/{article.pk}/change/"
    form = form_data(one.request(change)[1], "article_form")
    form["lead_zh_hans"], form["lead_zh_hant"] = ["编辑之后的导言"], [""]
    assert one.request(change, form)[0] == 302
    assert Article.objects.get(pk=article.pk).lead_zh_hans == "编辑之后的导言"

    status, page = reader.request(path)
    assert status == 200 and "编辑之后的导言" in page
