"""``/<variant>/feed/``: an Atom feed of recently published articles in the reader's variant
(``/zh-tw/feed/`` reads Taiwan's vocabulary in the summaries)."""
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from .models import Article, field_name
from .scripts import HTML_LANG, current_script, current_variant
from .rendering import RenderContext, render_markdown, source_in
from .text import without_control_characters


class RecentArticlesFeed(Feed):
    feed_type = Atom1Feed

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
        return Article.objects.published().order_by("-published_at")[:30]

    # Text is cleaned of control characters on save, but rows stored before that rule may hold
    # them, and XML 1.0 refuses them (the feed answered 500): strip them here too.
    def item_title(self, article: Article) -> str:
        return without_control_characters(article.title)

    def item_description(self, article: Article) -> str:
        variant = current_variant()
        lead = source_in(getattr(article, field_name("lead", current_script())) or "", variant)
        html = render_markdown(lead, RenderContext(script=current_script(), variant=variant, links={}))
        return without_control_characters(Truncator(strip_tags(html)).chars(300))

    def item_pubdate(self, article: Article):
        return article.published_at

    def item_updateddate(self, article: Article):
        return article.updated_at
