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
