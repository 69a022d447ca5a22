"""Write a :class:`ParsedArticle` to the database: one transaction per article, idempotent
(a re-import updates the article the file names, never duplicates it)."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import reversion
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.dateparse import parse_datetime

from .. import conversion
from ..images.usage import sync_article_images
from ..models import Article, ArticleTexts, Category, GlossaryTerm, Reference, Section, saving_whole_articles
from .parsed import ImportFailure, ParsedArticle



@dataclass
class ImportResult:
    article: Article
    created: bool
    sections: int
    references: int
    categories: int


def _in_both_scripts(text: str, hant: str | None, glossary: conversion.Glossary) -> tuple[str, str]:
    """Both scripts of one value: exact ones from an export, else converted from the mixed text."""
    if hant is not None:
        return text, hant
    return conversion.to_simplified(text, glossary), conversion.to_traditional(text, glossary)


def article_for_import(parsed: ParsedArticle) -> Article | None:
    """The importer's identity rule: the article whose title, in either script, is the file's
    title (the file name), so that a re-import updates it and never duplicates it.

    Articles imported before titles came from file names carry their bold lead term as title; one
    of those (recognisable by having no aliases yet — the importer now records every bold term)
    is the same article when its title is this file's bold term, and is renamed on update (its
    old slug keeps answering 301, its old title becomes an alias).
    """
    found = Article.objects.named(parsed.title, kinds=("title",)).order_by("pk").first()
    if found is None and parsed.aliases:
        found = (Article.objects.named(parsed.aliases[0], kinds=("title",))
                 .filter(aliases__isnull=True).order_by("pk").first())
    return found


def _categories(names: list[str]) -> list[Category]:
    """Categories by name in either script, created when missing (together, by the model's rule)."""
    if not names:
        return []
    wanted = [(conversion.to_simplified(n), conversion.to_traditional(n)) for n in names]
    existing = Category.objects.named(names, kinds=("name",))
    by_name = {}
    for category in existing:
        by_name[category.name_zh_hans] = by_name[category.name_zh_hant] = category
    missing = list(dict.fromkeys((hans, hant) for hans, hant in wanted
                                 if by_name.get(hans) is None and by_name.get(hant) is None))
    # One new category per name in either script, as one-at-a-time creation gave.
    unique_missing = []
    for hans, hant in missing:
        if not any(hans in pair or hant in pair for pair in unique_missing):
            unique_missing.append((hans, hant))
    for (hans, hant), category in zip(unique_missing, Category.create_named(unique_missing)):
        by_name[hans] = by_name[hant] = category
    result = []
    for hans, hant in wanted:
        category = by_name.get(hans) or by_name.get(hant)
        if category not in result:
            result.append(category)
    return result


def validated(instance, *, exclude: tuple[str, ...] = ()) -> None:
    """The admin form's field rules (the model's validators) applied to an imported row: front
    matter is not trusted more than a form (issue 17: a ``javascript:`` reference URL, a slug that
    broke pages). The file is reported as failed with the field and the reason."""
    skipped = set(exclude) | {f.name for f in instance._meta.fields if not f.editable}
    try:
        instance.full_clean(exclude=skipped, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        problems = "; ".join(f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items())
        raise ImportFailure(f"{instance._meta.verbose_name}: {problems}") from None


def save_article(parsed: ParsedArticle, status: str | None = None, import_digest: str = "") -> ImportResult:
    """Create or update the article and replace its sections, references and categories.

    Runs in one transaction: an error leaves the database as it was for this article.
    ``import_digest`` (``import_wiki``'s digest of the file) is kept on the article.
    """
    # Field lengths are the model's: the reader (pure text) knows nothing of them.
    parsed = dataclasses.replace(parsed, title=parsed.title[:Article._meta.get_field("title").max_length])
    with transaction.atomic(), saving_whole_articles():
        article = article_for_import(parsed)
        created = article is None
        if created:
            article = Article()
        article.record_written_scripts = False  # both scripts converted from mixed text: none was typed
        glossary = conversion.Glossary(tuple(GlossaryTerm.glossary_for(article.pk).pairs) + tuple(parsed.glossary))

        renamed = not created and conversion.title_key(article.title_zh_hans or "") != conversion.title_key(parsed.title)
        article.title_zh_hans, article.title_zh_hant = _in_both_scripts(parsed.title, parsed.title_hant, glossary)
        if renamed and not parsed.slugs:
            # Renamed to its file name: new slugs from the new title; the old ones answer 301.
            article.slug_zh_hans = article.slug_zh_hant = ""
        article.lead_zh_hans, article.lead_zh_hant = _in_both_scripts(parsed.lead, parsed.lead_hant, glossary)
        limit = Article._meta.get_field("references_heading").max_length
        article.references_heading_zh_hans, article.references_heading_zh_hant = (
            text[:limit] for text in _in_both_scripts(parsed.references_heading, parsed.references_heading_hant, glossary))
        if parsed.slugs:
            article.slug_zh_hans, article.slug_zh_hant = parsed.slugs
        wanted_status = parsed.status or status
        if wanted_status == Article.Status.PUBLISHED:
            if parsed.published_at:
                article.published_at = parse_datetime(parsed.published_at)
            article.publish()
        elif wanted_status == Article.Status.DRAFT:
            if parsed.published_at:
                article.published_at = parse_datetime(parsed.published_at)
            article.unpublish()
        validated(article, exclude=("categories", "tags") + (() if parsed.slugs else ("slug", "slug_zh_hans", "slug_zh_hant")))
        article.save()

        if parsed.aliases is not None:
            article.set_aliases(parsed.aliases, has_aliases=not created)

        for hans, hant in parsed.glossary:
            GlossaryTerm.objects.update_or_create(article=article, hans=hans, defaults={"hant": hant})

        if not created:  # a new article has no parts to replace (and no query to find that out)
            article.sections.all().delete()
        sections = []
        heading_limit = Section._meta.get_field("heading").max_length
        for position, section in enumerate(parsed.sections, start=1):
            heading = _in_both_scripts(section.heading, section.heading_hant, glossary)
            body = _in_both_scripts(section.body, section.body_hant, glossary)
            sections.append(Section(
                article=article, position=position, level=section.level,
                heading_zh_hans=heading[0][:heading_limit] or "—", heading_zh_hant=heading[1][:heading_limit] or "—",
                body_zh_hans=body[0], body_zh_hant=body[1],
            ))
        for section in sections:
            validated(section, exclude=("article",))
        Section.objects.bulk_create(sections)

        if not created:
            article.references.all().delete()
        references = []
        key_limit = Reference._meta.get_field("key").max_length
        for position, reference in enumerate(parsed.references, start=1):
            text = _in_both_scripts(reference.text, reference.text_hant, glossary)
            references.append(Reference(
                article=article, position=position, key=reference.key[:key_limit], url=reference.url,
                text_zh_hans=text[0], text_zh_hant=text[1],
            ))
        for reference in references:
            validated(reference, exclude=("article",))
        Reference.objects.bulk_create(references)

        categories = _categories(parsed.categories)
        if not created:
            article.categories.set(categories)
        elif categories:
            article.categories.add(*categories)
        if parsed.tags is not None:
            article.tags.set(parsed.tags)
        # The parts' signals are off (bulk_create skips them anyway): the search columns, link
        # table and unreviewed count once, here, and (inside a revision) the article recorded
        # again now that its parts exist.
        article.rebuild_derived(ArticleTexts.of(article, sections, references), import_digest=import_digest)
        # Every [[File:…]] gets its image record (without a file if new).
        texts = [article.lead_zh_hans, article.lead_zh_hant, *(t for s in sections for t in (s.body_zh_hans, s.body_zh_hant))]
        sync_article_images(article, texts, had_images=not created)
        if reversion.is_active():
            reversion.add_to_revision(article)
        return ImportResult(article, created, len(sections), len(references), len(categories))
