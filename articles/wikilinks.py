"""Which article titles a text of the stored dialect links to (``[[Title]]``, ``[[Title|label]]``).

Pure text, no models: the model layer keeps the link table with it (``Article.rebuild_links``)
and the renderer resolves the same targets, so both read links by one rule.
"""
from __future__ import annotations

import re
from typing import Iterable

from .images.markup import is_figure_target

_WIKILINK_TARGETS = re.compile(r"\[\[([^\[\]|\n]+)(?:\|[^\[\]\n]*)?\]\]")


def wikilink_targets(texts: Iterable[str]) -> set[str]:
    """Article titles the texts link to (figure links name images, not articles)."""
    return {
        m.group(1).strip() for text in texts if text for m in _WIKILINK_TARGETS.finditer(text)
        if not is_figure_target(m.group(1))
    }
