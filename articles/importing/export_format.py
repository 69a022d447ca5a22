"""The backup/round-trip format, both ways: ``export_wiki`` writes it, ``import_wiki`` reads it.

Each file is readable Markdown — the Simplified text with ``##`` headings and the references as
``[^key]: text`` lines — preceded by a JSON front matter (valid YAML) that holds the exact stored
values of both scripts and the metadata, so that importing an export restores the same data
(manual corrections of one script included). Writer and reader live together so the format has
one definition; ``exporting.py`` only writes files.
"""
from __future__ import annotations

import json

from ..conversion import HANS, HANT
from ..models import Article, field_name
from .parsed import ImportFailure, ParsedArticle, ParsedReference, ParsedSection

EXPORT_FORMAT = "treatysite-export/1"


def is_export(text: str) -> bool:
    """Does ``text`` start with this format's front matter?"""
    return text.startswith("---\n") and f'"format": "{EXPORT_FORMAT}"' in text.split("---\n", 2)[1]


def _script_values(article: Article, script: str) -> dict:
    def value(obj, name: str) -> str:
        return getattr(obj, field_name(name, script)) or ""

    return {
        "title": value(article, "title"),
        "slug": value(article, "slug"),
        "lead": value(article, "lead"),
        "references_heading": value(article, "references_heading"),
        "sections": [
            {"level": s.level, "heading": value(s, "heading"), "body": value(s, "body")} for s in article.sections.all()
        ],
        "references": [
            {"key": r.key, "url": r.url, "text": value(r, "text")} for r in article.references.all()
        ],
    }


def article_to_markdown(article: Article) -> str:
    """One article as front matter + readable Markdown (Simplified)."""
    hans = _script_values(article, HANS)
    meta = {
        "format": EXPORT_FORMAT,
        "status": article.status,
        "published_at": article.published_at.isoformat() if article.published_at else None,
        "categories": [c.name_zh_hans for c in article.categories.all()],
        "tags": sorted(t.name for t in article.tags.all()),
        "glossary": [[g.hans, g.hant] for g in article.glossary_terms.all()],
        "aliases": [a.name for a in article.aliases.all()],
        HANS: hans,
        HANT: _script_values(article, HANT),
    }
    parts = [f"**{hans['title']}**", hans["lead"]]
    for section in hans["sections"]:
        parts.append(f"{'#' * section['level']} {section['heading']}\n\n{section['body']}".rstrip())
    if hans["references"]:
        parts.append("\n".join(f"[^{r['key']}]: {r['text']}".rstrip() for r in hans["references"]))
    body = "\n\n".join(part.strip() for part in parts if part.strip())
    return f"---\n{json.dumps(meta, ensure_ascii=False, indent=1)}\n---\n{body}\n"



def parse_export(text: str) -> ParsedArticle:
    """Read a file written by ``export_wiki``: exact stored values of both scripts."""
    _, front, body = text.split("---\n", 2)
    meta = json.loads(front)
    if meta.get("format") != EXPORT_FORMAT:
        raise ImportFailure(f"unknown export format {meta.get('format')!r}")
    hans = meta[HANS]
    hant = meta[HANT]
    return ParsedArticle(
        title=hans["title"],
        title_hant=hant["title"],
        lead=hans["lead"],
        lead_hant=hant["lead"],
        references_heading=hans.get("references_heading", ""),
        references_heading_hant=hant.get("references_heading", ""),
        aliases=meta.get("aliases"),
        slugs=(hans["slug"], hant["slug"]),
        sections=[
            ParsedSection(level=s["level"], heading=s["heading"], body=s["body"],
                          heading_hant=h["heading"], body_hant=h["body"])
            for s, h in zip(hans["sections"], hant["sections"], strict=True)
        ],
        references=[
            ParsedReference(key=r["key"], text=r["text"], url=r.get("url", ""), text_hant=h["text"])
            for r, h in zip(hans["references"], hant["references"], strict=True)
        ],
        categories=meta["categories"],
        glossary=[tuple(pair) for pair in meta.get("glossary", [])],
        tags=meta.get("tags", []),
        status=meta.get("status"),
        published_at=meta.get("published_at"),
    )

