"""The article change form shown again after a validation error or an edit conflict: the text as
the editor typed it in both scripts, and on a conflict the other editor's change as a diff."""
from __future__ import annotations

import re
from html import unescape

import pytest
import reversion
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from tests.factories import ArticleFactory, EditorFactory
from tests.forms import form_data

pytestmark = pytest.mark.django_db


def change_url(article: Article) -> str:
    return reverse("admin:articles_article_change", args=[article.pk])


def textarea(page: str, name: str) -> str:
    match = re.search(rf'<textarea[^>]*name="{name}"[^>]*>\n?(.*?)</textarea>', page, re.S)
    assert match, name
    return unescape(match.group(1))


def test_after_a_validation_error_both_scripts_show_what_the_editor_left(editor_client):
    article = ArticleFactory(title_zh_hans="条约", lead_zh_hans="旧的导言")
    data = form_data(editor_client.get(change_url(article)).content.decode(), "article_form")
    data["lead_zh_hant"] = ["新的導言"]  # changed in 繁體 only: 简体 is to be filled by conversion
    data["published_at_0"], data["published_at_1"] = ["1900-01-01"], ["08:00:00"]  # refused
    data["editor_tabs"] = ["#tab_id_lead_zh_hant #tab_id_title_zh_hans \"><script>"]
    response = editor_client.post(change_url(article), data)
    page = response.content.decode()
    assert response.status_code == 200 and "发布时间必须在" in page
    assert textarea(page, "lead_zh_hant") == "新的導言"
    assert textarea(page, "lead_zh_hans") == "旧的导言"  # as it was shown, not emptied
    assert 'data-tabs="#tab_id_lead_zh_hant #tab_id_title_zh_hans"' in page  # nothing else echoed
    # Saved again as it stands, the 繁體 change still wins.
    again = form_data(page, "article_form")
    again["published_at_0"], again["published_at_1"] = ["2024-01-01"], ["08:00:00"]
    assert editor_client.post(change_url(article), again).status_code == 302
    article.refresh_from_db()
    assert (article.lead_zh_hans, article.lead_zh_hant) == ("新的导言", "新的導言")


def test_an_edit_conflict_keeps_the_typed_text_and_shows_the_other_editors_change():
    with reversion.create_revision():  # the version both editors open is in the history
        article = ArticleFactory(title_zh_hans="条约", lead_zh_hans="第一版导言")
    first, second = Client(), Client()
    first.force_login(EditorFactory(username="editor-a"))
    second.force_login(EditorFactory(username="editor-b"))
    first_form = form_data(first.get(change_url(article)).content.decode(), "article_form")
    second_form = form_data(second.get(change_url(article)).content.decode(), "article_form")

    first_form["lead_zh_hans"] = ["第一版导言，加上甲的补充"]
    assert first.post(change_url(article), first_form).status_code == 302

    second_form["lead_zh_hant"] = ["乙改寫的導言"]
    response = second.post(change_url(article), second_form)
    page = response.content.decode()
    assert response.status_code == 200 and "editor-a" in page and "你的输入都保留在下面" in page
    assert textarea(page, "lead_zh_hant") == "乙改寫的導言"
    assert textarea(page, "lead_zh_hans") == "第一版导言"  # what 乙 was shown, not empty
    conflict = page[page.index('id="edit-conflict-changes"'):]
    conflict = conflict[:conflict.index("</fieldset>")]
    assert "<ins>，加上甲的补充</ins>" in conflict and "导言（简体）" in conflict
    article.refresh_from_db()
    assert article.lead_zh_hans == "第一版导言，加上甲的补充"  # nothing saved by the conflicting post

    # Saved again on purpose, 乙's text wins, and the history's message names no form machinery.
    assert second.post(change_url(article), form_data(page, "article_form")).status_code == 302
    article.refresh_from_db()
    assert (article.lead_zh_hans, article.lead_zh_hant) == ("乙改写的导言", "乙改寫的導言")
    history = second.get(reverse("admin:articles_article_history", args=[article.pk])).content.decode()
    assert "edit_base" not in history and "edit_token" not in history


def test_a_conflict_on_an_article_without_history_points_to_the_history(editor_client):
    article = ArticleFactory(title_zh_hans="条约", lead_zh_hans="导言")  # no revision: not saved in the admin
    data = form_data(editor_client.get(change_url(article)).content.decode(), "article_form")
    Article.objects.filter(pk=article.pk).update(updated_at=article.updated_at + timezone.timedelta(seconds=5))
    data["lead_zh_hans"] = ["我的导言"]
    page = editor_client.post(change_url(article), data).content.decode()
    assert "历史记录里没有你打开时的版本" in page
    assert reverse("admin:articles_article_history", args=[article.pk]) in page
    assert textarea(page, "lead_zh_hans") == "我的导言"
