"""Template context for every page: the reader's script, the other one, and switcher URLs."""
from __future__ import annotations

from django.http import HttpRequest
from django.urls import translate_url
from django.utils.functional import SimpleLazyObject

from . import scripts, site_address
from .conversion import SCRIPTS, other_script
from .scripts import current_script


def scripts_context(request: HttpRequest) -> dict:
    """Context processor: the reader's script, the other one, and (default) switcher URLs."""
    script = current_script()
    other = other_script(script)
    return {
        "script": script,
        "script_html_lang": scripts.HTML_LANG[script],
        "other_script": other,
        "other_script_label": scripts.LABELS[other],
        "other_script_html_lang": scripts.HTML_LANG[other],
        # Absolute links (canonical, hreflang) from configuration: pages are cached for everyone,
        # so a request's own Host or X-Forwarded-Proto must not end up in them (issue 17).
        "site_url": site_address.site_url(request),
        # Views that know their object pass exact alternates; others get these, computed on use.
        "alternates": SimpleLazyObject(
            lambda: {s: translate_url(request.get_full_path(), s) for s in SCRIPTS}
            if request.path.startswith(tuple(f"/{s}/" for s in SCRIPTS)) else {}
        ),
    }
