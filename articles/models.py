"""The encyclopedia's content model: categories, articles, sections, references, tags, glossary.

Every translated field (see ``translation.py``) is stored twice, ``<field>_zh_hans`` and
``<field>_zh_hant``, by django-modeltranslation. :class:`ScriptSyncedModel` applies the save rule of
DESIGN.md ("Two scripts") to those pairs: whatever the editor typed in one script, both are stored.
"""
from __future__ import annotations

import functools
import unicodedata
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from datetime import timezone as dt_timezone
from functools import lru_cache
from itertools import takewhile
from typing import Any, Callable, Iterable, Iterator, TypeVar

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import connection, models
from django.db.models import Case, IntegerField, Q, Value, When
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager, _TaggableManager
from taggit.models import TagBase, TaggedItemBase

from . import conversion, conversion_review, lookups, search  # noqa: F401 — lookups registers __any_of
from .conversion import HANS, HANT
from .scripts import current_script
from .slugs import TitleSlugField, title_slug
from .url_memo import url_for
from .text import has_control_characters, with_newlines, without_control_characters
from .wikilinks import wikilink_targets

T = TypeVar("T")
SLUG_MAX_LENGTH = 200
# Generous for any real article body (the longest zh.wikipedia articles are ~150k characters),
# small enough that a runaway paste gets a clear validation error instead of a slow page.
MAX_TEXT_CHARS = 200_000


def text_limit() -> MaxLengthValidator:
    return MaxLengthValidator(
        MAX_TEXT_CHARS,
        message=_("文字太长：最多 %(limit_value)s 个字符，现在有 %(show_value)s 个。请拆分成几个章节。"),
    )


# Publication dates a site can mean: a year-1 date typed in the admin was stored as a BC timestamp
# that psycopg cannot read back, and every page listing articles answered 500 (issue 17).
EARLIEST_PUBLICATION = datetime(2000, 1, 1, tzinfo=dt_timezone.utc)
LATEST_PUBLICATION = datetime(2100, 1, 1, tzinfo=dt_timezone.utc)


def publication_date_in_range(value: datetime) -> None:
    if value is not None and not EARLIEST_PUBLICATION <= value < LATEST_PUBLICATION:
        raise ValidationError(
            _("发布时间必须在 %(start)s 年到 %(end)s 年之间。"),
            code="publication_date_range",
            params={"start": EARLIEST_PUBLICATION.year, "end": LATEST_PUBLICATION.year - 1},
        )


def strip_control_characters(instance: models.Model) -> None:
    """The one input rule for text (``articles.text``): control characters are dropped and line
    breaks stored as ``\n`` on save."""
    # A translated field's own name (``lead``) reads one script with fallback and writes the active
    # language's column: only the ``*_zh_hans`` / ``*_zh_hant`` columns are cleaned.
    translated = translated_fields(type(instance))
    for field in instance._meta.concrete_fields:
        if isinstance(field, (models.CharField, models.TextField)) and field.name not in translated:
            value = getattr(instance, field.attname)
            if isinstance(value, str) and (has_control_characters(value) or "\r" in value):
                setattr(instance, field.attname, without_control_characters(with_newlines(value)))


def is_visible_text(text: str) -> bool:
    """Whether ``text`` has a character a reader can see (not only spaces, zero-width or
    direction-control characters)."""
    return any(not ch.isspace() and unicodedata.category(ch) not in ("Cf", "Cc", "Zs", "Zl", "Zp") for ch in text)


def field_name(name: str, script: str) -> str:
    """The modeltranslation column for ``name`` in ``script``: title, zh-hant → title_zh_hant."""
    return f"{name}_{script.replace('-', '_')}"


@lru_cache(maxsize=None)
def translated_fields(model: type[models.Model]) -> tuple[str, ...]:
    """Names of the model's fields registered with modeltranslation, in declaration order.

    Cached: it is asked for every row loaded; registrations are complete once apps are ready.
    """
    from modeltranslation.translator import NotRegistered, translator

    try:
        options = translator.get_options_for_model(model)
    except NotRegistered:
        return ()
    order = [f.name for f in model._meta.get_fields()]
    return tuple(sorted(options.fields, key=lambda name: order.index(name) if name in order else 0))


class ScriptSyncedModel(models.Model):
    """Keeps both scripts of every translated field filled, by the rule in DESIGN.md.

    The stored values are remembered when a row is loaded; on save each field's pair is reconciled
    against them (:func:`articles.conversion.reconcile`) with the glossary that applies.

    Either script alone is enough for every field, required or not: the empty side is filled by
    conversion on save, so no script's column is required in a form (``admin.EitherScriptAdmin``);
    :meth:`clean` asks for one of the two where the field itself is required.

    ``written_scripts`` records, per field, the script the editor last wrote it in
    (:func:`articles.conversion.written_script`: ``zh-hans``, ``zh-hant`` or ``both``), so the
    conversion review checks the direction the text was really converted in instead of guessing.
    """

    written_scripts = models.JSONField(_("书写文字"), default=dict, blank=True, editable=False)
    # False on an instance whose texts come from a source that is neither script (the importer
    # converts mixed wiki text to both): its changed fields get no record, and the review guesses.
    record_written_scripts = True

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db: str | None, field_names: Iterable[str], values: Iterable[Any]):
        instance = super().from_db(db, field_names, values)
        instance._remember_scripts()
        return instance

    def _remember_scripts(self) -> None:
        loaded = self.__dict__
        # Line breaks as saved now (rows stored before that rule may hold \r\n): a field is not
        # "changed" by its line endings alone.
        self._stored_scripts = {
            name: (with_newlines(loaded.get(field_name(name, HANS))), with_newlines(loaded.get(field_name(name, HANT))))
            for name in translated_fields(type(self))
            if field_name(name, HANS) in loaded and field_name(name, HANT) in loaded
        }

    def glossary(self) -> conversion.Glossary:
        return GlossaryTerm.glossary_for(None)

    def sync_scripts(self, glossary: conversion.Glossary | Callable[[], conversion.Glossary] | None = None) -> None:
        """Apply the save rule to every translated field (called by :meth:`save`) and record the
        script each changed field was written in. The glossary is read (one query) only if a field
        needs converting, once."""
        if glossary is None:
            glossary = functools.cache(self.glossary)
        stored = getattr(self, "_stored_scripts", {})
        written = dict(self.written_scripts or {})
        for name in self.script_synced_fields():
            hans_attr, hant_attr = field_name(name, HANS), field_name(name, HANT)
            new = (getattr(self, hans_attr) or "", getattr(self, hant_attr) or "")
            script = conversion.written_script(stored.get(name), new)
            if script is not None and self.record_written_scripts:
                written[name] = script
            elif script is not None or not any(new):
                written.pop(name, None)
            hans, hant = conversion.reconcile(stored.get(name), new, glossary)
            setattr(self, hans_attr, hans)
            setattr(self, hant_attr, hant)
        self.written_scripts = written

    def written_script(self, name: str) -> str | None:
        """The script field ``name`` was last written in (None: not recorded, e.g. older rows)."""
        return (self.written_scripts or {}).get(name)

    def script_synced_fields(self) -> tuple[str, ...]:
        return translated_fields(type(self))

    def required_translated_fields(self) -> list[str]:
        """Translated fields the model requires (not ``blank``): one script of each must be filled."""
        return [name for name in self.script_synced_fields() if not self._meta.get_field(name).blank]

    def clean(self) -> None:
        super().clean()
        for name in self.required_translated_fields():
            values = [getattr(self, field_name(name, script)) or "" for script in (HANS, HANT)]
            if not any(values):
                label = self._meta.get_field(name).verbose_name
                raise ValidationError(
                    {field_name(name, HANS): _("请在简体或繁體中填写%(field)s。") % {"field": label}},
                    code="required_in_either_script",
                )

    def save(self, *args: Any, **kwargs: Any) -> None:
        strip_control_characters(self)
        # Read at most once per save, by the save rule or by the derived data that the post_save
        # signal rebuilds (``saved_with_glossary``): it was read twice, 5 queries each (issue 24).
        self._save_glossary = functools.cache(self.glossary)
        try:
            self.sync_scripts(self._save_glossary)
            self.fill_slugs()
            super().save(*args, **kwargs)
        finally:
            del self._save_glossary
        self._remember_scripts()

    def saved_with_glossary(self) -> conversion.Glossary | None:
        """Inside :meth:`save` (its post_save signal): the glossary this save converts with."""
        glossary = getattr(self, "_save_glossary", None)
        return glossary() if glossary is not None else None

    def fill_slugs(self) -> None:
        """Models with a translated ``slug`` derive each empty script's slug from its title."""


def _slug_base(base: str) -> str:
    return (base or "item")[: SLUG_MAX_LENGTH - 6].strip("-") or "item"


def unique_slugs_by_column(model: type[models.Model], wanted: dict[str, list[str]],
                           exclude_pk: Any = None) -> dict[str, list[str]]:
    """For each column, its ``bases`` made unique in that column by a numeric suffix (条约, 条约-2,
    条约-3 …) and unique among themselves — every column in one query (a save fills the slug of
    both scripts, the importer several categories' at once)."""
    wanted = {column: [_slug_base(base) for base in bases] for column, bases in wanted.items()}
    columns = [column for column, bases in wanted.items() if bases]
    if not columns:
        return {column: [] for column in wanted}
    starts = Q()
    for column in columns:
        for base in set(wanted[column]):
            starts |= Q(**{f"{column}__startswith": base})
    taken: dict[str, set[str]] = {column: set() for column in columns}
    for row in model._default_manager.filter(starts).exclude(pk=exclude_pk).values_list(*columns):
        for column, value in zip(columns, row):
            taken[column].add(value)
    result: dict[str, list[str]] = {}
    for column, bases in wanted.items():
        slugs = []
        for base in bases:
            slug, n = base, 1
            while slug in taken[column]:
                n += 1
                slug = f"{base}-{n}"
            taken[column].add(slug)
            slugs.append(slug)
        result[column] = slugs
    return result


class SluggedMixin:
    """Fills ``slug_<script>`` from ``<title_field>_<script>`` when empty; keeps slugs unique."""

    slug_source = "title"

    def slug_for(self, text: str) -> str:
        return slugify(text, allow_unicode=True)

    def fill_slugs(self) -> None:
        wanted = {}
        for script in (HANS, HANT):
            column = field_name("slug", script)
            wanted[column] = [getattr(self, column) or self.slug_for(getattr(self, field_name(self.slug_source, script)) or "")]
        for column, (slug,) in unique_slugs_by_column(type(self), wanted, self.pk).items():
            setattr(self, column, slug)

    def script_synced_fields(self) -> tuple[str, ...]:
        # Slugs are derived from titles per script rather than converted from each other.
        return tuple(name for name in translated_fields(type(self)) if name != "slug")


def walk_up(start: T | None, parent_of: Callable[[T], T | None]) -> Iterator[T]:
    """``start`` and its parents, upwards, until the root — or a node seen before (a cycle that
    bad data may hold must never loop). The one walk of the category tree."""
    seen: set[T] = set()
    node = start
    while node is not None and node not in seen:
        seen.add(node)
        yield node
        node = parent_of(node)


class CategoryQuerySet(models.QuerySet):
    def named(self, names: Iterable[str] | str, kinds: Iterable[str] = ("name", "slug")) -> "CategoryQuerySet":
        """Categories that any of ``names`` names — name or slug, in either script (one filter)."""
        forms = conversion.in_both_scripts([names] if isinstance(names, str) else names)
        kinds = set(kinds)
        query = Q(pk__in=[])
        if "name" in kinds:
            query |= Q(name_zh_hans__in=forms) | Q(name_zh_hant__in=forms)
        if "slug" in kinds:
            query |= Q(slug_zh_hans__in=forms) | Q(slug_zh_hant__in=forms)
        return self.filter(query)


class Category(SluggedMixin, ScriptSyncedModel):
    """A node of the category tree. Articles belong to many categories."""

    slug_source = "name"

    name = models.CharField(_("名称"), max_length=200)
    slug = models.SlugField(_("网址名"), max_length=SLUG_MAX_LENGTH, allow_unicode=True, blank=True)
    description = models.TextField(_("说明"), blank=True, validators=[text_limit()])
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级分类"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
    )
    hidden = models.BooleanField(
        _("隐藏"), default=False, help_text=_("隐藏分类不在条目页显示（维护用分类）。")
    )

    objects = CategoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("分类")
        verbose_name_plural = _("分类")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~Q(parent=models.F("pk")), name="category_not_own_parent"),
            # slug_zh_* are added by modeltranslation (translation.py); one slug per script.
            models.UniqueConstraint(fields=["slug_zh_hans"], name="unique_category_slug_zh_hans"),
            models.UniqueConstraint(fields=["slug_zh_hant"], name="unique_category_slug_zh_hant"),
        ]

    def __str__(self) -> str:
        return self.name or self.name_zh_hans or self.name_zh_hant or ""

    def get_absolute_url(self) -> str:
        return url_for("articles:category", slug=self.slug)  # reverse(), remembered (url_memo)

    def ancestors(self) -> list["Category"]:
        """Parents from the root down, following ``parent`` (one query per level)."""
        chain = takewhile(lambda node: node.pk != self.pk, walk_up(self.parent, lambda node: node.parent))
        return list(reversed(list(chain)))

    @classmethod
    def find_by_any_name(cls, name: str) -> "Category | None":
        """The category a slug or name in either script names, if any."""
        return cls.objects.named(name).order_by("pk").first()

    @classmethod
    def create_named(cls, names: list[tuple[str, str]]) -> list["Category"]:
        """New top-level categories named (Simplified, Traditional), by the rules of ``save()``
        (control characters stripped, unique slugs from the names) in two queries whatever
        their number: the importer creates several per article. A new category is on no article,
        so there is no page to invalidate."""
        categories = [cls(name_zh_hans=hans, name_zh_hant=hant) for hans, hant in names]
        for category in categories:
            category.record_written_scripts = False  # converted from an import's names: none was typed
            strip_control_characters(category)
            category.sync_scripts()  # reads the glossary only if a name needs converting
        wanted = {field_name("slug", script): [slugify(getattr(c, field_name("name", script)) or "", allow_unicode=True)
                                                for c in categories] for script in (HANS, HANT)}
        for column, slugs in unique_slugs_by_column(cls, wanted).items():
            for category, slug in zip(categories, slugs):
                setattr(category, column, slug)
        created = cls.objects.bulk_create(categories)
        for category in created:
            category._remember_scripts()
        return created

    @classmethod
    def tree_paths(cls) -> dict[int, list[str]]:
        """Every category's path of names from the root, in the active script, in one query."""
        column = field_name("name", current_script())
        rows = {pk: (parent, name) for pk, parent, name in cls.objects.values_list("pk", "parent_id", column)}
        parent_of = lambda pk: rows[pk][0] if rows[pk][0] in rows else None  # noqa: E731
        return {pk: [rows[node][1] for node in walk_up(pk, parent_of)][::-1] for pk in rows}

    def clean(self) -> None:
        super().clean()
        if self.parent_id is None:
            return
        if self.pk is not None and self.parent_id == self.pk:
            raise ValidationError({"parent": _("分类不能是自己的上级分类。")})
        # Walk up from the proposed parent; meeting this category again means a cycle.
        parents = dict(Category.objects.values_list("pk", "parent_id"))
        if self.pk in walk_up(self.parent_id, parents.get):
            raise ValidationError({"parent": _("不能把分类移到它自己的下级分类之下（会形成循环）。")})

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.parent_id is not None:
            self.clean()
        super().save(*args, **kwargs)

    def merge_into(self, target: "Category") -> int:
        """Move this category's articles and subcategories to ``target``, then delete it.

        Returns the number of articles moved. The caller wraps it in a transaction.
        """
        if target.pk == self.pk:
            raise ValidationError(_("不能把分类合并到它自己。"))
        if self.pk in {c.pk for c in target.ancestors()}:
            raise ValidationError(_("不能把分类合并到它自己的下级分类。"))
        articles = list(self.articles.all())
        target.articles.add(*articles)
        self.children.update(parent=target)
        self.delete()
        return len(articles)


class Tag(TagBase):
    """A tag shared by both scripts: 条约 and 條約 are one tag.

    ``name`` (taggit's unique key) holds the Simplified form; ``name_zh_hant`` the Traditional
    one. Tags are not registered with modeltranslation because taggit looks tags up by ``name``
    and modeltranslation would rewrite that lookup to the active script.
    """

    name_zh_hant = models.CharField(_("名称（繁體）"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("标签")
        verbose_name_plural = _("标签")
        ordering = ["name"]

    @staticmethod
    def canonical(name: str) -> str:
        """The stored name: the text rule first (a name typed with U+FFFE is the tag without it)."""
        return conversion.to_simplified(without_control_characters(name).strip())

    @property
    def name_zh_hans(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return (self.name_zh_hant or self.name) if current_script() == HANT else self.name

    def slugify(self, tag: str, i: int | None = None) -> str:
        """taggit's Unicode slug; a name of punctuation only (``…``, ``,``) would get an empty slug
        and break every URL to it (issue 17), so it gets its code points instead: ``tag-2026``."""
        slug = super().slugify(tag)
        if not slug:
            slug = ("tag-" + "-".join(format(ord(ch), "x") for ch in tag if not ch.isspace()))[:90].rstrip("-")
        return f"{slug}_{i}" if i is not None else slug

    def clean(self) -> None:
        if not is_visible_text(self.canonical(self.name or "")):
            raise ValidationError({"name": _("标签名称不能为空，也不能只有空白。")}, code="invisible_tag")

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Every way in (admin, article form, importer, shell) gets the same rule: a name a reader
        cannot see would be a tag link with no text."""
        strip_control_characters(self)
        self.name = self.canonical(self.name)
        self.clean()
        self.name_zh_hant = (self.name_zh_hant or "").strip()
        if not is_visible_text(self.name_zh_hant):
            self.name_zh_hant = conversion.to_traditional(self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return url_for("articles:tag", slug=self.slug)  # reverse(), remembered (url_memo)


class TaggedArticle(TaggedItemBase):
    content_object = models.ForeignKey("Article", on_delete=models.CASCADE)
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="tagged_articles")

    class Meta:
        verbose_name = _("条目标签")
        verbose_name_plural = _("条目标签")
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="unique_article_tag"),
        ]


class ScriptTaggableManager(_TaggableManager):
    """Normalises tag names to their Simplified key, so either script finds the same tag."""

    def _to_tag_model_instances(self, tags, tag_kwargs):
        # Invisible names are dropped, as taggit's parse_tags drops empty ones (Tag.clean).
        tags = [self._canonical(t) for t in tags]
        tags = [t for t in tags if not isinstance(t, str) or is_visible_text(t)]
        return super()._to_tag_model_instances(tags, tag_kwargs)

    @staticmethod
    def _canonical(tag: Any) -> Any:
        """A tag name's Simplified key; a new tag typed in 繁體 keeps the form the editor typed as its
        繁體 name (converting it back from the key could choose another form: 裏海 → 里海 → 裡海)."""
        if not isinstance(tag, str):
            return tag
        typed, key = without_control_characters(tag).strip(), Tag.canonical(tag)
        if key and typed != key and is_visible_text(key):
            Tag.objects.get_or_create(name=key, defaults={"name_zh_hant": typed})
        return key


NAME_KINDS = ("title", "slug", "alias")


def published_condition(prefix: str = "") -> Q:
    """What "published" means — published status, publication time reached — as a filter, for
    articles (``prefix=""``) or across a relation (``prefix="articles__"``): drafts and scheduled
    articles count nowhere a reader looks (sitemap, category counts)."""
    return Q(**{f"{prefix}status": Article.Status.PUBLISHED, f"{prefix}published_at__lte": timezone.now()})


class ArticleQuerySet(models.QuerySet):
    def published(self) -> "ArticleQuerySet":
        return self.filter(published_condition())

    def linking_to(self, titles: Iterable[str]) -> "ArticleQuerySet":
        """The articles whose text links to any of ``titles`` (in either script)."""
        keys = {conversion.title_key(t) for t in titles if t}
        return self.filter(outgoing_links__target_key__in=keys).distinct() if keys else self.none()

    def search(self, query: str) -> "ArticleQuerySet":
        """The articles that contain every term of ``query`` (either script), ranked: a match in
        the title, then in the lead's opening, then the most recently updated (see ``search.py``).

        The contract the admin and the public search share: nothing for a query with no terms;
        never raises on any input.
        """
        terms = search.query_terms(query)
        if not terms:
            return self.none()
        queryset = self
        tokens = sorted(set().union(*(search.term_tokens(t) for t in terms)))
        if tokens and connection.vendor == "postgresql":
            # The GIN index over the token array (migration 0005) answers this without reading documents.
            queryset = queryset.extra(
                where=["article_search_tokens(articles_article.search_tokens) @> %s::text[]"], params=[tokens]
            )
        elif tokens:
            for token in tokens:
                queryset = queryset.filter(search_tokens__contains=f" {token} ")
        for term in terms:
            if not term.isalnum():  # punctuation is not tokenised: match such a term literally
                queryset = queryset.filter(search_document__contains=term)
        in_title, in_lead = Q(), Q()
        for term in terms:
            in_title &= Q(search_title__contains=term)
            in_lead &= Q(search_lead__contains=term)
        return queryset.annotate(
            relevance=Case(
                When(in_title, then=Value(2)), When(in_lead, then=Value(1)), default=Value(0),
                output_field=IntegerField(),
            )
        ).order_by("-relevance", "-updated_at", "pk")

    def named(self, names: Iterable[str] | str, kinds: Iterable[str] = NAME_KINDS) -> "ArticleQuerySet":
        """Articles that any of ``names`` names, in either script: their title, slug or former
        slug, or an alias (the bold lead term, other forms). One filter (no query of its own),
        shared by URL redirects (:meth:`Article.find_by_any_name`), wikilink resolution
        (``rendering.resolve_titles``) and the importer (titles only). ``kinds`` narrows it."""
        names = [names] if isinstance(names, str) else list(names)
        forms = conversion.in_both_scripts(names)
        kinds = set(kinds)
        query = Q(pk__in=[])
        if "title" in kinds:
            query |= Q(title_zh_hans__any_of=forms) | Q(title_zh_hant__any_of=forms)
        if "slug" in kinds:
            query |= (Q(slug_zh_hans__any_of=forms) | Q(slug_zh_hant__any_of=forms)
                      | Q(slug_redirects__slug__any_of=forms))
        if "alias" in kinds:
            query |= Q(aliases__key__any_of={conversion.title_key(name) for name in names})
        return self.filter(query).distinct()


@dataclass(frozen=True)
class ArticleTexts:
    """An article's texts in both scripts: title and lead as (hans, hant), sections as
    (heading hans, heading hant, body hans, body hant), references as (hans, hant)."""

    title: tuple[str, str]
    lead: tuple[str, str]
    sections: list[tuple[str, ...]]
    references: list[tuple[str, ...]]
    #: ``written_scripts`` of the article, of each section and of each reference (in their order):
    #: the script each field was written in, which the review counts from.
    written: dict | None = None
    section_written: tuple = ()
    reference_written: tuple = ()

    @classmethod
    def of(cls, article: "Article", sections: Iterable["Section"], references: Iterable["Reference"]) -> "ArticleTexts":
        """The texts of parts at hand, in the order :meth:`Article.part_texts` reads them (the
        importer, which has just written them, need not read them back: issue 24)."""
        sections, references = list(sections), list(references)
        return cls(
            (article.title_zh_hans or "", article.title_zh_hant or ""),
            (article.lead_zh_hans or "", article.lead_zh_hant or ""),
            [(s.heading_zh_hans or "", s.heading_zh_hant or "", s.body_zh_hans or "", s.body_zh_hant or "")
             for s in sections],
            [(r.text_zh_hans or "", r.text_zh_hant or "") for r in references],
            article.written_scripts, tuple(s.written_scripts for s in sections),
            tuple(r.written_scripts for r in references),
        )

    def search_texts(self) -> list[str]:
        """The Simplified texts the search columns are made of, lead first."""
        texts = [self.lead[0]]
        for heading, _heading_hant, body, _body_hant in self.sections:
            texts += [heading, body]
        return texts + [text for text, _ in self.references]

    def review_pairs(self) -> list[tuple[str, str, str | None]]:
        """(hans, hant, the script it was written in or None) for every text."""
        def written(record: dict | None, name: str) -> str | None:
            return (record or {}).get(name)

        pairs = [(*self.title, written(self.written, "title")), (*self.lead, written(self.written, "lead"))]
        for index, part in enumerate(self.sections):
            record = self.section_written[index] if index < len(self.section_written) else None
            pairs += [(*part[:2], written(record, "heading")), (*part[2:], written(record, "body"))]
        for index, part in enumerate(self.references):
            record = self.reference_written[index] if index < len(self.reference_written) else None
            pairs.append((*part, written(record, "text")))
        return pairs

    def link_texts(self) -> list[str]:
        return [*self.lead, *(text for part in self.sections for text in part[2:])]


class Article(SluggedMixin, ScriptSyncedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")

    def slug_for(self, text: str) -> str:
        """New articles' slugs keep the title's meaningful characters (``slugs.py``)."""
        return title_slug(text)

    title = models.CharField(_("标题"), max_length=200)
    slug = TitleSlugField(_("网址名"), max_length=SLUG_MAX_LENGTH, allow_unicode=True, blank=True)
    lead = models.TextField(
        _("导言"), blank=True, validators=[text_limit()], help_text=_("第一个标题之前的文字（Markdown）。")
    )
    references_heading = models.CharField(
        _("参考文献标题"), max_length=100, blank=True,
        help_text=_("参考文献列表的标题，如“注释”；留空则为“参考文献”。"),
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(
        _("发布时间"), null=True, blank=True, validators=[publication_date_in_range],
        help_text=_("留空则在发布时取当前时间。"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    categories = models.ManyToManyField(
        Category, verbose_name=_("分类"), related_name="articles", blank=True
    )
    # Script-neutral search data, rebuilt on every save of the article or its parts (search.py).
    search_title = models.TextField(editable=False, default="")
    search_lead = models.TextField(editable=False, default="")
    search_document = models.TextField(editable=False, default="")
    search_tokens = models.TextField(editable=False, default="")
    # Characters OpenCC had to guess and no editor has reviewed yet (conversion_review.py).
    unreviewed_characters = models.PositiveIntegerField(_("待审校字"), editable=False, default=0)
    # The digest of the file an import made this article from (``import_wiki``): a re-run skips a
    # file whose digest an article carries. Any other save of the article or a part clears it.
    import_digest = models.CharField(max_length=64, editable=False, blank=True, default="")
    tags = TaggableManager(
        verbose_name=_("标签"), through=TaggedArticle, manager=ScriptTaggableManager, blank=True
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("条目")
        verbose_name_plural = _("条目")
        ordering = ["-updated_at", "pk"]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="article_status_published"),
            # named() looks articles up by title in either script on every import and render: an
            # import of 10,000 files scanned the whole table twice per file without these.
            models.Index(fields=["title_zh_hans"], name="article_title_zh_hans"),
            models.Index(fields=["title_zh_hant"], name="article_title_zh_hant"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="published_article_has_date",
                violation_error_message=_("已发布的条目必须有发布时间。"),
            ),
            models.CheckConstraint(
                condition=Q(published_at__isnull=True)
                | Q(published_at__gte=EARLIEST_PUBLICATION, published_at__lt=LATEST_PUBLICATION),
                name="publication_date_in_range",
                violation_error_message=_("发布时间超出可用范围。"),
            ),
            models.UniqueConstraint(fields=["slug_zh_hans"], name="unique_article_slug_zh_hans"),
            models.UniqueConstraint(fields=["slug_zh_hant"], name="unique_article_slug_zh_hant"),
        ]

    def __str__(self) -> str:
        return self.title or self.title_zh_hans or self.title_zh_hant or ""

    def get_absolute_url(self) -> str:
        return url_for("articles:article", slug=self.slug)  # reverse(), remembered (url_memo)

    @property
    def is_published(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    def publish(self, when=None) -> None:
        """Mark published; ``published_at`` is set on first publish and kept afterwards."""
        self.status = self.Status.PUBLISHED
        if when is not None:
            self.published_at = when
        self.date_publication()

    def unpublish(self) -> None:
        self.status = self.Status.DRAFT

    def date_publication(self) -> None:
        """The rule: published with no date means published now (forms, actions, importer, scripts)."""
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()

    def clean(self) -> None:
        super().clean()
        self.date_publication()  # before constraint validation in forms
        titles = [t for t in (self.title_zh_hans, self.title_zh_hant) if t]  # one is (ScriptSyncedModel.clean)
        if not any(is_visible_text(t) for t in titles):
            raise ValidationError({"title_zh_hans": _("标题只有空白或不可见字符（零宽字符、方向控制符）。")},
                                  code="title_invisible")
        clash = Article.objects.named(titles, kinds=("title",)).exclude(pk=self.pk).first()
        if clash is not None:
            raise ValidationError({"title_zh_hans": _("已经有标题相同的条目“%(title)s”（两种文字视为同一标题）。")},
                                  code="title_taken", params={"title": clash})

    def glossary(self) -> conversion.Glossary:
        # Terms added in the same admin save (not stored yet) count too: the admin sets them.
        pending = tuple(getattr(self, "pending_glossary", ()))
        from .glossaries import script_glossary_for

        return script_glossary_for(self, pending)

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.date_publication()
        old_slugs = getattr(self, "_stored_scripts", {}).get("slug")
        super().save(*args, **kwargs)
        if old_slugs:
            # Old URLs keep working: a renamed slug answers 301 to the new one.
            for script, old in zip((HANS, HANT), old_slugs):
                if old and old != getattr(self, field_name("slug", script)):
                    ArticleSlugRedirect.objects.update_or_create(slug=old, defaults={"article": self})

    def part_texts(self) -> "ArticleTexts":
        """The texts of the article and its parts that derived data is made of (two queries)."""
        sections = list(self.sections.values_list(
            "heading_zh_hans", "heading_zh_hant", "body_zh_hans", "body_zh_hant", "written_scripts"))
        references = list(self.references.values_list("text_zh_hans", "text_zh_hant", "written_scripts"))
        return ArticleTexts(
            (self.title_zh_hans or "", self.title_zh_hant or ""),
            (self.lead_zh_hans or "", self.lead_zh_hant or ""),
            [tuple(v or "" for v in row[:-1]) for row in sections],
            [tuple(v or "" for v in row[:-1]) for row in references],
            self.written_scripts, tuple(row[-1] for row in sections), tuple(row[-1] for row in references),
        )

    def rebuild_derived(self, texts: "ArticleTexts | None" = None, *, links: bool = True,
                        import_digest: str = "", glossary: conversion.Glossary | None = None) -> None:
        """Everything kept from the texts — search columns, unreviewed count (one update) and
        link table — from one read of the parts: what every save of the article or a part runs
        (``links=False``: a reference, whose text holds no wikilink the link table counts). The
        import digest is set by the importer and cleared by every other save. ``glossary``: the
        one the save that calls this converted with (read once per save), else it is read."""
        texts = self.part_texts() if texts is None else texts
        glossary = self.glossary() if glossary is None else glossary
        count = conversion_review.unreviewed_count(texts.review_pairs(), glossary)
        Article.objects.filter(pk=self.pk).update(
            **search.search_columns(*texts.title, texts.search_texts()), unreviewed_characters=count,
            import_digest=import_digest,
        )
        self.unreviewed_characters, self.import_digest = count, import_digest
        if links:
            self._replace_links(texts.link_texts())

    @contextmanager
    def saving_parts(self) -> Iterator[None]:
        """Save this article's parts (and the article) inside: each save skips the derived data,
        rebuilt once at the end, then :data:`parts_saved` is sent. What the admin's form does
        (the article, then every section, reference and term in one transaction).

        Why: a part's save rebuilds the whole article's search columns, unreviewed count and links
        (a part saved alone must); a form saving five sections did it six times, and on
        PostgreSQL each rewrite of the search tokens re-inserts every token into their GIN index —
        70–240 ms of a 5-section, 100,000-character save of real text, against 12–40 ms once."""
        with saving_whole_articles():
            yield
        self.rebuild_derived()
        parts_saved.send(sender=Article, article=self)

    def rebuild_links(self) -> None:
        """Recompute :class:`ArticleLink` rows from the lead and section texts (both scripts)."""
        self._replace_links(self.part_texts().link_texts())

    def _replace_links(self, texts: list[str]) -> None:
        from .conversion import title_key

        max_length = ArticleLink._meta.get_field("target").max_length
        targets = {title_key(t)[:max_length]: t[:max_length] for t in sorted(wikilink_targets(texts))}
        ArticleLink.objects.filter(source=self).delete()
        if targets:
            ArticleLink.objects.bulk_create(
                ArticleLink(source=self, target_key=key, target=target) for key, target in targets.items()
            )

    def rebuild_search_document(self) -> None:
        """Recompute the search columns from the stored Simplified texts — lead, headings, bodies and
        references (two queries for the parts, one update)."""
        texts = self.part_texts()
        Article.objects.filter(pk=self.pk).update(**search.search_columns(*texts.title, texts.search_texts()))

    def count_unreviewed_characters(self) -> int:
        """Ambiguous characters left in the title, lead, headings, bodies and references, each
        reviewed in the script it was written in."""
        return conversion_review.unreviewed_count(self.part_texts().review_pairs(), self.glossary())

    def rebuild_review_count(self) -> None:
        count = self.count_unreviewed_characters()
        if count != self.unreviewed_characters:
            Article.objects.filter(pk=self.pk).update(unreviewed_characters=count)
            self.unreviewed_characters = count

    @classmethod
    def find_by_any_name(cls, name: str) -> "Article | None":
        """The article a slug, title, former slug or alias in either script names, if any
        (a title or slug wins over an alias that two articles may share). An underscore reads as
        a space too, as in MediaWiki's URLs (``杨杰_(军事家)``)."""
        names = [name, name.replace("_", " ")] if "_" in name else [name]
        for kinds in (("title", "slug"), ("alias",)):
            found = cls.objects.named(names, kinds).order_by("pk").first()
            if found is not None:
                return found
        return None

    def set_aliases(self, names: Iterable[str], *, has_aliases: bool = True) -> None:
        """Make ``names`` this article's aliases (matched by :func:`title_key`), replacing the former
        ones. A name equal to the title is kept too: the importer records every bold lead term,
        which also tells its identity rule that this article already follows the file-name rule.
        ``has_aliases=False`` (an article just created) skips looking for former ones."""
        limit = ArticleAlias._meta.get_field("name").max_length
        wanted = {conversion.title_key(n[:limit]): n.strip()[:limit] for n in names if n and n.strip()}
        existing: set[str] = set()
        if has_aliases:
            self.aliases.exclude(key__in=wanted).delete()
            existing = set(self.aliases.values_list("key", flat=True))
        ArticleAlias.objects.bulk_create(
            ArticleAlias(article=self, name=name, key=key) for key, name in wanted.items() if key not in existing
        )


class ArticleAlias(models.Model):
    """Another name of an article (the bold lead term of an import, a common short name): it
    resolves wikilinks and its URL answers 301 to the article. Matched by :func:`title_key`."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(_("别名"), max_length=200)
    key = models.CharField(max_length=200, db_index=True, editable=False)

    class Meta:
        verbose_name = _("别名")
        verbose_name_plural = _("别名")
        constraints = [models.UniqueConstraint(fields=["article", "key"], name="unique_article_alias")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        strip_control_characters(self)
        self.key = conversion.title_key(self.name)
        super().save(*args, **kwargs)


class ArticleSlugRedirect(models.Model):
    """A former slug of an article (either script), so that old links answer 301."""

    slug = models.CharField(_("旧网址名"), max_length=SLUG_MAX_LENGTH, unique=True)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="slug_redirects")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("旧网址")
        verbose_name_plural = _("旧网址")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.slug} → {self.article}"

    def get_absolute_url(self) -> str:
        return self.article.get_absolute_url()


class ArticleLink(models.Model):
    """A wikilink from an article to a title, as written in either script; kept on every save.

    ``target_key`` is :func:`articles.rendering.title_key` of the target — titles match across
    scripts — so "which articles link to this title" is one indexed query (cache invalidation:
    a new or renamed title turns other articles' red links blue).
    """

    source = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="outgoing_links")
    target_key = models.CharField(max_length=300, db_index=True)
    target = models.CharField(max_length=300)

    class Meta:
        ordering = ["source", "target_key"]
        constraints = [models.UniqueConstraint(fields=["source", "target_key"], name="unique_link_per_target")]

    def __str__(self) -> str:
        return f"{self.source} → {self.target}"


class ArticlePart(ScriptSyncedModel):
    """Base of the parts of an article; converted with the article's glossary."""

    class Meta:
        abstract = True

    def glossary(self) -> conversion.Glossary:
        # The admin's article instance carries the glossary terms of the same save.
        if type(self).article.is_cached(self):
            return self.article.glossary()
        from .glossaries import script_glossary_for

        return script_glossary_for(Article(pk=self.article_id))


class Section(ArticlePart):
    class Level(models.IntegerChoices):
        H2 = 2, _("二级标题")
        H3 = 3, _("三级标题")
        H4 = 4, _("四级标题")

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveIntegerField(_("顺序"), default=0)
    level = models.PositiveSmallIntegerField(_("级别"), choices=Level.choices, default=Level.H2)
    heading = models.CharField(_("标题"), max_length=300)
    body = models.TextField(_("正文"), blank=True, validators=[text_limit()])

    class Meta:
        verbose_name = _("章节")
        verbose_name_plural = _("章节")
        ordering = ["article", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(level__gte=2, level__lte=4), name="section_level_2_to_4"),
        ]

    def __str__(self) -> str:
        return self.heading or self.heading_zh_hans or ""

    def get_absolute_url(self) -> str:
        return f"{self.article.get_absolute_url()}#s{self.position}"


class Reference(ArticlePart):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="references")
    position = models.PositiveIntegerField(_("顺序"), default=0)
    key = models.CharField(
        _("引用键"), max_length=50, help_text=_("正文中以 [^键] 引用，例如 1 或 handbook。")
    )
    text = models.TextField(
        _("内容"), blank=True, validators=[text_limit()], help_text=_("行内 Markdown。可留空（导入时来源已丢失）。")
    )
    url = models.URLField(_("网址"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("参考文献")
        verbose_name_plural = _("参考文献")
        ordering = ["article", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["article", "key"], name="unique_reference_key_per_article"),
        ]

    def __str__(self) -> str:
        return f"[{self.key}] {self.text or ''}".strip()

    @property
    def is_empty(self) -> bool:
        return not (self.text_zh_hans or self.text_zh_hant or "").strip()

    def get_absolute_url(self) -> str:
        return f"{self.article.get_absolute_url()}#ref-{self.key}"


class RegionalForms(models.Model):
    """A glossary term's forms for the regional variants (issue 25), beside its two script forms
    ``hans`` / ``hant``: a term may name a variant (出租车 → zh-tw 計程車, zh-hk 的士) and leaves
    the variants it does not name to the script form and OpenCC. How the forms become conversion
    terms: :func:`articles.glossaries.terms_from_forms`."""

    zh_cn = models.CharField(_("大陆"), max_length=100, blank=True)
    zh_tw = models.CharField(_("台湾"), max_length=100, blank=True)
    zh_hk = models.CharField(_("香港"), max_length=100, blank=True)

    class Meta:
        abstract = True

    def forms(self) -> dict[str, str]:
        """{variant: form} of the forms this term gives (zh-hans, zh-hant, zh-cn, zh-tw, zh-hk)."""
        from .glossaries import forms_of

        return forms_of(self)

    def clean(self) -> None:
        super().clean()
        if len(set(self.forms().values())) < 2 and not (self.hans and self.hant):
            raise ValidationError(_("词条至少要有两个不同的写法（例如简体与台湾写法）。"), code="term_one_form")


class GlossaryTerm(RegionalForms):
    """A conversion pair applied before OpenCC, site-wide or for one article."""

    hans = models.CharField(_("简体"), max_length=100)
    hant = models.CharField(_("繁體"), max_length=100)
    article = models.ForeignKey(
        Article,
        verbose_name=_("仅用于条目"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="glossary_terms",
        help_text=_("留空则全站适用。"),
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("转换词汇")
        verbose_name_plural = _("转换词汇")
        ordering = ["hans"]
        constraints = [
            models.UniqueConstraint(
                fields=["hans"], condition=Q(article=None), name="unique_global_glossary_term"
            ),
            models.UniqueConstraint(fields=["article", "hans"], name="unique_article_glossary_term"),
            models.CheckConstraint(condition=~Q(hans="") & ~Q(hant=""), name="glossary_term_not_empty"),
        ]

    def save(self, *args: Any, **kwargs: Any) -> None:
        strip_control_characters(self)
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        regional = "；".join(f"{variant}：{form}" for variant, form in self.forms().items()
                            if variant not in (HANS, HANT))
        return f"{self.hans} ⇄ {self.hant}" + (f"（{regional}）" if regional else "")

    @classmethod
    def glossary_for(cls, article_id: int | None) -> conversion.Glossary:
        """Global terms plus the article's own (which win on the same Simplified term)."""
        terms = cls.objects.filter(Q(article=None) | Q(article_id=article_id) if article_id else Q(article=None))
        # Article terms last so they override global ones in the dict.
        ordered = sorted(terms.values_list("hans", "hant", "article_id"), key=lambda t: t[2] is not None)
        return conversion.Glossary(tuple({hans: (hans, hant) for hans, hant, _ in ordered}.values()))


class NamedGlossary(models.Model):
    """A named, scoped glossary (a topic group like MediaWiki's public conversion groups: 铁路,
    计算机, 人名): used by the articles that opt in and by every article of a category that opts in
    (direct members, as the category page lists them). Its terms come after an article's own
    terms and before the site-wide ones (:func:`articles.glossaries.terms_for_article`).

    ``conversion_group`` makes it a built-in conversion group as well (MediaWiki's
    Module:CGroup/IT): ``it`` turns OpenCC's computing vocabulary on for the articles using it,
    which no other article gets (保存 stays 保存 on a treaty's zh-tw page; issue 25). Migration
    0021 creates the glossary 计算机 with that group."""

    #: Conversion groups built into the converter (the regional tables' domains,
    #: :mod:`articles.regional`): a glossary naming one turns that vocabulary on for its articles.
    CONVERSION_GROUPS = (("", _("无")), ("it", _("计算机（OpenCC 的计算机词汇）")))

    name = models.CharField(_("名称"), max_length=50, unique=True)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    conversion_group = models.CharField(
        _("内置转换组"), max_length=20, blank=True, default="", choices=CONVERSION_GROUPS,
        help_text=_("使用本词汇表的条目另用这组内置的地区词汇（如计算机：保存→儲存、支持→支援）；其他条目不用。"))
    articles = models.ManyToManyField(Article, verbose_name=_("使用的条目"), related_name="named_glossaries", blank=True)
    categories = models.ManyToManyField(Category, verbose_name=_("使用的分类"), related_name="named_glossaries",
                                        blank=True, help_text=_("分类中的条目都使用本词汇表。"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("专题词汇表")
        verbose_name_plural = _("专题词汇表")
        ordering = ["name"]

    def save(self, *args: Any, **kwargs: Any) -> None:
        strip_control_characters(self)
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return self.name

    def using_articles(self) -> models.QuerySet[Article]:
        """The articles whose pages this glossary's terms show up on."""
        return Article.objects.filter(Q(named_glossaries=self) | Q(categories__named_glossaries=self)).distinct()


class NamedGlossaryTerm(RegionalForms):
    """One term of a named glossary: its forms per variant (at least two)."""

    glossary = models.ForeignKey(NamedGlossary, verbose_name=_("词汇表"), on_delete=models.CASCADE, related_name="terms")
    hans = models.CharField(_("简体"), max_length=100, blank=True)
    hant = models.CharField(_("繁體"), max_length=100, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("词条")
        verbose_name_plural = _("词条")
        ordering = ["glossary", "hans", "hant"]
        constraints = [
            models.CheckConstraint(condition=~Q(hans="") | ~Q(hant=""), name="named_glossary_term_has_script_form"),
            models.UniqueConstraint(fields=["glossary", "hans", "hant"], name="unique_named_glossary_term"),
        ]

    def save(self, *args: Any, **kwargs: Any) -> None:
        strip_control_characters(self)
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return " ⇄ ".join(dict.fromkeys(self.forms().values()))


# --- keeping the search columns and the link table current ------------------------------------
# Signals rather than save(): queryset deletes of sections and references must count too.


_WHOLE_ARTICLE_SAVES: ContextVar[bool] = ContextVar("whole_article_saves", default=False)


@contextmanager
def saving_whole_articles() -> Iterator[None]:
    """Within it, saving or deleting a section, reference or tagging, or setting an article's
    categories, does nothing beyond the rows themselves, and saving an article does not rebuild
    its derived data: the caller saves each
    article (``save()``, which still invalidates its pages) in the same transaction as its parts
    and calls :meth:`Article.rebuild_derived` once they are written (the
    importer: a re-import deleted its sections one signal at a time, each rebuilding the whole
    article's derived data and invalidating its pages again)."""
    token = _WHOLE_ARTICLE_SAVES.set(True)
    try:
        yield
    finally:
        _WHOLE_ARTICLE_SAVES.reset(token)


#: Sent by :meth:`Article.saving_parts` once the article and the parts saved within it are
#: written and its derived data rebuilt (``article``): what the parts' own signals would have done
#: for each — the image usage, the pages to invalidate — is done once, by the receivers.
parts_saved = Signal()


def deleted_with_its_article(signal_kwargs: dict[str, Any]) -> bool:
    """Whether a part's ``post_delete`` comes from deleting its article (``origin``: the article,
    or a queryset of articles, as the admin's bulk delete): the part's own handlers must then do
    nothing — whatever they wrote for the article (links, renderings, image usage) would point
    at a row deleted in the same transaction and fail the commit on its foreign key."""
    origin = signal_kwargs.get("origin")
    return isinstance(origin, Article) or getattr(origin, "model", None) is Article


def part_signals_deferred() -> bool:
    """Whether :func:`saving_whole_articles` is in force (the per-part signals skip their work)."""
    return _WHOLE_ARTICLE_SAVES.get()


@receiver(post_save, sender=Article, dispatch_uid="search-article")
def _rebuild_search_for_article(sender, instance: Article, raw: bool = False, **kwargs: Any) -> None:
    if not raw and not part_signals_deferred():
        instance.rebuild_derived(glossary=instance.saved_with_glossary())


@receiver(post_save, sender=Section, dispatch_uid="search-save-Section")
@receiver(post_save, sender=Reference, dispatch_uid="search-save-Reference")
@receiver(post_delete, sender=Section, dispatch_uid="search-delete-Section")
@receiver(post_delete, sender=Reference, dispatch_uid="search-delete-Reference")
def _rebuild_search_for_part(sender, instance: ArticlePart, raw: bool = False, **kwargs: Any) -> None:
    if raw or deleted_with_its_article(kwargs) or part_signals_deferred():  # the article's own rows go with it
        return
    # The derived columns are rewritten, never read: not loading them saves moving ~1 MB.
    article = Article.objects.defer(*search.SEARCH_COLUMNS).filter(pk=instance.article_id).first()
    if article is not None:
        article.rebuild_derived(links=sender is Section, glossary=instance.saved_with_glossary())
