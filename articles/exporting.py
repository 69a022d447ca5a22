"""Write articles back as Markdown in the stored dialect, for backups and round trips.

Each file is readable Markdown — the Simplified text with ``##`` headings and the references as
``[^key]: text`` lines — preceded by a JSON front matter (valid YAML) that holds the exact stored
values of both scripts and the metadata, so that ``import_wiki`` of an export restores the same data
(manual corrections of one script included).
"""
from __future__ import annotations

import json
from pathlib import Path

from .importing import EXPORT_FORMAT
from .models import Article, field_name


def _script_values(article: Article, script: str) -> dict:
    def value(obj, name: str) -> str:
        return getattr(obj, field_name(name, script)) or ""

    return {
        "title": value(article, "title"),
        "slug": value(article, "slug"),
        "lead": value(article, "lead"),
        "sections": [
            {"level": s.level, "heading": value(s, "heading"), "body": value(s, "body")} for s in article.sections.all()
        ],
        "references": [
            {"key": r.key, "url": r.url, "text": value(r, "text")} for r in article.references.all()
        ],
    }


def article_to_markdown(article: Article) -> str:
    """One article as front matter + readable Markdown (Simplified)."""
    hans = _script_values(article, "zh-hans")
    meta = {
        "format": EXPORT_FORMAT,
        "status": article.status,
        "published_at": article.published_at.isoformat() if article.published_at else None,
        "categories": [c.name_zh_hans for c in article.categories.all()],
        "tags": sorted(t.name for t in article.tags.all()),
        "glossary": [[g.hans, g.hant] for g in article.glossary_terms.all()],
        "zh-hans": hans,
        "zh-hant": _script_values(article, "zh-hant"),
    }
    parts = [f"**{hans['title']}**", hans["lead"]]
    for section in hans["sections"]:
        parts.append(f"{'#' * section['level']} {section['heading']}\n\n{section['body']}".rstrip())
    if hans["references"]:
        parts.append("\n".join(f"[^{r['key']}]: {r['text']}".rstrip() for r in hans["references"]))
    body = "\n\n".join(part.strip() for part in parts if part.strip())
    return f"---\n{json.dumps(meta, ensure_ascii=False, indent=1)}\n---\n{body}\n"


def export_articles(directory: Path, articles=None) -> list[Path]:
    """Write every article (or the given ones) to ``directory/<simplified slug>.md``."""
    directory.mkdir(parents=True, exist_ok=True)
    articles = articles if articles is not None else Article.objects.all()
    written = []
    for article in articles.prefetch_related("sections", "references", "categories", "tags", "glossary_terms"):
        path = directory / f"{article.slug_zh_hans or article.pk}.md"
        path.write_text(article_to_markdown(article), encoding="utf-8")
        written.append(path)
    return written
