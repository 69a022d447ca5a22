"""Search that ignores the script: 苏联 finds 蘇聯 and the other way round.

Every article keeps derived columns, rebuilt whenever it or one of its sections or references is
saved (signals below; the importer calls :meth:`Article.rebuild_search_document`):

* ``search_title``, ``search_lead`` and ``search_document``: the plain text of the title, of the
  lead's opening and of everything a reader can read, *normalised* — converted to Simplified by
  OpenCC with nothing protected, and case-folded. A query is normalised the same way, so the
  script (or mix of scripts) an article or a query was written in does not matter.
* ``search_tokens``: every character, character pair and character triple of the document's runs
  of letters and digits, space-separated.

Why n-grams of characters: Chinese has no spaces, so word-based full-text search finds nothing,
and pg_trgm cannot serve a two-character ``LIKE '%苏联%'`` — the most common query — from its
index (and ignores CJK under some locales). A query term of up to three characters is itself a
token; a longer term matches when all its character triples occur. On PostgreSQL a GIN index
over the token array (migration 0005) answers that with ``@>`` without reading the documents; it
kept p95 well under 50 ms on 10,000 articles of 3,000 characters, where an exact ``LIKE`` over the
documents took 35–80 ms for common terms and ranking by occurrence counts over 300 ms
(``manage.py bench_search``). SQLite, for development, checks the same tokens with ``LIKE`` on
the token column, so both databases return the same articles. Terms with punctuation (``100%``)
are also matched literally against the document.

Ranking is field-weighted, as in most site search: a match in the title first, then a match in
the lead's opening, then the most recently updated.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_safe

from . import conversion
from .conversion import HANS
from .models import Article, current_script, field_name
from .scripts import parse_variants

SEARCH_COLUMNS = ("search_title", "search_lead", "search_document", "search_tokens")
MAX_QUERY_LENGTH = 100
MAX_TERMS = 8
PAGE_SIZE = 20
SNIPPET_CHARS = 120

_MARKUP = [
    (re.compile(r"\[\[([^\]|]*)\|([^\]]*)\]\]"), r"\2"),  # [[target|label]] → label
    (re.compile(r"\[\[([^\]]*)\]\]"), r"\1"),
    (re.compile(r"\[\^[^\]\s]+\]"), ""),  # citations
    (re.compile(r"-\{([^{}]*)\}-"), lambda m: _variant_text(m.group(1))),
    (re.compile(r"!?\[([^\]]*)\]\([^)]*\)"), r"\1"),  # Markdown links and images → their text
    (re.compile(r"[*_`#>|~]+"), " "),
    (re.compile(r"\s+"), " "),
]


def _variant_text(content: str) -> str:
    """``-{zh-hans:X;zh-hant:Y}-`` → X (search columns are Simplified); ``-{X}-`` → X."""
    variants = parse_variants(content)
    return (variants.get(HANS) or next(iter(variants.values()))) if variants else content


def plain_text(markdown: str) -> str:
    """What a reader sees of a piece of the stored dialect, roughly: markup gone, labels kept."""
    text = markdown or ""
    for pattern, replacement in _MARKUP:
        text = pattern.sub(replacement, text)
    return text.strip()


def normalise(text: str) -> str:
    """Script- and case-neutral form: Simplified (OpenCC, nothing protected), case-folded."""
    return conversion._converter(HANS).convert(text).casefold()


LEAD_CHARS = 300


def _runs(text: str) -> list[str]:
    return [run for run in re.split(r"[\W_]+", text) if run]


def tokens_of(text: str) -> set[str]:
    """Characters, character pairs and character triples of each run of letters and digits."""
    tokens: set[str] = set()
    for run in _runs(text):
        for size in (1, 2, 3):
            tokens.update(run[i : i + size] for i in range(len(run) - size + 1))
    return tokens


def term_tokens(term: str) -> set[str]:
    """The tokens a document must have to contain ``term``: runs of ≤ 3 characters are tokens
    themselves; a longer run needs all its character triples."""
    tokens: set[str] = set()
    for run in _runs(term):
        if len(run) <= 3:
            tokens.add(run)
        else:
            tokens.update(run[i : i + 3] for i in range(len(run) - 2))
    return tokens


def search_columns(title_hans: str, title_hant: str, texts: list[str]) -> dict[str, str]:
    """The search columns from the titles and the Markdown texts (lead first)."""
    plain = [plain_text(text) for text in texts]
    document = normalise("\n".join(p for p in [title_hans, title_hant, *plain] if p))
    return {
        "search_title": normalise(f"{title_hans}\n{title_hant}"),
        "search_lead": normalise(plain[0][:LEAD_CHARS]) if plain else "",
        "search_document": document,
        # Padded with spaces so that SQLite can match a whole token with LIKE '% token %'.
        "search_tokens": " " + " ".join(sorted(tokens_of(document))) + " ",
    }


def document_for(article: Article) -> dict[str, str]:
    """The search columns of a saved article: lead, headings, bodies and references (Simplified)."""
    texts = [article.lead_zh_hans]
    for heading, body in article.sections.values_list("heading_zh_hans", "body_zh_hans"):
        texts += [heading, body]
    texts += list(article.references.values_list("text_zh_hans", flat=True))
    return search_columns(article.title_zh_hans, article.title_zh_hant, texts)


def query_terms(query: str) -> list[str]:
    """Normalised terms of a query: white-space separated, NUL and control characters dropped."""
    query = "".join(ch for ch in query[:MAX_QUERY_LENGTH] if ch.isprintable() or ch == " ")
    terms = [t for t in normalise(query).split() if t]
    return list(dict.fromkeys(terms))[:MAX_TERMS]


def filter_articles(queryset: QuerySet[Article], query: str) -> QuerySet[Article]:
    """Articles of ``queryset`` that contain every term of ``query`` (either script), ranked.

    The contract the admin and the public search share: an empty queryset for a query with no
    terms; never raises on any input.
    """
    terms = query_terms(query)
    if not terms:
        return queryset.none()
    tokens = sorted(set().union(*(term_tokens(t) for t in terms)))
    if tokens and connection.vendor == "postgresql":
        queryset = queryset.extra(
            where=["article_search_tokens(articles_article.search_tokens) @> %s::text[]"], params=[tokens]
        )
    elif tokens:
        for token in tokens:
            queryset = queryset.filter(search_tokens__contains=f" {token} ")
    for term in terms:
        if not term.isalnum():  # punctuation is not tokenised: match such a term literally
            queryset = queryset.filter(search_document__contains=term)
    in_title, in_lead = Q(), Q()
    for term in terms:
        in_title &= Q(search_title__contains=term)
        in_lead &= Q(search_lead__contains=term)
    return queryset.annotate(
        relevance=Case(
            When(in_title, then=Value(2)), When(in_lead, then=Value(1)), default=Value(0),
            output_field=IntegerField(),
        )
    ).order_by("-relevance", "-updated_at", "pk")


def highlight(text: str, terms: list[str], width: int = SNIPPET_CHARS) -> SafeString:
    """An escaped snippet of ``text`` around the first match, matches wrapped in ``<mark>``.

    Positions are found in the normalised text; OpenCC keeps one character per character for
    the characters that matter here, and when it does not we fall back to the text's start.
    """
    normalised = normalise(text)
    aligned = len(normalised) == len(text)
    spans: list[tuple[int, int]] = []
    if aligned:
        for term in terms:
            spans += [(m.start(), m.end()) for m in re.finditer(re.escape(term), normalised)]
    spans.sort()
    start = max(spans[0][0] - width // 3, 0) if spans else 0
    end = min(start + width, len(text))
    out, pos = [], start
    for s, e in spans:
        if e <= pos or s >= end:
            continue
        s = max(s, pos)
        out.append(escape(text[pos:s]))
        out.append(f"<mark>{escape(text[s:min(e, end)])}</mark>")
        pos = min(e, end)
    out.append(escape(text[pos:end]))
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return mark_safe(prefix + "".join(out) + suffix)


@dataclass
class SearchHit:
    article: Article
    title: SafeString
    snippet: SafeString


def _snippet_source(article: Article, script: str, terms: list[str]) -> str:
    """The reader-script text where a term occurs first: lead, then sections, else the lead."""
    candidates = [plain_text(getattr(article, field_name("lead", script)) or "")]
    candidates += [plain_text(getattr(s, field_name("body", script)) or "") for s in article.sections.all()]
    for text in candidates:
        normalised = normalise(text)
        if any(term in normalised for term in terms):
            return text
    return candidates[0]


@require_safe
def search_view(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:MAX_QUERY_LENGTH * 10].strip()
    terms = query_terms(query)
    script = current_script()
    results = filter_articles(Article.objects.published(), query).defer(*SEARCH_COLUMNS).prefetch_related("sections")
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    hits = [
        SearchHit(
            article=article,
            title=highlight(getattr(article, field_name("title", script)) or "", terms, width=200),
            snippet=highlight(_snippet_source(article, script, terms), terms),
        )
        for article in page.object_list
    ]
    return render(request, "articles/search.html", {
        "query": query[:MAX_QUERY_LENGTH], "terms": terms, "page": page, "hits": hits,
        "too_long": len(query) > MAX_QUERY_LENGTH,
    })


# --- keeping the search columns current -------------------------------------------------------


def _rebuild_for_part(sender, instance, **kwargs) -> None:
    if kwargs.get("raw"):
        return
    article = Article.objects.filter(pk=instance.article_id).first()
    if article is not None:
        article.rebuild_search_document()


def _rebuild_for_article(sender, instance: Article, **kwargs) -> None:
    if not kwargs.get("raw"):
        instance.rebuild_search_document()


def connect_signals() -> None:
    from django.db.models.signals import post_delete, post_save

    from .models import Reference, Section

    post_save.connect(_rebuild_for_article, sender=Article, dispatch_uid="search-article")
    for model in (Section, Reference):
        post_save.connect(_rebuild_for_part, sender=model, dispatch_uid=f"search-save-{model.__name__}")
        post_delete.connect(_rebuild_for_part, sender=model, dispatch_uid=f"search-delete-{model.__name__}")
