"""Reading in the five variants: /zh-cn/, /zh-tw/, /zh-hk/ beside today's /zh-hans/, /zh-hant/
(URLs, lang, hreflang, canonical, switcher, `/`, fall-backs, catalogues, sitemap, feed, caches)."""
from __future__ import annotations

import re
from urllib.parse import unquote

import pytest

from articles.models import Article, GlossaryTerm, NamedGlossary
from articles.serving import invalidation
from articles.serving.models import ArticleRendering
from articles.variants import HTML_LANG, LABELS, VARIANTS
from tests.conftest import article_url, url
from tests.factories import ArticleFactory, ReferenceFactory, SectionFactory

pytestmark = pytest.mark.django_db

# Typed in 简体 with mainland words: Taiwan reads 軟體/網路/資訊, Hong Kong 軟件/網絡 (OpenCC's
# s2twp / s2hkp on these words; checked by hand), 大陆简体 as typed. A software article: it opts
# into the built-in conversion group 计算机 (网络 → 網路 and 信息 → 資訊 are computing vocabulary).
LEAD_HANS = "这套软件在网络上传播信息。"
LEAD_BY_VARIANT = {
    "zh-hans": "这套软件在网络上传播信息。",
    "zh-cn": "这套软件在网络上传播信息。",
    "zh-hant": "這套軟件在網絡上傳播信息。",
    "zh-hk": "這套軟件在網絡上傳播信息。",
    "zh-tw": "這套軟體在網路上傳播資訊。",
}


@pytest.fixture
def software(db) -> Article:
    article = ArticleFactory(title_zh_hans="软件条约", lead_zh_hans=LEAD_HANS)
    ReferenceFactory(article=article, key="a", text_zh_hans="《网络软件年鉴》，网络出版社")
    SectionFactory(article=article, heading_zh_hans="历史", body_zh_hans="见网络。[^a]")
    NamedGlossary.objects.get(name="计算机", conversion_group="it").articles.add(article)
    return Article.objects.get(pk=article.pk)


def page_of(client, article, variant) -> str:
    response = client.get(article_url(article, variant))
    assert response.status_code == 200, variant
    return response.content.decode()


@pytest.mark.parametrize("variant", VARIANTS)
def test_each_variant_has_its_prefix_lang_and_vocabulary(client, software, variant):
    path = unquote(article_url(software, variant))
    assert path.startswith(f"/{variant}/articles/")
    response = client.get(article_url(software, variant))
    page = response.content.decode()
    assert f'<html lang="{HTML_LANG[variant]}">' in page
    assert response["Content-Language"] in (HTML_LANG[variant], variant)
    assert LEAD_BY_VARIANT[variant] in page
    others = set(LEAD_BY_VARIANT.values()) - {LEAD_BY_VARIANT[variant]}
    assert not any(other in page for other in others)


def test_todays_script_pages_are_unchanged_in_content(client, software):
    # zh-hans / zh-hant: the stored text, no vocabulary (軟件, 網絡 as s2tw gives them).
    assert "這套軟件在網絡上傳播信息。" in page_of(client, software, "zh-hant")
    assert "这套软件在网络上传播信息。" in page_of(client, software, "zh-hans")


def test_references_and_titles_of_works_change_script_only(client, software):
    page = page_of(client, software, "zh-tw")
    assert "《網絡軟件年鑑》，網絡出版社" in page  # the reference, as published
    assert "見網路。" in page  # the body, with Taiwan's word


def test_text_typed_in_traditional_with_taiwan_words_reads_mainland_in_zh_cn(client):
    article = ArticleFactory(title_zh_hant="軟體條約", lead_zh_hant="這套軟體很好用。", title_zh_hans="", lead_zh_hans="")
    article = Article.objects.get(pk=article.pk)
    assert "这套软件很好用。" in page_of(client, article, "zh-cn")
    assert "这套软体很好用。" in page_of(client, article, "zh-hans")  # script only: as written
    assert "這套軟體很好用。" in page_of(client, article, "zh-tw")


def test_the_zh_cn_feed_reads_a_lead_typed_in_traditional_as_written(client):
    # The feed's summary, like the page, converts the column the editor wrote (軟體), not its
    # Simplified conversion (软体, which zh-cn would keep as a word typed in 简体).
    ArticleFactory(title_zh_hant="軟體條約", lead_zh_hant="這套軟體很好用。", title_zh_hans="", lead_zh_hans="")
    feed = client.get("/zh-cn/feed/").content.decode()
    assert "这套软件很好用。" in feed


def test_a_rule_names_a_variant(client):
    article = ArticleFactory(lead_zh_hans="乘-{zh-cn:出租车;zh-tw:計程車;zh-hk:的士}-回家。")
    article = Article.objects.get(pk=article.pk)
    assert "乘的士回家。" in page_of(client, article, "zh-hk")
    assert "乘計程車回家。" in page_of(client, article, "zh-tw")
    assert "乘出租车回家。" in page_of(client, article, "zh-cn")
    assert "乘計程車回家。" in page_of(client, article, "zh-hant")  # zh-hant: zh-tw before zh-hk
    assert "乘出租车回家。" in page_of(client, article, "zh-hans")


def test_an_article_glossary_term_keeps_its_form_against_regional_vocabulary(client, software):
    GlossaryTerm.objects.create(article=software, hans="软件", hant="軟件")
    page = page_of(client, software, "zh-tw")
    assert "這套軟件在網路上" in page


def test_hreflang_for_all_five_x_default_canonical_and_switcher(client, software):
    page = page_of(client, software, "zh-tw")
    for variant in VARIANTS:
        href = f"http://testserver{article_url(software, variant)}"
        assert f'<link rel="alternate" hreflang="{HTML_LANG[variant]}" href="{href}">' in page
    assert (f'<link rel="alternate" hreflang="x-default" href="http://testserver{article_url(software, "zh-hans")}">'
            in page)
    assert f'<link rel="canonical" href="http://testserver{article_url(software, "zh-tw")}">' in page
    switcher = re.search(r'<nav class="script-switcher".*?</nav>', page, re.S).group(0)
    assert re.search(r'<span class="current"[^>]*>台灣正體</span>', switcher)
    for variant in ("zh-hans", "zh-hant", "zh-cn", "zh-hk"):
        assert re.search(rf'<a href="{re.escape(article_url(software, variant))}"[^>]*>{LABELS[variant]}</a>', switcher)
    assert [LABELS[v] for v in VARIANTS] == ["简体", "繁體", "大陆简体", "台灣正體", "香港繁體"]


def test_switcher_on_other_pages_keeps_the_page_in_every_variant(client):
    search = client.get(url("zh-hk", "search"), {"q": "条约"}).content.decode()
    for variant in ("zh-hans", "zh-hant", "zh-cn", "zh-tw"):
        assert f'href="/{variant}/search/?q=' in search


def test_regional_pages_use_their_scripts_catalogue(client, software):
    assert "條約百科" in page_of(client, software, "zh-tw")
    assert "條約百科" in page_of(client, software, "zh-hk")
    assert "条约百科" in page_of(client, software, "zh-cn")


@pytest.mark.parametrize(("header", "variant"), [
    ("zh-TW,zh;q=0.8", "zh-tw"), ("zh-HK", "zh-hk"), ("zh-CN", "zh-cn"),
    ("zh-SG", "zh-cn"), ("zh-MY", "zh-cn"), ("zh-MO", "zh-hk"),
    ("zh", "zh-hans"), ("zh-Hant", "zh-hant"), ("en-US,zh-Hant-TW;q=0.5", "zh-tw"),
    ("en-US", "zh-hans"), ("zh-TW;q=0.2,zh-CN;q=0.9", "zh-cn"),
])
def test_root_chooses_from_accept_language_normalised(client, header, variant):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=header)
    assert response.status_code == 302 and response["Location"] == f"/{variant}/"
    assert "Accept-Language" in response["Vary"] and "Cookie" in response["Vary"]


def test_root_prefers_the_cookie_set_by_reading_a_variant(client, software):
    client.get(article_url(software, "zh-hk"))
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-TW")
    assert response["Location"] == "/zh-hk/"


@pytest.mark.parametrize(("prefix", "variant"), [("zh-sg", "zh-cn"), ("zh-my", "zh-cn"), ("zh-mo", "zh-hk")])
def test_fallback_prefixes_redirect_to_the_variant_they_read(client, software, prefix, variant):
    path = article_url(software, variant).replace(f"/{variant}/", f"/{prefix}/", 1)
    response = client.get(path)
    assert response.status_code == 301 and response["Location"] == article_url(software, variant)


def test_sitemap_lists_every_variant_with_alternates(client, software):
    sitemap = unquote(client.get("/sitemap.xml").content.decode())
    for variant in VARIANTS:
        assert f"<loc>http://testserver{unquote(article_url(software, variant))}</loc>" in sitemap
        assert f'hreflang="{variant}" href="http://testserver{unquote(article_url(software, variant))}"' in sitemap


def test_feed_per_variant(client, software):
    feed = client.get(url("zh-tw", "feed")).content.decode()
    assert "這套軟體在網路上傳播資訊。" in feed
    assert unquote(article_url(software, "zh-tw")) in unquote(feed)
    assert "這套軟件在網絡上傳播信息。" in client.get(url("zh-hk", "feed")).content.decode()


def test_a_warm_variant_is_never_served_for_another(client, software):
    first = client.get(article_url(software, "zh-tw"))
    again = client.get(article_url(software, "zh-tw"))
    assert again["X-Cache"] == "hit" and again.content == first.content
    for variant in ("zh-hk", "zh-hant", "zh-cn"):
        response = client.get(article_url(software, variant))
        assert response["X-Cache"] == "miss", variant
        assert LEAD_BY_VARIANT[variant] in response.content.decode()
        assert LEAD_BY_VARIANT["zh-tw"] not in response.content.decode()


def test_one_stored_rendering_per_variant_invalidated_by_an_edit(client, software, settings):
    settings.ARTICLE_CACHE_SECONDS = 0  # the page cache off: every visit reaches the stored rendering
    for variant in VARIANTS:
        client.get(article_url(software, variant))
    rows = {r.script: r for r in ArticleRendering.objects.filter(article=software)}
    assert set(rows) == set(VARIANTS) and all(r.is_current for r in rows.values())
    assert "網路" in rows["zh-tw"].body and "网络" in rows["zh-cn"].body
    software.lead_zh_hans = "这套软件很好用。"
    software.save()
    for variant in VARIANTS:
        assert "很好用" in page_of(client, software, variant)
    assert "這套軟體很好用。" in page_of(client, software, "zh-tw")


def test_invalidation_and_purges_cover_every_variant_url(software):
    paths = invalidation.article_paths([software.pk])
    assert {unquote(article_url(software, v)) for v in VARIANTS} <= paths


def test_category_and_listing_pages_in_a_regional_variant(client):
    from tests.factories import CategoryFactory

    category = CategoryFactory(name_zh_hans="软件条约", description_zh_hans="关于软件的条约。")
    page = client.get(url("zh-tw", "category", slug=category.slug_zh_hant)).content.decode()
    assert "關於軟體的條約。" in page and '<html lang="zh-Hant-TW">' in page
    assert "關於軟件的條約。" in client.get(url("zh-hk", "category", slug=category.slug_zh_hant)).content.decode()
    for variant in ("zh-cn", "zh-tw", "zh-hk"):
        assert client.get(f"/{variant}/").status_code == 200
    assert client.get("/zh-xx/").status_code == 404
