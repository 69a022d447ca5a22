"""An article page's content — title, description and ``<article>`` HTML — from the models.

One function renders it for both uses: live for editors (with their notes and the draft banner),
and once per variant for readers, stored by ``serving/renderings.py`` so that a page-cache miss
neither parses Markdown nor converts script. The reader's rendering depends on nothing of the
request (no user, host or cookie), which is what makes it safe to store and serve to everyone.

Imports point one way: views and ``serving`` import this module; it imports the models and the
renderer only.

The full render (issue 24: ``make bench-write`` renders the demo article with the page cache and
stored renderings off; target ≥ 150 requests/s). Profiled in process with production settings
(pyinstrument for the shares, callgrind's instruction counts for before/after, because the CPU
time of a shared 2-core machine varied by ±20 % from run to run): of 58.5 million instructions per
request, the article and its four prefetched relations took 31 %, ``render_article`` 33 % (the
query for the link targets alone 14 %, Markdown and sanitising ~13 %), this module's template
18 %, the page template, alternates, middleware and the pool's check the rest. The waste removed,
each change leaving every page byte-identical (155 pages, 31 articles × 5 variants, with headers):

- the probe for a scheduled publication among the red links ran although nothing kept the page
  (``expiry``; a query, 2.7 %);
- the categories' ``ORDER BY`` (the page sorts them by pinyin) and the search columns in the
  article's fetch (for a long article about twice its text; nothing for the demo);
- ``reverse()`` at ~220,000 instructions a call, twenty calls a page: categories, the five
  variants' URLs, blue links, the header's and footer's links (``url_memo``; 5.5 %);
- the link targets converted to both scripts on every lookup (``conversion._name_in``);
- ``first()``'s ``ORDER BY`` on a unique slug (``get()``), a ``{% translate %}`` per back-link.

58.5 → 52.3 million instructions per request (−11 %; zh-tw 76.7 → 70.3); 7 → 6 queries
(``tests/test_full_render.py``); ``make bench-write`` back to back at load ~1–2: 98–105 → 118
requests/s (132 before on the quiet machine at the session's start; README, Benchmarks).
What is left is Django's own cost per query (~3.5 million instructions to build, send and read
each of the six) and per template variable; the regional variants add the glossary's four queries.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from . import scripts
from .collation import sort_by_title
from .models import Article, Category, Reference, Section, field_name
from .rendering import render_article
from .search import SEARCH_COLUMNS
from .variants import SCRIPT_OF

#: Characters of the lead kept in ``<meta name="description">``.
DESCRIPTION_LENGTH = 150


@dataclass(frozen=True)
class ArticlePage:
    """What ``articles/article_detail.html`` shows around the site's header and footer."""

    title: str
    description: str
    body: SafeString
    #: When the page would render differently without any edit: the earliest scheduled
    #: publication among the articles its red links name (``None``: not before an edit, or not
    #: asked for: see :func:`render_page`'s ``expiry``).
    valid_until: datetime | None = None


#: Article columns no page shows, left out of its fetch: the search columns (together about twice
#: the article's text) and the importer's bookkeeping.
UNSHOWN_COLUMNS = (*SEARCH_COLUMNS, "import_digest", "unreviewed_characters")


def with_content(articles: QuerySet[Article]) -> QuerySet[Article]:
    """``articles`` with what the page shows prefetched: sections, references, visible categories,
    tags; without :data:`UNSHOWN_COLUMNS`.

    The categories come unordered: the page sorts them by pinyin (``sort_by_title``, whose key
    ends with the name itself), so the model's ``ordering`` by name only cost SQL to build (~0.25
    ms of CPU per render, issue 24) and sorted nothing the page keeps.
    """
    return articles.defer(*UNSHOWN_COLUMNS).prefetch_related(
        Prefetch("sections", queryset=Section.objects.order_by("position", "pk")),
        Prefetch("references", queryset=Reference.objects.order_by("position", "pk")),
        Prefetch("categories", queryset=Category.objects.filter(hidden=False).order_by()),
        "tags",
    )


def render_page(article: Article, variant: str, *, editor: bool = False, shared: dict | None = None,
                expiry: bool = True) -> ArticlePage:
    """Render ``article`` (fetched through :func:`with_content`) in ``variant`` (a script, or a
    regional variant: its script's text with the region's vocabulary, see ``conversion.to_variant``).

    ``editor=True`` adds the editor's notes (red links that open "create this article", missing
    images, unknown citations), the edit link and the draft banner; the reader's page (``False``)
    is the same for every reader. ``shared``: see :func:`articles.rendering.render_article` (the
    variants of one article). ``expiry=False``: leave ``valid_until`` unset (no query for it),
    for a caller that neither stores nor caches the page, so nothing would read it.
    """
    script = SCRIPT_OF[variant]
    with scripts.override_variant(variant):
        rendered = render_article(article, variant, show_editor_notes=editor, shared=shared, create_links=editor)
        body = render_to_string("includes/article_body.html", {
            "article": article,
            "rendered": rendered,
            "can_edit": editor,
            "script_html_lang": scripts.HTML_LANG[variant],
            "categories": sort_by_title(article.categories.all(), "name"),
            "tags": sorted(article.tags.all(), key=lambda t: t.name),
        })
    title = rendered.display_title or getattr(article, field_name("title", script)) or ""
    return ArticlePage(
        title=title,
        description=description_of(rendered.lead_html),
        body=mark_safe(body),  # rendered by the template from sanitised Markdown output
        valid_until=None if editor or not expiry else _next_scheduled(rendered.redlinks),
    )


# What a search result's snippet should not show: citation markers, a figure's caption, a
# formula's TeX annotation (MathML carries it beside the glyphs).
_NOT_PROSE = re.compile(
    r'<sup class="citation[^"]*"[^>]*>.*?</sup>|<figure\b.*?</figure>|<annotation\b.*?</annotation>', re.S)
# Brackets left holding only punctuation or space where templates were not expanded: （，）, ()
_EMPTY_BRACKETS = re.compile(r"[（(【\[][\s，,、；;：:。.·\-－—]*[）)】\]]")
_REPEATED_PUNCTUATION = re.compile(r"([，、；。])[\s，、；]*(?=[，、；。])")


def description_of(lead_html: str) -> str:
    """The ``<meta name="description">`` text of a lead: its prose only — no citation markers
    (``[1]``), captions or TeX — without the empty brackets and doubled commas that unexpanded
    templates leave (``（，）``; issue 22), cut at :data:`DESCRIPTION_LENGTH` characters."""
    text = html.unescape(strip_tags(_NOT_PROSE.sub("", lead_html)))
    text = _EMPTY_BRACKETS.sub("", text)
    text = _REPEATED_PUNCTUATION.sub("", text)
    return Truncator(" ".join(text.split())).chars(DESCRIPTION_LENGTH)


def _next_scheduled(redlinks) -> datetime | None:
    """The earliest future publication among the articles these red links name: at that moment
    the link turns blue without an edit, so a stored page is good until then."""
    if not redlinks:
        return None
    scheduled = Article.objects.filter(status=Article.Status.PUBLISHED, published_at__gt=timezone.now())
    # Most sites have no scheduled article at all: a cheap indexed probe first spares building the
    # name lookup over every red link (~2 ms of CPU per render with a few dozen red links).
    if not scheduled.exists():
        return None
    return min(scheduled.named(set(redlinks)).values_list("published_at", flat=True), default=None)
