"""Shared fixtures and helpers: both scripts, a clean cache per test, editors, content, the seed."""
from __future__ import annotations

import os
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from articles.importing import read_article_file, save_article
from articles.models import Article
from articles.scripts import override_variant
from tests.factories import ArticleFactory, CategoryFactory, EditorFactory

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "articles" / "demo" / "中蘇互不侵犯條約.md"
CORPUS = ROOT.parent / "shared" / "corpus"  # ../shared/corpus beside the repository, as in CI
CORPUS_FILES = sorted(p for p in CORPUS.glob("*.md") if p.name != "README.md") if CORPUS.is_dir() else []
needs_corpus = pytest.mark.skipif(
    not CORPUS_FILES, reason=f"the corpus of real articles is absent ({CORPUS} has no .md file)")


def installed(tool: str, *elsewhere: str) -> str | None:
    """The path of an optional program (pandoc, varnishd, opencc_dict …) if it can be run here.

    Executable files only: a tool hidden by CI (``.ci/without-optional-tools`` mounts /dev/null
    over it) or half-removed counts as absent, so the tests that need it skip instead of failing.
    """
    for candidate in (shutil.which(tool), *elsewhere):
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def url(script: str, name: str, **kwargs) -> str:
    """The URL of the named public view in ``script`` (or a variant: zh-cn, zh-tw, zh-hk)."""
    with override_variant(script):
        return reverse(f"articles:{name}", kwargs=kwargs)


def article_url(article: Article, script: str) -> str:
    with override_variant(script):
        return article.get_absolute_url()


def run_import(*args: str) -> str:
    """``manage.py import_wiki *args``; returns what it printed."""
    out = StringIO()
    call_command("import_wiki", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def snapshot(article: Article) -> dict:
    """Everything an import or export carries, in both scripts."""
    article = Article.objects.get(pk=article.pk)

    def both_scripts(obj, names: list[str]) -> dict:
        return {f"{n}_{s}": getattr(obj, f"{n}_{s}") for n in names for s in ("zh_hans", "zh_hant")}

    return {
        **both_scripts(article, ["title", "slug", "lead"]),
        "status": article.status,
        "published_at": article.published_at,
        "sections": [(s.position, s.level, both_scripts(s, ["heading", "body"])) for s in article.sections.all()],
        "references": [(r.key, r.url, both_scripts(r, ["text"])) for r in article.references.all()],
        "categories": sorted(c.name_zh_hans for c in article.categories.all()),
        "tags": sorted(article.tags.names()),
        "glossary": sorted(article.glossary_terms.values_list("hans", "hant")),
    }


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every transactional test restores the migrated rows afterwards (``serialized_rollback``).

    A transactional test ends with a flush. Without serialized rollback that flush re-creates the
    content types and the Editors group under new ids, and the next serialized test then fails to
    load the originals (UNIQUE on django_content_type) — so the suite passed or failed depending on
    which tests ran before (the browser tests, skipped without Chromium, used to hide it).
    """
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker and marker.kwargs.get("transaction") and "serialized_rollback" not in marker.kwargs:
            item.add_marker(pytest.mark.django_db(**marker.kwargs, serialized_rollback=True), append=False)


@pytest.fixture(autouse=True)
def _sequences_past_restored_rows(request):
    """After a transactional test's setup, every table's id sequence is past its rows (PostgreSQL).

    Serialized rollback reloads the migrated rows (groups, content types) under their own ids but
    leaves the sequences alone, and a ``manage.py flush`` inside an earlier test restarts them at 1:
    the next ``Group.objects.create`` then collided with the reloaded group 1 — again only in some
    orders of the suite. ``loaddata`` ends with the same statements, for the same reason.
    """
    marker = request.node.get_closest_marker("django_db")
    if not (marker and marker.kwargs.get("transaction")):
        return
    from django.apps import apps
    from django.core.management.color import no_style
    from django.db import connection

    request.getfixturevalue("transactional_db")  # set up (and rows restored) first
    statements = connection.ops.sequence_reset_sql(no_style(), apps.get_models(include_auto_created=True))
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


@pytest.fixture(autouse=True)
def _clean_cache_and_language(settings):
    # A glossary edit's re-rendering runs in the test's thread (the test database is its connection).
    settings.GLOSSARY_RERENDER = "inline"
    cache.clear()
    yield
    translation.activate("zh-hans")
    cache.clear()


@pytest.fixture
def editor(db):
    return EditorFactory()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run on_commit callbacks as a real commit would (tests run inside a transaction)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


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


@pytest.fixture
def seed_article(db) -> Article:
    """The seed article, imported and published."""
    return save_article(read_article_file(SEED), status="published").article


@pytest.fixture
def media_root(settings, tmp_path):
    """A temporary MEDIA_ROOT: tests that store files never write into the repository."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.SERVE_MEDIA = True
    return tmp_path / "media"


def image_bytes(width: int = 800, height: int = 600, fmt: str = "JPEG", *, color=(200, 30, 30), exif=None) -> bytes:
    """A real encoded picture made with Pillow (optionally with EXIF, e.g. orientation or GPS)."""
    import io

    from PIL import Image as PILImage

    out = io.BytesIO()
    picture = PILImage.new("RGB", (width, height), color)
    # A second colour in the top-left quarter, so orientation can be checked.
    picture.paste((20, 20, 220), (0, 0, width // 2, height // 2))
    options = {"exif": exif} if exif is not None else {}
    picture.save(out, fmt, **options)
    return out.getvalue()


@pytest.fixture
def redis(monkeypatch):
    """The site's cache on a redis-server of the test's own (stopped and started at will)."""
    from django.test import override_settings

    from articles.serving import cache as resilient
    from tests.servers import ThrowawayRedis

    server = ThrowawayRedis()
    server.start()
    monkeypatch.setattr(resilient, "RETRY_AFTER_SECONDS", 0.0)  # ask again on the next request
    caches = {"default": {"BACKEND": "articles.serving.cache.ResilientRedisCache", "LOCATION": server.url}}
    with override_settings(CACHES=caches):
        try:
            yield server
        finally:
            server.stop()
            resilient._down = False
