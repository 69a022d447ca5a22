"""Which script a reader gets: the URL prefix, else a cookie, else Accept-Language."""
from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from .conversion import HANS, HANT, SCRIPTS

# Accept-Language tags (lower case) by script; zh-TW/HK/MO read Traditional, zh-CN/SG Simplified.
_HANT_TAGS = {"zh-tw", "zh-hk", "zh-mo", "zh-hant"}
_HANS_TAGS = {"zh-cn", "zh-sg", "zh-my", "zh-hans", "zh"}

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
        if tag.startswith("zh-hant") or base in _HANT_TAGS:
            return HANT
        if tag.startswith("zh-hans") or base in _HANS_TAGS:
            return HANS
    return None


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


def alternates_for(obj) -> dict[str, str]:
    """The same object's URL in each script (slugs differ per script)."""
    result = {}
    for script in SCRIPTS:
        with translation.override(script):
            result[script] = obj.get_absolute_url()
    return result
