"""Editors' tools in the article form: live preview of the five variants (zh-hans, zh-hant and the
regional zh-cn, zh-tw, zh-hk) with conversion review, glossary
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
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxLengthValidator
from django.db import IntegrityError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import conversion, conversion_review, glossaries, revisions, scripts
from .conversion import HANS, SCRIPTS
from .models import MAX_TEXT_CHARS, Article, GlossaryTerm, Reference, Section, field_name
from .rendering import render_article
from .text import with_newlines, without_control_characters
from .variants import LABELS as VARIANT_LABELS
from .variants import REGIONAL, SCRIPT_OF, VARIANTS
from .wikitext import wikitext_warnings

# <, > and & as \u escapes: a JSON answer can never be read as markup, even if sniffed as HTML.
_JSON_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}

SUGGESTION_LIMIT = 10
SUGGESTIONS_PER_MINUTE = 120
# The live preview runs after every typing pause: the review lists this many ambiguous characters
# (by offset, with a little context) and counts the rest, and the texts it converts are bounded
# by the model's own limits per field and by this total, so an answer stays small and quick.
REVIEW_SHOWN = 100
PREVIEW_MAX_CHARS = 2 * MAX_TEXT_CHARS


class PreviewTooLong(Exception):
    """A text of the form is beyond what a save would accept (or the preview's total budget)."""


@dataclass
class PreviewField:
    """One translated text of the form, reconciled as a save would."""

    name: str  # the form field without the script suffix, e.g. "lead" or "sections-0-body"
    label: str
    hans: str
    hant: str
    source: str | None = None
    choices: list = field(default_factory=list)
    ambiguous: int = 0
    regional: list = field(default_factory=list)  # conversion_review.RegionalSubstitution


def escaped_json(data: dict, status: int = 200) -> HttpResponse:
    """A JSON response with ``<``, ``>`` and ``&`` escaped (content reaches it)."""
    body = json.dumps(data, ensure_ascii=False).translate(_JSON_ESCAPES)
    return HttpResponse(body, status=status, content_type="application/json")


def _checked_pair(data, base: str, model_field) -> tuple[str, str]:
    """The submitted pair, refused (PreviewTooLong, with the model's own message) beyond the
    length a save would accept: nothing is converted or rendered for an oversized text."""
    # The save rule's cleaning first: a NUL would reach the link lookup (a 500 on PostgreSQL).
    pair = tuple(without_control_characters(data.get(f"{base}_{suffix}", "")) for suffix in ("zh_hans", "zh_hant"))
    for value in pair:
        for validator in model_field.validators:
            if isinstance(validator, MaxLengthValidator):
                try:
                    validator(value)
                except ValidationError as error:
                    raise PreviewTooLong(f"{model_field.verbose_name}: {' '.join(error.messages)}") from None
    return pair


def with_newlines_data(data):
    """A copy of form ``data`` with line breaks as they are stored (``\n``): the browser posts
    ``\r\n``, and review offsets must count characters as the editor's text area does."""
    copy = data.copy()
    for key, values in data.lists():
        copy.setlist(key, [with_newlines(value) for value in values])
    return copy


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
    """The article the submitted form describes (unsaved) and its texts for review, each in the
    script the editor wrote it in (judged as a save would: ``conversion.written_script``)."""
    glossary = GlossaryTerm.glossary_for(article.pk if article else None)
    data = with_newlines_data(data)
    if article is not None and data.get("edit_base"):
        # Judge which script the editor changed against what the form showed (as a save does).
        data = revisions.blank_untouched_scripts(data, data["edit_base"])
    stored_parts = {}
    if article is not None:
        stored_parts = {("sections", str(part.pk)): part for part in article.sections.all()}
        stored_parts.update({("references", str(part.pk)): part for part in article.references.all()})
    fields: list[PreviewField] = []
    budget = [PREVIEW_MAX_CHARS]

    def text(base: str, label: str, model, name: str, stored) -> tuple[str, str]:
        submitted = _checked_pair(data, base, model._meta.get_field(name))
        budget[0] -= max(len(submitted[0]), len(submitted[1]))
        if budget[0] < 0:
            raise PreviewTooLong(_("实时预览最多处理 %(limit)s 个字符；请保存后查看整篇条目。") % {"limit": PREVIEW_MAX_CHARS})
        old = None if stored is None else stored._stored_scripts.get(name)
        hans, hant = conversion.reconcile(None, submitted, glossary)
        written = conversion.written_script(old, submitted)
        if written is None and stored is not None:
            written = stored.written_script(name)
        item = PreviewField(base, label, hans, hant)
        item.source = conversion_review.review_source(hans, hant, written, glossary)
        fields.append(item)
        return hans, hant

    values = {}
    for name in ("title", "lead"):
        values[name] = text(name, _("标题") if name == "title" else _("导言"), Article, name, article)
    sections = []
    for index, row in enumerate(_inline_rows(data, "sections")):
        part = stored_parts.get(("sections", data.get(f"{row}-id", "")))
        heading = text(f"{row}-heading", _("章节标题"), Section, "heading", part)
        body = text(f"{row}-body", _("章节正文"), Section, "body", part)
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
        part = stored_parts.get(("references", data.get(f"{row}-id", "")))
        hans, hant = text(f"{row}-text", _("参考文献"), Reference, "text", part)
        references.append(SimpleNamespace(
            position=_position(data, row, index), pk=index, key=key, url=data.get(f"{row}-url", ""),
            text_zh_hans=hans, text_zh_hant=hant, is_empty=not (hans or hant).strip(),
        ))
    sections.sort(key=lambda s: (s.position, s.pk))
    references.sort(key=lambda r: (r.position, r.pk))
    preview = SimpleNamespace(
        pk=article.pk if article else None,  # its glossary terms apply to the regional variants
        title_zh_hans=values["title"][0], title_zh_hant=values["title"][1],
        lead_zh_hans=values["lead"][0], lead_zh_hant=values["lead"][1],
        sections=SimpleNamespace(all=lambda: sections), references=SimpleNamespace(all=lambda: references),
    )
    preview.references_heading_zh_hans, preview.references_heading_zh_hant = conversion.reconcile(
        None, _checked_pair(data, "references_heading", Article._meta.get_field("references_heading")), glossary)

    shown = regional_shown = REVIEW_SHOWN
    terms = glossaries.terms_for_article(article) if article else glossaries.site_terms()
    for item in fields:
        if item.source:
            written = item.hans if item.source == HANS else item.hant
            item.choices, item.ambiguous = conversion_review.choices(written, item.source, glossary, limit=shown)
            shown -= len(item.choices)
            if not item.name.startswith("references-"):  # references are script only (issue 25)
                # Bounded like the guessed characters: a long text must not answer megabytes.
                item.regional = conversion_review.regional_substitutions(written, terms)[:max(regional_shown, 0)]
                regional_shown -= len(item.regional)
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
    """The variants asked for (``variants``, repeated; all five when none is named) rendered as
    readers will see them, and the review of every guessed character. The form asks for the two
    scripts and only the regional panes the editor opened: five renders of a 200,000-character
    text after every typing pause took 2.5 times as long as two (``bench/preview_bench.py``)."""
    article = _article_or_none(request, model_admin, object_id)
    asked = set(request.POST.getlist("variants"))
    variants = [variant for variant in VARIANTS if variant in asked] or list(VARIANTS)
    try:
        preview, fields = form_preview(request.POST, article)
    except PreviewTooLong as error:
        return escaped_json({"error": str(error)}, 400)
    result = {}
    shared: dict = {}  # one glossary, title and image query for all the variants
    for variant in variants:
        with scripts.override_variant(variant):  # links in the preview point to the variant's pages
            rendered = render_article(preview, variant, show_editor_notes=True, shared=shared)
            result[variant] = render_to_string("admin/articles/article/preview.html", {
                "title": rendered.display_title or getattr(preview, field_name("title", SCRIPT_OF[variant])),
                "rendered": rendered, "html_lang": scripts.HTML_LANG[variant],
            })
    reviewed = [item for item in fields if item.ambiguous or item.regional]
    result["unreviewed"] = sum(item.ambiguous for item in reviewed)
    result["review"] = render_to_string("admin/articles/article/review.html", {
        "fields": reviewed, "article": article, "unreviewed": result["unreviewed"],
        "shown": sum(len(item.choices) for item in reviewed), "labels": VARIANT_LABELS,
        "can_add_terms": request.user.has_perm("articles.add_glossaryterm"),
    })
    result["warnings"] = wikitext_warnings((item.label, item.hans, item.hant) for item in fields)
    return escaped_json(result)


@require_POST
def add_glossary_term_view(request: HttpRequest, model_admin, object_id: str | None = None) -> HttpResponse:
    """A glossary term from the review, for this article or (``scope=site``) the whole site.

    With ``variant`` (zh-cn, zh-tw or zh-hk) and ``form``, the term names what that variant reads
    (the review's regional substitutions: keep 软件 as 軟件 in zh-tw, or confirm 軟體); a site-wide
    term that makes gold-set sentences read wrong is refused, as in the glossary's own form."""
    if not request.user.has_perm("articles.add_glossaryterm"):
        raise PermissionDenied
    article = _article_or_none(request, model_admin, object_id)
    hans, hant = (without_control_characters(request.POST.get(k, "")).strip()[:100] for k in ("hans", "hant"))
    variant = request.POST.get("variant", "")
    form = without_control_characters(request.POST.get("form", "")).strip()[:100]
    if not hans or not hant or (variant and (variant not in REGIONAL or not form)):
        return escaped_json({"error": _("词汇不能为空。")}, 400)
    scope_article = None if request.POST.get("scope") == "site" else article
    if request.POST.get("scope") != "site" and article is None:
        return escaped_json({"error": _("新条目请先保存，或加入全站词汇。")}, 400)
    defaults = {"hant": hant, "note": _("转换审校时添加")}
    if variant:
        defaults[glossaries.FORM_FIELDS[variant]] = form
    if scope_article is None:
        existing = GlossaryTerm.objects.filter(hans=hans, article=None).first()
        row = existing or GlossaryTerm(hans=hans)
        for name, value in defaults.items():
            setattr(row, name, value)
        refused = glossaries.refused_site_term(row)
        if refused:
            return escaped_json({"error": " ".join([_("这个词条会让转换金标准中的句子出错：")] + refused)}, 400)
    try:
        term, created = GlossaryTerm.objects.update_or_create(hans=hans, article=scope_article, defaults=defaults)
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

