"""Wikitext typed by habit is found (articles/wikitext.py) and the editor is told what to write instead."""
from __future__ import annotations

import pytest
from django.urls import reverse

from articles.wikitext import wikitext_kinds, wikitext_warnings
from tests.factories import ArticleFactory
from tests.forms import form_data


@pytest.mark.parametrize(("text", "kind"), [
    ("簽訂於'''1858年'''。", "bold"),
    ("又稱''瑷珲城和约''。", "italic"),
    ("條約共三條。<ref>《中俄邊界條約集》</ref>", "ref"),
    ("條約共三條。<ref name=\"a\" />", "ref"),
    ("{{cite book|title=中俄關係史}}", "template"),
    ("== 背景 ==\n1858年……", "heading"),
    ("前文\n=== 影響 ===", "heading"),
    ("見[https://example.org 外交部檔案]。", "external"),
])
def test_each_habit_is_found(text, kind):
    assert wikitext_kinds(text) == [kind]


@pytest.mark.parametrize("text", [
    "**粗體**與*斜體*，[[瑷珲条约|條約]]，引用[^1]，$a^2$，-{zh-hans:干;zh-hant:乾}-。",
    "[[File:签字.jpg|签字仪式]] 與 [外交部](https://example.org)。",
    "## 小節\n正文 a = b == c",
    "用 `'''粗體'''` 與 ```\n<ref>…</ref>\n``` 說明維基語法。",  # quoted in code on purpose
])
def test_the_sites_own_dialect_is_not_wikitext(text):
    assert wikitext_kinds(text) == []


def test_warnings_name_the_field_once_per_kind():
    warnings = wikitext_warnings([("导言", "'''甲''' '''乙'''", "'''甲''' '''乙'''"), ("章节正文", "", "{{cite}}")])
    assert len(warnings) == 2
    assert warnings[0].startswith("导言：") and "**粗体**" in warnings[0]
    assert warnings[1].startswith("章节正文：") and "[^键]" in warnings[1]


def test_preview_answers_with_the_warnings(editor_client):
    result = editor_client.post(reverse("admin:articles_article_preview"),
                                {"title_zh_hant": "璦琿條約", "lead_zh_hant": "'''璦琿條約'''<ref>x</ref>"}).json()
    assert len(result["warnings"]) == 2 and all(w.startswith("导言：") for w in result["warnings"])
    clean = editor_client.post(reverse("admin:articles_article_preview"), {"lead_zh_hans": "**瑷珲条约**"}).json()
    assert clean["warnings"] == []


def test_saving_wikitext_saves_it_and_warns(editor_client):
    article = ArticleFactory(title_zh_hans="瑷珲条约")
    change = reverse("admin:articles_article_change", args=[article.pk])
    data = form_data(editor_client.get(change).content.decode(), "article_form")
    data["lead_zh_hans"] = ["== 背景 ==\n内容"]
    page = editor_client.post(change, data, follow=True).content.decode()
    article.refresh_from_db()
    assert article.lead_zh_hans == "== 背景 ==\n内容"
    assert "导言：== 标题 == 是维基文字" in page and 'class="warning"' in page


def test_change_form_has_the_markup_help(editor_client):
    page = editor_client.get(reverse("admin:articles_article_add"), HTTP_ACCEPT_LANGUAGE="zh-TW").content.decode()
    help_box = page[page.index('id="markup-help"'):page.index("</aside>")]
    for markup in ("[[標題]]", "[^1]", "$a^2+b^2$", "-{…}-", "[[File:名稱.jpg|說明]]"):
        assert markup in help_box
