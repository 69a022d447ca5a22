"""What a reader hands to :mod:`saving`: a parsed article, plain data, both import formats alike."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..models import MAX_TEXT_CHARS


class ImportFailure(Exception):
    """A file that cannot be imported; the message says why, for the editor."""


@dataclass
class ParsedSection:
    level: int
    heading: str
    body: str
    heading_hant: str | None = None  # from an export: the stored Traditional text
    body_hant: str | None = None


@dataclass
class ParsedReference:
    key: str
    text: str
    url: str = ""
    text_hant: str | None = None


@dataclass
class ParsedArticle:
    title: str
    lead: str
    aliases: list[str] | None = None  # other names (the bold lead terms); None: keep the article's
    references_heading: str = ""  # the source's heading of the footnotes list (注释, 参考资料…)
    references_heading_hant: str | None = None
    sections: list[ParsedSection] = field(default_factory=list)
    references: list[ParsedReference] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    glossary: list[tuple[str, str]] = field(default_factory=list)
    tags: list[str] | None = None  # None: the source says nothing about tags (keep the article's)
    # Only set for exports: exact stored values, so that a round trip changes nothing.
    status: str | None = None
    published_at: str | None = None
    title_hant: str | None = None
    lead_hant: str | None = None
    slugs: tuple[str, str] | None = None


def check_sizes(parsed: ParsedArticle) -> None:
    """The models' limits, checked before anything is saved (bulk_create skips validation)."""
    texts = [("lead", parsed.lead)] + [(f"section {s.heading!r}", s.body) for s in parsed.sections]
    texts += [(f"reference {r.key}", r.text) for r in parsed.references]
    for where, text in texts:
        if len(text) > MAX_TEXT_CHARS:
            raise ImportFailure(f"{where} has {len(text):,} characters; the limit is {MAX_TEXT_CHARS:,} — split it")
