"""The editors' admin: articles with their sections and references, categories, glossary, tags.

Both scripts of every translated field are edited as tabs (modeltranslation's tabbed admin); on
save the models fill whichever script the editor did not touch (see ``ScriptSyncedModel``).
"""
from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TabbedTranslationAdmin, TranslationStackedInline, TranslationTabularInline

from taggit.admin import TagAdmin as TaggitTagAdmin  # noqa: F401  (registers taggit.Tag)
from taggit.models import Tag as TaggitTag

from . import search
from .models import Article, Category, GlossaryTerm, Reference, Section, Tag

# Articles use our script-aware Tag; taggit's own unused Tag model would only confuse editors.
admin.site.unregister(TaggitTag)


class SectionInline(TranslationStackedInline):
    model = Section
    extra = 0
    fields = ("position", "level", "heading", "body")
    classes = ("collapse-open",)


class ReferenceInline(TranslationTabularInline):
    model = Reference
    extra = 0
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
    fields = ("hans", "hant", "note")
    verbose_name_plural = _("本条目的转换词汇")


@admin.register(Article)
class ArticleAdmin(TabbedTranslationAdmin):
    list_display = ("title", "status", "published_at", "updated_at", "empty_references")
    list_filter = ("status", "categories", "tags")
    search_fields = ("title_zh_hans", "title_zh_hant", "slug_zh_hans", "slug_zh_hant")
    autocomplete_fields = ("categories",)
    date_hierarchy = "updated_at"
    prepopulated_fields = {"slug_zh_hans": ("title_zh_hans",), "slug_zh_hant": ("title_zh_hant",)}
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("title", "slug", "lead")}),
        (_("发布"), {"fields": ("status", "published_at", "created_at", "updated_at")}),
        (_("分类与标签"), {"fields": ("categories", "tags")}),
    )
    inlines = (SectionInline, ReferenceInline, GlossaryTermInline)
    actions = ("publish", "unpublish")

    def get_search_results(self, request: HttpRequest, queryset: QuerySet[Article], search_term: str):
        """Search titles and text in either script, like the public search (search.py)."""
        if not search_term.strip():
            return queryset, False
        matches = search.filter_articles(Article.objects.all(), search_term).values("pk")
        return queryset.filter(pk__in=matches), False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Article]:
        empty = Q(references__text_zh_hans="") & Q(references__text_zh_hant="")
        return super().get_queryset(request).annotate(empty_reference_count=Count("references", filter=empty))

    @admin.display(description=_("空白参考文献"), ordering="empty_reference_count")
    def empty_references(self, obj: Article) -> str:
        count = getattr(obj, "empty_reference_count", 0)
        return format_html('<span class="errornote">⚠ {}</span>', count) if count else "—"

    @admin.action(description=_("发布所选条目"), permissions=("change",))
    def publish(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        count = 0
        for article in queryset:
            article.publish()
            article.save(update_fields=["status", "published_at", "updated_at"])
            count += 1
        self.message_user(request, ngettext("已发布 %d 个条目。", "已发布 %d 个条目。", count) % count,
                          messages.SUCCESS)

    @admin.action(description=_("撤回所选条目为草稿"), permissions=("change",))
    def unpublish(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        count = 0
        for article in queryset:
            article.unpublish()
            article.save(update_fields=["status", "updated_at"])
            count += 1
        self.message_user(request, ngettext("已撤回 %d 个条目。", "已撤回 %d 个条目。", count) % count,
                          messages.SUCCESS)


class MergeCategoriesForm(forms.Form):
    target = forms.ModelChoiceField(queryset=Category.objects.none(), label=_("合并到"))

    def __init__(self, *args, sources: QuerySet[Category], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = Category.objects.exclude(pk__in=sources.values("pk"))


@admin.register(Category)
class CategoryAdmin(TabbedTranslationAdmin):
    list_display = ("tree_name", "hidden", "article_count")
    list_filter = ("hidden",)
    search_fields = ("name_zh_hans", "name_zh_hant", "slug_zh_hans", "slug_zh_hant")
    autocomplete_fields = ("parent",)
    prepopulated_fields = {"slug_zh_hans": ("name_zh_hans",), "slug_zh_hant": ("name_zh_hant",)}
    fields = ("name", "slug", "parent", "hidden", "description")
    actions = ("merge_categories",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Category]:
        return super().get_queryset(request).annotate(num_articles=Count("articles", distinct=True))

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

    @admin.action(description=_("合并所选分类到另一分类"), permissions=("change", "delete"))
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


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(admin.ModelAdmin):
    list_display = ("hans", "hant", "article", "note")
    list_filter = (("article", admin.EmptyFieldListFilter),)
    search_fields = ("hans", "hant", "note")
    autocomplete_fields = ("article",)


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
