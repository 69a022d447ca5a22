"""Either script alone is enough: the admin side of DESIGN.md's "Two scripts" save rule.

django-modeltranslation makes the default language's column (``*_zh_hans``) required in admin
forms whenever the model field is required, so a section heading typed only in the 繁體 tab was
refused ("这个字段是必填项"). Every translated model here fills the empty script on save
(``ScriptSyncedModel``) and asks in its ``clean()`` for one of the two scripts, so the mixin below
makes no script's column required. One rule for every admin and inline that edits translated
fields, instead of a per-field list.
"""
from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Field
from django.http import HttpRequest


class EitherScriptMixin:
    """For a modeltranslation admin or inline: neither script's form field is required."""

    def patch_translation_field(self, db_field: Field, field: forms.Field, request: HttpRequest,
                                **kwargs: Any) -> None:
        super().patch_translation_field(db_field, field, request, **kwargs)
        if getattr(db_field, "translated_field", None) is not None:
            field.required = False
