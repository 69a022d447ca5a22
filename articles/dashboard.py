"""The editors' dashboard, the admin's front page: what needs doing, and what others just did.

Each panel is one bounded query (recent changes: one, with the previous version of each change
found by a subquery so that every row links to its per-script diff). Panels show only to users
with the permission to view what they list.
"""
from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from reversion.models import Version

from . import links
from .models import Article, Reference

PANEL_SIZE = 10


def recent_changes(limit: int = 15) -> list[Version]:
    """The latest saved versions of articles, by any editor, each with ``previous_pk`` (or None)."""
    article_type = ContentType.objects.get_for_model(Article)
    previous = Version.objects.filter(
        content_type=article_type, object_id=OuterRef("object_id"), pk__lt=OuterRef("pk")
    ).order_by("-pk").values("pk")[:1]
    return list(
        Version.objects.filter(content_type=article_type)
        .select_related("revision__user")
        .annotate(previous_pk=Subquery(previous))
        .order_by("-revision__date_created", "-pk")[:limit]
    )


def panels_for(user) -> dict:
    """Everything the dashboard shows ``user`` (empty when they may not view articles)."""
    if not user.has_perm("articles.view_article"):
        return {}
    now = timezone.now()
    listed = ("title_zh_hans", "title_zh_hant", "status", "published_at", "updated_at", "unreviewed_characters")
    panels = {
        "recent_changes": recent_changes(),
        "scheduled": Article.objects.filter(status="published", published_at__gt=now)
        .only(*listed).order_by("published_at")[:PANEL_SIZE],
        "drafts": Article.objects.filter(status="draft").only(*listed).order_by("-updated_at")[:PANEL_SIZE],
        "empty_references": Article.objects.filter(
            pk__in=Reference.objects.filter(Q(text_zh_hans="") | Q(text_zh_hans__isnull=True))
            .filter(Q(text_zh_hant="") | Q(text_zh_hant__isnull=True)).values("article_id")
        ).only(*listed).order_by("-updated_at")[:PANEL_SIZE],
        "wanted": links.wanted_titles(PANEL_SIZE),
        "unreviewed": Article.objects.filter(unreviewed_characters__gt=0).only(*listed)
        .order_by("-unreviewed_characters", "pk")[:PANEL_SIZE],
        "can_add_article": user.has_perm("articles.add_article"),
    }
    if user.has_perm("articles.view_image"):
        from .images.models import Image

        panels["images_without_files"] = Image.objects.without_file().order_by("name")[:PANEL_SIZE]
    return panels
