"""An article page's content — title, description and ``<article>`` HTML — from the models.

One function renders it for both uses: live for editors (with their notes and the draft banner),
and once per variant for readers, stored by ``serving/renderings.py`` so that a page-cache miss
neither parses Markdown nor converts script. The reader's rendering depends on nothing of the
request (no user, host or cookie), which is what makes it safe to store and serve to everyone.

Imports point one way: views and ``serving`` import this module; it imports the models and the
renderer only.
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
    #: publication among the articles its red links name (``None``: not before an edit).
    valid_until: datetime | None = None


def with_content(articles: QuerySet[Article]) -> QuerySet[Article]:
    """``articles`` with what the page shows prefetched: sections, references, visible categories, tags."""
    return articles.prefetch_related(
        Prefetch("sections", queryset=Section.objects.order_by("position", "pk")),
        Prefetch("references", queryset=Reference.objects.order_by("position", "pk")),
        Prefetch("categories", queryset=Category.objects.filter(hidden=False)),
        "tags",
    )


def render_page(article: Article, variant: str, *, editor: bool = False, shared: dict | None = None) -> ArticlePage:
    """Render ``article`` (fetched through :func:`with_content`) in ``variant`` (a script, or a
    regional variant: its script's text with the region's vocabulary, see ``conversion.to_variant``).

    ``editor=True`` adds the editor's notes (red links that open "create this article", missing
    images, unknown citations), the edit link and the draft banner; the reader's page (``False``)
    is the same for every reader. ``shared``: see :func:`articles.rendering.render_article` (the
    variants of one article).
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
        valid_until=None if editor else _next_scheduled(rendered.redlinks),
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
