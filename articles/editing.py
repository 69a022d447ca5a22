"""Editors' tools in the article form: live preview of both scripts with conversion review, glossary
terms added from the review, and ``[[`` title suggestions.

Every view here is an admin view of :class:`~articles.admin.ArticleAdmin` (``admin_view`` refuses
anonymous and non-staff users) and checks the model permission it acts under. The preview renders
through :func:`articles.rendering.render_article` — the public page's renderer — on an in-memory
copy of the form (nothing is saved), so citations, red links, figures and ``-{}-`` look exactly as
readers will see them.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import conversion, conversion_review, revisions
from .conversion import HANS, SCRIPTS
from .models import Article, GlossaryTerm, field_name
from .rendering import render_article
from .wikitext import wikitext_warnings

# <, > and & as \u escapes: a JSON answer can never be read as markup, even if sniffed as HTML.
_JSON_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}

SUGGESTION_LIMIT = 10
SUGGESTIONS_PER_MINUTE = 120


@dataclass
class PreviewField:
    """One translated text of the form, reconciled as a save would."""

    name: str  # the form field without the script suffix, e.g. "lead" or "sections-0-body"
    label: str
    hans: str
    hant: str
    source: str | None = None
    pieces: list = field(default_factory=list)


def escaped_json(data: dict, status: int = 200) -> HttpResponse:
    """A JSON response with ``<``, ``>`` and ``&`` escaped (content reaches it)."""
    body = json.dumps(data, ensure_ascii=False).translate(_JSON_ESCAPES)
    return HttpResponse(body, status=status, content_type="application/json")


def _reconciled(data, base: str, glossary: conversion.Glossary) -> tuple[str, str]:
    pair = (data.get(f"{base}_zh_hans", ""), data.get(f"{base}_zh_hant", ""))
    return conversion.reconcile(None, pair, glossary)


def _inline_rows(data, prefix: str) -> list[str]:
    try:
        total = int(data.get(f"{prefix}-TOTAL_FORMS", 0))
    except ValueError:
        total = 0
    return [f"{prefix}-{i}" for i in range(min(total, 500)) if not data.get(f"{prefix}-{i}-DELETE")]


def _position(data, row: str, default: int) -> int:
    try:
        return int(data.get(f"{row}-position") or default)
    except ValueError:
        return default


def form_preview(data, article: Article | None) -> tuple[SimpleNamespace, list[PreviewField]]:
    """The article the submitted form describes (unsaved) and its texts for review."""
    glossary = GlossaryTerm.glossary_for(article.pk if article else None)
    if article is not None and data.get("edit_base"):
        # Judge which script the editor changed against what the form showed (as a save does).
        data = revisions.blank_untouched_scripts(data, data["edit_base"])
    fields: list[PreviewField] = []

    def text(base: str, label: str) -> tuple[str, str]:
        hans, hant = _reconciled(data, base, glossary)
        fields.append(PreviewField(base, label, hans, hant))
        return hans, hant

    values = {}
    for name in ("title", "lead"):
        values[name] = text(name, _("标题") if name == "title" else _("导言"))
    sections = []
    for index, row in enumerate(_inline_rows(data, "sections")):
        heading = text(f"{row}-heading", _("章节标题"))
        body = text(f"{row}-body", _("章节正文"))
        try:
            level = int(data.get(f"{row}-level") or 2)
        except ValueError:
            level = 2
        sections.append(SimpleNamespace(
            position=_position(data, row, index), level=level, pk=index,
            heading_zh_hans=heading[0], heading_zh_hant=heading[1], body_zh_hans=body[0], body_zh_hant=body[1],
        ))
    references = []
    for index, row in enumerate(_inline_rows(data, "references")):
        key = (data.get(f"{row}-key") or "").strip()
        if not key:
            continue
        hans, hant = text(f"{row}-text", _("参考文献"))
        references.append(SimpleNamespace(
            position=_position(data, row, index), pk=index, key=key, url=data.get(f"{row}-url", ""),
            text_zh_hans=hans, text_zh_hant=hant, is_empty=not (hans or hant).strip(),
        ))
    sections.sort(key=lambda s: (s.position, s.pk))
    references.sort(key=lambda r: (r.position, r.pk))
    preview = SimpleNamespace(
        title_zh_hans=values["title"][0], title_zh_hant=values["title"][1],
        lead_zh_hans=values["lead"][0], lead_zh_hant=values["lead"][1],
        sections=SimpleNamespace(all=lambda: sections), references=SimpleNamespace(all=lambda: references),
    )
    for item in fields:
        item.source = conversion_review.source_script(item.hans, item.hant, glossary)
        if item.source:
            written = item.hans if item.source == HANS else item.hant
            item.pieces = conversion_review.review(written, item.source, glossary)
    return preview, fields


def saved_texts(article: Article) -> list[tuple[str, str, str]]:
    """(label, 简体, 繁體) of every text of a saved article that is written in the dialect."""
    texts = [(_("导言"), article.lead_zh_hans or "", article.lead_zh_hant or "")]
    for section in article.sections.all():
        texts.append((_("章节标题"), section.heading_zh_hans or "", section.heading_zh_hant or ""))
        texts.append((_("章节正文"), section.body_zh_hans or "", section.body_zh_hant or ""))
    texts += [(_("参考文献"), r.text_zh_hans or "", r.text_zh_hant or "") for r in article.references.all()]
    return texts


def _article_or_none(request: HttpRequest, model_admin, object_id: str | None) -> Article | None:
    if not object_id:
        if not model_admin.has_add_permission(request):
            raise PermissionDenied
        return None
    article = Article.objects.filter(pk=object_id).first() if str(object_id).isdigit() else None
    if article is None or not model_admin.has_change_permission(request, article):
        raise PermissionDenied
    return article


@require_POST
def preview_view(request: HttpRequest, model_admin, object_id: str | None = None) -> HttpResponse:
    """Both scripts rendered as readers will see them, and the review of every guessed character."""
    article = _article_or_none(request, model_admin, object_id)
    preview, fields = form_preview(request.POST, article)
    result = {}
    for script in SCRIPTS:
        rendered = render_article(preview, script, show_editor_notes=True)
        result[script] = render_to_string("admin/articles/article/preview.html", {
            "title": getattr(preview, field_name("title", script)), "rendered": rendered, "script": script,
        })
    reviewed = [item for item in fields if any(p.ambiguous for p in item.pieces)]
    result["review"] = render_to_string("admin/articles/article/review.html", {
        "fields": reviewed, "article": article,
        "can_add_terms": request.user.has_perm("articles.add_glossaryterm"),
    })
    result["unreviewed"] = sum(1 for item in reviewed for p in item.pieces if p.ambiguous)
    result["warnings"] = wikitext_warnings((item.label, item.hans, item.hant) for item in fields)
    return escaped_json(result)


@require_POST
def add_glossary_term_view(request: HttpRequest, model_admin, object_id: str | None = None) -> HttpResponse:
    """A glossary term from the review, for this article or (``scope=site``) the whole site."""
    if not request.user.has_perm("articles.add_glossaryterm"):
        raise PermissionDenied
    article = _article_or_none(request, model_admin, object_id)
    hans, hant = (request.POST.get(k, "").strip()[:100] for k in ("hans", "hant"))
    if not hans or not hant:
        return escaped_json({"error": _("词汇不能为空。")}, 400)
    scope_article = None if request.POST.get("scope") == "site" else article
    if request.POST.get("scope") != "site" and article is None:
        return escaped_json({"error": _("新条目请先保存，或加入全站词汇。")}, 400)
    try:
        term, created = GlossaryTerm.objects.update_or_create(
            hans=hans, article=scope_article, defaults={"hant": hant, "note": _("转换审校时添加")},
        )
    except IntegrityError:
        return escaped_json({"error": _("无法保存这个词汇。")}, 400)
    return escaped_json({"ok": True, "term": str(term), "created": created})


def _rate_limited(request: HttpRequest) -> bool:
    key = f"editing:suggest:{request.user.pk}"
    cache.add(key, 0, 60)
    try:
        return cache.incr(key) > SUGGESTIONS_PER_MINUTE
    except ValueError:  # expired between add and incr
        return False


@require_GET
def title_suggestions_view(request: HttpRequest, model_admin) -> HttpResponse:
    """Article titles starting with or containing ``q`` in either script, given in ``script``."""
    if not model_admin.has_view_or_change_permission(request):
        raise PermissionDenied
    if _rate_limited(request):
        return escaped_json({"error": _("请求太频繁，请稍后再试。")}, 429)
    term = request.GET.get("q", "").strip()[:100]
    script = request.GET.get("script") if request.GET.get("script") in SCRIPTS else HANS
    if not term:
        return escaped_json({"titles": []})
    hans, hant = conversion.to_simplified(term), conversion.to_traditional(term)
    query = Q()
    for value in {term, hans, hant}:
        query |= Q(title_zh_hans__icontains=value) | Q(title_zh_hant__icontains=value)
    column = field_name("title", script)
    titles = list(
        Article.objects.filter(query).order_by(column).values_list(column, flat=True)[:SUGGESTION_LIMIT * 3]
    )
    starts = [t for t in titles if t.startswith((term, hans, hant))]
    ordered = list(dict.fromkeys(starts + titles))[:SUGGESTION_LIMIT]
    # JSON strings: the script inserts them as text, never as HTML.
    return escaped_json({"titles": ordered})

