"""What links here and wanted articles, read from the link table (:class:`ArticleLink`), which the
model layer keeps current on every save of an article or its sections.

A title is *wanted* when articles link to it and no article (published or draft) carries it in either
script; the ranking counts distinct linking articles, so one article repeating a link counts once.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Max, QuerySet

from . import conversion
from .models import Article, ArticleLink
from .rendering import title_key
from .wikilinks import create_article_url


def title_keys(article: Article) -> set[str]:
    """The link-table keys of an article's titles (both scripts)."""
    return {title_key(t) for t in (article.title_zh_hans, article.title_zh_hant) if t}


def linking_articles(article: Article, *, published_only: bool) -> QuerySet[Article]:
    """Articles whose text links to ``article`` (in either script), one query."""
    sources = Article.objects.linking_to([article.title_zh_hans, article.title_zh_hant]).exclude(pk=article.pk)
    if published_only:
        sources = sources.published()
    return sources.distinct().order_by("title_zh_hans", "pk")


@dataclass(frozen=True)
class WantedTitle:
    key: str
    hans: str
    hant: str
    links: int

    @property
    def create_url(self) -> str:
        return create_article_url(self.hans)


def existing_title_keys() -> QuerySet:
    return Article.objects.values_list("title_zh_hans", flat=True)


def wanted_queryset() -> QuerySet:
    """Red-linked titles as rows (``target_key``, ``target``, ``links``), most linked first; a
    Paginator can count and slice it (one grouped query each)."""
    return (
        ArticleLink.objects.exclude(target_key__in=existing_title_keys())
        .exclude(target_key__in=Article.objects.values_list("title_zh_hant", flat=True))
        .values("target_key")
        .annotate(links=Count("source", distinct=True), target=Max("target"))
        .order_by("-links", "target_key")
    )


def as_wanted(rows) -> list[WantedTitle]:
    """Rows of :func:`wanted_queryset` as titles in both scripts."""
    return [
        WantedTitle(row["target_key"], conversion.to_simplified(row["target"]),
                    conversion.to_traditional(row["target"]), row["links"])
        for row in rows
    ]


def wanted_titles(limit: int = 50) -> list[WantedTitle]:
    """The ``limit`` most wanted titles (one query)."""
    return as_wanted(wanted_queryset()[:limit])


def articles_wanting(title: str) -> QuerySet[Article]:
    """The articles (drafts too) whose text links to the not-yet-written ``title``."""
    return Article.objects.linking_to([title]).order_by("title_zh_hans", "pk")


