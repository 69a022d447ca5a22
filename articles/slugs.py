"""Article slugs that keep a title's characters (issue 22).

Django's ``slugify`` drops everything but letters, digits, ``_`` and ``-``: ``Stdint.h`` became
``stdinth``, ``.uk`` became ``uk`` and ``(2+1)维 KP方程`` became ``21维-kp方程`` — another word. A
title slug keeps, besides letters and digits of any script, the characters that carry meaning in
titles and are safe in a URL path segment without encoding or special meaning (RFC 3986
sub-delimiters minus the ones servers and proxies treat specially): ``. ( ) + & $ ~``. White space
and dashes fold to one ``-``, letters are lower-cased (as before), and a slug of dots alone (``.``,
``..`` mean something in a path) is refused.

Only new slugs follow this rule: a stored slug is never recomputed (``SluggedMixin`` fills empty
ones only), and a changed slug leaves an ``ArticleSlugRedirect``, so old URLs keep working.
Categories and tags keep Django's rule.
"""
from __future__ import annotations

import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

#: Characters kept in a title slug besides letters, digits, "_" and "-".
KEPT_PUNCTUATION = ".()+&$~"
_DROPPED = re.compile(r"[^\w\s" + re.escape(KEPT_PUNCTUATION) + r"-]")
_SEPARATORS = re.compile(r"[-\s]+")
_VALID = re.compile(r"^[\w" + re.escape(KEPT_PUNCTUATION) + r"-]+\Z")


def title_slug(title: str) -> str:
    """The slug for a title: ``Stdint.h`` → ``stdint.h``, ``(2+1)维 KP方程`` → ``(2+1)维-kp方程``."""
    value = unicodedata.normalize("NFKC", title or "").lower()
    value = _SEPARATORS.sub("-", _DROPPED.sub("", value)).strip("-_")
    return "" if set(value) <= {"."} else value


def validate_title_slug(value: str) -> None:
    if not _VALID.match(value or "") or set(value) <= {"."}:
        raise ValidationError(
            _("网址名只能包含字母、数字、汉字以及 - _ . ( ) + & $ ~，且不能只有句点。"), code="invalid_slug")


class TitleSlugFormField(forms.CharField):
    default_validators = [validate_title_slug]


class TitleSlugField(models.SlugField):
    """A ``SlugField`` (same column, same index) that accepts :func:`title_slug`'s characters."""

    @property
    def default_validators(self) -> list:
        return [validate_title_slug]

    @default_validators.setter
    def default_validators(self, value: list) -> None:
        """Ignored: ``SlugField.__init__`` assigns Django's slug validator."""

    def formfield(self, **kwargs):
        # Skip SlugField's own form field (Django's slug characters only).
        return models.CharField.formfield(self, **{"form_class": TitleSlugFormField, **kwargs})
