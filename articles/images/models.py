"""The image library's models: :class:`Image` (file, renditions, credit, both scripts) and usage.

An image is known by its stable ``name`` — the file name content refers to (CJK allowed) — and may
exist without a file: content (an import, an editor) can refer to a picture before anyone has
uploaded it. Files are stored through Django's ``default`` storage only (never a local path), so an
S3-compatible backend is a settings change. Stored file names carry the upload's content hash and
nothing an uploader typed, so they are safe and can be cached forever.
"""
from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from articles.models import Article, ScriptSyncedModel, text_limit

from .markup import NAME_MAX_LENGTH


class ImageQuerySet(models.QuerySet):
    def with_file(self) -> "ImageQuerySet":
        return self.exclude(file="")

    def without_file(self) -> "ImageQuerySet":
        return self.filter(file="")


class Image(ScriptSyncedModel):
    name = models.CharField(
        _("名称"), max_length=NAME_MAX_LENGTH, unique=True,
        help_text=_("文件名，正文以 [[File:名称]] 引用，例如 辛丑条约签字.jpg。"),
    )
    file = models.FileField(_("文件"), max_length=300, blank=True, editable=False)
    content_hash = models.CharField(_("内容散列"), max_length=64, blank=True, editable=False)
    format = models.CharField(_("格式"), max_length=10, blank=True, editable=False)
    width = models.PositiveIntegerField(_("宽度"), null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(_("高度"), null=True, blank=True, editable=False)
    # [{"width": 640, "height": 427, "format": "webp", "name": "images/ab/…/640.webp"}, …]
    renditions = models.JSONField(_("缩放版本"), default=list, blank=True, editable=False)
    alt = models.CharField(_("替代文字"), max_length=300, blank=True,
                           help_text=_("给看不到图片的读者（屏幕阅读器）的描述。"))
    caption = models.TextField(_("说明"), blank=True, validators=[text_limit()],
                               help_text=_("正文没有写说明时使用（行内 Markdown）。"))
    author = models.CharField(_("作者／来源署名"), max_length=300, blank=True)
    licence = models.CharField(_("许可协议"), max_length=200, blank=True, help_text=_("例如 CC BY-SA 4.0、公有领域。"))
    source_url = models.URLField(_("来源网址"), max_length=1000, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传者"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+", editable=False,
    )
    uploaded_at = models.DateTimeField(_("上传时间"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    # Kept by articles.images.usage whenever an article or section is saved.
    articles = models.ManyToManyField(
        Article, verbose_name=_("使用它的条目"), related_name="figure_images", blank=True, editable=False
    )

    objects = ImageQuerySet.as_manager()

    class Meta:
        app_label = "articles"
        verbose_name = _("图片")
        verbose_name_plural = _("图片")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("articles:image", kwargs={"name": self.name})

    @property
    def has_file(self) -> bool:
        return bool(self.file)

    def rendition_urls(self, fmt: str) -> list[tuple[str, int]]:
        """(URL, width) of the renditions in ``fmt``, narrowest first (asked once per row: URLs cost)."""
        cached = self.__dict__.setdefault("_rendition_urls", {})
        if fmt not in cached:
            cached[fmt] = [(default_storage.url(r["name"]), r["width"]) for r in self.renditions if r["format"] == fmt]
        return cached[fmt]

    def fallback_format(self) -> str:
        return self.format or "jpeg"

    def attach(self, data: bytes, *, uploaded_by=None) -> None:
        """Decode, check and store ``data`` as this image's file with its renditions, then save.

        Raises :class:`articles.images.processing.ImageRejected` (a ValidationError) with the reason.
        """
        from django.utils import timezone

        from . import processing

        stored = processing.store(data)
        self.file.name = stored.full_name
        self.content_hash = stored.content_hash
        self.format = stored.format
        self.width, self.height = stored.width, stored.height
        self.renditions = stored.renditions
        self.__dict__.pop("_rendition_urls", None)
        self.uploaded_by = uploaded_by
        self.uploaded_at = timezone.now()
        self.save()

    def delete_files_if_unshared(self) -> None:
        """Remove this image's stored files unless another image has the same content."""
        if not self.content_hash or Image.objects.filter(content_hash=self.content_hash).exclude(pk=self.pk).exists():
            return
        for name in [self.file.name] + [r["name"] for r in self.renditions]:
            if name and default_storage.exists(name):
                default_storage.delete(name)

    def save(self, *args: Any, **kwargs: Any) -> None:
        from .markup import canonical_name

        self.name = canonical_name(self.name)
        super().save(*args, **kwargs)
