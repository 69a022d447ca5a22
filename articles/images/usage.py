"""Every article's figures have image records, and each image knows the articles that use it.

Run from the model layer (signals on Article and Section), so the admin, the importer and scripts
share it: whenever a lead or section body that mentions ``[[File:X]]`` is saved, an :class:`Image`
named X exists (created without a file when nobody has uploaded it yet) and ``Image.articles`` lists
the article. Code that writes sections with ``bulk_create`` (the importer) calls
:func:`sync_article_images` itself, as it does for the search columns.

A save whose text neither had nor has a figure costs nothing (checked on the text, no query).
Deleting an image removes its stored files once committed, unless another image has the same content.
"""
from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from articles.models import Article, Section, deleted_with_its_article, part_signals_deferred, parts_saved

from .markup import figure_names
from .models import Image


def article_figure_names(article: Article) -> list[str]:
    """Names of the images an article's lead and sections refer to, in either script (one query)."""
    texts = [article.lead_zh_hans or "", article.lead_zh_hant or ""]
    for hans, hant in Section.objects.filter(article=article).values_list("body_zh_hans", "body_zh_hant"):
        texts += [hans or "", hant or ""]
    return figure_names(texts)


def ensure_images(names: list[str]) -> list[Image]:
    """The images with these names, records created (without files) for the missing ones."""
    if not names:
        return []
    existing = {image.name: image for image in Image.objects.filter(name__in=names)}
    for name in names:
        if name not in existing:
            image = Image(name=name)
            image.save()
            existing[image.name] = image
    return [existing[name] for name in names if name in existing]


def sync_article_images(article: Article, texts: list[str] | None = None, *, had_images: bool = True) -> list[Image]:
    """Make the article's figure records exist and record its usage; returns its images.
    ``texts``: its lead and section bodies when the caller has them (no query to read them);
    ``had_images=False`` (an article just created): nothing to do when it names no figure."""
    names = article_figure_names(article) if texts is None else figure_names(t or "" for t in texts)
    if not names and not had_images:
        return []
    images = ensure_images(names)
    article.figure_images.set(images)
    return images


def _mentions_figures(*texts: str | None) -> bool:
    return bool(figure_names(t or "" for t in texts))


def _texts_before_and_after(instance, field: str) -> tuple[str | None, ...]:
    before = getattr(instance, "_stored_scripts", {}).get(field) or (None, None)
    return (*before, getattr(instance, f"{field}_zh_hans"), getattr(instance, f"{field}_zh_hant"))


def _article_saved(sender, instance: Article, raw: bool = False, **kwargs) -> None:
    if not raw and _mentions_figures(*_texts_before_and_after(instance, "lead")):
        sync_article_images(instance)


def _section_saved(sender, instance: Section, raw: bool = False, **kwargs) -> None:
    if not raw and not part_signals_deferred() and _mentions_figures(*_texts_before_and_after(instance, "body")):
        sync_article_images(instance.article)


def _section_deleted(sender, instance: Section, **kwargs) -> None:
    if deleted_with_its_article(kwargs) or part_signals_deferred():
        return  # the article's image usage goes with it
    if _mentions_figures(instance.body_zh_hans, instance.body_zh_hant):
        article = Article.objects.filter(pk=instance.article_id).first()
        if article is not None:
            sync_article_images(article)


def _parts_saved(sender, article: Article, **kwargs) -> None:
    sync_article_images(article)  # the sections' own signals were off (Article.saving_parts)


def _image_deleted(sender, instance: Image, **kwargs) -> None:
    # Files go once the deletion is committed (a rolled-back delete keeps its files).
    transaction.on_commit(instance.delete_files_if_unshared)


def connect_signals() -> None:
    post_delete.connect(_image_deleted, sender=Image, dispatch_uid="images-image-deleted")
    post_save.connect(_article_saved, sender=Article, dispatch_uid="images-article-saved")
    post_save.connect(_section_saved, sender=Section, dispatch_uid="images-section-saved")
    post_delete.connect(_section_deleted, sender=Section, dispatch_uid="images-section-deleted")
    parts_saved.connect(_parts_saved, sender=Article, dispatch_uid="images-parts-saved")
