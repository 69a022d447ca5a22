"""django-modeltranslation registrations: each field below is stored as *_zh_hans and *_zh_hant."""
from modeltranslation.translator import TranslationOptions, register

from .images.models import Image
from .models import Article, Category, Reference, Section


@register(Category)
class CategoryTranslationOptions(TranslationOptions):
    fields = ("name", "slug", "description")


@register(Article)
class ArticleTranslationOptions(TranslationOptions):
    fields = ("title", "slug", "lead", "references_heading")


@register(Section)
class SectionTranslationOptions(TranslationOptions):
    fields = ("heading", "body")


@register(Reference)
class ReferenceTranslationOptions(TranslationOptions):
    fields = ("text",)


@register(Image)
class ImageTranslationOptions(TranslationOptions):
    fields = ("alt", "caption")
