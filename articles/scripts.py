"""Which variant a reader gets (the URL prefix, else a cookie, else Accept-Language), and the one
place that knows which locale tags mean which script — for Accept-Language, Django's active
language and MediaWiki's ``-{zh-cn:X;zh-tw:Y}-`` variants alike (:func:`parse_variants`,
:func:`rule_text`).

Variants and Django's language: Django's active language is always a *script* (``zh-hans`` or
``zh-hant``, the two entries of ``LANGUAGES``), so gettext reads the zh_Hans / zh_Hant catalogue
and django-modeltranslation reads the ``*_zh_hans`` / ``*_zh_hant`` columns for all five variants
without a mapping of their own. The *variant* (zh-cn, zh-tw, zh-hk or a script) is kept beside it
in a context variable (:func:`current_variant`), set from the URL prefix by
:class:`VariantMiddleware` and by :func:`override_variant`, which also select the variant's
URLconf (:func:`urlconf_for`: ``/zh-tw/…`` in place of ``i18n_patterns``' ``/zh-hant/``).

Imports stay one-way: this module knows conversion, never models.
"""
from __future__ import annotations

import contextlib
import contextvars
import functools
import re
from importlib import import_module
from typing import Iterator

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.urls import LocalePrefixPattern, URLResolver, get_urlconf, reverse, set_urlconf
from django.utils import translation

from . import variants
from .conversion import HANS, HANT, SCRIPTS
from .variants import SCRIPT_OF, VARIANTS

# Locale tags (lower case) by script, most specific first: zh-TW/HK/MO read Traditional,
# zh-CN/SG/MY Simplified. The order is the preference when a variant list names several.
HANT_TAGS = ("zh-hant", "zh-tw", "zh-hk", "zh-mo")
HANS_TAGS = ("zh-hans", "zh-cn", "zh-sg", "zh-my", "zh")

_VARIANT_PART = re.compile(r"^\s*(zh(?:-[a-zA-Z]+)?)\s*:(.*)$", re.S)

LABELS = variants.LABELS
HTML_LANG = variants.HTML_LANG

_variant: contextvars.ContextVar[str | None] = contextvars.ContextVar("reading_variant", default=None)


def _accept_language_tags(header: str) -> list[str]:
    """The tags of an Accept-Language header, best first (q-values honoured, q=0 dropped)."""
    choices = []
    for index, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if quality > 0:
            choices.append((-quality, index, tag.strip()))
    return [tag for _, _, tag in sorted(choices)]


def variant_from_accept_language(header: str) -> str | None:
    """The first Chinese variant the header asks for, normalised to the supported set (zh-TW →
    zh-tw, zh-SG → zh-cn, zh-MO → zh-hk, a bare zh → zh-hans)."""
    for tag in _accept_language_tags(header):
        variant = variants.normalise(tag)
        if variant is not None:
            return variant
    return None


def script_from_accept_language(header: str) -> str | None:
    """The first Chinese script the header asks for, honouring q-values."""
    variant = variant_from_accept_language(header)
    return SCRIPT_OF[variant] if variant else None


def current_script() -> str:
    """The script of the active language (the URL's, set by LocaleMiddleware)."""
    language = (translation.get_language() or settings.LANGUAGE_CODE).lower()
    return HANT if language.startswith("zh-hant") or script_of_tag(language) == HANT else HANS


def script_of_tag(tag: str) -> str | None:
    """The script a locale tag (``zh-TW``, ``zh-hant``, ``zh-cn``…) reads, None for other tags."""
    tag = tag.strip().lower()
    if tag in HANT_TAGS:
        return HANT
    if tag in HANS_TAGS:
        return HANS
    return None


def parse_rule(content: str) -> dict[str, str] | None:
    """The inside of ``-{zh-cn:X;zh-tw:Y;}-`` as {lower-case tag: text}, first occurrence of a tag
    winning; None when ``content`` is not a variant list (plain ``-{text}-``, or a part without a
    ``zh…:`` tag)."""
    parts = [part for part in content.split(";") if part.strip()]
    if not parts:
        return None
    found: dict[str, str] = {}
    for part in parts:
        match = _VARIANT_PART.match(part)
        if not match:
            return None
        found.setdefault(match.group(1).lower(), match.group(2).strip())
    return found


def rule_text(content: str, variant: str) -> str | None:
    """The text a reader of ``variant`` gets from the variant list ``content``: the variant's own
    entry, else its fall-backs in MediaWiki's order (zh-tw → zh-hant → zh-hk → zh-mo; zh-hk →
    zh-mo → zh-hant → zh-tw; zh-cn → zh-hans → zh-sg → zh-my …), else any entry of the same
    script, else the first entry converted to the variant's script. None when ``content`` is not
    a variant list."""
    from .conversion import to_variant
    from .variants import RULE_FALLBACKS, SCRIPT_OF, normalise

    found = parse_rule(content)
    if not found:
        return None
    for tag in RULE_FALLBACKS[variant]:
        if tag in found:
            return found[tag]
    script = SCRIPT_OF[variant]
    for tag, text in found.items():
        named = normalise(tag)
        if named and SCRIPT_OF[named] == script:
            return text
    # Only the other script's entries: the text converted (script only, never vocabulary).
    return to_variant(next(iter(found.values())), script)


def parse_variants(content: str) -> dict[str, str] | None:
    """The text per script of a MediaWiki variant list — the inside of ``-{zh-cn:X;zh-tw:Y;}-``.

    Locale variants fold into the site's two scripts (zh-hans before zh-cn before zh-sg…; the
    most specific tag wins whatever its place in the list). Returns only the scripts the list
    names (callers decide the fallback), or None when ``content`` is not a variant list at all
    (plain ``-{text}-``, or a part without a ``zh…:`` tag).
    """
    parts = [part for part in content.split(";") if part.strip()]
    found: dict[str, str] = {}
    if not parts:
        return None
    for part in parts:
        match = _VARIANT_PART.match(part)
        if not match:
            return None
        found.setdefault(match.group(1).lower(), match.group(2).strip())
    variants = {}
    for script, tags in ((HANS, HANS_TAGS), (HANT, HANT_TAGS)):
        value = next((found[tag] for tag in tags if tag in found), None)
        if value is not None:
            variants[script] = value
    return variants or None


def variant_from_request(request: HttpRequest) -> str:
    """What ``/`` opens: the cookie's variant, then Accept-Language, then the default script."""
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if cookie in VARIANTS:
        return cookie
    return variant_from_accept_language(request.headers.get("Accept-Language", "")) or settings.DEFAULT_SCRIPT


def script_from_request(request: HttpRequest) -> str:
    return SCRIPT_OF[variant_from_request(request)]


def remember(response: HttpResponse, variant: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, variant,
        max_age=settings.LANGUAGE_COOKIE_AGE, samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=settings.LANGUAGE_COOKIE_SECURE, httponly=True,
    )


def current_variant() -> str:
    """The reader's variant: the one set for this request or override, if it is written in the
    active script, else the active script itself."""
    script = current_script()
    variant = _variant.get()
    return variant if variant is not None and SCRIPT_OF[variant] == script else script


@contextlib.contextmanager
def override_variant(variant: str) -> Iterator[None]:
    """Like ``translation.override``, for a variant: its script for gettext and the models, the
    variant itself for URLs and conversion."""
    token = _variant.set(variant)
    urlconf = get_urlconf()
    set_urlconf(urlconf_for(variant))
    try:
        with translation.override(SCRIPT_OF[variant]):
            yield
    finally:
        set_urlconf(urlconf)
        _variant.reset(token)


def variant_of_path(path: str) -> str | None:
    """The variant a URL path's prefix names (``/zh-tw/…`` → zh-tw), None if it names none."""
    first = path.split("/", 2)[1] if path.startswith("/") else ""
    return first if first in VARIANTS else None


#: Prefixes of tags without pages of their own, answered 301 to the variant they read.
_FALLBACK_PREFIXES = {f"/{tag}/": f"/{variant}/" for tag, variant in variants.FALLBACK.items() if tag.count("-") == 1}


class VariantMiddleware:
    """After ``LocaleMiddleware`` (which activates the script of a ``/zh-tw/`` path through
    Django's LANG_INFO fall-backs): sets the reader's variant for the request, its
    ``Content-Language``, and remembers it in the cookie so that ``/`` opens it next time.
    ``/zh-sg/…``, ``/zh-my/…`` → ``/zh-cn/…`` and ``/zh-mo/…`` → ``/zh-hk/…`` (301)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        for prefix, target in _FALLBACK_PREFIXES.items():
            if path.startswith(prefix):
                query = request.META.get("QUERY_STRING")
                return HttpResponsePermanentRedirect(target + path[len(prefix):] + (f"?{query}" if query else ""))
        variant = variant_of_path(path)
        if variant is None:
            return self.get_response(request)
        token = _variant.set(variant)
        try:
            with translation.override(SCRIPT_OF[variant]):
                request.LANGUAGE_CODE = SCRIPT_OF[variant]
                request.variant = variant
                regional = urlconf_for(variant)
                if regional is not None:
                    request.urlconf = regional
                response = self.get_response(request)
        finally:
            _variant.reset(token)
        response.headers.setdefault("Content-Language", HTML_LANG[variant])
        if request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != variant:
            remember(response, variant)
        return response


RememberScriptMiddleware = VariantMiddleware  # its former name (settings of older deployments)


class _RegionalPrefixPattern(LocalePrefixPattern):
    """``i18n_patterns``' prefix fixed to one regional variant (``zh-tw/``)."""

    def __init__(self, variant: str) -> None:
        super().__init__(prefix_default_language=True)
        self.variant = variant

    @property
    def language_prefix(self) -> str:
        return f"{self.variant}/"


class _URLConf:
    """A URLconf object (what ``request.urlconf`` and ``set_urlconf`` accept) for one variant."""

    def __init__(self, variant: str, urlpatterns: list) -> None:
        self.variant = variant
        self.urlpatterns = urlpatterns


@functools.cache
def _regional_urlconf(variant: str, root_urlconf: str) -> _URLConf:
    patterns = []
    for pattern in import_module(root_urlconf).urlpatterns:
        if isinstance(pattern, URLResolver) and isinstance(pattern.pattern, LocalePrefixPattern):
            pattern = URLResolver(_RegionalPrefixPattern(variant), pattern.urlconf_name, pattern.default_kwargs,
                                  pattern.app_name, pattern.namespace)
        patterns.append(pattern)
    return _URLConf(variant, patterns)


def urlconf_for(variant: str) -> _URLConf | None:
    """The URLconf of a regional variant: the root URLconf with ``i18n_patterns``' prefix fixed to
    ``/zh-tw/`` (…), or None (the root URLconf) for zh-hans / zh-hant.

    Why a URLconf per regional variant: Django caches reversed URLs per *active language*, and the
    active language of a zh-tw page is zh-hant (see the module docstring), so one URLconf could
    not put /zh-hant/ and /zh-tw/ in URLs; a URLconf of its own gives each variant its own cache.
    """
    if SCRIPT_OF.get(variant, variant) == variant:
        return None
    return _regional_urlconf(variant, settings.ROOT_URLCONF)


def url_in(variant: str, view: str, **kwargs) -> str:
    """The URL of ``view`` in ``variant`` (its prefix and, for slugs, that script's slug)."""
    with override_variant(variant):
        return reverse(view, kwargs=kwargs)


def alternates_for(obj, among: tuple[str, ...] = VARIANTS) -> dict[str, str]:
    """The same object's URL in each variant (slugs differ per script)."""
    result = {}
    for variant in among:
        with override_variant(variant):
            result[variant] = obj.get_absolute_url()
    return result
