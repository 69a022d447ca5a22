"""The Atom feed of each script: published articles only, titles in the feed's script."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from django.test import override_settings

from tests.conftest import article_url, url
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("script", "title"), [("zh-hans", "中苏互不侵犯条约"), ("zh-hant", "中蘇互不侵犯條約")])
def test_atom_feed_per_script(client, seed_article, script, title):
    ArticleFactory(status="draft", title_zh_hans="草稿条目")
    response = client.get(url(script, "feed"))
    root = ET.fromstring(response.content)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert [e.text for e in root.findall("a:entry/a:title", ns)] == [title]


def test_feed_is_cached_and_invalidated_by_the_edits_that_change_it(client, seed_article, committed):
    feed = url("zh-hans", "feed")
    assert client.get(feed)["X-Cache"] == "miss"
    assert client.get(feed)["X-Cache"] == "hit"
    with committed():  # a draft changes nothing a feed reader sees
        ArticleFactory(status="draft", title_zh_hans="还是草稿")
    assert client.get(feed)["X-Cache"] == "hit"
    with committed():
        seed_article.title_zh_hans = "改过的标题"
        seed_article.save()
    response = client.get(feed)
    assert response["X-Cache"] == "miss" and "改过的标题" in response.content.decode()
    with committed():  # a published article joins the feed
        ArticleFactory(status="published", title_zh_hans="新发布的条目")
    assert "新发布的条目" in client.get(feed).content.decode()
    with committed():  # an unpublished one leaves it, in both scripts
        seed_article.status = "draft"
        seed_article.save()
    assert "改过的标题" not in client.get(feed).content.decode()
    assert "改過的標題" not in client.get(url("zh-hant", "feed")).content.decode()


def test_feed_entries_render_a_bounded_summary(client):
    from articles import feeds

    # A heavy lead: its first paragraph is the summary, the rest is never rendered.
    lead = "第一段的文字。\n\n" + "[[条目]]与[^a]、-{干}-，**粗体**" * 10_000
    ArticleFactory(status="published", lead_zh_hans=lead, lead_zh_hant="")
    root = ET.fromstring(client.get(url("zh-hans", "feed")).content)
    summary = root.find("a:entry/a:summary", {"a": "http://www.w3.org/2005/Atom"}).text
    assert summary.strip() == "第一段的文字。"
    assert len(feeds.summary_source("字" * 200_000)) == feeds.SUMMARY_SOURCE_CHARS
    assert len(client.get(url("zh-hans", "feed")).content) < 10_000


@override_settings(SITE_URL="https://treaties.example")
def test_feed_and_sitemap_links_use_site_url(client, seed_article):
    feed = client.get(url("zh-hans", "feed"), HTTP_HOST="testserver:8080").content.decode()
    assert "https://treaties.example/zh-hans/articles/" in feed and "testserver" not in feed
    sitemap = client.get("/sitemap.xml", HTTP_HOST="testserver:8080").content.decode()
    assert "<loc>https://treaties.example/zh-hans/articles/" in sitemap and "testserver" not in sitemap


@override_settings(SITE_URL="")
def test_without_site_url_another_host_or_port_never_poisons_cached_pages(client, seed_article):
    page = article_url(seed_article, "zh-hans")
    poisoned = client.get(page, HTTP_HOST="testserver:8080").content.decode()
    assert 'href="http://testserver:8080/' in poisoned  # its own origin, for itself only
    for _ in range(2):
        html = client.get(page).content.decode()
        assert ":8080" not in html and 'rel="canonical" href="http://testserver/' in html
    assert client.get(page)["X-Cache"] == "hit"
    assert client.get(url("zh-hans", "feed"), HTTP_HOST="testserver:8080")  # feeds alike
    assert ":8080" not in client.get(url("zh-hans", "feed")).content.decode()
