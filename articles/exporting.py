"""Write articles to a folder in the export format (``importing/export_format.py``, which owns
the format both ways), for backups and round trips."""
from __future__ import annotations

from pathlib import Path

from .importing.export_format import article_to_markdown
from .models import Article

__all__ = ["article_to_markdown", "export_articles"]


def export_articles(directory: Path, articles=None) -> list[Path]:
    """Write every article (or the given ones) to ``directory/<simplified slug>.md``."""
    directory.mkdir(parents=True, exist_ok=True)
    articles = articles if articles is not None else Article.objects.all()
    written = []
    for article in articles.prefetch_related("sections", "references", "categories", "tags", "glossary_terms", "aliases"):
        path = directory / f"{article.slug_zh_hans or article.pk}.md"
        path.write_text(article_to_markdown(article), encoding="utf-8")
        written.append(path)
    return written
