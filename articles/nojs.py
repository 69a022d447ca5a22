"""What an editor without JavaScript gets in the article form: a way to add sections, references
and categories.

With JavaScript, Django's inlines add a row from the hidden template form and the categories field
is a select2 search over AJAX; without it, neither can add anything (the inlines have no extra
forms, and the autocomplete ``<select>`` holds only the categories already chosen). The fallback
lives in ``<noscript>``, which a browser running scripts does not even parse, so the JavaScript
form is exactly what it was:

- each inline gets one extra empty form (the formset's own ``empty_form``, numbered as the next
  row) and a second ``TOTAL_FORMS`` that counts it — the last value of a repeated field is the one
  Django reads, so only a browser without scripts submits the larger count. An empty extra form is
  unchanged and ignored on save; "save and continue editing" gives the next one.
- the categories get a text field of names (either script, separated by commas or 、), looked up
  with ``Category.objects.named`` and added to those chosen.
"""
from __future__ import annotations

import re

from django import forms
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from .conversion import in_both_scripts
from .models import Category

_NAME_SEPARATORS = re.compile(r"[,，、;；\n]+")


def extra_form_html(formset) -> SafeString:
    """The ``<noscript>`` block with one more empty form of ``formset`` and the count that includes it."""
    total = formset.total_form_count()
    form_html = str(formset.empty_form.as_div()).replace("__prefix__", str(total))
    return format_html(
        '<noscript><fieldset class="module nojs-extra-form"><h3>{}</h3>{}'
        '<input type="hidden" name="{}" value="{}"></fieldset></noscript>',
        _("新增一项（保存后可再新增）"), mark_safe(form_html),  # the form's own rendering, escaped by Django
        f"{formset.prefix}-TOTAL_FORMS", total + 1,
    )


def category_names(text: str) -> list[str]:
    return [name.strip() for name in _NAME_SEPARATORS.split(text or "") if name.strip()]


class CategoriesByNameMixin(forms.Form):
    """A ``categories_by_name`` field (rendered inside ``<noscript>`` by the change form) whose
    categories are added to the ``categories`` chosen."""

    categories_by_name = forms.CharField(
        required=False, label=_("按名称添加分类"),
        help_text=_("分类名称，简繁皆可，多个用逗号或顿号分隔。"),
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        names = category_names(cleaned.get("categories_by_name", ""))
        if names and "categories" in self.fields:
            found = list(Category.objects.named(names, kinds=("name",)))
            known = {name for category in found for name in (category.name_zh_hans, category.name_zh_hant)}
            missing = [name for name in names if not set(in_both_scripts([name])) & known]
            if missing:
                self.add_error("categories_by_name", _("没有这些分类：%(names)s") % {"names": "、".join(missing)})
            chosen = list(cleaned.get("categories") or [])
            cleaned["categories"] = chosen + [c for c in found if c not in chosen]
        return cleaned
