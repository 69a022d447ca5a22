"""An editor without JavaScript adds sections, references and categories (articles/nojs.py).

The form is read and posted as a browser without scripts does: tests/forms.py parses the
``<noscript>`` content like any other markup, which is what such a browser does.
"""
from __future__ import annotations

import re

import pytest
from django.urls import reverse

from articles.models import Article
from tests.factories import CategoryFactory
from tests.forms import form_data

pytestmark = pytest.mark.django_db
ADD = reverse("admin:articles_article_add")


def without_noscript(html: str) -> str:
    """The page as a browser running scripts parses it (it does not parse <noscript>)."""
    return re.sub(r"<noscript>.*?</noscript>", "", html, flags=re.S)


def test_browsers_with_scripts_get_the_form_they_always_had(editor_client):
    html = without_noscript(editor_client.get(ADD).content.decode())
    data = form_data(html, "article_form")
    assert data["sections-TOTAL_FORMS"] == ["0"] and data["references-TOTAL_FORMS"] == ["0"]
    assert "sections-0-heading_zh_hant" not in data and "categories_by_name" not in data


def test_an_article_with_sections_references_and_categories_without_javascript(editor_client):
    CategoryFactory(name_zh_hans="中俄条约")
    CategoryFactory(name_zh_hans="清朝外交")
    data = form_data(editor_client.get(ADD).content.decode(), "article_form")
    assert data["sections-TOTAL_FORMS"][-1] == "1" and data["references-TOTAL_FORMS"][-1] == "1"
    data.update({
        "title_zh_hant": ["璦琿條約"], "lead_zh_hant": ["《璦琿條約》於1858年簽訂。[^1]"],
        # (Headings in 简体: 繁體-only section headings are another change's, issue 23's first half.)
        "sections-0-heading_zh_hans": ["背景"], "sections-0-body_zh_hant": ["黑龍江以北。"],
        "references-0-key": ["1"], "references-0-text_zh_hant": ["《中俄邊界條約集》"],
        "categories_by_name": ["中俄條約、清朝外交"],  # typed in 繁體, matched in either script
        "tags": ["條約"],
    })
    response = editor_client.post(ADD, data)
    assert response.status_code == 302, re.findall(r"<ul class=.errorlist.*?</ul>|errornote.*?</p>", response.content.decode(), re.S)
    article = Article.objects.get(title_zh_hant="璦琿條約")
    assert [s.heading_zh_hant for s in article.sections.all()] == ["背景"]
    assert [(r.key, r.text_zh_hant) for r in article.references.all()] == [("1", "《中俄邊界條約集》")]
    assert sorted(c.name_zh_hans for c in article.categories.all()) == ["中俄条约", "清朝外交"]

    # "Save and continue editing" offers the next empty form: a second section.
    change = reverse("admin:articles_article_change", args=[article.pk])
    data = form_data(editor_client.get(change).content.decode(), "article_form")
    assert data["sections-TOTAL_FORMS"][-1] == "2"
    data.update({"sections-1-position": ["2"], "sections-1-heading_zh_hans": ["影响"],
                 "sections-1-body_zh_hant": ["割讓六十萬平方公里。"]})
    assert editor_client.post(change, data).status_code == 302
    assert [s.heading_zh_hant for s in article.sections.order_by("position")] == ["背景", "影響"]
    assert article.categories.count() == 2 and article.references.count() == 1  # nothing lost, nothing added


def test_an_unknown_category_name_is_refused_with_the_name(editor_client):
    data = form_data(editor_client.get(ADD).content.decode(), "article_form")
    data.update({"title_zh_hans": ["瑷珲条约"], "categories_by_name": ["不存在的分类"]})
    page = editor_client.post(ADD, data).content.decode()
    assert "没有这些分类：不存在的分类" in page
    assert not Article.objects.exists()
