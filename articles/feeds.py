"""``/<variant>/feed/``: an Atom feed of recently published articles in the reader's variant
(``/zh-tw/feed/`` reads Taiwan's vocabulary in the summaries).

The feed is cached like an article page (``serving/middleware.py``; ``serving/invalidation.py``
invalidates it on every edit of a published article or of an article's visibility, and at the
next scheduled publication), and an entry renders a bounded summary: the lead's opening, at most
``SUMMARY_SOURCE_CHARS`` characters of Markdown, cut to ``SUMMARY_LENGTH`` characters of text
(30 full leads took 2.5 s to render on heavy articles, for every reader; issue 26). Links use
``SITE_URL`` (``site_address.py``), never the request's Host.
"""
from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from . import site_address
from .glossaries import site_terms, terms_for_article
from .models import Article, field_name
from .variants import REGIONAL
from .scripts import HTML_LANG, current_script, current_variant
from .rendering import RenderContext, render_markdown, source_in, source_script
from .text import without_control_characters

FEED_LENGTH = 30
SUMMARY_LENGTH = 300
# Markdown rendered per entry: enough for SUMMARY_LENGTH characters of text after the markup goes.
SUMMARY_SOURCE_CHARS = 4 * SUMMARY_LENGTH


def summary_source(lead: str) -> str:
    """The lead's first paragraph, at most SUMMARY_SOURCE_CHARS characters of it."""
    opening = lead.lstrip()[:SUMMARY_SOURCE_CHARS]
    return opening.split("\n\n", 1)[0]


class RecentArticlesFeed(Feed):
    feed_type = Atom1Feed

    def __call__(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = super().__call__(request, *args, **kwargs)
        response.page_cache = not request.user.is_authenticated
        # A scheduled article joins the feed at its publication time, without an edit.
        response.page_cache_until = (Article.objects.filter(status=Article.Status.PUBLISHED,
                                                            published_at__gt=timezone.now())
                                     .order_by("published_at").values_list("published_at", flat=True).first())
        return response

    def get_feed(self, obj, request: HttpRequest):
        return super().get_feed(obj, site_address.as_site_request(request))

    def title(self) -> str:
        return _("条约百科：最新条目")

    @property
    def language(self) -> str:  # Django reads it as an attribute
        return HTML_LANG[current_variant()]

    def subtitle(self) -> str:
        return _("最近发布的条目")

    def link(self) -> str:
        return reverse("articles:home")

    def items(self):
        articles = list(Article.objects.published().order_by("-published_at")[:FEED_LENGTH])
        if current_variant() in REGIONAL:
            # The page's conversion for each summary: the article's terms, its named glossaries'
            # (and the built-in groups they turn on, 计算机), the site's (read once for all).
            site = site_terms()
            for article in articles:
                article.feed_terms = terms_for_article(article, site)
        return articles

    # Text is cleaned of control characters on save, but rows stored before that rule may hold
    # them, and XML 1.0 refuses them (the feed answered 500): strip them here too.
    def item_title(self, article: Article) -> str:
        return without_control_characters(article.title)

    def item_description(self, article: Article) -> str:
        variant = current_variant()
        lead = getattr(article, field_name("lead", source_script(article, "lead", variant, current_script()))) or ""
        html = render_markdown(source_in(summary_source(lead), variant, getattr(article, "feed_terms", ())),
                               RenderContext(script=current_script(), variant=variant, links={}))
        return without_control_characters(Truncator(strip_tags(html)).chars(SUMMARY_LENGTH))

    def item_pubdate(self, article: Article):
        return article.published_at

    def item_updateddate(self, article: Article):
        return article.updated_at
