"""Search that ignores the script: 苏联 finds 蘇聯 and the other way round.

A pure module (text in, text out; no models): every article keeps derived columns, rebuilt
whenever it or one of its sections or references is saved (:meth:`Article.rebuild_search_document`
calls :func:`search_columns`), and :meth:`ArticleQuerySet.search` filters and ranks with
:func:`query_terms` and :func:`term_tokens`. The search page is ``views.search``.

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
the lead's opening, then the most recently updated (``ArticleQuerySet.search``).
"""
from __future__ import annotations

import re
from itertools import chain
from operator import add

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from . import conversion
from .conversion import HANS
from .scripts import parse_variants
from .html_tables import STORED_TAG
from .text_memo import TextMemo

SEARCH_COLUMNS = ("search_title", "search_lead", "search_document", "search_tokens")
MAX_QUERY_LENGTH = 100
MAX_TERMS = 8
SNIPPET_CHARS = 120

_MARKUP = [
    (STORED_TAG, " "),  # the structure tags of a raw-HTML table (articles/html_tables.py)
    # No class includes "[": a run of openers ("[[" ×20,000) costs linear time (issue 17).
    (re.compile(r"\[\[([^\[\]|]*)\|([^\[\]]*)\]\]"), r"\2"),  # [[target|label]] → label
    (re.compile(r"\[\[([^\[\]]*)\]\]"), r"\1"),
    (re.compile(r"\[\^[^\[\]\s]+\]"), ""),  # citations
    (re.compile(r"-\{([^{}]*)\}-"), lambda m: _variant_text(m.group(1))),
    (re.compile(r"!?\[([^\[\]]*)\]\([^()]*\)"), r"\1"),  # Markdown links and images → their text
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
    return conversion.fold_to_simplified(text).casefold()


LEAD_CHARS = 300


_NOT_A_LETTER = re.compile(r"[\W_]+")


def _runs(text: str) -> list[str]:
    return [run for run in _NOT_A_LETTER.split(text) if run]


def tokens_of(text: str) -> set[str]:
    """Characters, character pairs and character triples of each run of letters and digits.

    Pairs and triples are made by ``map(operator.add, …)`` over shifted copies of the run, in C:
    a slice per position in a generator took 3.3 ms for 20,000 characters, this 1 ms (issue 24)."""
    tokens: set[str] = set()
    for run in _runs(text):
        tokens.update(run)
        pairs = list(map(add, run, run[1:]))
        tokens.update(pairs)
        tokens.update(map(add, pairs, run[2:]))
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


def _part(text: str) -> tuple[str, str, str]:
    """One Markdown text's share of the columns: the opening of its plain text (for the lead),
    its normalised plain text and that text's tokens, space-separated (a compact form to keep)."""
    plain = plain_text(text)
    normalised = normalise(plain) if plain else ""
    return plain[:LEAD_CHARS], normalised, " ".join(sorted(tokens_of(normalised)))


# Bounded by the characters of the texts seen (~21 bytes kept per character): a few articles.
_parts = TextMemo(_part, max_chars=2_000_000)


def search_columns(title_hans: str, title_hant: str, texts: list[str]) -> dict[str, str]:
    """The search columns from the titles and the Markdown texts (lead first).

    Computed part by part, each part's share memoised (``text_memo``), because a section save
    rebuilds the columns of the whole article: the document is the parts' normalised texts joined
    by newlines — normalising never joins across a newline (OpenCC's phrases hold none, case
    folding is per character) and a token never spans one, so this is the same as normalising
    and tokenising the joined text (``tests/test_search.py`` checks it on the corpus)."""
    parts = [_parts((text,)) for text in texts]
    titles = [normalise(title) for title in (title_hans, title_hant) if title]
    normalised = [*titles, *(part[1] for part in parts if part[1])]
    # Each token once, in a fixed order: the titles' sorted, then each part's (sorted once, when
    # memoised). Sorting the whole set again on every save cost 5.5 of 11.7 ms per rebuild of a
    # real 100,000-character article (24,000 tokens), five times per five-section save.
    ordered = dict.fromkeys(chain(sorted(set().union(*map(tokens_of, titles))), *(part[2].split() for part in parts)))
    return {
        "search_title": normalise(f"{title_hans}\n{title_hant}"),
        "search_lead": normalise(parts[0][0]) if parts else "",
        "search_document": "\n".join(normalised),
        # Padded with spaces so that SQLite can match a whole token with LIKE '% token %'.
        "search_tokens": " " + " ".join(ordered) + " ",
    }


def query_terms(query: str) -> list[str]:
    """Normalised terms of a query: white-space separated, NUL and control characters dropped."""
    query = "".join(ch for ch in query[:MAX_QUERY_LENGTH] if ch.isprintable() or ch == " ")
    terms = [t for t in normalise(query).split() if t]
    return list(dict.fromkeys(terms))[:MAX_TERMS]


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
