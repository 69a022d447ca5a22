"""The rendered-page cache and its invalidation.

Whole article pages are cached for anonymous readers (Redis when ``REDIS_URL`` is set). Instead of
tracking which pages a change touches — a new title can turn another article's red link blue —
every content change bumps one site-wide content version that is part of each page's key, so
stale pages are simply never read again and expire. Edits are rare next to reads.
"""
from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save

VERSION_KEY = "content-version"


def content_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY, 1)
    return version


def bump_content_version(**_kwargs) -> None:
    """Signal receiver: any content change makes every cached page stale."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, timeout=None)


def page_key(script: str, path: str) -> str:
    digest = hashlib.sha256(path.encode()).hexdigest()[:32]
    return f"page:{content_version()}:{script}:{digest}"


def cache_seconds() -> int:
    return settings.ARTICLE_CACHE_SECONDS


def connect_signals() -> None:
    from .models import Article, ArticleAlias, ArticleSlugRedirect, Category, GlossaryTerm, Reference, Section, Tag, TaggedArticle

    for model in (Article, Section, Reference, Category, Tag, TaggedArticle, GlossaryTerm, ArticleSlugRedirect,
                  ArticleAlias):
        post_save.connect(bump_content_version, sender=model, dispatch_uid=f"bump-save-{model.__name__}")
        post_delete.connect(bump_content_version, sender=model, dispatch_uid=f"bump-delete-{model.__name__}")
    m2m_changed.connect(bump_content_version, sender=Article.categories.through, dispatch_uid="bump-categories")
