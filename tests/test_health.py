"""Health endpoints, robots.txt, and absolute URLs that come from configuration."""
from __future__ import annotations

import json

import pytest
from django.test import override_settings

from tests.conftest import article_url

pytestmark = pytest.mark.django_db


def test_healthz_needs_nothing(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok\n"


def test_readyz_reports_database_and_cache(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert json.loads(response.content) == {"database": "ok", "cache": "ok"}


@override_settings(CACHES={"default": {"BACKEND": "articles.serving.cache.ResilientRedisCache",
                                       "LOCATION": "redis://127.0.0.1:1/0"}})
def test_readyz_is_503_when_the_cache_is_unreachable(client):
    from articles.serving import cache as resilient

    try:
        response = client.get("/readyz")
        assert response.status_code == 503
        assert json.loads(response.content)["cache"] == "unavailable"
    finally:
        resilient._down = False


@override_settings(SITE_URL="https://treaties.example")
def test_robots_txt_names_the_sitemap(client):
    body = client.get("/robots.txt").content.decode()
    assert "Sitemap: https://treaties.example/sitemap.xml" in body and "Disallow: /admin/" in body


@override_settings(SITE_URL="https://treaties.example")
def test_forged_host_headers_do_not_poison_cached_links(client, seed_article):
    url = article_url(seed_article, "zh-hans")
    client.get(url, HTTP_X_FORWARDED_PROTO="https", HTTP_HOST="localhost")  # cached with these headers
    page = client.get(url).content.decode()
    assert f'<link rel="canonical" href="https://treaties.example{url}">' in page
    assert "localhost" not in page
