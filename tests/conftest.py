"""Shared fixtures: both scripts, a clean cache per test, editors and content factories."""
from __future__ import annotations

import pytest
from django.core.cache import cache
from django.utils import translation

from tests.factories import ArticleFactory, CategoryFactory, EditorFactory


@pytest.fixture(autouse=True)
def _clean_cache_and_language():
    cache.clear()
    yield
    translation.activate("zh-hans")
    cache.clear()


@pytest.fixture
def editor(db):
    return EditorFactory()


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def article(db):
    return ArticleFactory()


@pytest.fixture
def category(db):
    return CategoryFactory()
