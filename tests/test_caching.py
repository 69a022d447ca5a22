"""The page cache for anonymous readers: hits, invalidation by every kind of edit, off switch."""
from __future__ import annotations

import pytest
from django.test import override_settings

from articles.models import GlossaryTerm, Section
from tests.conftest import article_url
from tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db


class TestPageCache:
    def test_second_view_is_served_from_cache(self, client, django_assert_num_queries, seed_article):
        client.get(article_url(seed_article, "zh-hans"))
        with django_assert_num_queries(0):
            assert "中苏互不侵犯条约" in client.get(article_url(seed_article, "zh-hans")).content.decode()

    @pytest.mark.parametrize("change", ["article", "section", "reference", "category", "tag"])
    def test_any_edit_invalidates(self, client, seed_article, change):
        page_url = article_url(seed_article, "zh-hans")
        client.get(page_url)
        if change == "article":
            seed_article.lead_zh_hans = "新的导言文字"
            seed_article.save()
            expected = "新的导言文字"
        elif change == "section":
            section = Section.objects.get(article=seed_article, position=1)
            section.heading_zh_hans = "新的章节标题"
            section.save()
            expected = "新的章节标题"
        elif change == "reference":
            reference = seed_article.references.get(key="1")
            reference.text_zh_hans = "新的参考文献"
            reference.save()
            expected = "新的参考文献"
        elif change == "category":
            seed_article.categories.add(CategoryFactory(name_zh_hans="新的分类名"))
            expected = "新的分类名"
        elif change == "tag":
            seed_article.tags.add("新的标签")
            expected = "新的标签"
        assert expected in client.get(page_url).content.decode()

    def test_glossary_change_invalidates(self, client, seed_article):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        page_url = article_url(seed_article, "zh-hans")
        client.get(page_url)
        GlossaryTerm.objects.create(hans="鲍格莫洛夫", hant="鮑格莫洛夫")
        with CaptureQueriesContext(connection) as rendered:
            client.get(page_url)
        assert len(rendered) > 0  # rendered afresh, not served from the cache

    @override_settings(ARTICLE_CACHE_SECONDS=0)
    def test_cache_can_be_turned_off(self, client, django_assert_max_num_queries, seed_article):
        client.get(article_url(seed_article, "zh-hans"))
        with django_assert_max_num_queries(10) as captured:
            client.get(article_url(seed_article, "zh-hans"))
        assert len(captured) > 0
