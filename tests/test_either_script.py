"""Either script alone is enough for every translated field (``articles/either_script.py`` and
``ScriptSyncedModel``), the script each field was written in is recorded, and line breaks are stored
as the browser's text area holds them."""
from __future__ import annotations

import re

import pytest
from django.urls import reverse

from articles.conversion import BOTH, HANS, HANT
from articles.models import Article, Category
from tests.factories import ArticleFactory
from tests.forms import form_data, with_inline_rows

pytestmark = pytest.mark.django_db

ADD = reverse("admin:articles_article_add")


def add_form(client) -> dict:
    return form_data(client.get(ADD).content.decode(), "article_form")


def change_form(client, article: Article) -> dict:
    return form_data(client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode(),
                     "article_form")


def errors_of(response) -> list[str]:
    return re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.content.decode(), re.S)


def test_an_article_typed_only_in_traditional_is_saved_with_simplified_filled(editor_client):
    data = add_form(editor_client)
    data.update({"title_zh_hant": ["璦琿條約"], "lead_zh_hant": ["《璦琿條約》是清朝與俄國簽訂的條約。[^1]"]})
    with_inline_rows(data, "sections", [
        {"position": "1", "level": "2", "heading_zh_hant": "簽訂經過", "body_zh_hant": "咸豐八年簽訂。"},
        {"position": "2", "level": "2", "heading_zh_hant": "後續影響", "body_zh_hant": "俄國取得大片土地。"},
    ])
    with_inline_rows(data, "references", [{"position": "1", "key": "1", "text_zh_hant": "《清史稿》"}])
    response = editor_client.post(ADD, data)
    assert response.status_code == 302, errors_of(response)
    article = Article.objects.get(title_zh_hant="璦琿條約")
    assert article.title_zh_hans == "瑷珲条约"
    assert [(s.heading_zh_hans, s.body_zh_hans) for s in article.sections.all()] == [
        ("签订经过", "咸丰八年签订。"), ("后续影响", "俄国取得大片土地。")]
    assert article.references.get().text_zh_hans == "《清史稿》"
    assert article.written_scripts == {"title": HANT, "lead": HANT}
    assert article.sections.first().written_scripts == {"heading": HANT, "body": HANT}


def test_a_heading_in_neither_script_is_refused_with_a_message_naming_both(editor_client):
    data = add_form(editor_client)
    data["title_zh_hans"] = ["条目"]
    with_inline_rows(data, "sections", [{"position": "1", "level": "2", "body_zh_hant": "正文"}])
    response = editor_client.post(ADD, data)
    assert response.status_code == 200
    assert "请在简体或繁體中填写标题。" in response.content.decode()
    assert not Article.objects.exists()


def test_a_category_named_only_in_traditional(editor_client):
    add = reverse("admin:articles_category_add")
    data = form_data(editor_client.get(add).content.decode(), "category_form")
    data.update({"name_zh_hant": ["條約"], "description_zh_hant": ["關於條約的條目。"]})
    assert editor_client.post(add, data).status_code == 302
    category = Category.objects.get()
    assert (category.name_zh_hans, category.description_zh_hans) == ("条约", "关于条约的条目。")
    assert category.written_scripts == {"name": HANT, "description": HANT}


def test_a_tag_typed_in_traditional_keeps_its_traditional_form(editor_client):
    data = add_form(editor_client)
    data.update({"title_zh_hant": ["裏海"], "tags": ["裏海"]})
    assert editor_client.post(ADD, data).status_code == 302
    tag = Article.objects.get().tags.get()
    # OpenCC would give 里海 → 裡海; the editor typed 裏海.
    assert (tag.name, tag.name_zh_hant) == ("里海", "裏海")


def test_the_record_follows_the_script_changed_later(editor_client):
    article = ArticleFactory(title_zh_hans="条约", lead_zh_hans="头发")
    assert article.written_script("lead") == HANS
    data = change_form(editor_client, article)
    data["lead_zh_hant"] = ["頭髮與乾隆"]
    assert editor_client.post(reverse("admin:articles_article_change", args=[article.pk]), data).status_code == 302
    article.refresh_from_db()
    assert (article.lead_zh_hans, article.written_script("lead")) == ("头发与乾隆", HANT)
    assert article.written_script("title") == HANS  # untouched: still as first written
    data = change_form(editor_client, article)
    data["lead_zh_hans"], data["lead_zh_hant"] = ["头发与乾隆帝"], ["頭髮與乾隆帝"]
    assert editor_client.post(reverse("admin:articles_article_change", args=[article.pk]), data).status_code == 302
    article.refresh_from_db()
    assert article.written_script("lead") == BOTH  # both typed by hand: nothing was converted


def test_line_breaks_are_stored_as_newlines_and_do_not_count_as_a_change(editor_client):
    article = ArticleFactory(title_zh_hans="条约", lead_zh_hans="第一段\r\n\r\n第二段\r第三段")
    assert article.lead_zh_hans == "第一段\n\n第二段\n第三段"
    data = change_form(editor_client, article)
    # What a browser posts: every text area's line breaks as \r\n, only the 繁體 title changed.
    for key, values in data.items():
        data[key] = [value.replace("\n", "\r\n") for value in values]
    data["title_zh_hant"] = ["條約集"]
    assert editor_client.post(reverse("admin:articles_article_change", args=[article.pk]), data).status_code == 302
    article.refresh_from_db()
    assert article.title_zh_hans == "条约集"
    assert article.lead_zh_hant == "第一段\n\n第二段\n第三段"
    assert article.written_script("lead") == HANS


def test_multi_line_text_typed_in_traditional_is_converted_not_copied(editor_client):
    """The browser posts line breaks as \\r\\n; cleaning them must not write the 繁體 text into the
    简体 column through the field's untranslated name (modeltranslation's fallback)."""
    data = add_form(editor_client)
    data.update({"title_zh_hant": ["條約"], "lead_zh_hant": ["第一段。\r\n\r\n簽訂後。"]})
    assert editor_client.post(ADD, data).status_code == 302
    article = Article.objects.get()
    assert (article.lead_zh_hans, article.lead_zh_hant) == ("第一段。\n\n签订后。", "第一段。\n\n簽訂後。")
    assert article.written_script("lead") == HANT


def test_an_import_records_no_written_script_and_its_review_is_guessed(tmp_path):
    """Imported wiki text is mixed: both scripts are converted from it, none was typed, so nothing
    is recorded and the review guesses the direction as it did before the record existed."""
    from tests.conftest import run_import

    (tmp_path / "头发条约.md").write_text("他的头发和干部。\n\n## 内容\n\n正文。\n", encoding="utf-8")
    run_import(str(tmp_path))
    article = Article.objects.get(title_zh_hans="头发条约")
    assert article.written_scripts == {}
    assert Category.objects.filter(written_scripts={}).count() == Category.objects.count()
    assert article.unreviewed_characters >= 2  # 发 and 干, reviewed 简→繁 as guessed
