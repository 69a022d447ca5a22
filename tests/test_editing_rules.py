"""Editing rules the README promises (issue 17, item 11): either script will do for a title, a
glossary term applies in the save that adds it, titles are unique across scripts and visible."""
from __future__ import annotations

import pytest
from django.urls import reverse

from articles.models import Article
from tests.factories import ArticleFactory
from tests.forms import form_data, with_inline_rows

pytestmark = pytest.mark.django_db

ADD = reverse("admin:articles_article_add")


def add_form(client, **fields) -> dict:
    data = form_data(client.get(ADD).content.decode(), "article_form")
    data.update({name: [value] for name, value in fields.items()})
    return data


def test_a_title_typed_only_in_the_traditional_tab_is_accepted(editor_client):
    response = editor_client.post(ADD, add_form(editor_client, title_zh_hans="", title_zh_hant="中美共同防禦條約"))
    assert response.status_code == 302
    article = Article.objects.get(title_zh_hant="中美共同防禦條約")
    assert article.title_zh_hans == "中美共同防御条约" and article.slug_zh_hans


def test_a_title_is_still_needed_in_one_script(editor_client):
    response = editor_client.post(ADD, add_form(editor_client, title_zh_hans="", title_zh_hant=""))
    assert response.status_code == 200 and "请在简体或繁體中填写标题" in response.content.decode()


def test_a_glossary_term_added_in_the_same_save_applies_to_it(editor_client):
    data = add_form(editor_client, title_zh_hans="雅尔塔会议", lead_zh_hans="斯大林出席。")
    with_inline_rows(data, "sections", [{"position": "1", "level": "2", "heading_zh_hans": "经过",
                                         "body_zh_hans": "斯大林与罗斯福会谈。"}])
    with_inline_rows(data, "glossary_terms", [{"hans": "斯大林", "hant": "史達林"}])
    assert editor_client.post(ADD, data).status_code == 302
    article = Article.objects.get(title_zh_hans="雅尔塔会议")
    assert article.lead_zh_hant == "史達林出席。"
    assert article.sections.get().body_zh_hant == "史達林與羅斯福會談。"


@pytest.mark.parametrize("title", ["南京条约", "南京條約"])
def test_a_second_article_with_the_same_title_in_either_script_is_refused(editor_client, title):
    ArticleFactory(title_zh_hans="南京条约")
    response = editor_client.post(ADD, add_form(editor_client, title_zh_hans=title))
    assert response.status_code == 200 and "已经有标题相同的条目" in response.content.decode()
    assert Article.objects.count() == 1


def test_saving_an_existing_article_keeps_its_own_title(editor_client):
    article = ArticleFactory(title_zh_hans="南京条约")
    change = reverse("admin:articles_article_change", args=[article.pk])
    data = form_data(editor_client.get(change).content.decode(), "article_form")
    data["lead_zh_hans"] = ["新的导言"]
    assert editor_client.post(change, data).status_code == 302


@pytest.mark.parametrize("title", ["\u200b\u200b", "\u202e\u202c", " \u200d "])
def test_a_title_of_invisible_characters_is_refused(editor_client, title):
    response = editor_client.post(ADD, add_form(editor_client, title_zh_hans=title))
    assert response.status_code == 200 and "不可见字符" in response.content.decode()
    assert not Article.objects.exists()
