"""Varnish (deploy/varnish.vcl) in front of the app: edits purge it, editors bypass it, drafts never enter.

Starts Debian's varnishd on a free loopback port with its own working directory, in front of
pytest-django's live server; skipped when varnishd is not installed.
"""
from __future__ import annotations

import subprocess
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import translation

from articles.models import Article
from tests.factories import ArticleFactory, UserFactory
from tests.conftest import installed
from tests.servers import free_port, wait_for_port

VARNISHD = installed("varnishd", "/usr/sbin/varnishd")
VCL = Path(__file__).resolve().parent.parent / "deploy" / "varnish.vcl"
pytestmark = [pytest.mark.skipif(VARNISHD is None, reason="needs varnishd (apt-get install varnish)"),
              pytest.mark.django_db(transaction=True)]


@pytest.fixture
def varnish(live_server, tmp_path, settings):
    backend_port = live_server.url.rsplit(":", 1)[1]
    vcl = tmp_path / "site.vcl"
    vcl.write_text(VCL.read_text().replace('.port = "8000";', f'.port = "{backend_port}";'))
    port = free_port()
    process = subprocess.Popen(
        [VARNISHD, "-F", "-j", "none", "-n", str(tmp_path / "varnish"), "-a", f"127.0.0.1:{port}",
         "-f", str(vcl), "-s", "malloc,32m", "-T", "none"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        wait_for_port(port, timeout=30)
    except TimeoutError:
        process.kill()
        pytest.fail(process.stderr.read().decode())
    settings.PROXY_PURGE_URLS = [f"http://127.0.0.1:{port}"]
    settings.ALLOWED_HOSTS = ["testserver", "127.0.0.1"]
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(10)


def fetch(base: str, path: str, cookie: str = "") -> tuple[int, str, dict[str, str]]:
    request = urllib.request.Request(base + quote(path, safe="/%"), headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), dict(error.headers)


def path_of(article: Article) -> str:
    with translation.override("zh-hans"):
        return article.get_absolute_url()


def editor_cookie() -> str:
    client = Client()
    # A superuser: transactional tests empty the tables, the migration-made Editors group included.
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return f"{django_settings.SESSION_COOKIE_NAME}={client.cookies[django_settings.SESSION_COOKIE_NAME].value}"


def test_published_edit_is_visible_on_the_next_request(varnish):
    article = ArticleFactory(lead_zh_hans="第一版导言")
    fetch(varnish, path_of(article))
    status, page, headers = fetch(varnish, path_of(article))
    assert status == 200 and "第一版导言" in page and headers["X-Cache"] == "HIT"

    article.lead_zh_hans = "第二版导言"
    article.save()
    status, page, _ = fetch(varnish, path_of(article))
    assert status == 200 and "第二版导言" in page


def test_editors_bypass_the_proxy_and_drafts_never_enter_it(varnish):
    published = ArticleFactory(lead_zh_hans="公开导言")
    draft = ArticleFactory(title_zh_hans="草稿条约", status=Article.Status.DRAFT)
    cookie = editor_cookie()

    fetch(varnish, path_of(published))
    assert fetch(varnish, path_of(published))[2]["X-Cache"] == "HIT"
    status, _, headers = fetch(varnish, path_of(published), cookie)
    assert status == 200 and headers["X-Cache"] == "MISS"
    assert headers["Cache-Control"].startswith("private")

    assert fetch(varnish, path_of(draft))[0] == 404
    status, page, _ = fetch(varnish, path_of(draft), cookie)
    assert status == 200 and "草稿条约" in page
    for _ in range(2):
        assert fetch(varnish, path_of(draft))[0] == 404


def test_every_variant_is_its_own_proxy_object_and_every_one_is_purged(varnish):
    from tests.conftest import article_url

    article = ArticleFactory(lead_zh_hans="这套软件在互联网上传播。")
    paths = {v: article_url(article, v) for v in ("zh-hans", "zh-hant", "zh-cn", "zh-tw", "zh-hk")}
    fetch(varnish, paths["zh-tw"])
    status, page, headers = fetch(varnish, paths["zh-tw"])
    assert headers["X-Cache"] == "HIT" and "這套軟體在網際網路上傳播。" in page
    # A warm zh-tw object is never answered for another variant.
    status, page, headers = fetch(varnish, paths["zh-hk"])
    assert headers["X-Cache"] == "MISS" and "這套軟件在互聯網上傳播。" in page
    status, page, headers = fetch(varnish, paths["zh-hant"])
    assert headers["X-Cache"] == "MISS" and "這套軟件在互聯網上傳播。" in page
    for path in paths.values():
        fetch(varnish, path)
    article.lead_zh_hans = "这套软件很好用。"
    article.save()
    assert "這套軟體很好用。" in fetch(varnish, paths["zh-tw"])[1]
    for variant, path in paths.items():
        assert "很好用" in fetch(varnish, path)[1], variant
