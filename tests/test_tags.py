"""Tags: every tag gets a usable slug, whatever its name (issue 17: punctuation-only names broke pages)."""
from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

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


def test_a_tag_only_drafts_carry_has_no_page(client):
    draft = ArticleFactory(status="draft")
    draft.tags.add("秘密计划")
    tag = Tag.objects.get(name="秘密计划")
    assert client.get(tag.get_absolute_url()).status_code == 404
    ArticleFactory(status="published").tags.add("秘密计划")
    assert client.get(tag.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("name", ["", "   ", "\u3000", "\u200b", " \u200b\u200d "])
def test_an_empty_or_invisible_tag_name_is_refused(name, admin_client):
    from django.urls import reverse

    response = admin_client.post(reverse("admin:articles_tag_add"), {"name": name, "name_zh_hant": ""})
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    article = ArticleFactory()
    article.tags.add(name, "条约")  # the importer's and shell's way in
    assert list(Tag.objects.values_list("name", flat=True)) == ["条约"]
    with pytest.raises(ValidationError):
        Tag.objects.create(name=name)
