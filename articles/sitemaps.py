"""``/sitemap.xml``: every published article, category and tag in all five variants, with
hreflang alternates (Django's sitemaps with ``i18n`` render each item once per "language"; here
the languages are the variants, each located under its own prefix)."""
from django.contrib.sitemaps import Sitemap

from .models import Article, Category, Tag, published_condition
from .scripts import override_variant
from .variants import VARIANTS


class ScriptSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True
    languages = list(VARIANTS)

    def _location(self, item, force_lang_code=None):
        obj, variant = item
        with override_variant(force_lang_code or variant):
            return self._get("location", item)


class ArticleSitemap(ScriptSitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return Article.objects.published().order_by("pk")

    def lastmod(self, article: Article):
        return article.updated_at


class CategorySitemap(ScriptSitemap):
    changefreq = "weekly"
    priority = 0.5

    def items(self):
        return Category.objects.filter(hidden=False).order_by("pk")


class TagSitemap(ScriptSitemap):
    changefreq = "weekly"
    priority = 0.3

    def items(self):
        # Tags of published articles only: a draft's tags must not leak (issue 17).
        return Tag.objects.filter(published_condition("tagged_articles__content_object__")).distinct().order_by("pk")


SITEMAPS = {"articles": ArticleSitemap, "categories": CategorySitemap, "tags": TagSitemap}
