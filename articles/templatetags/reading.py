"""Template helpers for the reading pages."""
from django import template

register = template.Library()


@register.filter
def get_item(mapping: dict, key: str):
    """``{{ alternates|get_item:other_script }}`` — a dict lookup by a variable key."""
    return mapping.get(key, "") if mapping else ""


@register.filter
def create_article_url(title: str) -> str:
    """``{{ title|create_article_url }}`` — the admin's "add article" with ``title`` in both scripts."""
    from ..wikilinks import create_article_url as url

    return url(title)
