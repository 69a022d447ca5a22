"""Revisions, comparisons and the no-lost-update check for articles.

django-reversion keeps the history: it is the maintained standard for this in Django (admin
integration with history, revert and recover-deleted views; one revision spans an object and the
objects it follows), so an article's save — with its sections, references, glossary terms, aliases,
categories (stored in the article's own serialised data) and tags (their through rows) — is one
revision that can be compared and restored as a unit. This module adds what reversion leaves to
the project: a per-field, per-script diff between two revisions, and optimistic concurrency.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import datetime

import reversion
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from reversion.models import Version

from .conversion import SCRIPTS
from .models import (Article, ArticleAlias, Category, GlossaryTerm, NamedGlossary, NamedGlossaryTerm, Reference,
                     Section, Tag, TaggedArticle)
from .text import with_newlines, without_control_characters

reversion.register(Tag)
reversion.register(TaggedArticle, follow=("tag",))
reversion.register(Section)
reversion.register(Reference)
reversion.register(GlossaryTerm)
reversion.register(ArticleAlias)
reversion.register(NamedGlossaryTerm)
reversion.register(NamedGlossary, follow=("terms",))
reversion.register(Article, follow=("sections", "references", "glossary_terms", "aliases", "taggedarticle_set"))

ARTICLE_FIELDS = [
    ("title_zh_hans", _("标题（简体）")), ("title_zh_hant", _("标题（繁體）")),
    ("slug_zh_hans", _("网址名（简体）")), ("slug_zh_hant", _("网址名（繁體）")),
    ("lead_zh_hans", _("导言（简体）")), ("lead_zh_hant", _("导言（繁體）")),
    ("status", _("状态")), ("published_at", _("发布时间")), ("categories", _("分类")),
]
PART_FIELDS = {
    "section": [("position", _("顺序")), ("level", _("级别")), ("heading_zh_hans", _("标题（简体）")),
                ("heading_zh_hant", _("标题（繁體）")), ("body_zh_hans", _("正文（简体）")),
                ("body_zh_hant", _("正文（繁體）"))],
    "reference": [("key", _("引用键")), ("text_zh_hans", _("内容（简体）")), ("text_zh_hant", _("内容（繁體）")),
                  ("url", _("网址"))],
    "glossaryterm": [("hans", _("简体")), ("hant", _("繁體"))],
}


def _parts_of(version: Version) -> dict[str, dict[str, dict]]:
    """The versions saved in the same revision, by model name and object id."""
    parts: dict[str, dict[str, dict]] = {name: {} for name in [*PART_FIELDS, "taggedarticle"]}
    for other in version.revision.version_set.select_related("content_type"):
        model = other.content_type.model
        if model in parts:
            parts[model][other.object_id] = other.field_dict
    return parts


def _tags_of(parts: dict[str, dict[str, dict]]) -> str:
    tags = Tag.objects.filter(pk__in=[data["tag_id"] for data in parts["taggedarticle"].values()])
    return "、".join(sorted(t.name for t in tags))


def char_diff(old: str, new: str) -> SafeString:
    """Escaped text with deletions in <del> and insertions in <ins>, by characters (Chinese has
    no spaces, so a word diff would mark whole paragraphs)."""
    out = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op in ("delete", "replace"):
            out.append(f"<del>{escape(old[a1:a2])}</del>")
        if op in ("insert", "replace"):
            out.append(f"<ins>{escape(new[b1:b2])}</ins>")
        if op == "equal":
            out.append(escape(old[a1:a2]))
    return mark_safe("".join(out))


@dataclass
class FieldChange:
    where: str
    field: str
    diff: SafeString


EDIT_SUMMARY_LENGTH = 300


def edit_summary(text: str) -> str:
    """An editor's edit summary as stored in the revision's comment: one line, no control characters."""
    return " ".join(without_control_characters(text or "").split())[:EDIT_SUMMARY_LENGTH]


def status_label(value: str | None) -> str:
    """草稿 / 已发布 for a stored status value (the history and diffs never show raw values)."""
    try:
        return str(Article.Status(value).label)
    except ValueError:
        return value or ""


def as_stored_in_revisions(when: datetime | str | None) -> datetime | None:
    """A date as a revision holds it: Django's JSON serializer writes dates to the millisecond."""
    when = parse_datetime(when) if isinstance(when, str) else when
    return when.replace(microsecond=when.microsecond // 1000 * 1000) if when else None


def publication_differs(kept: tuple, then: tuple) -> bool:
    """Whether a revision's (status, published_at) differs from today's."""
    return (kept[0], as_stored_in_revisions(kept[1])) != (then[0], as_stored_in_revisions(then[1]))


def _text(value) -> str:
    """A stored value as an editor reads it: dates in local time in the active script's format."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(value, (list, tuple)):
        return "、".join(map(str, value))
    return str(value)


def _shown(name: str, value):
    """A field's value for the diff: the status as its label, dates parsed, categories by name."""
    if name == "status":
        return status_label(value)
    if name == "published_at" and isinstance(value, str):
        return parse_datetime(value)
    if name == "categories" and value:
        names = dict(Category.objects.filter(pk__in=value).values_list("pk", "name"))
        return [names.get(pk, pk) for pk in value]
    return value


def compare(old: Version, new: Version) -> list[FieldChange]:
    """Every field that differs between two versions of an article, per script."""
    changes: list[FieldChange] = []
    article = str(_("条目"))

    def add(where: str, label, before, after) -> None:
        if _text(before) != _text(after):
            changes.append(FieldChange(where, str(label), char_diff(_text(before), _text(after))))

    old_fields, new_fields = old.field_dict, new.field_dict
    for name, label in ARTICLE_FIELDS:
        add(article, label, _shown(name, old_fields.get(name)), _shown(name, new_fields.get(name)))
    old_parts, new_parts = _parts_of(old), _parts_of(new)
    add(article, _("标签"), _tags_of(old_parts), _tags_of(new_parts))
    for model, fields in PART_FIELDS.items():
        kind = {"section": _("章节"), "reference": _("参考文献"), "glossaryterm": _("转换词汇")}[model]
        for object_id in sorted(set(old_parts[model]) | set(new_parts[model]), key=lambda i: int(i)):
            before, after = old_parts[model].get(object_id, {}), new_parts[model].get(object_id, {})
            shown = after or before
            name = shown.get("heading_zh_hans") or shown.get("key") or shown.get("hans") or object_id
            where = f"{kind} {name}"
            if not before:
                where += f"（{_('新增')}）"
            elif not after:
                where += f"（{_('删除')}）"
            for field, label in fields:
                add(where, label, before.get(field), after.get(field))
    return changes


# --- optimistic concurrency ---------------------------------------------------------------------


def edit_token(article: Article) -> str:
    """What an editor's form remembers of the version they opened."""
    return article.updated_at.isoformat() if article.updated_at else ""


@dataclass
class Conflict:
    """Someone saved the article after the editor opened it."""

    token: str
    changed_at: datetime
    changed_by: str | None
    opened_token: str = ""  # the version the editor opened (its edit token)


def last_editor(article_pk: int) -> str | None:
    version = Version.objects.get_for_object_reference(Article, article_pk).select_related("revision__user").first()
    user = version.revision.user if version else None
    return user.get_username() if user else None


def lock_and_find_conflict(article_pk: int, token: str) -> Conflict | None:
    """Lock the article's row for the rest of the transaction; the conflicting change, if it changed
    since the version ``token`` names (else None).

    Called inside the saving transaction: ``select_for_update`` makes a concurrent save wait
    until this one commits (PostgreSQL), so two editors cannot both pass the check.
    """
    assert transaction.get_connection().in_atomic_block, "call inside the saving transaction"
    current = Article.objects.select_for_update().filter(pk=article_pk).values_list("updated_at", flat=True).first()
    if current is None:
        return None
    opened = parse_datetime(token) if token else None
    if opened is not None and opened == current:
        return None
    return Conflict(token=current.isoformat(), changed_at=current, changed_by=last_editor(article_pk),
                    opened_token=token)


def changes_since(article_pk: int, opened_token: str) -> list[FieldChange] | None:
    """What others changed since the version an editor opened (named by its edit token): the diff
    from that revision to the latest one; None when the opened revision is not in the history."""
    opened = as_stored_in_revisions(opened_token or None)
    versions = list(Version.objects.get_for_object_reference(Article, article_pk)[:50])
    if opened is None or not versions:
        return None
    for version in versions:
        if as_stored_in_revisions(version.field_dict.get("updated_at")) == opened:
            return compare(version, versions[0]) if version.pk != versions[0].pk else None
    return None


# --- what the editor saw ------------------------------------------------------------------------
# The save rule ("changed one script → regenerate the other") must be judged against what the
# editor was shown, not against what is stored now: after an edit conflict the stored text is
# someone else's. The change form carries a signed fingerprint of every translated value it showed;
# on save, a script the editor left as shown while changing the other is blanked, and the models
# fill it by conversion.

INLINE_PREFIXES = {"sections": Section, "references": Reference}


def _fingerprint(value: str | None) -> str:
    import hashlib

    # Line endings do not count: the browser submits \r\n for the \n it was shown.
    return hashlib.sha256(with_newlines(value or "").encode()).hexdigest()[:16]


def shown_values(article: Article) -> str:
    """A signed fingerprint of the translated values the change form shows."""
    from django.core import signing

    from .models import field_name, translated_fields

    prints: dict[str, str] = {}
    for name in translated_fields(Article):
        for script in SCRIPTS:
            column = field_name(name, script)
            prints[column] = _fingerprint(getattr(article, column))
    for prefix, model in INLINE_PREFIXES.items():
        for part in getattr(article, prefix).all():
            for name in translated_fields(model):
                for script in SCRIPTS:
                    column = field_name(name, script)
                    prints[f"{prefix}:{part.pk}:{column}"] = _fingerprint(getattr(part, column))
    return signing.dumps(prints, salt="articles.edit-base", compress=True)


def blank_untouched_scripts(data, signed: str):
    """A copy of POST ``data`` where, for each pair, the script left as shown is emptied when the
    other was changed. Unknown or tampered fingerprints change nothing."""
    from django.core import signing

    try:
        prints = signing.loads(signed, salt="articles.edit-base")
    except signing.BadSignature:
        return data
    data = data.copy()

    def blank_the_untouched_script(key_hans: str, key_hant: str, print_hans: str | None, print_hant: str | None) -> None:
        if print_hans is None or print_hant is None or key_hans not in data or key_hant not in data:
            return
        hans_changed = _fingerprint(data[key_hans]) != print_hans
        hant_changed = _fingerprint(data[key_hant]) != print_hant
        if hans_changed and not hant_changed:
            data[key_hant] = ""
        elif hant_changed and not hans_changed:
            data[key_hans] = ""

    for key in list(data.keys()):
        if key.endswith("_zh_hans") and "-" not in key:
            base = key[: -len("_zh_hans")]
            blank_the_untouched_script(key, f"{base}_zh_hant", prints.get(key), prints.get(f"{base}_zh_hant"))
        elif key.endswith("_zh_hans"):
            prefix, index, column = key.split("-", 2)
            pk = data.get(f"{prefix}-{index}-id")
            if prefix in INLINE_PREFIXES and pk:
                base = column[: -len("_zh_hans")]
                blank_the_untouched_script(key, f"{prefix}-{index}-{base}_zh_hant",
                                           prints.get(f"{prefix}:{pk}:{column}"),
                                           prints.get(f"{prefix}:{pk}:{base}_zh_hant"))
    return data
