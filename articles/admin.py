"""The editors' admin: articles with their sections and references, categories, glossary, tags.

Both scripts of every translated field are edited as tabs (modeltranslation's tabbed admin); on
save the models fill whichever script the editor did not touch (see ``ScriptSyncedModel``).
"""
from __future__ import annotations

import re

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import EmptyResultSet, FullResultSet
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import models, transaction
from django.db.models import Count, Q, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
import reversion
from modeltranslation.admin import TranslationStackedInline, TranslationTabularInline
from reversion.admin import VersionAdmin
from reversion.models import Version

from taggit.admin import TagAdmin as TaggitTagAdmin  # noqa: F401  (registers taggit.Tag)
from taggit.models import Tag as TaggitTag

from . import editing, glossaries, links, revisions, scripts
from .admin_tabs import ScriptTabsAdmin
from .conversion import title_key, to_simplified, to_traditional
from .either_script import EitherScriptMixin
from .forms import AdminLoginForm, ArticleAdminForm, MergeCategoriesForm
from .models import (Article, ArticleAlias, Category, GlossaryTerm, NamedGlossary, NamedGlossaryTerm, Reference, Section,
                     Tag, saving_whole_articles)
from .variants import REGIONAL, VARIANTS
from .wikitext import wikitext_warnings

# Articles use our script-aware Tag; taggit's own unused Tag model would only confuse editors.
admin.site.unregister(TaggitTag)

admin.site.site_header = _("条约百科 · 编辑后台")
admin.site.site_title = _("条约百科编辑后台")
admin.site.index_title = _("内容管理")
admin.site.login_form = AdminLoginForm
# The front page is the editors' dashboard (articles/dashboard.py); the app list stays below it.
admin.site.index_template = "admin/dashboard.html"


class ArticleAliasFormSet(BaseInlineFormSet):
    """Two aliases that are one name in either script (条约/條約) are refused, not a database error."""

    def clean(self) -> None:
        super().clean()
        seen: set[str] = set()
        for form in self.forms:
            name = form.cleaned_data.get("name") if hasattr(form, "cleaned_data") else None
            if not name or form.cleaned_data.get("DELETE"):
                continue
            key = title_key(name)
            if key in seen:
                form.add_error("name", _("这个别名重复了（简繁视为同一个）。"))
            seen.add(key)


class ArticleAliasInline(admin.TabularInline):
    model = ArticleAlias
    formset = ArticleAliasFormSet
    extra = 0
    fields = ("name",)


class MarkdownKeepsIndentation:
    """Markdown text fields keep their leading spaces when an editor saves: Django's form fields
    strip them by default, and the first line's indentation is structure (``  - 第一款`` then
    ``  - 第二款``: stripped from the first item only, every later item nests under it; issue 22)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(db_field, models.TextField) and isinstance(field, forms.CharField):
            field.strip = False
        return field


class SectionInline(MarkdownKeepsIndentation, EitherScriptMixin, TranslationStackedInline):
    model = Section
    extra = 0
    template = "admin/articles/edit_inline/stacked_nojs.html"  # + an extra form without JS (nojs.py)
    fields = ("position", "level", "heading", "body")


class ReferenceInline(EitherScriptMixin, TranslationTabularInline):
    model = Reference
    extra = 0
    template = "admin/articles/edit_inline/tabular_nojs.html"  # + an extra form without JS (nojs.py)
    fields = ("position", "key", "text", "url", "empty_flag")
    readonly_fields = ("empty_flag",)

    @admin.display(description=_("检查"))
    def empty_flag(self, obj: Reference) -> str:
        if obj.pk and obj.is_empty:
            return format_html('<strong class="errornote" title="{}">⚠ {}</strong>',
                               _("导入时来源文字已丢失，请补充。"), _("内容为空"))
        return ""


class GlossaryTermInline(admin.TabularInline):
    model = GlossaryTerm
    extra = 0
    fields = ("hans", "hant", "zh_cn", "zh_tw", "zh_hk", "note")
    verbose_name_plural = _("本条目的转换词汇")


class CalendarBoundedChangeList(ChangeList):
    """The date hierarchy's drill-down at the calendar's end (``?updated_at__year=9999``: the year
    after is out of range) is an invalid filter like any other (``?e=1``), not a 500."""

    def get_filters(self, request: HttpRequest):
        try:
            return super().get_filters(request)
        except (ValueError, OverflowError) as error:
            raise IncorrectLookupParameters(error) from error

    def get_queryset(self, request: HttpRequest, exclude_parameters=None):
        # A date lookup on a model without a date hierarchy (?updated_at__year=0) fails only when
        # its SQL is compiled: compile it here, where the admin turns the error into "?e=1".
        queryset = super().get_queryset(request, exclude_parameters)
        try:
            queryset.query.sql_with_params()
        except (EmptyResultSet, FullResultSet):
            pass  # a query that needs no SQL (a search for nothing): valid
        except (ValueError, OverflowError) as error:
            raise IncorrectLookupParameters(error) from error
        return queryset


class CalendarBoundedDates:
    """For an admin whose model has dates: out-of-calendar date filters are invalid filters."""

    def get_changelist(self, request: HttpRequest, **kwargs):
        return CalendarBoundedChangeList


#: Wanted titles per page (the list was one 6,800 px page with 200 rows).
WANTED_PER_PAGE = 50


@admin.register(Article)
class ArticleAdmin(CalendarBoundedDates, MarkdownKeepsIndentation, EitherScriptMixin, VersionAdmin, ScriptTabsAdmin):
    form = ArticleAdminForm
    change_form_template = "admin/articles/article/change_form.html"
    object_history_template = "admin/articles/article/object_history.html"
    list_display = ("title", "state", "published_at", "updated_at", "empty_references", "unreviewed")
    list_filter = ("status", "categories", "tags")
    search_fields = ("title_zh_hans", "title_zh_hant", "slug_zh_hans", "slug_zh_hant")
    autocomplete_fields = ("categories",)
    date_hierarchy = "updated_at"
    # No prepopulated slugs: the admin's JavaScript would drop a title's "." "(" "+" (Stdint.h →
    # stdinth); an empty slug is filled on save by the one rule, articles/slugs.py.
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("title", "slug", "lead", "references_heading", "edit_token", "edit_base")}),
        (_("发布"), {"fields": ("status", "published_at", "created_at", "updated_at")}),
        (_("分类与标签"), {"fields": ("categories", "tags")}),
        (_("保存说明"), {"fields": ("edit_summary",)}),
    )
    inlines = (SectionInline, ReferenceInline, ArticleAliasInline, GlossaryTermInline)
    actions = ("publish", "unpublish")

    class Media:
        # The image chooser (articles/images/admin.py serves its search results).
        # textarea-caret (vendored, MIT): where the caret is, for the [[ suggestions.
        js = ("admin/js/image_chooser.js", "vendor/textarea-caret/index.js", "admin/js/article_editor.js")
        css = {"all": ("admin/css/image_chooser.css", "admin/css/article_editor.css")}

    # Recovering a deleted article is undoing a delete: the same right (superusers; editors have
    # no delete permission). django-reversion asks only for add and change (issue 26).
    change_list_template = "admin/articles/article/change_list.html"

    def recoverlist_view(self, request: HttpRequest, extra_context=None):
        if not self.has_delete_permission(request):
            raise PermissionDenied
        return super().recoverlist_view(request, extra_context)

    def recover_view(self, request: HttpRequest, version_id, extra_context=None):
        if not self.has_delete_permission(request):
            raise PermissionDenied
        return super().recover_view(request, version_id, extra_context)

    def changelist_view(self, request: HttpRequest, extra_context=None):
        extra_context = {**(extra_context or {}), "may_recover": self.has_delete_permission(request)}
        return super().changelist_view(request, extra_context)

    @admin.display(description=_("待审校字"), ordering="unreviewed_characters")
    def unreviewed(self, obj: Article) -> int:
        return obj.unreviewed_characters

    @admin.display(description=_("状态"), ordering="status")
    def state(self, obj: Article) -> str:
        if obj.status == Article.Status.DRAFT:
            return _("草稿")
        if obj.published_at and obj.published_at > timezone.now():
            return format_html("⏱ {}", _("定时发布"))
        return _("已发布")

    def get_urls(self):
        return [
            path("<int:object_id>/history/compare/", self.admin_site.admin_view(self.compare_view),
                 name="articles_article_compare"),
            path("preview/", self.admin_site.admin_view(self._with_admin(editing.preview_view)),
                 name="articles_article_preview"),
            path("<int:object_id>/preview/", self.admin_site.admin_view(self._with_admin(editing.preview_view)),
                 name="articles_article_preview"),
            path("glossary-term/", self.admin_site.admin_view(self._with_admin(editing.add_glossary_term_view)),
                 name="articles_article_glossary_term"),
            path("<int:object_id>/glossary-term/",
                 self.admin_site.admin_view(self._with_admin(editing.add_glossary_term_view)),
                 name="articles_article_glossary_term"),
            path("<int:object_id>/links/", self.admin_site.admin_view(self.links_view),
                 name="articles_article_links"),
            path("wanted/", self.admin_site.admin_view(self.wanted_view), name="articles_article_wanted"),
            path("wanted/links/", self.admin_site.admin_view(self.wanted_links_view),
                 name="articles_article_wanted_links"),
            path("titles/", self.admin_site.admin_view(self._with_admin(editing.title_suggestions_view)),
                 name="articles_article_titles"),
        ] + super().get_urls()

    def links_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """链入页面: every article (drafts too) whose text links to this one."""
        article = get_object_or_404(Article, pk=object_id)
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        return TemplateResponse(request, "admin/articles/article/links.html", {
            **self.admin_site.each_context(request), "opts": self.model._meta, "original": article,
            "title": _("链入页面：%(title)s") % {"title": article},
            "sources": links.linking_articles(article, published_only=False),
        })

    def wanted_view(self, request: HttpRequest) -> HttpResponse:
        """Red-linked titles ranked by the number of articles linking to them, each with "create";
        paginated (``?page=``), each count linking to the articles that link to the title."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        page = Paginator(links.wanted_queryset(), WANTED_PER_PAGE).get_page(request.GET.get("page"))
        return TemplateResponse(request, "admin/articles/article/links.html", {
            **self.admin_site.each_context(request), "opts": self.model._meta, "title": _("待撰写的条目"),
            "page_obj": page, "wanted_titles": links.as_wanted(page.object_list),
            "can_add_article": self.has_add_permission(request),
        })

    def wanted_links_view(self, request: HttpRequest) -> HttpResponse:
        """The articles (drafts too) that link to one wanted title (``?title=``)."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        title = request.GET.get("title", "").strip()[:Article._meta.get_field("title_zh_hans").max_length]
        wanted = links.WantedTitle(title_key(title), to_simplified(title), to_traditional(title), 0)
        return TemplateResponse(request, "admin/articles/article/links.html", {
            **self.admin_site.each_context(request), "opts": self.model._meta,
            "title": _("链入页面：%(title)s") % {"title": wanted.hans}, "wanted": wanted,
            "sources": links.articles_wanting(title) if title else Article.objects.none(),
            "can_add_article": self.has_add_permission(request),
        })

    def _with_admin(self, view):
        """An editing view (articles/editing.py) called with this ModelAdmin for its permission checks."""
        def bound(request, *args, **kwargs):
            return view(request, self, *args, **kwargs)
        return bound

    def history_view(self, request: HttpRequest, object_id: str, extra_context=None) -> HttpResponse:
        if not object_id.isdigit():  # not an article id: Django's view answers "no such object"
            return super().history_view(request, object_id, extra_context)
        versions = list(Version.objects.get_for_object_reference(Article, object_id).select_related("revision__user"))
        # Newest first: each row's previous revision is the next one in the list.
        rows = [
            {"version": version, "previous": versions[i + 1] if i + 1 < len(versions) else None,
             "status": revisions.status_label(version.field_dict.get("status")),
             "restore_url": reverse("admin:articles_article_revision", args=[object_id, version.pk])}
            for i, version in enumerate(versions)
        ]
        context = {"versions": versions, "rows": rows,
                   "compare_url": reverse("admin:articles_article_compare", args=[object_id])}
        return super().history_view(request, object_id, {**context, **(extra_context or {})})

    def revision_view(self, request: HttpRequest, object_id: str, version_id: str, extra_context=None):
        """Restoring an old revision restores its content; the article's publication (status and
        date) stays as it is unless the editor asks for the revision's (``?publication=restore``):
        restoring a revision saved as a draft must not take a published article offline."""
        current = Article.objects.filter(pk=object_id).values("status", "published_at").first() \
            if str(object_id).isdigit() else None
        version = Version.objects.filter(pk=version_id, object_id=object_id).first() \
            if str(version_id).isdigit() else None
        context = dict(extra_context or {})
        if current is not None and version is not None:
            if request.GET.get("publication") == "restore":
                context["publication_restored"] = True
            else:
                request.kept_publication = current
                kept = (current["status"], current["published_at"])
                then = (version.field_dict.get("status"), version.field_dict.get("published_at"))
                context["publication_kept"] = {
                    "current": revisions.status_label(current["status"]),
                    "version": revisions.status_label(then[0]),
                    "differs": revisions.publication_differs(kept, then),
                }
        return super().revision_view(request, object_id, version_id, context)

    def get_object(self, request: HttpRequest, object_id: str, from_field=None):
        article = super().get_object(request, object_id, from_field)
        kept = getattr(request, "kept_publication", None)
        if article is not None and kept is not None:  # restoring: the form shows today's publication
            article.status, article.published_at = kept["status"], kept["published_at"]
        return article

    def log_addition(self, request: HttpRequest, obj: Article, message):
        entry = super().log_addition(request, obj, message)
        self._comment_with_summary(request)
        return entry

    def log_change(self, request: HttpRequest, obj: Article, message):
        entry = super().log_change(request, obj, message)
        self._comment_with_summary(request)
        return entry

    @staticmethod
    def _comment_with_summary(request: HttpRequest) -> None:
        """The editor's edit summary is the revision's comment (history, recent changes); without
        one, reversion keeps the admin's list of changed fields."""
        summary = revisions.edit_summary(request.POST.get("edit_summary", ""))
        if summary and reversion.is_active():
            reversion.set_comment(summary)

    def compare_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """A readable diff, per field and per script, between two revisions of an article."""
        article = get_object_or_404(Article, pk=object_id)
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        versions = Version.objects.get_for_object(article)
        try:
            chosen = sorted(
                (get_object_or_404(versions, pk=int(request.GET[key])) for key in ("a", "b")),
                key=lambda v: v.revision.date_created,
            )
        except (KeyError, ValueError):
            chosen = list(versions[:2])[::-1]
        if len(chosen) < 2:
            self.message_user(request, _("至少要有两个版本才能比较。"), messages.WARNING)
            return TemplateResponse(request, "admin/articles/article/compare.html", {
                **self.admin_site.each_context(request), "opts": self.model._meta, "original": article,
                "title": _("比较版本"), "changes": None,
            })
        old, new = chosen
        return TemplateResponse(request, "admin/articles/article/compare.html", {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": article,
            "title": _("比较版本"),
            "old": old,
            "new": new,
            "changes": revisions.compare(old, new),
        })

    def _create_formsets(self, request, obj, change):
        formsets, inline_instances = super()._create_formsets(request, obj, change)
        request.glossary_formsets = [formset for formset in formsets if formset.model is GlossaryTerm]
        return formsets, inline_instances

    def save_model(self, request: HttpRequest, obj: Article, form, change: bool) -> None:
        # Glossary terms added in this same save apply to this save's conversion (the article and,
        # through it, its sections), not only to the next one.
        obj.pending_glossary = [
            (f.cleaned_data["hans"], f.cleaned_data["hant"])
            for formset in getattr(request, "glossary_formsets", ()) for f in formset.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.cleaned_data.get("hans")
        ]
        with saving_whole_articles():  # its derived data is rebuilt with its parts' (save_related)
            super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        # The sections, references and terms saved, then the derived data once (Article.saving_parts).
        with form.instance.saving_parts():
            super().save_related(request, form, formsets, change)
        # Wikitext typed by habit is saved as written (it may be meant) but the editor is told.
        for warning in wikitext_warnings(editing.saved_texts(form.instance)):
            messages.warning(request, warning)

    def changeform_view(self, request: HttpRequest, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and object_id and request.POST.get("edit_base"):
            # Judge "which script did the editor change" against what they were shown; the form
            # shown again after an error shows what they typed (render_change_form).
            request.typed_post = request.POST
            request.POST = revisions.blank_untouched_scripts(request.POST, request.POST["edit_base"])
        return super().changeform_view(request, object_id, form_url, extra_context)

    @staticmethod
    def _show_as_typed(request: HttpRequest, context: dict) -> None:
        """Put back the script values :func:`revisions.blank_untouched_scripts` emptied for the save,
        so a form shown again (validation error, edit conflict) holds the text as the editor left it."""
        typed = getattr(request, "typed_post", None)
        adminform = context.get("adminform")
        if typed is None or adminform is None:
            return
        forms_shown = [adminform.form] + [
            form for inline in context.get("inline_admin_formsets", ()) for form in inline.formset.forms
        ]
        for form in forms_shown:
            emptied = [key for key, value in form.data.items()
                       if not value and key.endswith(("_zh_hans", "_zh_hant")) and typed.get(key)]
            if emptied:
                form.data = form.data.copy()
                for key in emptied:
                    form.data[key] = typed[key]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            context["links_url"] = reverse("admin:articles_article_links", args=[obj.pk])
            # The stored row's pages: after a refused post ``obj`` holds what was typed (an
            # emptied slug has no URL and was a 500).
            stored = Article.objects.filter(pk=obj.pk).first() or obj
            context["preview_urls"] = {
                scripts.LABELS[script]: url for script, url in scripts.alternates_for(stored).items()
            }
        args = [obj.pk] if obj is not None and obj.pk else []
        context["preview_url"] = reverse("admin:articles_article_preview", args=args)
        # The scripts' panes always; a regional variant's when the editor opens it (rendered on demand).
        context["preview_variants"] = [(v, scripts.LABELS[v], scripts.HTML_LANG[v], v in REGIONAL) for v in VARIANTS]
        context["glossary_term_url"] = reverse("admin:articles_article_glossary_term", args=args)
        context["suggest_url"] = reverse("admin:articles_article_titles")
        if request.user.has_perm("articles.view_image"):
            context["image_chooser_url"] = reverse("admin:articles_image_chooser")
        if request.method == "POST":
            self._show_as_typed(request, context)
            # The script tab of each field the editor was in (article_editor.js posts them).
            context["editor_tabs"] = " ".join(re.findall(r"#tab_[\w-]+", request.POST.get("editor_tabs", ""))[:2000])
            conflict = getattr(context.get("adminform") and context["adminform"].form, "conflict", None)
            if conflict is not None and obj is not None:
                changes = revisions.changes_since(obj.pk, conflict.opened_token)
                context["conflict_changes"] = [] if changes is None else changes
                context["conflict_history_url"] = reverse("admin:articles_article_history", args=[obj.pk])
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_search_results(self, request: HttpRequest, queryset: QuerySet[Article], search_term: str):
        """Search titles and text in either script, like the public search (search.py)."""
        if not search_term.strip():
            return queryset, False
        matches = Article.objects.search(search_term).values("pk")
        return queryset.filter(pk__in=matches), False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Article]:
        empty = Q(references__text_zh_hans="") & Q(references__text_zh_hant="")
        return super().get_queryset(request).annotate(empty_reference_count=Count("references", filter=empty))

    @admin.display(description=_("空白参考文献"), ordering="empty_reference_count")
    def empty_references(self, obj: Article) -> str:
        count = getattr(obj, "empty_reference_count", 0)
        return format_html('<span class="errornote">⚠ {}</span>', count) if count else "—"

    def _set_status(self, request: HttpRequest, queryset: QuerySet[Article], change, fields: list[str], done) -> None:
        """One article at a time through the model (so signals invalidate pages and revisions see it)."""
        count = 0
        for article in queryset:
            change(article)
            article.save(update_fields=fields + ["updated_at"])
            count += 1
        self.message_user(request, done(count) % count, messages.SUCCESS)

    @admin.action(description=_("发布所选条目"), permissions=("change",))
    def publish(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        self._set_status(request, queryset, Article.publish, ["status", "published_at"],
                         lambda n: ngettext("已发布 %d 个条目。", "已发布 %d 个条目。", n))

    @admin.action(description=_("撤回所选条目为草稿"), permissions=("change",))
    def unpublish(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        self._set_status(request, queryset, Article.unpublish, ["status"],
                         lambda n: ngettext("已撤回 %d 个条目。", "已撤回 %d 个条目。", n))


@admin.register(Category)
class CategoryAdmin(EitherScriptMixin, ScriptTabsAdmin):
    list_display = ("tree_name", "hidden", "article_count")
    list_filter = ("hidden",)
    search_fields = ("name_zh_hans", "name_zh_hant", "slug_zh_hans", "slug_zh_hant")
    autocomplete_fields = ("parent",)
    prepopulated_fields = {"slug_zh_hans": ("name_zh_hans",), "slug_zh_hant": ("name_zh_hant",)}
    fields = ("name", "slug", "parent", "hidden", "description")
    actions = ("merge_categories",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Category]:
        return super().get_queryset(request).annotate(num_articles=Count("articles", distinct=True))

    def has_delete_permission(self, request: HttpRequest, obj: Category | None = None) -> bool:
        """Deleting a category that still has articles is for superusers only (merge first)."""
        if obj is not None and not request.user.is_superuser and obj.articles.exists():
            return False
        return super().has_delete_permission(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Category]) -> None:
        if not request.user.is_superuser and queryset.filter(articles__isnull=False).exists():
            raise PermissionDenied
        super().delete_queryset(request, queryset)

    def changelist_view(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        # The whole tree in one query, so each row can show its path without a query per level.
        self._paths = Category.tree_paths()
        return super().changelist_view(request, extra_context)

    @admin.display(description=_("分类（路径）"), ordering="name")
    def tree_name(self, obj: Category) -> str:
        path = getattr(self, "_paths", {}).get(obj.pk) or [str(obj)]
        ancestors = " › ".join(path[:-1])
        return format_html(
            '<span style="padding-left:{}em">{}</span>{}',
            1.5 * (len(path) - 1),
            path[-1],
            format_html(' <small class="quiet">（{}）</small>', ancestors) if ancestors else "",
        )

    @admin.display(description=_("条目数"), ordering="num_articles")
    def article_count(self, obj: Category) -> int:
        return obj.num_articles

    def has_merge_permission(self, request: HttpRequest) -> bool:
        # Merging changes the target and deletes the sources: it needs both permissions
        # (an action's own permissions tuple means "any of", not "all of").
        return self.has_change_permission(request) and self.has_delete_permission(request)

    @admin.action(description=_("合并所选分类到另一分类"), permissions=("merge",))
    def merge_categories(self, request: HttpRequest, queryset: QuerySet[Category]) -> HttpResponse | None:
        form = MergeCategoriesForm(request.POST if "apply" in request.POST else None, sources=queryset)
        if form.is_valid():
            target = form.cleaned_data["target"]
            try:
                with transaction.atomic():
                    moved = sum(source.merge_into(target) for source in list(queryset))
            except forms.ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
                return None
            self.message_user(
                request,
                _("已把 %(count)d 个条目移入「%(target)s」，并删除了被合并的分类。") % {"count": moved, "target": target},
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("合并分类"),
            "opts": self.model._meta,
            "form": form,
            "sources": queryset,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/articles/category/merge.html", context)


TERM_FORM_FIELDS = ("hans", "hant", "zh_cn", "zh_tw", "zh_hk", "note")


class SiteGlossaryTermForm(forms.ModelForm):
    """A site-wide term is refused when it makes gold-set sentences read wrong (issue 25's gate);
    an article's own terms are that article's business and are not checked."""

    class Meta:
        model = GlossaryTerm
        fields = ("article", *TERM_FORM_FIELDS)

    def clean(self):
        cleaned = super().clean()
        if self.errors or cleaned.get("article"):
            return cleaned
        row = GlossaryTerm(pk=self.instance.pk, **{name: cleaned.get(name) or "" for name in TERM_FORM_FIELDS})
        refused = glossaries.refused_site_term(row)
        if refused:
            raise forms.ValidationError([_("这个词条会让转换金标准中的句子出错：")] + refused, code="gold_set")
        return cleaned


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(admin.ModelAdmin):
    form = SiteGlossaryTermForm
    list_display = ("hans", "hant", "zh_cn", "zh_tw", "zh_hk", "article", "note")
    list_filter = (("article", admin.EmptyFieldListFilter),)
    search_fields = ("hans", "hant", "zh_cn", "zh_tw", "zh_hk", "note")
    autocomplete_fields = ("article",)
    fields = ("article", *TERM_FORM_FIELDS)


class NamedGlossaryTermFormSet(BaseInlineFormSet):
    """The glossary's terms after this save are checked against the gold set with the site-wide
    terms, as an article using the glossary would be converted (issue 25's gate)."""

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        rows = [NamedGlossaryTerm(**{name: form.cleaned_data.get(name) or "" for name in TERM_FORM_FIELDS})
                for form in self.forms
                if form.cleaned_data and not form.cleaned_data.get("DELETE")]
        # As an article using the glossary converts: with the built-in group it turns on, if any.
        site = glossaries.site_terms() + glossaries.groups_of([self.instance])
        stored = self.instance.terms.all() if self.instance.pk else ()
        before = tuple(t for row in stored for t in glossaries.terms_from_forms(row.forms())) + site
        after = tuple(t for row in rows for t in glossaries.terms_from_forms(row.forms())) + site
        refused = glossaries.refused_by_gold_set(before, after)
        if refused:
            raise forms.ValidationError([_("这些词条会让转换金标准中的句子出错：")] + refused, code="gold_set")


class NamedGlossaryTermInline(admin.TabularInline):
    model = NamedGlossaryTerm
    formset = NamedGlossaryTermFormSet
    fields = TERM_FORM_FIELDS
    extra = 1


@admin.register(NamedGlossary)
class NamedGlossaryAdmin(CalendarBoundedDates, VersionAdmin):
    """Named glossaries: structured forms per variant, the articles and categories that use
    them, and their history (django-reversion). Saving re-renders and purges exactly the pages
    using the glossary (``serving/invalidation.py``)."""

    list_display = ("name", "description", "conversion_group", "term_count", "updated_at")
    search_fields = ("name", "description", "terms__hans", "terms__hant", "terms__zh_tw", "terms__zh_hk")
    autocomplete_fields = ("articles", "categories")
    fields = ("name", "description", "conversion_group", "categories", "articles")
    inlines = (NamedGlossaryTermInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[NamedGlossary]:
        return super().get_queryset(request).annotate(num_terms=Count("terms"))

    @admin.display(description=_("词条数"), ordering="num_terms")
    def term_count(self, obj: NamedGlossary) -> int:
        return obj.num_terms


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name", "name_zh_hant", "slug", "article_count")
    search_fields = ("name", "name_zh_hant")
    fields = ("name", "name_zh_hant", "slug")
    readonly_fields = ("slug",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Tag]:
        return super().get_queryset(request).annotate(num_articles=Count("tagged_articles"))

    @admin.display(description=_("条目数"), ordering="num_articles")
    def article_count(self, obj: Tag) -> int:
        return obj.num_articles


# The image library's admin lives with the library (articles/images/admin.py); importing it registers it.
from .images import admin as image_admin  # noqa: E402,F401
