"""Aliases in the article admin: added with the article, either script, duplicates refused."""
import pytest
from django.urls import reverse

from articles.models import Article
from tests.forms import form_data, with_inline_rows

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:articles_article_add")


def _add(editor_client, aliases: list[str]):
    data = form_data(editor_client.get(ADD_URL).content.decode(), "article_form")
    data.update(title_zh_hans=["李焜"], lead_zh_hans=["朝鲜王族。"], status=["published"])
    with_inline_rows(data, "aliases", [{"name": name} for name in aliases])
    return editor_client.post(ADD_URL, data)


def test_editor_adds_aliases_that_redirect(editor_client, client):
    response = _add(editor_client, ["临昌君"])
    assert response.status_code == 302
    article = Article.objects.get()
    assert list(article.aliases.values_list("name", "key")) == [("临昌君", "临昌君")]
    redirect = client.get("/zh-hant/articles/臨昌君/")
    assert redirect.status_code == 301 and redirect["Location"].startswith("/zh-hant/articles/")


def test_the_same_alias_in_both_scripts_is_refused_with_a_message(editor_client):
    response = _add(editor_client, ["临昌君", "臨昌君"])
    assert response.status_code == 200
    assert "这个别名重复了" in response.content.decode()
    assert not Article.objects.exists()
