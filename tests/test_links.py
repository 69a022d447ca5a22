"""What links here (public and admin) and wanted articles, from the link table."""
from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.utils.html import escape
from django.test import Client
from django.urls import reverse

from articles import links
from articles.models import Article, Section
from tests.conftest import article_url, url
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_what_links_here_lists_published_sources_in_either_script(client):
    target = ArticleFactory(title_zh_hans="苏联", title_zh_hant="蘇聯", status="published")
    ArticleFactory(title_zh_hans="甲条目", lead_zh_hans="见[[苏联]]。", lead_zh_hant="", status="published")
    hant_source = ArticleFactory(title_zh_hans="乙条目", title_zh_hant="乙條目", status="published")
    Section.objects.create(article=hant_source, heading_zh_hant="節", body_zh_hant="見[[蘇聯|那個國家]]。", body_zh_hans="")
    ArticleFactory(title_zh_hans="丙草稿", lead_zh_hans="[[苏联]]", status="draft")
    page = client.get(url("zh-hant", "what_links_here", slug=target.slug_zh_hant))
    assert page.status_code == 200
    text = page.content.decode()
    assert "甲條目" in text and "乙條目" in text and "丙草稿" not in text
    assert "鏈入頁面" in text
    assert 'href="%s"' % url("zh-hans", "what_links_here", slug=target.slug_zh_hans) in client.get(
        article_url(target, "zh-hans")).content.decode()


def test_what_links_here_of_a_draft_is_not_found_for_readers(client):
    draft = ArticleFactory(status="draft")
    assert client.get(url("zh-hans", "what_links_here", slug=draft.slug_zh_hans)).status_code == 404


def test_admin_links_page_includes_drafts_and_needs_permission(editor_client):
    target = ArticleFactory(title_zh_hans="苏联")
    ArticleFactory(title_zh_hans="丙草稿", lead_zh_hans="[[蘇聯]]", status="draft")
    admin_url = reverse("admin:articles_article_links", args=[target.pk])
    assert "丙草稿" in editor_client.get(admin_url).content.decode()
    staff = Client()
    staff.force_login(UserFactory(username="s", is_staff=True))
    assert staff.get(admin_url).status_code == 403
    assert Client().get(admin_url).status_code == 302


def test_wanted_articles_are_ranked_by_linking_articles(editor_client, django_assert_max_num_queries):
    ArticleFactory(title_zh_hans="已有条目")
    for i in range(3):
        ArticleFactory(title_zh_hans=f"源{i}", lead_zh_hans="[[热门]] [[热门]] [[已有条目]]" + (" [[冷门]]" if i == 0 else ""))
    ArticleFactory(title_zh_hans="源繁", lead_zh_hant="[[熱門]]", lead_zh_hans="")
    with django_assert_max_num_queries(1):
        wanted = links.wanted_titles()
    assert [(w.hans, w.hant, w.links) for w in wanted] == [("热门", "熱門", 4), ("冷门", "冷門", 1)]
    page = editor_client.get(reverse("admin:articles_article_wanted")).content.decode()
    assert page.index("热门") < page.index("冷门")
    create = reverse("admin:articles_article_add") + "?title_zh_hans=%E7%83%AD%E9%97%A8&amp;title_zh_hant=%E7%86%B1%E9%96%80"
    assert create in page
    # The "create" button opens a new article with the title filled in both scripts.
    form = editor_client.get(reverse("admin:articles_article_add"), {"title_zh_hans": "热门", "title_zh_hant": "熱門"})
    html = form.content.decode()
    assert 'value="热门"' in html and 'value="熱門"' in html
    Article.objects.create(title_zh_hans="热门", title_zh_hant="熱門")
    assert [w.hans for w in links.wanted_titles()] == ["冷门"]


def test_wanted_articles_are_paginated_and_each_count_lists_the_linking_articles(editor_client):
    wanted_page = reverse("admin:articles_article_wanted")
    # 60 red links in one article: 60 wanted titles, one linking article each.
    ArticleFactory(title_zh_hans="长源", lead_zh_hans=" ".join(f"[[缺{i:02d}号]]" for i in range(60)))
    ArticleFactory(title_zh_hans="草稿源", status=Article.Status.DRAFT, lead_zh_hans="[[缺00号]]")
    first = editor_client.get(wanted_page).content.decode()
    assert first.count('class="redlink"') == 50
    assert "缺00号" in first and "缺59号" not in first and 'rel="next"' in first
    second = editor_client.get(wanted_page, {"page": 2}).content.decode()
    assert second.count('class="redlink"') == 10 and "缺59号" in second and 'rel="prev"' in second

    # 缺00号 is linked from two articles (one a draft); its count links to both.
    links_url = reverse("admin:articles_article_wanted_links") + "?title=%E7%BC%BA00%E5%8F%B7"
    assert f'href="{links_url}">2</a>' in first
    listing = editor_client.get(links_url).content.decode()
    assert "长源" in listing and "草稿源" in listing and "草稿" in listing
    assert "title_zh_hant=%E7%BC%BA00%E8%99%9F" in listing  # "create" with both scripts (缺00號)
    staff = Client()
    staff.force_login(UserFactory(username="s", is_staff=True))
    assert staff.get(links_url).status_code == 403


@pytest.mark.parametrize("script", ["zh-hans", "zh-hant"])
def test_red_links_open_create_this_article_for_editors_only(editor_client, script):
    article = ArticleFactory(title_zh_hans="有红链的条目", lead_zh_hans="见[[瑷珲条约]]。")
    page_url = article_url(article, script)
    # The title the editor wanted, in both scripts (璦琿條約 as Traditional sources write it).
    create = reverse("admin:articles_article_add") + "?" + urlencode({"title_zh_hans": "瑷珲条约", "title_zh_hant": "璦琿條約"})
    editor_page = editor_client.get(page_url).content.decode()
    assert f'<a href="{escape(create)}" class="redlink"' in editor_page  # in the text
    label = "瑷珲条约" if script == "zh-hans" else "璦琿條約"
    assert f'<a class="redlink" href="{escape(create)}">{label}</a>' in editor_page  # in the editor's list
    reader_page = Client().get(page_url).content.decode()
    assert '<span class="redlink"' in reader_page and "/admin/" not in reader_page
    # The link opens the form with the title in both scripts.
    form = editor_client.get(create).content.decode()
    assert 'value="瑷珲条约"' in form and 'value="璦琿條約"' in form
