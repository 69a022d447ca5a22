"""Public reading views in both scripts: article URLs and redirects, drafts, listings."""
from __future__ import annotations

import re
from urllib.parse import unquote

import pytest
from django.core.cache import cache
from django.utils import timezone, translation

from articles.models import Article
from tests.conftest import article_url, url
from tests.factories import ArticleFactory, CategoryFactory, ReferenceFactory, SectionFactory, article_with_parts

pytestmark = pytest.mark.django_db


class TestArticleUrls:
    def test_each_script_has_its_own_slug(self, client, seed_article):
        assert unquote(article_url(seed_article, "zh-hans")) == "/zh-hans/articles/中苏互不侵犯条约/"
        assert unquote(article_url(seed_article, "zh-hant")) == "/zh-hant/articles/中蘇互不侵犯條約/"
        for script in ("zh-hans", "zh-hant"):
            assert client.get(article_url(seed_article, script)).status_code == 200

    @pytest.mark.parametrize("name", ["中蘇互不侵犯條約", "中蘇互不侵犯条约", "中苏互不侵犯条约"])
    def test_other_script_slug_or_title_redirects_permanently(self, client, seed_article, name):
        response = client.get(f"/zh-hans/articles/{name}/")
        if name == "中苏互不侵犯条约":
            assert response.status_code == 200
        else:
            assert response.status_code == 301
            assert response["Location"] == article_url(seed_article, "zh-hans")

    def test_old_slug_redirects_after_rename(self, client):
        article = ArticleFactory(title_zh_hans="南京条约")
        old = article_url(article, "zh-hant")
        article = Article.objects.get(pk=article.pk)
        article.slug_zh_hans, article.slug_zh_hant = "江宁条约", "江寧條約"
        article.save()
        response = client.get(old)
        assert response.status_code == 301 and unquote(response["Location"]) == "/zh-hant/articles/江寧條約/"

    @pytest.mark.parametrize("title, hans, hant", [
        ("Stdint.h", "stdint.h", "stdint.h"),
        (".uk", ".uk", ".uk"),
        ("(2+1)维 KP方程", "(2+1)维-kp方程", "(2+1)維-kp方程"),
        ("& (滨崎步单曲)", "&-(滨崎步单曲)", "&-(濱崎步單曲)"),
    ])
    def test_slugs_keep_the_titles_characters_and_answer(self, client, title, hans, hant):
        """Issue 22: not stdinth, uk, 21维-kp方程; the pages answer under those URLs in both scripts."""
        article = ArticleFactory(title_zh_hans=title)
        assert (article.slug_zh_hans, article.slug_zh_hant) == (hans, hant)
        for script, slug in (("zh-hans", hans), ("zh-hant", hant)):
            assert unquote(article_url(article, script)) == f"/{script}/articles/{slug}/"
            assert client.get(article_url(article, script)).status_code == 200

    def test_an_existing_slug_is_kept_and_a_changed_one_redirects(self, client):
        """Slugs made by the former rule stay (old URLs work); a renamed one answers 301."""
        article = ArticleFactory(title_zh_hans="Stdint.h", slug_zh_hans="stdinth", slug_zh_hant="stdinth")
        article.lead_zh_hans = "新的导言。"
        article.save()
        article.refresh_from_db()
        assert (article.slug_zh_hans, article.slug_zh_hant) == ("stdinth", "stdinth")
        article.slug_zh_hans = article.slug_zh_hant = ""
        article.save()  # emptied: the new rule fills it, the former slug redirects
        response = client.get("/zh-hans/articles/stdinth/")
        assert response.status_code == 301 and unquote(response["Location"]) == "/zh-hans/articles/stdint.h/"

    @pytest.mark.parametrize("script", ["zh-hans", "zh-hant"])
    def test_wikipedia_underscore_url_redirects_like_a_space(self, client, script):
        article = ArticleFactory(title_zh_hans="杨杰 (军事家)")
        for written in ("杨杰_(军事家)", "楊傑_(軍事家)", "杨杰 (军事家)"):
            response = client.get(f"/{script}/articles/{written}/")
            assert response.status_code == 301 and response["Location"] == article_url(article, script), written

    def test_unknown_slug_is_404(self, client):
        assert client.get("/zh-hans/articles/没有这个条目/").status_code == 404

    def test_switcher_hreflang_lang_and_canonical(self, client, seed_article):
        page = client.get(article_url(seed_article, "zh-hant")).content.decode()
        assert '<html lang="zh-Hant">' in page
        other = article_url(seed_article, "zh-hans")
        assert re.search(rf'<a href="{re.escape(other)}" hreflang="zh-Hans"[^>]*>简体</a>', page)
        assert f'<link rel="alternate" hreflang="zh-Hans" href="http://testserver{other}">' in page
        assert f'<link rel="canonical" href="http://testserver{article_url(seed_article, "zh-hant")}">' in page

    def test_switcher_on_other_pages_keeps_the_page(self, client):
        category = CategoryFactory(name_zh_hans="条约")
        page = client.get(category.get_absolute_url()).content.decode()
        with translation.override("zh-hant"):
            assert f'href="{category.get_absolute_url()}" hreflang="zh-Hant"' in page
        search = client.get(url("zh-hans", "search"), {"q": "条约"}).content.decode()
        assert 'href="/zh-hant/search/?q=' in search


@pytest.mark.parametrize(
    ("script", "title", "headings", "other_script_only", "ui_strings"),
    [
        ("zh-hans", "中苏互不侵犯条约", "缘起条约内容影响", "蘇聯條約緣響", ["参考文献", "最后更新于"]),
        # UI strings come from the zh_Hant catalogue; category names follow the script.
        ("zh-hant", "中蘇互不侵犯條約", "緣起條約內容影響", "苏联条约缘响",
         ["參考文獻", "最後更新於", "目錄", "第二次世界大戰條約"]),
    ],
)
def test_seed_page_is_wholly_in_the_reader_script(client, seed_article, script, title, headings, other_script_only,
                                                  ui_strings):
    page = client.get(article_url(seed_article, script)).content.decode()
    shown_title = re.search(r"<h1>(.*?)</h1>", page).group(1)
    shown_headings = "".join(re.findall(r"<h[234] id=\"s\d+\">(.*?)</h[234]>", page))
    assert shown_title == title
    assert shown_headings == headings
    assert not set(shown_title + shown_headings) & set(other_script_only)
    for text in ui_strings:
        assert text in page


class TestArticlePage:
    def test_toc_sections_references_categories_tags(self, client):
        article = ArticleFactory(title_zh_hans="条约", lead_zh_hans="导言[^a]。")
        SectionFactory(article=article, position=1, level=2, heading_zh_hans="背景", body_zh_hans="正文[^b]。")
        SectionFactory(article=article, position=2, level=3, heading_zh_hans="细节", body_zh_hans="再引[^a]。")
        ReferenceFactory(article=article, key="a", text_zh_hans="第一个来源")
        ReferenceFactory(article=article, key="b", text_zh_hans="", url="https://example.org/b")
        visible = CategoryFactory(name_zh_hans="外交")
        hidden = CategoryFactory(name_zh_hans="维护分类", hidden=True)
        article.categories.add(visible, hidden)
        article.tags.add("条约")
        page = client.get(article.get_absolute_url()).content.decode()
        assert '<a href="#s1"><span class="toc-number">1</span> 背景</a>' in page
        assert '<a href="#s2"><span class="toc-number">1.1</span> 细节</a>' in page
        assert '<h3 id="s2">细节</h3>' in page
        assert "外交" in page and "维护分类" not in page
        assert 'rel="tag">条约</a>' in page
        assert 'href="https://example.org/b"' in page
        with translation.override("zh-hant"):
            page = client.get(article.get_absolute_url()).content.decode()
        assert 'rel="tag">條約</a>' in page and "第一個來源" in page

    @pytest.mark.parametrize("script", ["zh-hans", "zh-hant"])
    def test_toc_numbers_by_level_like_mediawiki(self, client, script):
        """Issue 22: 1, 1.1, 1.2, 2, 2.1 (a skipped level adds no number), not 1–5 with indents."""
        article = ArticleFactory(title_zh_hans="条约", lead_zh_hans="导言。")
        for position, (level, heading) in enumerate([(2, "背景"), (3, "起因"), (3, "谈判"), (2, "内容"), (4, "条款")], 1):
            SectionFactory(article=article, position=position, level=level, heading_zh_hans=heading, body_zh_hans="正文。")
        with translation.override(script):
            page = client.get(article.get_absolute_url()).content.decode()
        toc = page.split('class="toc"', 1)[1].split("</nav>", 1)[0]
        assert re.findall(r'<span class="toc-number">([\d.]+)</span>', toc) == ["1", "1.1", "1.2", "2", "2.1"]
        assert ("谈判" if script == "zh-hans" else "談判") in toc

    def test_draft_is_404_for_readers_and_shown_with_banner_to_editors(self, client, editor):
        draft = ArticleFactory(status=Article.Status.DRAFT, title_zh_hans="草稿条约")
        assert client.get(draft.get_absolute_url()).status_code == 404
        client.force_login(editor)
        page = client.get(draft.get_absolute_url())
        assert page.status_code == 200 and "读者看不到这个条目" in page.content.decode()

    def test_scheduled_article_is_404_until_its_time(self, client):
        article = ArticleFactory(published_at=timezone.now() + timezone.timedelta(hours=1))
        assert client.get(article.get_absolute_url()).status_code == 404

    def test_staff_without_change_permission_cannot_see_drafts(self, client, django_user_model):
        user = django_user_model.objects.create_user("viewer", password="x", is_staff=True)
        client.force_login(user)
        assert client.get(ArticleFactory(status="draft").get_absolute_url()).status_code == 404

    @pytest.mark.parametrize("size", [1, 30])
    def test_query_count_does_not_grow_with_content(self, client, django_assert_num_queries, size):
        article = article_with_parts(size)
        # stored rendering (out of date), article, sections, references, categories, tags, link
        # targets, (with red links: when one turns blue by itself), then the rendering is stored
        with django_assert_num_queries(8 + (size > 1)):
            rendered = client.get(article.get_absolute_url()).content
        cache.clear()  # the page cache: the next reader misses it and gets the stored rendering
        with django_assert_num_queries(1):
            assert client.get(article.get_absolute_url()).content == rendered


class TestListingPages:
    def test_home_lists_recent_articles_and_top_categories(self, client):
        root = CategoryFactory(name_zh_hans="条约")
        CategoryFactory(name_zh_hans="子分类", parent=root)
        CategoryFactory(name_zh_hans="隐藏", hidden=True)
        ArticleFactory(title_zh_hans="南京条约").categories.add(root)
        ArticleFactory(title_zh_hans="草稿", status="draft")
        page = client.get(url("zh-hans", "home")).content.decode()
        assert "南京条约" in page and "草稿" not in page
        assert ">条约</a>" in page and "子分类" not in page and "隐藏" not in page

    def test_category_page_sorted_by_pinyin_and_paginated(self, client):
        category = CategoryFactory(name_zh_hans="条约", description_zh_hans="关于**条约**的分类。")
        child = CategoryFactory(name_zh_hans="双边条约", parent=category)
        for title in ["中美条约", "北京条约", "南京条约", "爱珲条约"]:
            ArticleFactory(title_zh_hans=title).categories.add(category)
        page = client.get(category.get_absolute_url()).content.decode()
        assert "<strong>条约</strong>" in page and child.name in page
        order = [page.index(t) for t in ["爱珲条约", "北京条约", "南京条约", "中美条约"]]  # ai, bei, nan, zhong
        assert order == sorted(order)
        for n in range(55):
            ArticleFactory(title_zh_hans=f"条约{n:02d}").categories.add(category)
        first = client.get(category.get_absolute_url()).content.decode()
        second = client.get(category.get_absolute_url(), {"page": 2}).content.decode()
        assert "第 1 页，共 2 页" in first and "第 2 页，共 2 页" in second
        with translation.override("zh-hant"):
            hant = client.get(category.get_absolute_url()).content.decode()
        assert "分類：條約" in hant

    def test_category_other_script_slug_redirects(self, client):
        category = CategoryFactory(name_zh_hans="条约")
        response = client.get("/zh-hans/categories/條約/")
        assert response.status_code == 301 and response["Location"] == category.get_absolute_url()

    def test_tag_page_in_both_scripts(self, client):
        article = ArticleFactory(title_zh_hans="南京条约")
        article.tags.add("條約")
        ArticleFactory(title_zh_hans="无关条目")
        page = client.get(url("zh-hans", "tag", slug="条约")).content.decode()
        assert "南京条约" in page and "无关条目" not in page
        hant = client.get(url("zh-hant", "tag", slug="條約"))
        assert hant.status_code == 301
        hant = client.get(hant["Location"]).content.decode()
        assert "標籤：條約" in hant and "南京條約" in hant


def test_home_counts_only_articles_readers_can_open(client):
    category = CategoryFactory(name_zh_hans="条约")
    ArticleFactory().categories.add(category)
    ArticleFactory(published_at=timezone.now() + timezone.timedelta(days=1)).categories.add(category)
    ArticleFactory(status="draft").categories.add(category)
    page = client.get(url("zh-hans", "home")).content.decode()
    count = re.search(r">条约</a>\D*(\d+)", page)
    assert count is not None and count.group(1) == "1"


@pytest.mark.parametrize("script, start", [("zh-hans", "克莱门斯·冯·克林德男爵，是1900年义和团事变"),
                                           ("zh-hant", "克萊門斯·馮·克林德男爵，是1900年義和團事變")])
def test_meta_description_has_no_citation_markers_or_template_residue(client, script, start):
    """Issue 22: the description is the lead's prose — no [1], no （，） left by unexpanded templates."""
    article = ArticleFactory(
        title_zh_hans="克林德",
        lead_zh_hans="**克莱门斯·冯·克林德男爵**（，），是1900年义和团事变期间被杀的公使[^1]。北江省（）位于河内东方[^2]。")
    ReferenceFactory(article=article, key="1", text_zh_hans="来源一")
    ReferenceFactory(article=article, key="2", text_zh_hans="来源二")
    with translation.override(script):
        page = client.get(article.get_absolute_url()).content.decode()
    description = re.search(r'<meta name="description" content="([^"]*)">', page).group(1)
    assert description.startswith(start), description
    assert "[" not in description and "（" not in description and "，，" not in description
    assert description.endswith("东方。" if script == "zh-hans" else "東方。")
