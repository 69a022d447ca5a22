"""Template helpers for the reading pages."""
from django import template

register = template.Library()


@register.filter
def get_item(mapping: dict, key: str):
    """``{{ alternates|get_item:other_script }}`` — a dict lookup by a variable key."""
    return mapping.get(key, "") if mapping else ""
