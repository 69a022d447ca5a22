"""The full render of an article page (page cache and stored renderings off, ``make bench-write``;
issue 24): what it queries, and that what it leaves out changes nothing a reader notices."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone

from articles import conversion, url_memo
from tests.conftest import article_url
from tests.factories import ArticleFactory, CategoryFactory, article_with_parts

pytestmark = pytest.mark.django_db

FULL_RENDER = {"ARTICLE_CACHE_SECONDS": 0, "STORED_RENDERINGS": False}


@pytest.mark.parametrize("size", [1, 30])
@pytest.mark.parametrize("variant", ["zh-hans", "zh-hant", "zh-tw"])
def test_a_full_render_is_six_queries_whatever_the_content(client, django_assert_num_queries, size, variant):
    """Article, sections, references, categories, tags, link targets. Not the probe for a
    scheduled publication among the red links: only a kept page (stored, or in the page cache)
    needs to know when it goes stale by itself."""
    article = article_with_parts(size)
    with override_settings(**FULL_RENDER):
        # A regional variant also reads the glossaries: the article's terms, its named glossaries
        # (one query when it uses none) and the site's terms.
        with django_assert_num_queries(6 + 3 * (variant == "zh-tw")):
            response = client.get(article_url(article, variant))
    assert response.status_code == 200


def test_a_page_cached_without_stored_renderings_still_expires_when_a_red_link_turns_blue(client):
    """The probe left out of the full render still runs when the page cache keeps the page."""
    later = timezone.now() + timedelta(hours=2)
    ArticleFactory(title_zh_hans="波茨坦公告", published_at=later)
    linking = ArticleFactory(lead_zh_hans="参见[[波茨坦公告]]。")
    cache.clear()
    with override_settings(STORED_RENDERINGS=False, ARTICLE_CACHE_SECONDS=86_400, PROXY_CACHE_SECONDS=86_400):
        response = client.get(article_url(linking, "zh-hans"))
    assert response["X-Cache"] == "miss"
    assert 7_000 < int(re.search(r"s-maxage=(\d+)", response["Cache-Control"]).group(1)) <= 7_200


@pytest.mark.parametrize("variant", ["zh-hans", "zh-hant", "zh-hk"])
def test_a_full_render_is_the_stored_page(client, variant):
    """Byte for byte what a stored rendering serves (and what the page cache would keep), with
    categories in pinyin order although they are fetched unordered."""
    article = article_with_parts(3)
    for name in ("中美条约", "北京条约", "阿富汗条约"):
        article.categories.add(CategoryFactory(name_zh_hans=name))
    with override_settings(**FULL_RENDER):
        full = client.get(article_url(article, variant)).content
    cache.clear()
    client.get(article_url(article, variant))  # rendered and stored
    cache.clear()
    stored = client.get(article_url(article, variant)).content
    assert full == stored
    footer = full.decode().split('class="categories"')[1].split("</p>")[0]
    names = re.findall(r">([^<]+)</a>", footer)
    expected = {"zh-hans": ["阿富汗条约", "北京条约", "中美条约"], "zh-hant": ["阿富汗條約", "北京條約", "中美條約"],
                "zh-hk": ["阿富汗條約", "北京條約", "中美條約"]}[variant]
    assert [n for n in names if n in expected] == expected


def test_remembered_urls_follow_the_variant_and_the_slug(client):
    """``url_for`` answers what ``reverse`` would: each variant's prefix (a regional URLconf for
    zh-tw), each script's slug, a renamed article's new URL."""
    from articles.scripts import override_variant

    article = ArticleFactory(title_zh_hans="南京条约")
    urls = {}
    for variant in ("zh-hans", "zh-hant", "zh-tw", "zh-hans"):
        with override_variant(variant):
            urls[variant] = article.get_absolute_url()
    assert urls == {"zh-hans": "/zh-hans/articles/%E5%8D%97%E4%BA%AC%E6%9D%A1%E7%BA%A6/",
                    "zh-hant": "/zh-hant/articles/%E5%8D%97%E4%BA%AC%E6%A2%9D%E7%B4%84/",
                    "zh-tw": "/zh-tw/articles/%E5%8D%97%E4%BA%AC%E6%A2%9D%E7%B4%84/"}
    article.slug_zh_hans = "江宁条约"
    with override_variant("zh-hans"):
        assert article.get_absolute_url() == "/zh-hans/articles/%E6%B1%9F%E5%AE%81%E6%9D%A1%E7%BA%A6/"
    assert url_memo._reverse.cache_info().hits > 0


def test_remembered_name_forms_are_the_conversion():
    for name in ("中蘇互不侵犯條約", "中苏互不侵犯条约", " 軟體 ", "x" * (conversion.MEMO_NAME_LENGTH + 1)):
        for _ in range(2):
            assert conversion.title_key(name) == conversion.to_simplified(name.strip())
            assert conversion.in_both_scripts([name]) == {name, conversion.to_simplified(name),
                                                           conversion.to_traditional(name)}
