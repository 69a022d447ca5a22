"""``{% nojs_extra_form formset %}``: an inline's extra empty form for browsers without JavaScript (nojs.py)."""
from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from ..nojs import extra_form_html

register = template.Library()


@register.simple_tag
def nojs_extra_form(formset) -> SafeString:
    return extra_form_html(formset)
