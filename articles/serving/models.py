"""Stored renderings: an article's reader page body, rendered once per variant and kept in the database.

The ``script`` column names the variant (zh-hans, zh-hant, zh-cn, zh-tw, zh-hk): its name is
kept from when there were two.

A page-cache miss used to parse Markdown, convert script and render the article template from six
queries (about 18 ms of a 23 ms miss in process, ``bench/README.md``). With a stored rendering a
miss is one query and the base template. The row is *derived data*: it is never backed up
(``backup_content``) and any row can be thrown away.

Validity is a counter, not a timestamp: every edit that shows up on the article — the same set the
page cache invalidates (``invalidation.py``) — adds one to ``generation`` inside the edit's own
transaction. A rendering made from rows read after generation *g* was read is stored as
``rendered_generation = g`` only while ``generation`` is still *g* (compare-and-set), so a page
rendered from rows older than a commit is never kept. ``renderer`` names the code and templates
that made it (a deploy re-renders), and ``valid_until`` is the moment a red link on the page turns
blue by itself (a linked article's scheduled publication).
"""
from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..variants import VARIANTS
from ..models import Article


class ArticleRendering(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="renderings")
    script = models.CharField(max_length=7, choices=[(v, v) for v in VARIANTS])
    generation = models.PositiveBigIntegerField(default=1)
    rendered_generation = models.PositiveBigIntegerField(null=True, blank=True)
    renderer = models.CharField(max_length=32, blank=True)
    valid_until = models.DateTimeField(null=True, blank=True)
    title = models.TextField(blank=True)
    description = models.TextField(blank=True)
    body = models.TextField(blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("条目渲染")
        verbose_name_plural = _("条目渲染")
        ordering = ["article_id", "script"]
        constraints = [
            models.UniqueConstraint(fields=["article", "script"], name="rendering_one_per_script"),
            models.CheckConstraint(condition=models.Q(script__in=VARIANTS), name="rendering_known_variant"),
        ]

    def __str__(self) -> str:
        return f"{self.article_id}/{self.script} g{self.generation}"

    @property
    def is_current(self) -> bool:
        return self.rendered_generation == self.generation
