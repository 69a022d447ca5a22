"""Which article titles a text of the stored dialect links to (``[[Title]]``, ``[[Title|label]]``).

Pure text, no models: the model layer keeps the link table with it (``Article.rebuild_links``)
and the renderer resolves the same targets, so both read links by one rule. A title no article has
yet is created through :func:`create_article_url` (red links for editors, wanted articles).
"""
from __future__ import annotations

import re
from typing import Iterable

from urllib.parse import urlencode

from .images.markup import is_figure_target

_WIKILINK_TARGETS = re.compile(r"\[\[([^\[\]|\n]+)(?:\|[^\[\]\n]*)?\]\]")


def wikilink_targets(texts: Iterable[str]) -> set[str]:
    """Article titles the texts link to (figure links name images, not articles)."""
    return {
        m.group(1).strip() for text in texts if text for m in _WIKILINK_TARGETS.finditer(text)
        if not is_figure_target(m.group(1))
    }


def create_article_url(title: str) -> str:
    """The admin's "add article" page with ``title`` filled in both scripts (as typed in either)."""
    from django.urls import reverse

    from .conversion import to_simplified, to_traditional

    query = urlencode({"title_zh_hans": to_simplified(title), "title_zh_hant": to_traditional(title)})
    return f"{reverse('admin:articles_article_add')}?{query}"
