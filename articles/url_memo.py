"""``reverse()`` remembered: the same URL for the same view, arguments and routing state.

Why (issue 24): a full render of the demo article (page cache and stored renderings off) called
``reverse()`` about twenty times — its ten categories, its five variants' URLs, the blue links of
its text — at ~220,000 CPU instructions (~50 µs) each (callgrind), 7 % of the render's 57 million.
Categories are shared by many articles and an article's URL is built by every page that links to
it, so the same URLs are asked for again and again.

A URL depends on the view and its arguments and on the routing state: the URLconf (a regional
variant's own, ``scripts.urlconf_for``), ``ROOT_URLCONF``, the script prefix and the active
language (``i18n_patterns``' prefix). All of them are the key, so the memo answers exactly what
``reverse()`` would at that moment. URLconfs do not change while a process runs (Django clears its
own caches only when a test overrides ``ROOT_URLCONF``, which is in the key). Bounded (LRU).
"""
from __future__ import annotations

import functools
from typing import Hashable

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

#: URLs remembered per process: a URL is ~100 bytes, so at most ~2 MB.
MAX_URLS = 20_000


@functools.lru_cache(maxsize=MAX_URLS)
def _reverse(viewname: str, kwargs: tuple[tuple[str, Hashable], ...], _urlconf: object, _root: str,
             _prefix: str, _language: str | None) -> str:
    # The routing state is in the key only: reverse() reads the same state itself.
    return reverse(viewname, kwargs=dict(kwargs))


def url_for(viewname: str, **kwargs: Hashable) -> str:
    """``reverse(viewname, kwargs=kwargs)``, remembered for the current URLconf, script prefix and
    language."""
    return _reverse(viewname, tuple(sorted(kwargs.items())), get_urlconf(), settings.ROOT_URLCONF,
                    get_script_prefix(), get_language())
