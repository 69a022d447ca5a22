"""Which cached pages an edit shows up on, invalidated after the transaction commits.

Article pages and the Atom feeds are cached (``middleware.py``); every other page is rendered per
request. An edit shows up on:

* the article itself, in every variant (zh-hans, zh-hant, zh-cn, zh-tw, zh-hk: one cached page
  and one proxy purge per variant URL), under its current and former slugs;
* the articles that link to any of its titles or aliases, old and new (a red link turns blue, a renamed
  title turns a blue link red) — one query on :class:`ArticleLink`;
* for a category, tag or image: the articles it is on; for a glossary term: its article, or every
  article for a site-wide term (the only site-wide invalidation, and a rare edit);
* the feeds, for an edit of a published article or of an article's visibility, and a glossary term.
* for a named glossary (its terms, or which articles and categories use it): exactly the articles
  using it, all of whose stored renderings are then re-rendered after the commit
  (:func:`rerender_after_commit`, in the background unless ``GLOSSARY_RERENDER=inline``).

Paths are collected while the transaction is open (the rows are at hand) and deleted by
``transaction.on_commit``: deleting before the commit let readers re-cache the old row for the
page's lifetime (issue 17). The page store's invalidation marks close the remaining race.
"""
from __future__ import annotations

import logging
import threading
from typing import Any, Iterable
from urllib.parse import unquote

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.urls import reverse
from ..conversion import SCRIPTS
from ..scripts import override_variant
from ..variants import REGIONAL, SCRIPT_OF, VARIANTS
from ..images.models import Image
from ..models import (Article, ArticleAlias, ArticleSlugRedirect, Category, GlossaryTerm, NamedGlossary,
                      NamedGlossaryTerm, Reference, Section, Tag, TaggedArticle, deleted_with_its_article, field_name,
                      part_signals_deferred, parts_saved)
from . import pages, renderings


def article_paths(article_ids: Iterable[int], extra_slugs: Iterable[str] = (),
                  variants: Iterable[str] = VARIANTS) -> set[str]:
    """The page paths of these articles in every variant (or in ``variants``), current and former
    slugs included."""
    ids = set(article_ids)
    if not ids:
        return set()
    slugs: dict[str, set[str]] = {script: set(extra_slugs) for script in SCRIPTS}
    columns = [field_name("slug", script) for script in SCRIPTS]
    for row in Article.objects.filter(pk__in=ids).values_list(*columns):
        for script, slug in zip(SCRIPTS, row):
            slugs[script].add(slug)
    for slug in ArticleSlugRedirect.objects.filter(article_id__in=ids).values_list("slug", flat=True):
        for script in SCRIPTS:
            slugs[script].add(slug)
    paths = set()
    for variant in variants:
        with override_variant(variant):
            paths.update(unquote(reverse("articles:article", kwargs={"slug": s})) for s in slugs[SCRIPT_OF[variant]] if s)
    return paths


def feed_paths(variants: Iterable[str] = VARIANTS) -> set[str]:
    """The Atom feed's path in every variant (or in ``variants``)."""
    paths = set()
    for variant in variants:
        with override_variant(variant):
            paths.add(reverse("articles:feed"))
    return paths


def after_commit(article_ids: Iterable[int], extra_slugs: Iterable[str] = (), *, edited: Iterable[int] = (),
                 feed: bool = False, variants: Iterable[str] = VARIANTS) -> None:
    """Invalidate these articles' pages (in every variant, or in ``variants``; with ``feed`` the
    Atom feeds too) once the current transaction commits; their stored renderings are out of date
    from the commit on (same transaction), and the ``edited`` ones among them are re-rendered
    right after it."""
    ids = set(article_ids)
    variants = tuple(variants)
    renderings.bump(ids, variants)
    paths = article_paths(ids, extra_slugs, variants) | (feed_paths(variants) if feed else set())
    if paths:
        transaction.on_commit(lambda: pages.invalidate(paths))
    renderings.refresh_after_commit(set(edited) & ids)


def _titles_and_slugs(article: Article) -> tuple[set[str], set[str]]:
    stored = getattr(article, "_stored_scripts", {})
    titles = {t for t in (*stored.get("title", ()), article.title_zh_hans, article.title_zh_hant) if t}
    slugs = {s for s in stored.get("slug", ()) if s}
    return titles, slugs


def _shown_on_linking_pages(titles: set[str], slugs: set[str], visible: bool) -> tuple:
    return frozenset(titles), frozenset(slugs), visible


def _remember_before_save(sender, instance: Article, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    # Before the save rule runs: the titles and slugs the pages were cached under.
    instance._titles_before_save, instance._slugs_before_save = _titles_and_slugs(instance)
    # What a page linking here shows of it: the link's target and its colour (one query).
    instance._linked_as_before = None
    stored = getattr(instance, "_stored_scripts", {})
    if instance.pk and "title" in stored and "slug" in stored:
        row = Article.objects.filter(pk=instance.pk).values_list("status", "published_at").first()
        if row is not None:
            instance._linked_as_before = _shown_on_linking_pages(
                {t for t in stored["title"] if t}, {s for s in stored["slug"] if s},
                Article(status=row[0], published_at=row[1]).is_published)


def _article_changed(sender, instance: Article, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    titles, slugs = _titles_and_slugs(instance)
    slugs |= {s for s in (instance.slug_zh_hans, instance.slug_zh_hant) if s}  # a deleted article's too
    titles |= getattr(instance, "_titles_before_save", set())
    slugs |= getattr(instance, "_slugs_before_save", set())
    linked_as = _shown_on_linking_pages(
        {t for t in (instance.title_zh_hans, instance.title_zh_hant) if t},
        {s for s in (instance.slug_zh_hans, instance.slug_zh_hant) if s}, instance.is_published)
    before = getattr(instance, "_linked_as_before", None)
    # The feed lists published articles (title, lead, dates, link): it changes when one of them
    # is edited or deleted, or an article becomes or stops being visible (unknown before: assume so).
    feed = instance.is_published or (not kwargs.get("created") and (before is None or before[2]))
    if kwargs.get("signal") is post_save and before == linked_as:
        # Only its text changed: a page linking here shows the same link (issue 13's mixed
        # workload: a lead edit used to invalidate ~6 linking pages for nothing).
        after_commit({instance.pk}, slugs, edited=[instance.pk], feed=feed)
        return
    linking = Article.objects.linking_to(titles).values_list("pk", flat=True)
    after_commit({instance.pk, *linking}, slugs, edited=[instance.pk], feed=feed)


def _parts_saved(sender, article: Article, **kwargs: Any) -> None:
    # Article.saving_parts: the parts' own signals were off; their article's pages once.
    after_commit([article.pk], edited=[article.pk])


def _part_changed(sender, instance, raw: bool = False, **kwargs: Any) -> None:
    # Under saving_whole_articles() the article's own save in the same transaction invalidates.
    if not raw and not deleted_with_its_article(kwargs) and not part_signals_deferred():
        after_commit([instance.article_id], edited=[instance.article_id])


def _category_changed(sender, instance: Category, raw: bool = False, created: bool = False, **kwargs: Any) -> None:
    if not raw and instance.pk and not created:  # a new category is on no article yet
        after_commit(Article.objects.filter(categories=instance).values_list("pk", flat=True))


def _tag_changed(sender, instance: Tag, raw: bool = False, **kwargs: Any) -> None:
    if not raw and instance.pk:
        after_commit(Article.objects.filter(tags=instance).values_list("pk", flat=True))


def _tagging_changed(sender, instance: TaggedArticle, raw: bool = False, **kwargs: Any) -> None:
    if not raw and not deleted_with_its_article(kwargs) and not part_signals_deferred():
        after_commit([instance.content_object_id])


def _glossary_changed(sender, instance: GlossaryTerm, raw: bool = False, **kwargs: Any) -> None:
    if raw or deleted_with_its_article(kwargs):
        return
    # A term changes how leads convert, so the feed's summaries too.
    if instance.article_id:
        after_commit([instance.article_id], feed=True)
    else:
        after_commit(Article.objects.values_list("pk", flat=True), feed=True)


def _alias_changed(sender, instance: ArticleAlias, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    # Links to the alias turn blue (or red) with it, also when it goes with its article.
    linking = set(Article.objects.linking_to([instance.name]).values_list("pk", flat=True))
    after_commit(linking if deleted_with_its_article(kwargs) else {instance.article_id, *linking})


def _image_changed(sender, instance: Image, raw: bool = False, **kwargs: Any) -> None:
    if not raw and instance.pk:  # a new file, caption or credit shows on every article using it
        after_commit(instance.articles.values_list("pk", flat=True))


def _categories_of_article_changed(sender, instance, action: str, reverse: bool, pk_set, **kwargs: Any) -> None:
    if not action.startswith("post_"):
        return
    if reverse:  # category.articles.add(...)
        after_commit(pk_set or Article.objects.filter(categories=instance).values_list("pk", flat=True))
    elif not part_signals_deferred():  # else the article's own save in the transaction invalidates
        after_commit([instance.pk])


logger = logging.getLogger("articles.serving")


def rerender(article_ids: Iterable[int], variants: Iterable[str] = REGIONAL) -> int:
    """Re-render the stored renderings of all these articles in ``variants``, in small batches (a
    batch's rows stay locked until it commits, while editors may be saving). Returns how many
    pages were stored."""
    return renderings.refresh_in_bulk(article_ids, variants, batch=renderings.EAGER_LIMIT)


def _rerender_in_background(ids: list[int]) -> None:
    try:
        rerender(ids)
    except Exception:  # readers' misses render what is left
        logger.exception("re-rendering %d articles of a glossary failed", len(ids))
    finally:
        close_old_connections()
        connection.close()


def rerender_after_commit(article_ids: Iterable[int]) -> None:
    """Once the transaction commits, re-render every one of these articles: a glossary used by
    1,000 articles must not hold up the editor's save (``bench/glossary_bench.py``), so by default
    a background thread does it; ``GLOSSARY_RERENDER=inline`` does it in the committing thread
    (tests, the benchmark), ``off`` leaves it to readers' misses."""
    mode = getattr(settings, "GLOSSARY_RERENDER", "background")
    ids = sorted(set(article_ids))
    if not ids or mode == "off" or not renderings.enabled():
        return
    if mode == "inline":
        transaction.on_commit(lambda: rerender(ids))
    else:
        transaction.on_commit(lambda: threading.Thread(
            target=_rerender_in_background, args=(ids,), name="glossary-rerender", daemon=True).start())


def glossary_changed(article_ids: Iterable[int]) -> None:
    """A named glossary's edit: purge and re-render exactly the pages using it, the regional
    variants of its articles (zh-hans / zh-hant pages show the stored script text, which a
    glossary changes only when the article is next saved)."""
    ids = set(article_ids)
    after_commit(ids, variants=REGIONAL, feed=True)  # regional feeds summarise leads too
    rerender_after_commit(ids)


def _with_its_glossary(kwargs: dict[str, Any]) -> bool:
    return isinstance(kwargs.get("origin"), NamedGlossary) or getattr(kwargs.get("origin"), "model", None) is NamedGlossary


def _named_term_changed(sender, instance: NamedGlossaryTerm, raw: bool = False, **kwargs: Any) -> None:
    if not raw and not _with_its_glossary(kwargs):
        glossary_changed(instance.glossary.using_articles().values_list("pk", flat=True))


def _remember_group(sender, instance: NamedGlossary, raw: bool = False, **kwargs: Any) -> None:
    """Before a named glossary's save: the built-in conversion group it had (``None`` if new)."""
    old = NamedGlossary.objects.filter(pk=instance.pk).values_list("conversion_group", flat=True).first() \
        if instance.pk and not raw else None
    instance._group_before_save = old


def _named_glossary_saved(sender, instance: NamedGlossary, raw: bool = False, created: bool = False,
                          **kwargs: Any) -> None:
    # A changed built-in group (计算机's vocabulary on or off) changes every page using the glossary.
    before = getattr(instance, "_group_before_save", None)
    if not raw and not created and before is not None and before != instance.conversion_group:
        glossary_changed(instance.using_articles().values_list("pk", flat=True))


def _named_glossary_deleted(sender, instance: NamedGlossary, **kwargs: Any) -> None:
    glossary_changed(instance.using_articles().values_list("pk", flat=True))


def _glossary_articles_changed(sender, instance, action: str, reverse: bool, pk_set, **kwargs: Any) -> None:
    # Before a clear the rows are still there; after an add or remove, pk_set says which.
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if reverse:  # article.named_glossaries.add(glossary)
        glossary_changed([instance.pk])
    elif action == "pre_clear":
        glossary_changed(instance.articles.values_list("pk", flat=True))
    else:
        glossary_changed(pk_set)


def _glossary_categories_changed(sender, instance, action: str, reverse: bool, pk_set, **kwargs: Any) -> None:
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if reverse:  # category.named_glossaries.add(glossary): the category's articles
        glossary_changed(Article.objects.filter(categories=instance).values_list("pk", flat=True))
    elif action == "pre_clear":
        glossary_changed(Article.objects.filter(categories__in=instance.categories.all()).values_list("pk", flat=True))
    else:
        glossary_changed(Article.objects.filter(categories__in=pk_set).values_list("pk", flat=True))


def connect_signals() -> None:
    pre_save.connect(_remember_before_save, sender=Article, dispatch_uid="pages-article-before")
    parts_saved.connect(_parts_saved, sender=Article, dispatch_uid="pages-parts-saved")
    for signal in (post_save, post_delete):
        kind = "save" if signal is post_save else "delete"
        signal.connect(_article_changed, sender=Article, dispatch_uid=f"pages-article-{kind}")
        for part in (Section, Reference):
            signal.connect(_part_changed, sender=part, dispatch_uid=f"pages-{part.__name__}-{kind}")
        signal.connect(_category_changed, sender=Category, dispatch_uid=f"pages-category-{kind}")
        signal.connect(_tag_changed, sender=Tag, dispatch_uid=f"pages-tag-{kind}")
        signal.connect(_tagging_changed, sender=TaggedArticle, dispatch_uid=f"pages-tagging-{kind}")
        signal.connect(_glossary_changed, sender=GlossaryTerm, dispatch_uid=f"pages-glossary-{kind}")
        signal.connect(_alias_changed, sender=ArticleAlias, dispatch_uid=f"pages-alias-{kind}")
    # Before the delete: the image's usage rows go with it.
    for signal, kind in ((post_save, "save"), (pre_delete, "delete")):
        signal.connect(_image_changed, sender=Image, dispatch_uid=f"pages-image-{kind}")
    for signal, kind in ((post_save, "save"), (post_delete, "delete")):
        signal.connect(_named_term_changed, sender=NamedGlossaryTerm, dispatch_uid=f"pages-named-term-{kind}")
    pre_delete.connect(_named_glossary_deleted, sender=NamedGlossary, dispatch_uid="pages-named-glossary-delete")
    pre_save.connect(_remember_group, sender=NamedGlossary, dispatch_uid="pages-named-glossary-group-before")
    post_save.connect(_named_glossary_saved, sender=NamedGlossary, dispatch_uid="pages-named-glossary-group")
    m2m_changed.connect(_glossary_articles_changed, sender=NamedGlossary.articles.through,
                        dispatch_uid="pages-named-glossary-articles")
    m2m_changed.connect(_glossary_categories_changed, sender=NamedGlossary.categories.through,
                        dispatch_uid="pages-named-glossary-categories")
    m2m_changed.connect(_categories_of_article_changed, sender=Article.categories.through,
                        dispatch_uid="pages-article-categories")
