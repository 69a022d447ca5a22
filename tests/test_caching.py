"""The page cache for anonymous readers (articles/serving/): hits answered before the session
machinery with the uncached answer's headers, validators and 304s, invalidation of exactly the
pages an edit shows up on — after the commit — and a cache that may go away."""
from __future__ import annotations

import threading
import time

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import override_settings

from articles.models import Article, ArticleAlias, GlossaryTerm, Section
from articles.serving import pages
from tests.conftest import article_url
from tests.factories import ArticleFactory, CategoryFactory, EditorFactory

pytestmark = pytest.mark.django_db


class TestPageCache:
    def test_second_view_is_served_from_cache(self, client, django_assert_num_queries, seed_article):
        client.get(article_url(seed_article, "zh-hans"))
        with django_assert_num_queries(0):
            assert "中苏互不侵犯条约" in client.get(article_url(seed_article, "zh-hans")).content.decode()

    @pytest.mark.parametrize("change", ["article", "section", "reference", "category", "tag"])
    def test_any_edit_invalidates(self, client, seed_article, committed, change):
        page_url = article_url(seed_article, "zh-hans")
        client.get(page_url)
        with committed():
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

    def test_glossary_change_invalidates(self, client, seed_article, committed, django_assert_max_num_queries):
        page_url = article_url(seed_article, "zh-hans")
        client.get(page_url)
        with committed():
            GlossaryTerm.objects.create(hans="鲍格莫洛夫", hant="鮑格莫洛夫")
        with django_assert_max_num_queries(10) as rendered:
            client.get(page_url)
        assert len(rendered) > 0  # rendered afresh, not served from the cache

    @override_settings(ARTICLE_CACHE_SECONDS=0)
    def test_cache_can_be_turned_off(self, client, django_assert_max_num_queries, seed_article):
        client.get(article_url(seed_article, "zh-hans"))
        with django_assert_max_num_queries(10) as captured:
            client.get(article_url(seed_article, "zh-hans"))
        assert len(captured) > 0


class TestTargetedInvalidation:
    def test_an_edit_leaves_unrelated_pages_cached(self, client, committed, django_assert_num_queries):
        a = ArticleFactory(title_zh_hans="甲条约", lead_zh_hans="甲的正文")
        b = ArticleFactory(title_zh_hans="乙条约", lead_zh_hans="乙的正文")
        client.get(article_url(b, "zh-hans"))
        with committed():
            a.lead_zh_hans = "甲的新正文"
            a.save()
        with django_assert_num_queries(0):
            assert "乙的正文" in client.get(article_url(b, "zh-hans")).content.decode()

    def test_a_text_edit_leaves_linking_pages_cached_and_a_rename_does_not(self, client, committed,
                                                                            django_assert_num_queries):
        target = ArticleFactory(title_zh_hans="甲条约")
        linking = ArticleFactory(title_zh_hans="乙条约", lead_zh_hans="参见[[甲条约]]。")
        client.get(article_url(linking, "zh-hans"))
        with committed():
            target = Article.objects.get(pk=target.pk)
            target.lead_zh_hans = "甲的新正文"  # the link on 乙 looks the same
            target.save()
        with django_assert_num_queries(0):
            assert article_url(target, "zh-hans") in client.get(article_url(linking, "zh-hans")).content.decode()
        with committed():
            target = Article.objects.get(pk=target.pk)
            target.title_zh_hans = target.title_zh_hant = "甲条约（1945年）"
            target.save()
        page = client.get(article_url(linking, "zh-hans")).content.decode()
        assert article_url(target, "zh-hans") in page  # the link follows the rename (the old slug redirects)

    def test_a_deploy_starts_with_an_empty_page_cache(self, client, seed_article, monkeypatch):
        from articles.serving import renderings

        url = article_url(seed_article, "zh-hans")
        client.get(url)
        assert client.get(url)["X-Cache"] == "hit"
        monkeypatch.setattr(renderings, "renderer", lambda: "another-deploy-fingerprint")
        assert client.get(url)["X-Cache"] == "miss"  # new code, templates or catalogues: new keys

    def test_a_new_title_turns_a_linking_page_red_to_blue(self, client, committed):
        linking = ArticleFactory(title_zh_hans="乙条约", lead_zh_hans="参见[[甲条约]]。")
        page = client.get(article_url(linking, "zh-hant")).content.decode()
        assert 'class="redlink"' in page
        with committed():
            target = ArticleFactory(title_zh_hans="甲条约")
        page = client.get(article_url(linking, "zh-hant")).content.decode()
        assert 'class="redlink"' not in page and article_url(target, "zh-hant") in page

    def test_withdrawing_an_article_turns_linking_pages_red(self, client, committed):
        target = ArticleFactory(title_zh_hans="甲条约")
        linking = ArticleFactory(title_zh_hans="乙条约", lead_zh_hans="参见[[甲条约]]。")
        assert 'class="redlink"' not in client.get(article_url(linking, "zh-hans")).content.decode()
        with committed():
            target = Article.objects.get(pk=target.pk)
            target.unpublish()
            target.save()
        assert 'class="redlink"' in client.get(article_url(linking, "zh-hans")).content.decode()

    def test_a_new_alias_turns_links_to_it_blue(self, client, committed):
        target = ArticleFactory(title_zh_hans="甲条约")
        linking = ArticleFactory(title_zh_hans="乙条约", lead_zh_hans="参见[[甲约]]。")
        assert 'class="redlink"' in client.get(article_url(linking, "zh-hans")).content.decode()
        with committed():
            ArticleAlias.objects.create(article=target, name="甲约")
        assert 'class="redlink"' not in client.get(article_url(linking, "zh-hans")).content.decode()

    def test_unpublishing_removes_the_page_for_readers(self, client, seed_article, committed):
        page_url = article_url(seed_article, "zh-hans")
        assert client.get(page_url).status_code == 200
        with committed():
            seed_article.unpublish()
            seed_article.save()
        assert client.get(page_url).status_code == 404

    def test_nothing_is_invalidated_before_the_commit(self, client, seed_article, django_capture_on_commit_callbacks):
        page_url = article_url(seed_article, "zh-hans")
        client.get(page_url)
        with django_capture_on_commit_callbacks() as callbacks:
            seed_article.lead_zh_hans = "未提交的导言"
            seed_article.save()
            assert pages.lookup(_path(page_url)) is not None  # still cached while uncommitted
        assert callbacks, "invalidation waits for the commit"
        callbacks[0]()
        assert pages.lookup(_path(page_url)) is None

    def test_a_page_read_before_an_invalidation_is_not_stored(self, client, seed_article):
        path = _path(article_url(seed_article, "zh-hans"))
        read_started = time.time()
        stale = client.get(article_url(seed_article, "zh-hans"))
        pages.invalidate([path])  # the editor's commit lands while that page was rendering
        pages.store(path, stale, read_started)
        assert pages.lookup(path) is None


def _path(url: str) -> str:
    from urllib.parse import unquote

    return unquote(url)


class TestCheapHits:
    def test_a_hit_carries_the_headers_of_the_uncached_answer(self, client, seed_article):
        url = article_url(seed_article, "zh-hant")
        miss = client.get(url)
        hit = client.get(url)
        for header in ("Content-Type", "Content-Language", "Content-Security-Policy", "X-Frame-Options",
                       "X-Content-Type-Options", "Referrer-Policy", "Vary", "ETag", "Last-Modified"):
            assert hit.get(header) == miss.get(header), header
        assert hit.content == miss.content

    def test_conditional_requests_get_304(self, client, seed_article):
        url = article_url(seed_article, "zh-hans")
        first = client.get(url)
        again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304 and not again.content
        since = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
        assert since.status_code == 304
        assert client.get(url, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200

    def test_a_reader_who_has_the_script_cookie_gets_no_set_cookie(self, client, seed_article):
        url = article_url(seed_article, "zh-hans")
        client.get(url)
        assert "Set-Cookie" not in client.get(url).headers  # the cookie is already set: a proxy can keep it
        fresh = client.__class__()
        assert fresh.get(url).cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"

    def test_editors_always_get_a_fresh_page(self, client, seed_article, django_assert_max_num_queries):
        url = article_url(seed_article, "zh-hans")
        client.get(url)
        client.force_login(EditorFactory())
        with django_assert_max_num_queries(20) as captured:
            page = client.get(url).content.decode()
        assert len(captured) > 0 and "编辑" in page

    def test_drafts_never_enter_the_cache(self, client, editor):
        draft = ArticleFactory(status="draft", title_zh_hans="草稿条约")
        client.force_login(editor)
        client.get(draft.get_absolute_url())
        assert pages.lookup(_path(draft.get_absolute_url())) is None


@pytest.mark.skipif(not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
                    reason="concurrent readers and a writer need PostgreSQL's row versions")
@pytest.mark.django_db(transaction=True)
def test_concurrent_readers_see_no_stale_page_after_a_commit(seed_article):
    """Readers hammer a page while an editor saves ten versions; any request that starts after a
    commit must show that version or a newer one (issue 17: half the answers were stale)."""
    from django.test import Client

    url = article_url(seed_article, "zh-hans")
    commits: list[tuple[float, int]] = []
    answers: list[tuple[float, str]] = []
    stop = threading.Event()

    def reader() -> None:
        client = Client()
        try:
            while not stop.is_set():
                started = time.time()
                answers.append((started, client.get(url).content.decode()))
        finally:
            connection.close()

    threads = [threading.Thread(target=reader) for _ in range(3)]
    for thread in threads:
        thread.start()
    try:
        for version in range(1, 11):
            with transaction.atomic():
                article = Article.objects.get(pk=seed_article.pk)
                article.lead_zh_hans = f"版本{version}的导言"
                article.save()
                time.sleep(0.05)  # readers read the old row meanwhile, and try to cache it
            commits.append((time.time(), version))
            time.sleep(0.05)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    stale = []
    for started, page in answers:
        committed_before = [v for t, v in commits if t < started]
        if committed_before and f"版本{committed_before[-1]}的导言" not in page:
            newer = any(f"版本{v}的导言" in page for v in range(committed_before[-1], 11))
            if not newer:
                stale.append(started)
    assert len(answers) > 30
    assert stale == []
