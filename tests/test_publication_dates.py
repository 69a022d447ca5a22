"""Publication dates stay within a range a site can mean (issue 17: a year-1 date took the site down)."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from articles.models import Article
from tests.factories import ArticleFactory
from tests.forms import form_data

pytestmark = pytest.mark.django_db


def test_admin_refuses_a_year_one_date_with_a_clear_error(editor_client):
    add = reverse("admin:articles_article_add")
    data = form_data(editor_client.get(add).content.decode(), "article_form")
    data.update({"title_zh_hans": ["远古条约"], "status": ["published"],
                 "published_at_0": ["0001-01-01"], "published_at_1": ["00:00:00"]})
    response = editor_client.post(add, data)
    assert response.status_code == 200
    assert "发布时间必须在 2000 年到 2099 年之间" in response.content.decode()
    assert not Article.objects.filter(title_zh_hans="远古条约").exists()


def test_the_database_refuses_it_too():
    article = ArticleFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=article.pk).update(published_at=datetime(1, 1, 2, tzinfo=timezone.utc))


def test_model_validation_names_the_range():
    article = ArticleFactory.build(published_at=datetime(2300, 1, 1, tzinfo=timezone.utc))
    with pytest.raises(ValidationError) as error:
        article.full_clean(exclude=["slug"])
    assert "published_at" in error.value.message_dict


@pytest.mark.parametrize("path", ["/zh-hans/", "/sitemap.xml", "/zh-hans/feed/", "/zh-hans/search/?q=条约"])
def test_pages_with_dates_at_the_edges_render(client, path):
    ArticleFactory(title_zh_hans="条约甲", published_at=datetime(2000, 1, 1, tzinfo=timezone.utc))
    assert client.get(path).status_code == 200
