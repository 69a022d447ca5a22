"""Who may do what: anonymous readers, editors, category managers, other staff, superusers."""
from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from articles.models import Article, Category
from tests.factories import ArticleFactory, CategoryFactory, EditorFactory, UserFactory

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def category_manager(db):
    user = UserFactory(username="curator", is_staff=True)
    user.groups.add(Group.objects.get(name="Category managers"))
    return user


@pytest.fixture
def plain_staff(db):
    return UserFactory(username="staff", is_staff=True)


ADMIN_PAGES = {
    "article_add": reverse("admin:articles_article_add"),
    "category_add": reverse("admin:articles_category_add"),
    "glossary_add": reverse("admin:articles_glossaryterm_add"),
    "tag_add": reverse("admin:articles_tag_add"),
    "users": reverse("admin:auth_user_changelist"),
    "groups": reverse("admin:auth_group_changelist"),
}


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("editor", {"article_add", "category_add", "glossary_add", "tag_add"}),
        ("category_manager", {"category_add"}),
        ("plain_staff", set()),
        ("superuser", set(ADMIN_PAGES)),
    ],
)
def test_admin_pages_by_role(request, role, allowed, admin_user):
    user = {"editor": lambda: EditorFactory(), "superuser": lambda: admin_user}.get(role, lambda: request.getfixturevalue(role))()
    client = client_for(user)
    for name, page in ADMIN_PAGES.items():
        status = client.get(page).status_code
        assert (status == 200) == (name in allowed), f"{role} {name}: {status}"


def test_anonymous_is_sent_to_login_and_sees_only_published(client):
    assert client.get(ADMIN_PAGES["article_add"]).status_code == 302
    draft = ArticleFactory(status="draft")
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(ArticleFactory().get_absolute_url()).status_code == 200


def test_publish_action_needs_change_permission(category_manager):
    draft = ArticleFactory(status="draft")
    client = client_for(category_manager)  # may view articles, not change them
    response = client.post(reverse("admin:articles_article_changelist"),
                           {"action": "publish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == "draft"
    assert response.status_code in (200, 302, 403)


def test_merge_action_needs_delete_permission(editor_client):
    source, target = CategoryFactory(), CategoryFactory()
    editor_client.post(reverse("admin:articles_category_changelist"), {
        "action": "merge_categories", "_selected_action": [source.pk], "apply": "1", "target": target.pk,
    })
    assert Category.objects.filter(pk=source.pk).exists()  # editors cannot delete, so cannot merge


def test_only_superusers_delete_categories_with_articles(category_manager, admin_user):
    used, empty = CategoryFactory(name_zh_hans="有条目"), CategoryFactory(name_zh_hans="空分类")
    ArticleFactory().categories.add(used)
    manager = client_for(category_manager)
    assert manager.post(reverse("admin:articles_category_delete", args=[used.pk]), {"post": "yes"}).status_code == 403
    assert Category.objects.filter(pk=used.pk).exists()
    bulk = manager.post(reverse("admin:articles_category_changelist"),
                        {"action": "delete_selected", "_selected_action": [used.pk, empty.pk], "post": "yes"})
    assert bulk.status_code in (200, 403) and Category.objects.filter(pk=used.pk).exists()
    assert manager.post(reverse("admin:articles_category_delete", args=[empty.pk]), {"post": "yes"}).status_code == 302
    assert not Category.objects.filter(pk=empty.pk).exists()
    superuser = client_for(admin_user)
    assert superuser.post(reverse("admin:articles_category_delete", args=[used.pk]), {"post": "yes"}).status_code == 302
    assert not Category.objects.filter(pk=used.pk).exists()
    assert Article.objects.count() == 1  # the article itself stays


def test_category_manager_merges(category_manager):
    source, target = CategoryFactory(), CategoryFactory()
    ArticleFactory().categories.add(source)
    client_for(category_manager).post(reverse("admin:articles_category_changelist"), {
        "action": "merge_categories", "_selected_action": [source.pk], "apply": "1", "target": target.pk,
    })
    assert not Category.objects.filter(pk=source.pk).exists() and target.articles.count() == 1
