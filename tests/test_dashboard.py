"""The editors' dashboard on the admin's front page."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Reference
from tests.factories import ArticleFactory, EditorFactory, UserFactory
from tests.forms import form_data

pytestmark = pytest.mark.django_db
INDEX = reverse("admin:index")


def save_through_admin(client: Client, article, lead: str) -> None:
    change = reverse("admin:articles_article_change", args=[article.pk])
    data = form_data(client.get(change).content.decode(), "article_form")
    data["lead_zh_hans"] = [lead]
    response = client.post(change, data)
    assert response.status_code == 302, response.content.decode()[:2000]


def changed_by_another_editor(username: str, title: str):
    """An article that editor ``username`` saved twice through the admin (two revisions)."""
    client = Client()
    client.force_login(EditorFactory(username=username))
    article = ArticleFactory(title_zh_hans=title, lead_zh_hans="第一版")
    save_through_admin(client, article, "第二版")
    save_through_admin(client, article, "第三版")
    return article


def test_dashboard_lists_changes_by_other_editors_with_diff_links(editor_client, django_assert_max_num_queries):
    article = changed_by_another_editor("other-editor", "别人的条目")
    with django_assert_max_num_queries(25):
        page = editor_client.get(INDEX).content.decode()
    recent = page[page.index('id="recent-changes"'):page.index('id="scheduled"')]
    assert "别人的条目" in recent and "other-editor" in recent
    assert reverse("admin:articles_article_compare", args=[article.pk]) + "?a=" in recent
    # The app list is still reachable below the dashboard.
    assert reverse("admin:articles_article_changelist") in page


def test_dashboard_panels(editor_client):
    ArticleFactory(title_zh_hans="定时条目", status="published", published_at=timezone.now() + timedelta(days=2))
    ArticleFactory(title_zh_hans="草稿条目", status="draft")
    with_empty = ArticleFactory(title_zh_hans="缺来源条目", status="published")
    Reference.objects.create(article=with_empty, key="1", text_zh_hans="", text_zh_hant="")
    ArticleFactory(title_zh_hans="待审条目", lead_zh_hans="头发[[没写的条目]]", lead_zh_hant="", status="published")
    page = editor_client.get(INDEX).content.decode()

    def panel(name: str) -> str:
        start = page.index(f'id="{name}"')
        return page[start:page.index("</table>", start)]

    assert "定时条目" in panel("scheduled")
    assert "草稿条目" in panel("drafts") and "定时条目" not in panel("drafts")
    assert "缺来源条目" in panel("empty-references") and "草稿条目" not in panel("empty-references")
    assert "待审条目" in panel("unreviewed")
    assert "没写的条目" in panel("wanted")


def test_axes_tables_only_for_superusers_and_below_the_dashboard(editor_client):
    admin_user = UserFactory(username="root", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin_user)
    page = client.get(INDEX).content.decode()
    assert "登录安全" in page and page.index('id="recent-changes"') < page.index("登录安全")
    assert "Access attempts" not in page
    assert "登录安全" not in editor_client.get(INDEX).content.decode()


def test_dashboard_shows_nothing_to_staff_without_article_permission():
    client = Client()
    client.force_login(UserFactory(username="plain", is_staff=True))
    ArticleFactory(title_zh_hans="秘密草稿", status="draft")
    page = client.get(INDEX).content.decode()
    assert "秘密草稿" not in page and 'id="recent-changes"' not in page
