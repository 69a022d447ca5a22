"""The Atom feed of each script: published articles only, titles in the feed's script."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from tests.conftest import url
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("script", "title"), [("zh-hans", "中苏互不侵犯条约"), ("zh-hant", "中蘇互不侵犯條約")])
def test_atom_feed_per_script(client, seed_article, script, title):
    ArticleFactory(status="draft", title_zh_hans="草稿条目")
    response = client.get(url(script, "feed"))
    root = ET.fromstring(response.content)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert [e.text for e in root.findall("a:entry/a:title", ns)] == [title]
