"""Write articles to a folder in the export format (``importing/export_format.py``, which owns
the format both ways), for backups and round trips.

Figures stay in the text as ``[[File:名称|说明]]``; the image files the exported articles use are
written beside the Markdown as ``media/<name>`` (the stored full-size file, read through the storage
API — metadata already stripped, a GIF stored as PNG), so ``import_wiki DIR --media DIR/media``
brings back articles and pictures together.

A file is named after the article's simplified slug; a slug longer than a file name may be (255
bytes on ext4 and most file systems: 85 CJK characters) is cut at a character boundary and given
a hash of the whole slug, so names stay distinct. The title and slugs travel in the front matter,
which is what the importer reads, so a shortened name loses nothing.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from django.core.files.storage import default_storage

from .images.models import Image
from .importing.export_format import article_to_markdown
from .models import Article

__all__ = ["article_to_markdown", "export_articles", "export_image_files"]
MEDIA_FOLDER = "media"
NAME_MAX_BYTES = 255


def export_file_name(article: Article) -> str:
    """``<slug>.md``, shortened with a hash when longer than NAME_MAX_BYTES in UTF-8."""
    base = article.slug_zh_hans or str(article.pk)
    name = f"{base}.md"
    if len(name.encode()) <= NAME_MAX_BYTES:
        return name
    suffix = f"-{hashlib.sha256(base.encode()).hexdigest()[:12]}.md"
    short = base.encode()[:NAME_MAX_BYTES - len(suffix)].decode("utf-8", "ignore")
    return short + suffix


def export_articles(directory: Path, articles=None) -> list[Path]:
    """Write every article (or the given ones) to ``directory/<simplified slug>.md``."""
    directory.mkdir(parents=True, exist_ok=True)
    articles = articles if articles is not None else Article.objects.all()
    written = []
    for article in articles.prefetch_related("sections", "references", "categories", "tags", "glossary_terms", "aliases"):
        path = directory / export_file_name(article)
        path.write_text(article_to_markdown(article), encoding="utf-8")
        written.append(path)
    return written


def export_image_files(directory: Path, articles=None) -> list[Path]:
    """Write the file of every image the articles use (that has one) to ``directory/media/<name>``."""
    images = Image.objects.with_file()
    if articles is not None:
        images = images.filter(articles__in=articles).distinct()
    folder = directory / MEDIA_FOLDER
    written = []
    for image in images.order_by("name"):
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / image.name  # canonical names hold no path separators (images/markup.py)
        with default_storage.open(image.file.name, "rb") as stored:
            path.write_bytes(stored.read())
        written.append(path)
    return written
