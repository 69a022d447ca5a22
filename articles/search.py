"""Search that ignores the script: 苏联 finds 蘇聯 and the other way round.

Every article keeps three derived columns, rebuilt whenever it or one of its sections or
references is saved (signals below; the importer calls :meth:`Article.rebuild_search_document`):

* ``search_title`` and ``search_document``: the plain text of the title and of everything a
  reader can read (title, lead, headings, bodies, reference texts), *normalised* — converted to
  Simplified by OpenCC without any protected span, and case-folded. A query is normalised the same
  way, so the script (or mix of scripts) an article or a query was written in does not matter.
* ``search_tokens``: the document's characters and character bigrams, space-separated.

Why bigrams: Chinese has no spaces, so word-based full-text search (PostgreSQL's parsers) and
trigram indexes both fail the most common queries — pg_trgm cannot serve a ``LIKE '%苏联%'`` of
two characters from its index. Each query term's characters and bigrams must all occur in a
matching document, so on PostgreSQL a GIN index over ``string_to_array(search_tokens, ' ')``
(migration 0005) narrows the candidates with ``@>``, and an exact ``LIKE`` (Django's
``contains``, which escapes ``%`` and ``_``) then confirms each term. SQLite has no such index and
runs the exact filter alone; both give the same results because the token filter only ever keeps
a superset of the exact matches.

Ranking: a title match first, then the number of occurrences of the terms, then recency.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Case, ExpressionWrapper, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Length, Replace
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_safe

from . import conversion
from .conversion import HANS
from .models import Article, current_script, field_name

MAX_QUERY_LENGTH = 100
MAX_TERMS = 8
PAGE_SIZE = 20
SNIPPET_CHARS = 120

_MARKUP = [
    (re.compile(r"\[\[([^\]|]*)\|([^\]]*)\]\]"), r"\2"),  # [[target|label]] → label
    (re.compile(r"\[\[([^\]]*)\]\]"), r"\1"),
    (re.compile(r"\[\^[^\]\s]+\]"), ""),  # citations
    (re.compile(r"-\{(?:[^{}]*?zh-hans:([^;{}]*);?[^{}]*?)\}-"), r"\1"),
    (re.compile(r"-\{([^{}]*)\}-"), r"\1"),
    (re.compile(r"!?\[([^\]]*)\]\([^)]*\)"), r"\1"),  # Markdown links and images → their text
    (re.compile(r"[*_`#>|~]+"), " "),
    (re.compile(r"\s+"), " "),
]


def plain_text(markdown: str) -> str:
    """What a reader sees of a piece of the stored dialect, roughly: markup gone, labels kept."""
    text = markdown or ""
    for pattern, replacement in _MARKUP:
        text = pattern.sub(replacement, text)
    return text.strip()


def normalise(text: str) -> str:
    """Script- and case-neutral form: Simplified (OpenCC, nothing protected), case-folded."""
    return conversion._converter(HANS).convert(text).casefold()


def tokens_of(text: str) -> set[str]:
    """Characters and character bigrams of each run of letters/digits."""
    tokens: set[str] = set()
    for run in re.findall(r"\w+", text):
        run = run.replace("_", "")
        tokens.update(run)
        tokens.update(run[i : i + 2] for i in range(len(run) - 1))
    tokens.discard("")
    return tokens


def document_for(article: Article) -> tuple[str, str, str]:
    """(search_title, search_document, search_tokens) for an article, from both scripts' texts."""
    parts = [article.title_zh_hans, article.title_zh_hant, plain_text(article.lead_zh_hans)]
    for heading, body in article.sections.values_list("heading_zh_hans", "body_zh_hans"):
        parts += [plain_text(heading), plain_text(body)]
    parts += [plain_text(text) for text in article.references.values_list("text_zh_hans", flat=True)]
    document = normalise("\n".join(p for p in parts if p))
    title = normalise(f"{article.title_zh_hans}\n{article.title_zh_hant}")
    return title, document, " ".join(sorted(tokens_of(document)))


def query_terms(query: str) -> list[str]:
    """Normalised terms of a query: white-space separated, NUL and control characters dropped."""
    query = "".join(ch for ch in query[:MAX_QUERY_LENGTH] if ch.isprintable() or ch == " ")
    terms = [t for t in normalise(query).split() if t]
    return list(dict.fromkeys(terms))[:MAX_TERMS]


def filter_articles(queryset: QuerySet[Article], query: str) -> QuerySet[Article]:
    """Articles of ``queryset`` that contain every term of ``query`` (either script), ranked.

    The contract the admin and the public search share: returns an empty queryset for a query
    with no terms; never raises on any input.
    """
    terms = query_terms(query)
    if not terms:
        return queryset.none()
    if connection.vendor == "postgresql":
        tokens = sorted(set().union(*(tokens_of(t) for t in terms)))
        if tokens:
            queryset = queryset.extra(
                where=["string_to_array(articles_article.search_tokens, ' ') @> %s::text[]"], params=[tokens]
            )
    condition = Q()
    title_condition = Q()
    occurrences = Value(0)
    for term in terms:
        condition &= Q(search_document__contains=term)
        title_condition &= Q(search_title__contains=term)
        occurrences = occurrences + (
            Length("search_document") - Length(Replace("search_document", Value(term), Value("")))
        ) / len(term)
    return (
        queryset.filter(condition)
        .annotate(
            title_hit=Case(When(title_condition, then=Value(1)), default=Value(0), output_field=IntegerField()),
            relevance=ExpressionWrapper(occurrences, output_field=IntegerField()),
        )
        .order_by("-title_hit", "-relevance", "-updated_at", "pk")
    )


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
    results = filter_articles(Article.objects.published(), query).defer(
        "search_document", "search_tokens", "search_title"
    ).prefetch_related("sections")
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
