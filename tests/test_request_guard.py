"""No URL ends in a 500: every URL pattern of the site, walked from the URLconf, with hostile input.

The patterns are resolved from ``treatysite.urls`` (public pages in both scripts and the whole
admin), never listed by hand, so a new view is fuzzed the day it is added. Each parameter is
filled with hostile values, and each pattern is also asked with hostile query strings, as a
reader, an editor and a superuser. Runs on SQLite and on PostgreSQL (where a NUL in a query used
to be a 500).
"""
from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern, RegexPattern, RoutePattern

from articles.conversion import SCRIPTS
from articles.request_guard import is_hostile
from tests.factories import ArticleFactory, CategoryFactory, EditorFactory, GlossaryTermFactory, SectionFactory

pytestmark = pytest.mark.django_db

# Path segments as a hostile visitor types them (already percent-encoded where needed).
HOSTILE_SEGMENTS = [
    "%00", "a%00b", "%C0%AF", "%FF", "a%2Fb", "%2F..%2F", quote("\u202etxt.exe"), quote("\u200b\u200d"),
    quote("条" * 5000), "x" * 5000, "-1", "1",
]
HOSTILE_QUERIES = [
    "page=-1", "page=1e99", "page=abc", "page=%00", "q=%00", "q=%FF%FE", "status__exact=%00",
    "no_such_filter=1", "o=abc", "p=-1", "e=1", "_changelist_filters=%00", "next=%00",
    "q=" + quote("\u202e" * 50), "q=" + "x" * 5000,
    # The admin's date hierarchy at the calendar's end (the next year/month/day is out of range).
    "updated_at__year=9999", "updated_at__year=9999&updated_at__month=12",
    "updated_at__year=9999&updated_at__month=12&updated_at__day=31", "updated_at__year=0",
]
# A form post as a hostile visitor sends it: NUL bytes in every kind of field (PostgreSQL refuses
# a NUL in a string), action ids, a user name longer than django-axes' varchar(255).
HOSTILE_FORM = {
    "action": "publish", "index": "0", "_selected_action": ["%00", "1\x00"], "select_across": "0",
    "hans": "头\x00发", "hant": "頭\x00髮", "scope": "site", "title_zh_hans": "标\x00题",
    "lead_zh_hans": "导\x00言[[条\x00约]]", "edit_base": "\x00", "references-TOTAL_FORMS": "1",
    "references-0-key": "a\x00", "references-0-text_zh_hans": "书\x00", "q": "\x00", "name": "\x00", "username": "u" * 256, "password": "x\x00",
}
_PLACEHOLDER = re.compile(r"<(?:(\w+):)?(\w+)>")
_REGEX_GROUP = re.compile(r"\(\?P<(\w+)>[^)]*\)")


def _routes(patterns, prefix: str = ""):
    """Every route of the URLconf as a template with ``{name}`` placeholders."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if isinstance(pattern.pattern, LocalePrefixPattern):
                for script in SCRIPTS:
                    yield from _routes(pattern.url_patterns, f"{prefix}{script}/")
            else:
                yield from _routes(pattern.url_patterns, prefix + _template(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + _template(pattern.pattern)


def _template(pattern) -> str:
    if isinstance(pattern, RoutePattern):
        return _PLACEHOLDER.sub(lambda m: "{" + m.group(2) + "}", str(pattern))
    if isinstance(pattern, RegexPattern):
        regex = str(pattern).lstrip("^").rstrip("$").rstrip("\\Z")
        return _REGEX_GROUP.sub(lambda m: "{" + m.group(1) + "}", regex).replace("\\", "")
    return str(pattern)


ROUTES = sorted(set(_routes(get_resolver().url_patterns)))


def _benign(route: str, article_pk: int) -> dict[str, str]:
    return {name: (str(article_pk) if name == "object_id" else "articles" if name == "app_label" else "1")
            for name in re.findall(r"\{(\w+)\}", route)}


def _urls_for(route: str, article_pk: int) -> list[str]:
    benign = _benign(route, article_pk)
    names = list(benign)
    urls = ["/" + route.format(**benign) + "?" + query for query in HOSTILE_QUERIES]
    for name in names:
        for segment in HOSTILE_SEGMENTS:
            urls.append("/" + route.format(**{**benign, name: segment}))
    return urls


@pytest.fixture
def content(db):
    article = ArticleFactory(title_zh_hans="条约", status="published")
    SectionFactory(article=article, body_zh_hans="正文[[条约]]")
    article.categories.add(CategoryFactory(name_zh_hans="外交"))
    article.tags.add("条约")
    GlossaryTermFactory()
    return article


def test_the_walk_covers_public_and_admin_urls():
    assert any(r.startswith("zh-hant/articles/") for r in ROUTES)
    assert any(r.startswith("admin/articles/article/{object_id}/change") for r in ROUTES)
    assert len(ROUTES) > 40


def _walking_routes(client, who: str):
    """The routes to walk, with ``client`` logged in as ``who``; a crash counts as the 500 a
    visitor would see."""
    client.raise_request_exception = False
    if who == "editor":
        client.force_login(EditorFactory())
    elif who == "superuser":
        client.force_login(get_user_model().objects.create_superuser("root-fuzz", "r@example.org", "x"))
    return [route for route in ROUTES if not route.startswith("admin/logout")]


@pytest.mark.parametrize("who", ["reader", "editor", "superuser"])
def test_no_hostile_url_is_a_server_error(client, content, who):
    failures = []
    for route in _walking_routes(client, who):
        for url in _urls_for(route, content.pk):
            response = client.get(url)
            if response.status_code >= 500:
                failures.append(f"{response.status_code} {url[:120]}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("who", ["reader", "editor", "superuser"])
def test_no_hostile_form_post_is_a_server_error(client, content, who, media_root):
    """Every route, POSTed a form with NUL bytes and overlong values (CSRF is not checked by the
    test client, so each view's own handling is what is tested)."""
    failures = []
    for route in _walking_routes(client, who):
        path = "/" + route.format(**_benign(route, content.pk))
        response = client.post(path, HOSTILE_FORM)
        if response.status_code >= 500:
            failures.append(f"{response.status_code} {path[:120]}")
    assert not failures, "\n".join(failures)


def test_a_user_name_longer_than_axes_column_is_a_failed_login(client):
    client.raise_request_exception = False
    response = client.post("/admin/login/?next=/admin/", {"username": "名" * 256, "password": "x"})
    assert response.status_code == 200 and 'name="username"' in response.content.decode()


def test_a_directory_under_media_is_a_404(client, media_root):
    (media_root / "images" / "sub").mkdir(parents=True)
    client.raise_request_exception = False
    for path in ("/media/images/", "/media/images/sub", "/media/images/sub/", "/media/."):
        assert client.get(path).status_code == 404, path


@pytest.mark.parametrize("path", ["/zh-hans/articles/%00/", "/zh-hant/categories/%00/", "/zh-hans/tags/a%00/"])
def test_nul_in_path_is_a_404_in_the_reader_script(client, path):
    response = client.get(path)
    assert response.status_code == 404
    page = response.content.decode()
    assert ("找不到頁面" if "/zh-hant/" in path else "找不到页面") in page


@pytest.mark.parametrize(("path", "status"), [("/zh-hans/articles/%00/", 404), ("/zh-hans/search/?q=%00", 400)])
def test_the_guards_pages_carry_the_sites_security_headers(client, path, status):
    response = client.get(path)
    normal = client.get("/zh-hans/articles/no-such-article/")  # a 404 from the view, for comparison
    assert response.status_code == status
    assert response["X-Frame-Options"] == normal["X-Frame-Options"] == "DENY"
    assert response["Content-Security-Policy"] == normal["Content-Security-Policy"]
    assert "default-src" in response["Content-Security-Policy"]


def test_nul_in_admin_filter_is_a_400_page_for_staff(client, content):
    client.force_login(EditorFactory())
    response = client.get("/admin/articles/article/?status__exact=%00")
    assert response.status_code == 400
    assert "无法处理这个请求" in response.content.decode()


@pytest.mark.parametrize(("text", "hostile"), [
    ("条约", False), ("a\tb\nc", False), ("\u202e\u200b", False), ("a\x00b", True), ("\x0b", True),
    ("\x85", True), ("\ud800", True),
])
def test_hostile_characters(text, hostile):
    assert is_hostile(text) is hostile
