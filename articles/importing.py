"""Import wiki articles exported to Markdown by pandoc (the seed's format) into the content model.

The parser is a set of small plain functions from text to a :class:`ParsedArticle`; only
:func:`save_article` touches the database (one transaction per article). The same module reads the
files written by ``export_wiki`` (see ``exporting.py``), recognised by their front matter, so that
content can be backed up and round-tripped.

Pandoc-wiki specifics handled here (DESIGN.md, "Import format"):

* the title is the first non-empty bold term of the lead, else the file name;
* ``[label](https://zh.wikipedia.org/wiki/X "wikilink")`` and ``[label](../Page/X.md "wikilink")``
  become ``[[X|label]]`` — with pandoc's escapes (``\\(``), ``_`` for space and percent-encoding
  undone — and a label that merely starts with the target (pandoc glued the next characters into
  it) becomes ``[[X]]rest``;
* ``\\[n\\]`` becomes the citation ``[^n]``; the numbered list at the end of the file (and any list
  under a heading such as 参考文献) becomes the references, empty items kept so numbers stay right;
* ``[Category:X](…)`` links become categories; ``-{H|zh-hans:X;zh-hant:Y}-`` rules become the
  article's glossary terms; stray HTML is dropped (``<script>``/``<style>`` with their content).

Markdown headings are found with markdown-it-py's parser (the renderer's own), so a ``##`` inside
a code block is never taken for a heading.
"""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

import reversion
from django.db import transaction
from django.db.models import Q
from django.utils.dateparse import parse_datetime
from markdown_it import MarkdownIt

from . import conversion
from .models import MAX_TEXT_CHARS, Article, Category, GlossaryTerm, Reference, Section

EXPORT_FORMAT = "treatysite-export/1"

# Headings whose content is the reference list, not a section (both scripts; compared simplified).
REFERENCE_HEADINGS = frozenset(
    conversion.to_simplified(h)
    for h in (
        "参考文献", "参考资料", "参考", "参考来源", "参考书目", "资料来源", "来源", "引用", "引用文献",
        "注释", "注解", "注释与参考文献", "脚注", "附注", "备注", "注", "出处", "文献",
    )
)


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


_md = MarkdownIt("commonmark").enable("table")

# The destination may hold balanced parentheses: ../Page/河北省_(中華民國).md
_WIKILINK = re.compile(
    r'\[((?:[^\[\]\\]|\\.)*)\]\(\s*<?((?:[^\s()<>]|\([^\s()]*\))+)>?\s+"(wikilink|fig:[^"]*)"\s*\)', re.S
)
_CATEGORY = re.compile(r'\[Category:((?:[^\[\]\\]|\\.)+?)\]\((?:[^)\\]|\\.)*?"wikilink"\)', re.S)
_CONVERSION_RULE = re.compile(r"\\?-\{\s*[HA]\s*\|(.*?)\}-", re.S)
_VARIANTS = re.compile(r"-\{((?:\s*zh-[a-zA-Z]+\s*:[^;{}]*;?)+)\}-")
_FOOTNOTE = re.compile(r"\\\[(\d+)\\\]")
_HTML_BLOCK = re.compile(r"<(script|style|iframe|object|embed|noscript|template)\b.*?(?:</\1\s*>|\Z)", re.S | re.I)
_HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s+[^<>]*?)?/?>|<!--.*?(?:-->|\Z)", re.S)
_LIST_ITEM = re.compile(r"^(\d+)\.(?:\s+(.*))?$")
_BULLET_ITEM = re.compile(r"^\s{0,3}[-*+]\s+(.*)$")
_BOLD = re.compile(r"\*\*(.+?)\*\*", re.S)
_WIKI_URL = re.compile(r"^(?:https?://zh\.wikipedia\.org/wiki/|(?:\.\./)?Page/)(.+?)(?:\.md)?$")
_HANS_VARIANTS = ("zh-hans", "zh-cn", "zh-sg", "zh-my", "zh")
_HANT_VARIANTS = ("zh-hant", "zh-tw", "zh-hk", "zh-mo")


# ---------------------------------------------------------------------------------------------
# Inline text


def unescape_pandoc(text: str) -> str:
    """Undo pandoc escapes that are not Markdown markup here; keep the ones CommonMark needs."""
    text = re.sub(r"\\([()\"'~^$%&@=:;,.!?/{}-])", r"\1", text)
    # An underscore inside a word is never emphasis in CommonMark.
    return re.sub(r"(?<=\w)\\_(?=\w)", "_", text)


def wiki_target(url: str) -> str | None:
    """The page title a wiki URL points to (``…/wiki/陸軍_\\(日本\\)`` → ``陸軍 (日本)``), or None."""
    match = _WIKI_URL.match(url.strip())
    if not match:
        return None
    title = unquote(unescape_pandoc(match.group(1)).replace("\\", ""))
    title = title.split("#", 1)[0].replace("_", " ").strip()
    return title or None


def _clean_label(label: str) -> str:
    return re.sub(r"\s*\n\s*", " ", label).strip()


def _wikilink(target: str, label: str) -> str:
    """``[[target]]`` or ``[[target|label]]``; a label that starts with the target keeps the rest as text."""
    if not label or label == target:
        return f"[[{target}]]"
    head = label[: len(target)]
    if conversion.to_simplified(head) == conversion.to_simplified(target):
        link = f"[[{target}]]" if head == target else f"[[{target}|{head}]]"
        return link + label[len(target):]
    return f"[[{target}|{label}]]"


def convert_links(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        label, url, kind = _clean_label(match.group(1)), match.group(2), match.group(3)
        target = wiki_target(url)
        if kind.startswith("fig:") or (target and re.match(r"(?i)(file|image|文件|档案|檔案|图像|圖像):", target)):
            return ""  # a wiki image placeholder: the file itself was not exported
        if target is None:
            return f"[{label}]({url})"
        if ":" in target and target.split(":", 1)[0] in {"Template", "Wikipedia", "Help", "Portal", "Special"}:
            return label
        return _wikilink(target, unescape_pandoc(label))

    return _WIKILINK.sub(replace, text)


def normalise_variants(text: str) -> str:
    """``-{zh-cn:X;zh-tw:Y;}-`` → ``-{zh-hans:X;zh-hant:Y}-`` (the two variants the site has)."""

    def replace(match: re.Match[str]) -> str:
        variants = dict(
            (name.strip().lower(), value.strip())
            for name, _, value in (part.partition(":") for part in match.group(1).split(";") if ":" in part)
        )
        hans = next((variants[v] for v in _HANS_VARIANTS if v in variants), None)
        hant = next((variants[v] for v in _HANT_VARIANTS if v in variants), None)
        hans, hant = hans or hant or "", hant or hans or ""
        return f"-{{{hans}}}-" if hans == hant else f"-{{zh-hans:{hans};zh-hant:{hant}}}-"

    return _VARIANTS.sub(replace, text)


_TEMPLATE = re.compile(r"\{\{[^{}]*\}\}")


def strip_html(text: str) -> str:
    """Drop raw HTML (keeping the text between tags), executable blocks with their content, and
    unexpanded wiki templates such as ``{{-}}``, which pandoc could not render either."""
    return _TEMPLATE.sub("", _HTML_TAG.sub("", _HTML_BLOCK.sub("", text)))


_EMPTY_BOLD = re.compile(r"(?<!\*)\*{4}(?!\*)")


def convert_inline(text: str) -> str:
    """Pandoc-wiki Markdown → the stored dialect, for any piece of text."""
    text = _EMPTY_BOLD.sub("", strip_html(text))
    text = convert_links(text)
    text = _FOOTNOTE.sub(r"[^\1]", text)
    text = normalise_variants(text)
    return unescape_pandoc(text).strip()


def clean_title(raw: str) -> str:
    """A plain-text title: markup, escapes and ``-{}-`` wrappers removed, white space folded."""
    title = re.sub(r"-\{(.*?)\}-", r"\1", raw.replace("\\-{", "-{"))
    title = re.sub(r"\\(.)", r"\1", title).replace("`", "").replace("*", "")
    title = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", title)
    return re.sub(r"\s+", " ", title).strip()


# ---------------------------------------------------------------------------------------------
# Blocks


def _split_by_headings(text: str) -> tuple[str, list[tuple[int, str, str]]]:
    """The text before the first heading, and (level, heading, body) for each heading."""
    lines = text.split("\n")
    headings = [
        (token.map[0], token.map[1], int(token.tag[1]), tokens[i + 1].content)
        for tokens in [_md.parse(text)]
        for i, token in enumerate(tokens)
        # Top-level ATX headings only: pandoc writes no setext headings, and a bold line followed
        # by "-" inside a list item would otherwise read as one.
        if token.type == "heading_open" and token.map and token.level == 0 and token.markup.startswith("#")
    ]
    if not headings:
        return text, []
    lead = "\n".join(lines[: headings[0][0]])
    parts = []
    for index, (start, end, level, heading) in enumerate(headings):
        stop = headings[index + 1][0] if index + 1 < len(headings) else len(lines)
        parts.append((level, heading, "\n".join(lines[end:stop])))
    return lead, parts


def _trailing_numbered_list(text: str) -> tuple[str, list[tuple[str, str]]]:
    """Split off the numbered list that ends the file (pandoc's rendering of <references/>).

    Walking back from the end over items, blank lines and indented continuations, the list
    starts at the item numbered 1; anything else ends the walk and means there is no such list.
    """
    lines = text.rstrip().split("\n")
    for index in range(len(lines) - 1, -1, -1):
        line = lines[index]
        item = _LIST_ITEM.match(line)
        if item and item.group(1) == "1":
            return "\n".join(lines[:index]), _list_items(lines[index:])
        if not item and line.strip() and not line.startswith("  "):
            break
    return text, []


def _list_items(lines: list[str]) -> list[tuple[str, str]]:
    """Numbered (``3. text``) and bulleted items with their continuation lines, in order."""
    items: list[list[str]] = []
    keys: list[str | None] = []
    for line in lines:
        numbered, bullet = _LIST_ITEM.match(line), _BULLET_ITEM.match(line)
        if numbered:
            keys.append(numbered.group(1))
            items.append([numbered.group(2) or ""])
        elif bullet:
            keys.append(None)
            items.append([bullet.group(1)])
        elif line.strip():
            if not items:  # text that is not a list item: keep it as an item of its own
                keys.append(None)
                items.append([])
            items[-1].append(line.strip())
    return [(key or "", " ".join(part for part in parts if part)) for key, parts in zip(keys, items)]


def _without_wikitables(text: str) -> str:
    """Drop paragraphs of wikitable residue (navigation boxes pandoc left as ``|- |colspan…``)."""
    paragraphs = re.split(r"\n\s*\n", text)
    return "\n\n".join(p for p in paragraphs if not re.search(r"(^|\s)(\{\||\|-|\|\})", p))


def _number_references(footnotes: list[tuple[str, str]], others: list[str]) -> list[ParsedReference]:
    """Footnotes keep their number (the ``[^n]`` citations point at it); other reference items
    (a bibliography under 参考文献, bulleted or numbered) are numbered on after the highest."""
    references: list[ParsedReference] = []
    used: set[str] = set()
    for key, text in footnotes:
        if key not in used:
            used.add(key)
            references.append(ParsedReference(key=key, text=convert_inline(text)))
    highest = max((int(k) for k in used), default=0)
    for text in others:
        highest += 1
        references.append(ParsedReference(key=str(highest), text=convert_inline(text)))
    return references


def parse_wiki_markdown(text: str, fallback_title: str) -> ParsedArticle:
    """Parse one pandoc-exported wiki article (see the module docstring)."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff"))

    glossary: list[tuple[str, str]] = []
    for rule in _CONVERSION_RULE.findall(text):
        variants = dict(part.split(":", 1) for part in rule.split(";") if ":" in part)
        variants = {k.strip().lower(): v.strip() for k, v in variants.items()}
        hans = next((variants[v] for v in _HANS_VARIANTS if v in variants), "")
        hant = next((variants[v] for v in _HANT_VARIANTS if v in variants), "")
        if hans and hant:
            glossary.append((hans, hant))
    text = _CONVERSION_RULE.sub("", text)

    categories: list[str] = []
    for name in _CATEGORY.findall(text):
        name = re.sub(r"\s+", " ", unescape_pandoc(name).replace("\\", "").replace("_", " ")).strip()
        if name and name not in categories:
            categories.append(name)
    text = _CATEGORY.sub("", text)

    has_citations = bool(_FOOTNOTE.search(text))
    lead, parts = _split_by_headings(text)
    is_reference_heading = [conversion.to_simplified(clean_title(h)) in REFERENCE_HEADINGS for _, h, _ in parts]

    footnotes: list[tuple[str, str]] = []
    others: list[str] = []
    if has_citations or any(is_reference_heading):
        # The trailing numbered list belongs to whatever block ends the file.
        if parts:
            level, heading, body = parts[-1]
            body, footnotes = _trailing_numbered_list(body)
            parts[-1] = (level, heading, body)
        else:
            lead, footnotes = _trailing_numbered_list(lead)

    sections: list[ParsedSection] = []
    for (level, heading, body), is_reference in zip(parts, is_reference_heading):
        if is_reference:
            others.extend(text for _, text in _list_items(_without_wikitables(strip_html(body)).split("\n")))
            continue
        sections.append(ParsedSection(level=min(max(level, 2), 4), heading=clean_title(convert_inline(heading)),
                                      body=convert_inline(body)))

    title = ""
    for bold in _BOLD.findall(_EMPTY_BOLD.sub("", lead)):
        title = clean_title(bold)
        if title:
            break
    return ParsedArticle(
        title=(title or clean_title(fallback_title))[:200],
        lead=convert_inline(lead),
        sections=sections,
        references=_number_references(footnotes, others),
        categories=categories,
        glossary=glossary,
    )


# ---------------------------------------------------------------------------------------------
# Exports (front matter + the stored dialect), see exporting.py


def parse_export(text: str) -> ParsedArticle:
    """Read a file written by ``export_wiki``: exact stored values of both scripts."""
    _, front, body = text.split("---\n", 2)
    meta = json.loads(front)
    if meta.get("format") != EXPORT_FORMAT:
        raise ImportFailure(f"unknown export format {meta.get('format')!r}")
    hans = meta["zh-hans"]
    hant = meta["zh-hant"]
    return ParsedArticle(
        title=hans["title"],
        title_hant=hant["title"],
        lead=hans["lead"],
        lead_hant=hant["lead"],
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


def read_article_file(path: Path) -> ParsedArticle:
    """Read and parse one file; :class:`ImportFailure` says what is wrong with it."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ImportFailure(f"cannot read: {error.strerror or error}") from error
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ImportFailure(f"not UTF-8 text (byte {error.start}: {raw[error.start:error.start + 1]!r})") from error
    if "\x00" in text:
        raise ImportFailure("binary file (contains NUL bytes)")
    if not text.strip():
        raise ImportFailure("empty file")
    if text.startswith("---\n") and f'"format": "{EXPORT_FORMAT}"' in text.split("---\n", 2)[1]:
        try:
            parsed = parse_export(text)
            check_sizes(parsed)
            return parsed
        except (ValueError, KeyError, TypeError) as error:
            raise ImportFailure(f"broken export front matter: {error}") from error
    parsed = parse_wiki_markdown(text, fallback_title=path.stem)
    if not parsed.title:
        raise ImportFailure("no title: no bold lead term and no usable file name")
    check_sizes(parsed)
    return parsed


def check_sizes(parsed: ParsedArticle) -> None:
    """The models' limits, checked before anything is saved (bulk_create skips validation)."""
    texts = [("lead", parsed.lead)] + [(f"section {s.heading!r}", s.body) for s in parsed.sections]
    texts += [(f"reference {r.key}", r.text) for r in parsed.references]
    for where, text in texts:
        if len(text) > MAX_TEXT_CHARS:
            raise ImportFailure(f"{where} has {len(text):,} characters; the limit is {MAX_TEXT_CHARS:,} — split it")


# ---------------------------------------------------------------------------------------------
# Database


@dataclass
class ImportResult:
    article: Article
    created: bool
    sections: int
    references: int
    categories: int


def _both(text: str, hant: str | None, glossary: conversion.Glossary) -> tuple[str, str]:
    """Both scripts of one value: exact ones from an export, else converted from the mixed text."""
    if hant is not None:
        return text, hant
    return conversion.to_simplified(text, glossary), conversion.to_traditional(text, glossary)


def find_existing(title: str) -> Article | None:
    """The article with this title in either script (re-imports update, never duplicate)."""
    hans, hant = conversion.to_simplified(title), conversion.to_traditional(title)
    query = Q(title_zh_hans__in={title, hans}) | Q(title_zh_hant__in={title, hant})
    return Article.objects.filter(query).order_by("pk").first()


def _categories(names: list[str]) -> list[Category]:
    """Categories by name in either script, created when missing (both scripts filled on save)."""
    if not names:
        return []
    wanted = [(conversion.to_simplified(n), conversion.to_traditional(n)) for n in names]
    existing = Category.objects.filter(
        Q(name_zh_hans__in=[h for h, _ in wanted]) | Q(name_zh_hant__in=[t for _, t in wanted])
    )
    by_name = {}
    for category in existing:
        by_name[category.name_zh_hans] = by_name[category.name_zh_hant] = category
    result = []
    for hans, hant in wanted:
        category = by_name.get(hans) or by_name.get(hant)
        if category is None:
            category = Category(name_zh_hans=hans, name_zh_hant=hant)
            category.save()
            by_name[hans] = by_name[hant] = category
        if category not in result:
            result.append(category)
    return result


def save_article(parsed: ParsedArticle, status: str | None = None) -> ImportResult:
    """Create or update the article and replace its sections, references and categories.

    Runs in one transaction: an error leaves the database as it was for this article.
    """
    with transaction.atomic():
        article = find_existing(parsed.title)
        created = article is None
        if created:
            article = Article()
        glossary = conversion.Glossary(tuple(GlossaryTerm.glossary_for(article.pk).pairs) + tuple(parsed.glossary))

        article.title_zh_hans, article.title_zh_hant = _both(parsed.title, parsed.title_hant, glossary)
        article.lead_zh_hans, article.lead_zh_hant = _both(parsed.lead, parsed.lead_hant, glossary)
        if parsed.slugs:
            article.slug_zh_hans, article.slug_zh_hant = parsed.slugs
        wanted_status = parsed.status or status
        if wanted_status == Article.Status.PUBLISHED:
            if parsed.published_at:
                article.published_at = parse_datetime(parsed.published_at)
            article.publish()
        elif wanted_status == Article.Status.DRAFT:
            if parsed.published_at:
                article.published_at = parse_datetime(parsed.published_at)
            article.unpublish()
        article.save()

        for hans, hant in parsed.glossary:
            GlossaryTerm.objects.update_or_create(article=article, hans=hans, defaults={"hant": hant})

        article.sections.all().delete()
        sections = []
        for position, section in enumerate(parsed.sections, start=1):
            heading = _both(section.heading, section.heading_hant, glossary)
            body = _both(section.body, section.body_hant, glossary)
            sections.append(Section(
                article=article, position=position, level=section.level,
                heading_zh_hans=heading[0][:300] or "—", heading_zh_hant=heading[1][:300] or "—",
                body_zh_hans=body[0], body_zh_hant=body[1],
            ))
        Section.objects.bulk_create(sections)

        article.references.all().delete()
        references = []
        for position, reference in enumerate(parsed.references, start=1):
            text = _both(reference.text, reference.text_hant, glossary)
            references.append(Reference(
                article=article, position=position, key=reference.key[:50], url=reference.url,
                text_zh_hans=text[0], text_zh_hant=text[1],
            ))
        Reference.objects.bulk_create(references)

        categories = _categories(parsed.categories)
        article.categories.set(categories)
        if parsed.tags is not None:
            article.tags.set(parsed.tags)
        # bulk_create skips save() and its signals: rebuild the search columns once, here, and
        # (inside a revision) record the article again now that its parts exist.
        article.rebuild_search_document()
        if reversion.is_active():
            reversion.add_to_revision(article)
        return ImportResult(article, created, len(sections), len(references), len(categories))
