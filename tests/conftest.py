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
