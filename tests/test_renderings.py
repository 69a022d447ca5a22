"""Stored renderings (articles/serving/renderings.py): a reader's page-cache miss is one query and
the same page a full render makes; any edit that shows up on the page — the article, a part, a
linked article, a scheduled publication, a deploy — is on the next read; editors never see one."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone

from articles.models import Article, Section
from articles.serving import renderings
from articles.serving.models import ArticleRendering
from articles.importing import read_article_file, save_article
from tests.conftest import SEED, article_url
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db


def read(client, article: Article, script: str = "zh-hans") -> str:
    """A reader's page, missing the page cache (as after an invalidation or expiry)."""
    cache.clear()
    response = client.get(article_url(article, script))
    assert response.status_code == 200
    return response.content.decode()


def rows(article: Article) -> dict[str, ArticleRendering]:
    return {r.script: r for r in ArticleRendering.objects.filter(article=article)}


def stored_read(client, article: Article, script: str = "zh-hans") -> str:
    """A reader's first page: rendered and stored (the rows exist since the article was saved)."""
    page = read(client, article, script)
    assert rows(article)[script].is_current
    return page


@pytest.mark.parametrize("script", ["zh-hans", "zh-hant"])
def test_a_stored_page_is_the_page_a_full_render_makes(client, seed_article, django_assert_num_queries, script):
    first = read(client, seed_article, script)
    with django_assert_num_queries(1):
        stored = read(client, seed_article, script)
    with override_settings(STORED_RENDERINGS=False):
        assert read(client, seed_article, script) == stored == first
    assert rows(seed_article)[script].is_current
    # Each script has its own rendering, in its own script.
    assert ("中苏互不侵犯条约" if script == "zh-hans" else "中蘇互不侵犯條約") in rows(seed_article)[script].body


def test_an_edit_is_on_the_next_read(client, seed_article):
    stored_read(client, seed_article)
    stored_read(client, seed_article, "zh-hant")
    seed_article.lead_zh_hans = "改过的导言。"
    seed_article.save()  # inside the test's transaction: no commit, no re-render; the read renders
    assert "改过的导言" in read(client, seed_article)
    assert "改過的導言" in read(client, seed_article, "zh-hant")


def test_a_section_edit_is_on_the_next_read(client):
    article = ArticleFactory()
    section = SectionFactory(article=article, heading_zh_hans="旧标题")
    stored_read(client, article)
    section.heading_zh_hans = "新标题"
    section.save()
    page = read(client, article)
    assert "新标题" in page and "旧标题" not in page


def test_a_red_link_turns_blue_when_its_article_is_created(client):
    linking = ArticleFactory(lead_zh_hans="参见[[雅尔塔协定]]。")
    assert 'href="/zh-hans/articles/' not in stored_read(client, linking).split('class="lead"')[1].split("</div>")[0]
    target = ArticleFactory(title_zh_hans="雅尔塔协定")
    assert f'href="{article_url(target, "zh-hans")}"' in read(client, linking)


def test_a_link_turns_blue_at_a_scheduled_publication_without_an_edit(client):
    later = timezone.now() + timedelta(hours=2)
    target = ArticleFactory(title_zh_hans="波茨坦公告", published_at=later)
    linking = ArticleFactory(lead_zh_hans="参见[[波茨坦公告]]。")
    assert f'href="{article_url(target, "zh-hans")}"' not in stored_read(client, linking)
    assert rows(linking)["zh-hans"].valid_until == later
    # Time passes (no signal, no edit): the stored page is out of date by itself.
    Article.objects.filter(pk=target.pk).update(published_at=timezone.now() - timedelta(seconds=1))
    ArticleRendering.objects.filter(article=linking).update(valid_until=timezone.now() - timedelta(seconds=1))
    assert f'href="{article_url(target, "zh-hans")}"' in read(client, linking)


def test_a_rendering_read_before_an_edit_is_not_kept(seed_article):
    """The compare-and-set: the generation is read before the rows, and an edit bumps it."""
    renderings.ensure_rows(seed_article.pk)
    before = renderings.lookup("zh-hans", seed_article.slug_zh_hans)
    seed_article.lead_zh_hans = "别人刚保存的导言。"
    seed_article.save()
    from articles.article_body import render_page, with_content

    stale = with_content(Article.objects.filter(pk=seed_article.pk)).get()
    assert renderings.store(seed_article.pk, "zh-hans", before.generation, render_page(stale, "zh-hans")) is False
    assert not rows(seed_article)["zh-hans"].is_current


def test_another_renderer_re_renders(client, seed_article):
    stored_read(client, seed_article)
    ArticleRendering.objects.filter(article=seed_article).update(renderer="an-older-deploy", body="<p>旧版页面</p>")
    page = read(client, seed_article)
    assert "旧版页面" not in page and "中苏互不侵犯条约" in page


def test_editors_get_their_notes_and_never_a_stored_page(client, editor):
    article = ArticleFactory(lead_zh_hans="参见[[尚无此条目]]。")
    read(client, article)
    client.force_login(editor)
    page = client.get(article_url(article, "zh-hans")).content.decode()
    assert "尚无条目的链接" in page and "编辑" in page
    assert "尚无条目的链接" not in rows(article)["zh-hans"].body


def test_a_draft_is_never_stored(client, editor):
    draft = ArticleFactory(status="draft")
    client.force_login(editor)
    assert client.get(article_url(draft, "zh-hans")).status_code == 200
    assert not any(r.body for r in rows(draft).values())
    client.logout()
    assert client.get(article_url(draft, "zh-hans")).status_code == 404


def test_an_article_is_rendered_once_committed_and_again_after_each_edit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        article = save_article(read_article_file(SEED), status="published").article
    assert all(r.is_current for r in rows(article).values())  # before any reader asked
    with django_capture_on_commit_callbacks(execute=True):
        article.lead_zh_hans = "提交后立即渲染的导言。"
        article.save()
        for section in Section.objects.filter(article=article):
            section.save()  # an admin save saves the inlines too, in the same transaction
    stored = rows(article)
    assert all(r.is_current for r in stored.values())
    assert "提交后立即渲染的导言" in stored["zh-hans"].body and "提交後立即渲染的導言" in stored["zh-hant"].body


def test_deleting_an_article_deletes_its_renderings(client, seed_article):
    stored_read(client, seed_article)
    seed_article.delete()
    assert not ArticleRendering.objects.exists()


def test_backups_leave_stored_renderings_out(client, seed_article, tmp_path):
    import tarfile
    from io import StringIO

    from django.core.management import call_command

    stored_read(client, seed_article)
    backup = tmp_path / "site.tar.gz"
    call_command("backup_content", str(backup), stdout=StringIO())
    with tarfile.open(backup) as archive:
        content = archive.extractfile("content.xml").read().decode()
    assert 'model="articles.article"' in content and "articles.articlerendering" not in content
