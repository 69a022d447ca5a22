"""Tags: every tag gets a usable slug, whatever its name (issue 17: punctuation-only names broke pages)."""
from __future__ import annotations

import pytest

from articles.models import Tag
from tests.conftest import article_url
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["…", ",", "——", "！？", "条约"])
def test_every_tag_has_a_working_page_and_the_article_and_sitemap_render(client, name):
    article = ArticleFactory()
    article.tags.add(name)
    tag = Tag.objects.get(name=Tag.canonical(name))
    assert tag.slug
    assert client.get(tag.get_absolute_url()).status_code == 200
    for script in ("zh-hans", "zh-hant"):
        assert client.get(article_url(article, script)).status_code == 200
    assert client.get("/sitemap.xml").status_code == 200


def test_two_punctuation_tags_get_different_slugs():
    article = ArticleFactory()
    article.tags.add("…", "——")
    assert len(set(Tag.objects.values_list("slug", flat=True))) == 2
