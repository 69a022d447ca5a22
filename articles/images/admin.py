"""The image library in the admin: thumbnails, search in either script, upload (several at once),
the images still waiting for a file with the articles that wait for them, usage per image, and the
JSON endpoint of the article form's image chooser (``static/admin/js/image_chooser.js``).

Editors may add and change images (migration 0009); deleting one stays with superusers, and the
confirmation page lists the articles that use it — they keep working and show editors a placeholder.
"""
from __future__ import annotations

import time

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from articles import conversion
from articles.admin_tabs import ScriptTabsAdmin
from articles.either_script import EitherScriptMixin

from .forms import BulkUploadForm, ImageAdminForm, MissingFileForm
from .markup import canonical_name, figure_markup
from .models import Image
from .processing import ImageRejected

CHOOSER_RESULTS = 24


def thumbnail_url(image: Image) -> str:
    urls = image.rendition_urls("webp") or image.rendition_urls(image.fallback_format())
    return urls[0][0] if urls else ""


def search_either_script(queryset: QuerySet[Image], term: str) -> QuerySet[Image]:
    """Images whose name, alt text, caption or credit contains the term in either script."""
    query = Q()
    for form in {term, conversion.to_simplified(term), conversion.to_traditional(term)}:
        for column in ("name", "alt_zh_hans", "alt_zh_hant", "caption_zh_hans", "caption_zh_hant", "author"):
            query |= Q(**{f"{column}__icontains": form})
    return queryset.filter(query)


class HasFileFilter(admin.SimpleListFilter):
    title = _("文件")
    parameter_name = "file"

    def lookups(self, request, model_admin):
        return (("yes", _("已上传")), ("no", _("缺少文件")))

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.with_file()
        if self.value() == "no":
            return queryset.without_file()
        return queryset


@admin.register(Image)
class ImageAdmin(EitherScriptMixin, ScriptTabsAdmin):
    form = ImageAdminForm
    change_list_template = "admin/articles/image/change_list.html"
    delete_confirmation_template = "admin/articles/image/delete_confirmation.html"
    list_display = ("thumbnail", "name", "file_state", "size", "usage_count", "uploaded_at")
    list_display_links = ("thumbnail", "name")
    list_filter = (HasFileFilter, "licence")
    search_fields = ("name",)
    readonly_fields = ("preview", "size", "usage", "uploaded_by", "uploaded_at", "markup")
    fieldsets = (
        (None, {"fields": ("name", "preview", "upload", "markup")}),
        (_("说明与替代文字"), {"fields": ("caption", "alt")}),
        (_("来源与许可"), {"fields": ("author", "licence", "source_url", "uploaded_by", "uploaded_at", "size")}),
        (_("使用情况"), {"fields": ("usage",)}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Image]:
        return super().get_queryset(request).annotate(num_articles=Count("articles", distinct=True))

    def get_search_results(self, request: HttpRequest, queryset: QuerySet[Image], search_term: str):
        if not search_term.strip():
            return queryset, False
        return search_either_script(queryset, search_term.strip()), False

    @admin.display(description=_("缩略图"))
    def thumbnail(self, obj: Image) -> str:
        url = thumbnail_url(obj)
        if not url:
            return format_html('<span class="figure-missing">{}</span>', _("缺少文件"))
        return format_html('<img src="{}" alt="" width="80" loading="lazy" style="height:auto">', url)

    @admin.display(description=_("文件"), boolean=True)
    def file_state(self, obj: Image) -> bool:
        return obj.has_file

    @admin.display(description=_("尺寸"))
    def size(self, obj: Image) -> str:
        return f"{obj.width} × {obj.height}" if obj.width else "—"

    @admin.display(description=_("使用它的条目数"), ordering="num_articles")
    def usage_count(self, obj: Image) -> int:
        return getattr(obj, "num_articles", 0)

    @admin.display(description=_("预览"))
    def preview(self, obj: Image) -> str:
        urls = obj.rendition_urls(obj.fallback_format())
        if not urls:
            return _("还没有文件：在下面上传。")
        return format_html('<img src="{}" alt="" style="max-width:320px;height:auto">', urls[0][0])

    @admin.display(description=_("正文写法"))
    def markup(self, obj: Image) -> str:
        return format_html("<code>{}</code>", figure_markup(obj.name)) if obj.name else "—"

    @admin.display(description=_("使用它的条目"))
    def usage(self, obj: Image) -> str:
        if not obj.pk:
            return "—"
        articles = obj.articles.all()
        if not articles:
            return _("没有条目使用这张图片。")
        return format_html("<ul>{}</ul>", format_html_join(
            "", '<li><a href="{}">{}</a></li>',
            ((reverse("admin:articles_article_change", args=[a.pk]), a) for a in articles),
        ))

    def save_model(self, request: HttpRequest, obj: Image, form: ImageAdminForm, change: bool) -> None:
        if form.upload_data is not None:
            obj.attach(form.upload_data, uploaded_by=request.user)
        else:
            super().save_model(request, obj, form, change)

    def render_delete_form(self, request: HttpRequest, context: dict) -> HttpResponse:
        obj = context.get("object")
        context["using_articles"] = list(obj.articles.all()) if obj is not None else []
        return super().render_delete_form(request, context)

    # --- extra views ---------------------------------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("upload/", view(self.bulk_upload_view), name="articles_image_upload"),
            path("missing/", view(self.missing_view), name="articles_image_missing"),
            path("chooser/", view(self.chooser_view), name="articles_image_chooser"),
        ] + super().get_urls()

    def _page(self, request: HttpRequest, template: str, title, **context) -> TemplateResponse:
        return TemplateResponse(request, f"admin/articles/image/{template}", {
            **self.admin_site.each_context(request), "opts": self.model._meta, "title": title, **context,
        })

    def bulk_upload_view(self, request: HttpRequest) -> HttpResponse:
        """Several files at once; each file's name is its image's name (existing records get the file)."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = BulkUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            # Within the request's time budget (IMAGE_UPLOAD_BUDGET_SECONDS): 60 camera photos
            # took longer than the worker timeout, the worker was killed after storing 47 and the
            # editor saw a 500. Now the files left are named, to send again; one always goes.
            started, stored = time.monotonic(), []
            files = form.cleaned_data["files"]
            for index, upload in enumerate(files):
                if index and time.monotonic() - started > settings.IMAGE_UPLOAD_BUDGET_SECONDS:
                    left = [item.name for item in files[index:]]
                    self.message_user(request, _("时间已用完，以下 %(count)d 个文件没有处理，请重新上传：%(names)s") % {
                        "count": len(left), "names": "、".join(left)}, messages.ERROR)
                    break
                name = canonical_name(upload.name)
                image = Image.objects.filter(name=name).first() or Image(name=name)
                if image.has_file and not form.cleaned_data["replace"]:
                    self.message_user(request, _("%(name)s：已有文件，跳过（勾选“替换”可覆盖）。") % {"name": name},
                                      messages.WARNING)
                    continue
                if image.pk and not self.has_change_permission(request, image):
                    raise PermissionDenied
                image.licence = form.cleaned_data["licence"] or image.licence
                image.author = form.cleaned_data["author"] or image.author
                try:
                    with transaction.atomic():
                        image.attach(upload.read(), uploaded_by=request.user)
                except ImageRejected as error:
                    self.message_user(request, f"{upload.name}：{' '.join(error.messages)}", messages.ERROR)
                    continue
                stored.append(name)
            self.message_user(request, f"{_('已上传 %(count)d 张图片。') % {'count': len(stored)}} {'、'.join(stored)}",
                              messages.SUCCESS)
            return HttpResponseRedirect(reverse("admin:articles_image_changelist"))
        return self._page(request, "upload.html", _("上传图片"), form=form)

    def missing_view(self, request: HttpRequest) -> HttpResponse:
        """Images that content refers to but nobody has uploaded, the articles waiting, an upload each."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            form = MissingFileForm(request.POST, request.FILES)
            if form.is_valid():
                image = form.cleaned_data["image"]
                image.attach(form.data_bytes, uploaded_by=request.user)
                self.message_user(request, _("%(name)s：已上传。") % {"name": image.name}, messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:articles_image_missing"))
            for errors in form.errors.values():
                self.message_user(request, " ".join(errors), messages.ERROR)
        images = Image.objects.without_file().prefetch_related("articles").order_by("name")
        return self._page(request, "missing.html", _("缺少文件的图片"), images=images)

    def chooser_view(self, request: HttpRequest) -> JsonResponse:
        """Images for the article form's chooser: name, thumbnail and the markup to insert."""
        if not (self.has_view_permission(request) and request.user.has_perm("articles.change_article")):
            raise PermissionDenied
        term = request.GET.get("q", "").strip()[:100]
        images = Image.objects.with_file()
        if term:
            images = search_either_script(images, term)
        results = [
            {"name": image.name, "thumbnail": thumbnail_url(image), "markup": figure_markup(image.name),
             "caption": image.caption or ""}
            for image in images.order_by("-uploaded_at", "name")[:CHOOSER_RESULTS]
        ]
        return JsonResponse({"results": results})
