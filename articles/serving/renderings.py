"""Stored renderings (``models.ArticleRendering``): a reader's page-cache miss in one query.

* :func:`lookup` — the reader's stored page for a slug in a variant (one row per article and
  variant: zh-hans, zh-hant, zh-cn, zh-tw, zh-hk; the ``script`` column names the variant), with
  the published article's slugs (for the switcher), in one query; it says whether it is current.
* :func:`store` — keep a page rendered from the models, compare-and-set on the generation read
  *before* the article's rows were read, so a rendering older than a commit is never kept.
* :func:`bump` — called by ``invalidation.after_commit`` inside the edit's transaction, for the
  same articles whose cached pages the edit invalidates: one upsert per 500 articles.
* :func:`refresh` — after the commit, re-render up to :data:`EAGER_LIMIT` of them at once, so the
  first reader after an edit is served from a stored rendering too; the rest render on their
  next miss (a rename linked from thousands of pages must not hold up the editor's save).

Measured on the seed article (in process, page cache off): 22.7 ms per miss rendering from the
models (six queries, Markdown, script conversion), 3.8 ms from the stored rendering (one query and
the base template); through gunicorn 191 → 528 requests/s (``bench/README.md`` has the run).
Editors never read or write stored renderings: their page carries their notes.
"""
from __future__ import annotations

import functools
import hashlib
import logging
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from datetime import timezone as dt_timezone
from importlib import metadata
from typing import Iterable, Iterator

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.safestring import mark_safe

from ..article_body import ArticlePage, render_page, with_content
from ..variants import SCRIPT_OF, VARIANTS
from ..models import Article, field_name
from ..scripts import url_in
from .models import ArticleRendering

logger = logging.getLogger("articles.serving")

#: Articles re-rendered right after an edit commits; others render on their next reader's miss.
EAGER_LIMIT = 10
#: Articles per generation upsert (bounds the statement's size on a site-wide change).
BUMP_CHUNK = 500
#: Packages whose output is in a stored page: a new version re-renders.
RENDERING_PACKAGES = ("Django", "markdown-it-py", "mdit-py-plugins", "nh3", "OpenCC", "latex2mathml",
                      "django-modeltranslation", "django-taggit", "rjieba")


def enabled() -> bool:
    return settings.STORED_RENDERINGS


@functools.cache
def renderer() -> str:
    """A fingerprint of what makes a page: the app's code, templates, compiled catalogues, the
    rendering packages' versions and the URL settings. Stored pages of another renderer are
    re-rendered on their next miss, so a deploy needs no migration step."""
    digest = hashlib.sha256()
    base = settings.BASE_DIR
    files = sorted(
        [*(base / "articles").rglob("*.py"), *(base / "articles" / "data").glob("*.tsv"),
         *(base / "templates").rglob("*.html"), *(base / "locale").rglob("*.mo")]
    )
    for path in files:
        if "migrations" in path.parts:
            continue
        digest.update(str(path.relative_to(base)).encode())
        digest.update(path.read_bytes())
    for package in RENDERING_PACKAGES:
        try:
            digest.update(f"{package}={metadata.version(package)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{package}=none".encode())
    digest.update(f"{settings.STATIC_URL}|{settings.MEDIA_URL}".encode())
    return digest.hexdigest()[:32]


@dataclass(frozen=True)
class StoredPage:
    article_id: int
    generation: int
    current: bool
    page: ArticlePage
    alternates: dict[str, str]


def _build_lookup_sql() -> dict[str, str]:
    """One statement per variant (the slug column is its script's), built once: building the same query
    with the ORM took 2.8 ms of a 7.7 ms miss in process (modeltranslation rewrites every lookup),
    the statement itself 0.4 ms."""
    q = connection.ops.quote_name
    table, articles = q(ArticleRendering._meta.db_table), q(Article._meta.db_table)
    return {
        variant: (
            f"SELECT r.article_id, r.generation, r.rendered_generation, r.renderer, r.valid_until, r.title, "
            f"r.description, r.body, a.slug_zh_hans, a.slug_zh_hant FROM {table} r JOIN {articles} a ON a.id = r.article_id "
            f"WHERE r.script = %s AND a.{q(field_name('slug', SCRIPT_OF[variant]))} = %s AND a.status = %s "
            f"AND a.published_at <= %s"
        )
        for variant in VARIANTS
    }


_LOOKUP_SQL: dict[str, str] = {}


def lookup(script: str, slug: str) -> StoredPage | None:
    """The stored rendering of the *published* article with this slug in ``script`` (a variant; one query),
    or ``None`` when there is no such article or no row for it yet."""
    if not _LOOKUP_SQL:
        _LOOKUP_SQL.update(_build_lookup_sql())
    now = timezone.now()
    with connection.cursor() as cursor:
        # Same rule as ``Article.objects.published()`` (published_condition), in SQL.
        cursor.execute(_LOOKUP_SQL[script],
                       [script, slug, Article.Status.PUBLISHED, connection.ops.adapt_datetimefield_value(now)])
        row = cursor.fetchone()
    if row is None:
        return None
    article_id, generation, rendered, made_by, valid_until, title, description, body, slug_hans, slug_hant = row
    valid_until = _from_db_datetime(valid_until)
    current = rendered == generation and made_by == renderer() and (valid_until is None or valid_until > now)
    return StoredPage(
        article_id=article_id,
        generation=generation,
        current=current,
        # Written only by store(), from render_page's sanitised output.
        page=ArticlePage(title=title, description=description, body=mark_safe(body), valid_until=valid_until),
        alternates=_alternates(slug_hans, slug_hant),
    )


def _from_db_datetime(value) -> datetime | None:
    """A raw cursor gets what the backend returns: aware datetimes (PostgreSQL) or UTC text (SQLite)."""
    if value is None or isinstance(value, datetime) and timezone.is_aware(value):
        return value
    value = parse_datetime(value) if isinstance(value, str) else value
    return timezone.make_aware(value, dt_timezone.utc) if timezone.is_naive(value) else value


def _alternates(slug_hans: str, slug_hant: str) -> dict[str, str]:
    slugs = {"zh-hans": slug_hans, "zh-hant": slug_hant}
    return {variant: url_in(variant, "articles:article", slug=slugs[SCRIPT_OF[variant]]) for variant in VARIANTS}


def store(article_id: int, script: str, generation: int, page: ArticlePage) -> bool:
    """Keep ``page`` if the article's generation is still ``generation`` (read before its rows)."""
    kept = ArticleRendering.objects.filter(article_id=article_id, script=script, generation=generation).update(
        rendered_generation=generation, renderer=renderer(), valid_until=page.valid_until, title=page.title,
        description=page.description, body=str(page.body), rendered_at=timezone.now(),
    )
    return bool(kept)


def bump(article_ids: Iterable[int], variants: Iterable[str] = VARIANTS) -> None:
    """Mark these articles' stored renderings out of date, in the current transaction (rows are
    made for articles that have none; ids of deleted articles are skipped). ``variants``: only
    those (a named glossary shows on the regional variants only)."""
    ids = sorted(set(article_ids))
    variants = tuple(variants)
    if not ids or not variants:
        return
    table = connection.ops.quote_name(ArticleRendering._meta.db_table)
    articles = connection.ops.quote_name(Article._meta.db_table)
    scripts = " UNION ALL ".join("SELECT %s AS script" for _ in variants)
    with connection.cursor() as cursor:
        for start in range(0, len(ids), BUMP_CHUNK):
            chunk = ids[start:start + BUMP_CHUNK]
            # Ordered, so two edits bumping overlapping sets lock rows in the same order.
            cursor.execute(
                f"INSERT INTO {table} (article_id, script, generation, renderer, title, description, body) "
                f"SELECT a.id, s.script, 1, '', '', '', '' FROM {articles} a CROSS JOIN ({scripts}) s "
                f"WHERE a.id IN ({', '.join(['%s'] * len(chunk))}) ORDER BY a.id, s.script "
                f"ON CONFLICT (article_id, script) DO UPDATE SET generation = {table}.generation + 1",
                [*variants, *chunk],
            )


def ensure_rows(article_id: int) -> None:
    """Make the rows of an article that has none (saved before renderings existed, or loaded raw)."""
    ArticleRendering.objects.bulk_create(
        [ArticleRendering(article_id=article_id, script=variant) for variant in VARIANTS], ignore_conflicts=True
    )


def refresh(article_ids: Iterable[int], variants: Iterable[str] = VARIANTS, limit: int | None = EAGER_LIMIT) -> int:
    """Re-render and store the reader pages of up to ``limit`` of these published articles in
    every variant, or in ``variants`` (after the commit), in a fixed number of reads. Returns how
    many pages were stored."""
    ids = sorted(set(article_ids))[:limit]
    if not enabled() or not ids:
        return 0
    generations = {(a, s): g for a, s, g in
                   ArticleRendering.objects.filter(article_id__in=ids).values_list("article_id", "script", "generation")}
    stored = 0
    for article in with_content(Article.objects.published().filter(pk__in=ids)):
        shared: dict = {}  # the five variants share their glossary, title and image queries
        for variant in variants:
            generation = generations.get((article.pk, variant))
            if generation is not None:
                stored += store(article.pk, variant, generation, render_page(article, variant, shared=shared))
    return stored


#: Articles per batch of :func:`refresh_in_bulk` (one read of their rows per batch).
BULK_BATCH = 100


def refresh_in_bulk(article_ids: Iterable[int], variants: Iterable[str] = VARIANTS, *, batch: int = BULK_BATCH,
                    progress=None) -> int:
    """Render and store the reader pages of all these published articles (in every variant, or
    in ``variants``), ``batch`` articles at a time, oldest id first: what a bulk import does once at
    its end instead of one render per commit, and a glossary edit for the articles using it.
    ``progress(n)`` is told of each batch done. Returns how many pages were stored."""
    ids = sorted(set(article_ids))
    stored = 0
    for start in range(0, len(ids), batch):
        chunk = ids[start:start + batch]
        # One commit per batch rather than per page (SQLite: 32 → 3 ms a page on the glossary
        # benchmark); each store is still compare-and-set on the generation.
        with transaction.atomic():
            stored += refresh(chunk, variants, limit=None)
        if progress is not None:
            progress(len(chunk))
    return stored


_COLLECTED: ContextVar[set[int] | None] = ContextVar("renderings_collected", default=None)


@contextmanager
def collected_for_bulk() -> Iterator[set[int]]:
    """Within it, committed edits do not re-render their articles after each commit: their ids
    are gathered in the set it yields, for one :func:`refresh_in_bulk` at the end (the importer:
    10,000 articles rendered in batches, not one by one as each commits)."""
    ids: set[int] = set()
    token = _COLLECTED.set(ids)
    try:
        yield ids
    finally:
        _COLLECTED.reset(token)


def refresh_after_commit(article_ids: Iterable[int]) -> None:
    """Re-render these articles once the current transaction commits — once per article, however
    many of its rows (sections, references) the transaction saved."""
    ids = set(article_ids)
    if not ids or not enabled():
        return
    collected = _COLLECTED.get()
    if collected is not None:
        # Gathered now: should this edit roll back, rendering its article at the end stores
        # what is committed, under the generation then current (store() checks it).
        collected.update(ids)
        return
    pending = connection.__dict__.get("_renderings_pending")
    # One callback per transaction: a rolled-back one's was dropped with it (never reused).
    if pending is None or pending.ran or not any(entry[1] is pending for entry in connection.run_on_commit):
        pending = connection.__dict__["_renderings_pending"] = _PendingRefresh()
        pending.ids |= ids
        transaction.on_commit(pending)
    else:
        pending.ids |= ids


class _PendingRefresh:
    def __init__(self) -> None:
        self.ids: set[int] = set()
        self.ran = False

    def __call__(self) -> None:
        self.ran = True
        try:
            refresh(self.ids)
        except Exception:  # the edit is committed; a reader's miss renders it instead
            logger.exception("re-rendering %d edited articles failed", len(self.ids))
