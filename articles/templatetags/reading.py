"""Template helpers for the reading pages."""
from django import template

from .. import url_memo

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


@register.simple_tag
def memo_url(viewname: str, **kwargs) -> str:
    """``{% memo_url 'articles:feed' %}``: ``{% url %}``, remembered (``articles/url_memo.py``). The
    header, the footer and an article's footer build the same URLs on every page (five
    ``reverse()`` calls, ~2 % of a full render's CPU; issue 24). Escaped like ``{% url %}``."""
    return url_memo.url_for(viewname, **kwargs)
