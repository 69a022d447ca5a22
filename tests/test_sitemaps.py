"""/sitemap.xml: valid XML, both scripts, hreflang alternates."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from urllib.parse import unquote

import pytest

pytestmark = pytest.mark.django_db


def test_sitemap_is_valid_xml_with_both_scripts(client, seed_article):
    response = client.get("/sitemap.xml")
    root = ET.fromstring(response.content)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    locations = {unquote(loc.text) for loc in root.findall("s:url/s:loc", ns)}
    assert "http://testserver/zh-hans/articles/中苏互不侵犯条约/" in locations
    assert "http://testserver/zh-hant/articles/中蘇互不侵犯條約/" in locations
    assert root.findall("s:url/x:link[@hreflang='zh-hant']", ns)


def test_tags_of_drafts_and_scheduled_articles_stay_out_of_the_sitemap(client):
    from datetime import timedelta

    from django.utils import timezone

    from tests.factories import ArticleFactory

    ArticleFactory(status="draft").tags.add("秘密草稿标签")
    ArticleFactory(published_at=timezone.now() + timedelta(days=1)).tags.add("定时标签")
    ArticleFactory().tags.add("公开标签")
    body = unquote(client.get("/sitemap.xml").content.decode())
    assert "公开标签" in body and "秘密草稿标签" not in body and "定时标签" not in body
