"""Which script a reader gets (the URL prefix, else a cookie, else Accept-Language), and the one
place that knows which locale tags mean which script — for Accept-Language, Django's active
language and MediaWiki's ``-{zh-cn:X;zh-tw:Y}-`` variants alike (:func:`parse_variants`).

Imports stay one-way: this module knows conversion, never models.
"""
from __future__ import annotations

import re

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation

from .conversion import HANS, HANT, SCRIPTS

# Locale tags (lower case) by script, most specific first: zh-TW/HK/MO read Traditional,
# zh-CN/SG/MY Simplified. The order is the preference when a variant list names several.
HANT_TAGS = ("zh-hant", "zh-tw", "zh-hk", "zh-mo")
HANS_TAGS = ("zh-hans", "zh-cn", "zh-sg", "zh-my", "zh")

_VARIANT_PART = re.compile(r"^\s*(zh(?:-[a-zA-Z]+)?)\s*:(.*)$", re.S)

LABELS = {HANS: "简体", HANT: "繁體"}
HTML_LANG = {HANS: "zh-Hans", HANT: "zh-Hant"}


def script_from_accept_language(header: str) -> str | None:
    """The first Chinese script the header asks for, honouring q-values."""
    choices = []
    for index, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        tag = tag.strip().lower()
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        choices.append((-quality, index, tag))
    for _, _, tag in sorted(choices):
        base = "-".join(tag.split("-")[:2])
        if tag.startswith("zh-hant") or base in HANT_TAGS:
            return HANT
        if tag.startswith("zh-hans") or base in HANS_TAGS:
            return HANS
    return None


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


def script_from_request(request: HttpRequest) -> str:
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if cookie in SCRIPTS:
        return cookie
    return script_from_accept_language(request.headers.get("Accept-Language", "")) or settings.DEFAULT_SCRIPT


def remember(response: HttpResponse, script: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, script,
        max_age=settings.LANGUAGE_COOKIE_AGE, samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=settings.LANGUAGE_COOKIE_SECURE, httponly=True,
    )


class RememberScriptMiddleware:
    """A reader who opens a page in one script gets that script from ``/`` next time."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        script = getattr(request, "LANGUAGE_CODE", None)
        prefixed = any(request.path_info.startswith(f"/{s}/") for s in SCRIPTS)
        if prefixed and script in SCRIPTS and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != script:
            remember(response, script)
        return response


def url_in(script: str, view: str, **kwargs) -> str:
    """The URL of ``view`` in ``script`` (its prefix and, for slugs, that script's slug)."""
    with translation.override(script):
        return reverse(view, kwargs=kwargs)


def alternates_for(obj) -> dict[str, str]:
    """The same object's URL in each script (slugs differ per script)."""
    result = {}
    for script in SCRIPTS:
        with translation.override(script):
            result[script] = obj.get_absolute_url()
    return result
