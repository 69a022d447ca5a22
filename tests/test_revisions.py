"""Revisions: one per save with the article's parts, readable diffs, restore, scheduled publish,
delete and recover."""
from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.models import Article, Section
from tests.factories import ArticleFactory, CategoryFactory
from tests.forms import form_data, with_inline_rows

pytestmark = pytest.mark.django_db


def change_url(article: Article) -> str:
    return reverse("admin:articles_article_change", args=[article.pk])


def save_through_admin(client, article: Article, **changes) -> object:
    data = form_data(client.get(change_url(article)).content.decode(), "article_form")
    for name, value in changes.items():
        data[name] = [value]
    return client.post(change_url(article), data)


@pytest.fixture
def article_in_admin(editor_client):
    """An article created through the admin, with two sections and a reference."""
    add = reverse("admin:articles_article_add")
    data = form_data(editor_client.get(add).content.decode(), "article_form")
    data["title_zh_hans"] = ["中苏互不侵犯条约"]
    data["lead_zh_hans"] = ["导言[^1]"]
    with_inline_rows(data, "sections", [
        {"position": "1", "level": "2", "heading_zh_hans": "缘起", "body_zh_hans": "正文一"},
        {"position": "2", "level": "2", "heading_zh_hans": "影响", "body_zh_hans": "正文二"},
    ])
    with_inline_rows(data, "references", [{"position": "1", "key": "1", "text_zh_hans": "来源"}])
    assert editor_client.post(add, data).status_code == 302
    return Article.objects.get(title_zh_hans="中苏互不侵犯条约")


def test_each_admin_save_is_a_revision_with_its_parts(editor_client, editor, article_in_admin):
    versions = Version.objects.get_for_object(article_in_admin)
    assert versions.count() == 1
    revision = versions[0].revision
    assert revision.user == editor
    assert {v.content_type.model for v in revision.version_set.all()} >= {"article", "section", "reference"}
    assert save_through_admin(editor_client, article_in_admin, **{"sections-0-heading_zh_hans": "缘由"}).status_code == 302
    versions = Version.objects.get_for_object(article_in_admin)
    assert versions.count() == 2
    assert "缘由" not in str(versions[1].revision.version_set.get(content_type__model="section",
                                                                   object_id=str(article_in_admin.sections.get(position=1).pk)).field_dict)


def test_diff_shows_changed_heading_in_both_scripts(editor_client, article_in_admin):
    save_through_admin(editor_client, article_in_admin, **{"sections-0-heading_zh_hans": "条约缘由"})
    history = editor_client.get(reverse("admin:articles_article_history", args=[article_in_admin.pk])).content.decode()
    assert "比较所选版本" in history
    page = editor_client.get(reverse("admin:articles_article_compare", args=[article_in_admin.pk])).content.decode()
    assert "章节 条约缘由" in page
    assert "<del>缘起</del><ins>条约缘由</ins>" in page or "<ins>条约</ins>缘<del>起</del><ins>由</ins>" in page
    assert "标题（简体）" in page and "标题（繁體）" in page
    assert "<ins>條約</ins>緣<del>起</del><ins>由</ins>" in page  # the Traditional heading changed too


def test_restore_an_old_revision_is_itself_a_revision(editor_client, article_in_admin):
    first = Version.objects.get_for_object(article_in_admin).get()
    article_in_admin.categories.add(CategoryFactory(name_zh_hans="后加分类"))
    save_through_admin(editor_client, article_in_admin, lead_zh_hans="改坏了的导言", **{"sections-0-heading_zh_hans": "改坏了"})
    assert Article.objects.get(pk=article_in_admin.pk).lead_zh_hans == "改坏了的导言"

    revision_url = reverse("admin:articles_article_revision", args=[article_in_admin.pk, first.pk])
    page = editor_client.get(revision_url)
    assert page.status_code == 200
    data = form_data(page.content.decode(), "article_form")
    assert editor_client.post(revision_url, data).status_code == 302

    restored = Article.objects.get(pk=article_in_admin.pk)
    assert restored.lead_zh_hans == "导言[^1]" and restored.lead_zh_hant == "導言[^1]"
    assert list(restored.sections.values_list("heading_zh_hant", flat=True)) == ["緣起", "影響"]
    assert restored.categories.count() == 0
    assert Version.objects.get_for_object(restored).count() == 3


class TestScheduledPublishing:
    def test_visible_only_after_its_time(self, client, monkeypatch):
        when = timezone.now() + timezone.timedelta(days=1)
        article = ArticleFactory(title_zh_hans="定时条目", published_at=when)
        assert client.get(article.get_absolute_url()).status_code == 404
        assert not Article.objects.published().filter(pk=article.pk).exists()
        later = when + timezone.timedelta(minutes=1)
        monkeypatch.setattr(timezone, "now", lambda: later)
        assert client.get(article.get_absolute_url()).status_code == 200

    def test_changelist_shows_scheduled(self, editor_client):
        ArticleFactory(title_zh_hans="定时条目", published_at=timezone.now() + timezone.timedelta(days=1))
        page = editor_client.get(reverse("admin:articles_article_changelist")).content.decode()
        assert "定时发布" in page

    def test_preview_links_for_both_scripts(self, editor_client):
        draft = ArticleFactory(status="draft", title_zh_hans="草稿条约")
        page = editor_client.get(change_url(draft)).content.decode()
        assert "预览（简体）" in page and "预览（繁體）" in page
        hant = editor_client.get("/zh-hant/articles/草稿條約/")
        assert hant.status_code == 200 and "草稿條約" in hant.content.decode()


def test_delete_and_recover(admin_client, article_in_admin):
    pk = article_in_admin.pk
    response = admin_client.post(reverse("admin:articles_article_delete", args=[pk]), {"post": "yes"})
    assert response.status_code == 302 and not Article.objects.filter(pk=pk).exists()
    assert not Section.objects.filter(article_id=pk).exists()

    recover_list = admin_client.get(reverse("admin:articles_article_recoverlist")).content.decode()
    assert "中苏互不侵犯条约" in recover_list
    version = Version.objects.get_deleted(Article).get(object_id=str(pk))
    recover_url = reverse("admin:articles_article_recover", args=[version.pk])
    data = form_data(admin_client.get(recover_url).content.decode(), "article_form")
    assert admin_client.post(recover_url, data).status_code == 302
    recovered = Article.objects.get(pk=pk)
    assert recovered.title_zh_hant == "中蘇互不侵犯條約"
    assert list(recovered.sections.values_list("heading_zh_hans", flat=True)) == ["缘起", "影响"]
    assert recovered.references.get().text_zh_hant == "來源"


def test_editors_cannot_delete_articles(editor_client, article_in_admin):
    response = editor_client.post(reverse("admin:articles_article_delete", args=[article_in_admin.pk]), {"post": "yes"})
    assert response.status_code == 403 and Article.objects.filter(pk=article_in_admin.pk).exists()


def test_editors_cannot_recover_what_a_superuser_deleted(admin_client, editor_client, article_in_admin):
    pk = article_in_admin.pk
    admin_client.post(reverse("admin:articles_article_delete", args=[pk]), {"post": "yes"})
    version = Version.objects.get_deleted(Article).get(object_id=str(pk))
    recover_url = reverse("admin:articles_article_recover", args=[version.pk])
    data = form_data(admin_client.get(recover_url).content.decode(), "article_form")
    assert editor_client.get(reverse("admin:articles_article_recoverlist")).status_code == 403
    assert editor_client.get(recover_url).status_code == 403
    assert editor_client.post(recover_url, data).status_code == 403
    assert not Article.objects.filter(pk=pk).exists()
    assert "recoverlink" not in editor_client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert "recoverlink" in admin_client.get(reverse("admin:articles_article_changelist")).content.decode()


def test_restoring_a_draft_revision_keeps_the_article_published(editor_client, client, article_in_admin):
    """Revision 1 was a draft; restoring it brings back its text, not its status (the public page
    stays up), unless the editor asks for the revision's publication too."""
    first = Version.objects.get_for_object(article_in_admin).get()
    assert first.field_dict["status"] == "draft"
    save_through_admin(editor_client, article_in_admin, status="published", lead_zh_hans="发布时的导言",
                       published_at_0="2024-01-01", published_at_1="08:00:00")
    published = Article.objects.get(pk=article_in_admin.pk)
    assert published.is_published
    revision_url = reverse("admin:articles_article_revision", args=[article_in_admin.pk, first.pk])
    page = editor_client.get(revision_url).content.decode()
    assert "发布状态保持为“已发布”（这个版本当时是“草稿”）" in page
    assert editor_client.post(revision_url, form_data(page, "article_form")).status_code == 302
    restored = Article.objects.get(pk=article_in_admin.pk)
    assert restored.lead_zh_hans == "导言[^1]"
    assert (restored.status, restored.published_at) == ("published", published.published_at)
    assert client.get(restored.get_absolute_url()).status_code == 200

    # Asked for explicitly, the revision's status comes back too.
    page = editor_client.get(revision_url + "?publication=restore").content.decode()
    assert editor_client.post(revision_url + "?publication=restore", form_data(page, "article_form")).status_code == 302
    assert Article.objects.get(pk=article_in_admin.pk).status == "draft"


def test_history_shows_summaries_labels_local_dates_and_a_diff_link_per_row(editor_client, article_in_admin, settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    save_through_admin(editor_client, article_in_admin, lead_zh_hans="新导言", edit_summary="改写导言，补充来源",
                       status="published", published_at_0="2024-01-01", published_at_1="08:00:00")
    versions = list(Version.objects.get_for_object(article_in_admin))
    history = editor_client.get(reverse("admin:articles_article_history", args=[article_in_admin.pk])).content.decode()
    table = history[history.index('id="change-history"'):]
    table = table[:table.index("</table>")]
    assert "改写导言，补充来源" in table
    assert "已发布" in table and "草稿" in table and "published" not in table and ">draft<" not in table
    compare = reverse("admin:articles_article_compare", args=[article_in_admin.pk])
    assert f"{compare}?a={versions[1].pk}&amp;b={versions[0].pk}" in table
    assert "edit_base" not in history and "edit_token" not in history

    diff = editor_client.get(f"{compare}?a={versions[1].pk}&b={versions[0].pk}").content.decode()
    assert "<del>草稿</del><ins>已发布</ins>" in diff
    # 08:00 in Shanghai, shown in local time in the script's format, not as a UTC ISO string.
    assert "2024年1月1日 08:00" in diff and "00:00:00+00:00" not in diff

    dashboard = editor_client.get(reverse("admin:index")).content.decode()
    recent = dashboard[dashboard.index('id="recent-changes"'):dashboard.index('id="scheduled"')]
    assert "改写导言，补充来源" in recent
