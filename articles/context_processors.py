"""Template context for every page: the reader's variant and script, and switcher URLs."""
from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from . import scripts
from .scripts import current_script, current_variant, override_variant, variant_of_path
from .variants import LABELS, VARIANTS


def _alternates_of_path(request: HttpRequest) -> dict[str, str]:
    """The same path under each variant's prefix (pages whose view passes none of its own)."""
    variant = variant_of_path(request.path)
    if variant is None:
        return {}
    from django.urls import resolve, reverse
    from django.urls.exceptions import NoReverseMatch, Resolver404

    try:
        match = resolve(request.path_info)
    except Resolver404:
        return {}
    query = request.META.get("QUERY_STRING")
    result = {}
    for other in VARIANTS:
        with override_variant(other):
            try:
                url = reverse(match.view_name, args=match.args, kwargs=match.kwargs)
            except NoReverseMatch:
                continue
        result[other] = url + (f"?{query}" if query else "")
    return result


def scripts_context(request: HttpRequest) -> dict:
    """Context processor: the reader's variant and script, the switcher's entries."""
    script = current_script()
    variant = current_variant()
    return {
        "script": script,
        "variant": variant,
        "script_html_lang": scripts.HTML_LANG[variant],
        "variant_labels": LABELS,
        "html_langs": scripts.HTML_LANG,
        # Absolute links (canonical, hreflang) from configuration: pages are cached for everyone,
        # so a request's own Host or X-Forwarded-Proto must not end up in them (issue 17).
        "site_url": settings.SITE_URL or f"{request.scheme}://{request.get_host()}",
        # Views that know their object pass exact alternates; others get these, computed on use.
        "alternates": SimpleLazyObject(lambda: _alternates_of_path(request)),
    }
