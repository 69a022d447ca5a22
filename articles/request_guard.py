"""Hostile input in a URL is answered before it reaches a view or the database.

One mechanism for every URL, public and admin (issue 15), instead of a check per view: PostgreSQL
refuses a NUL in a string literal, so ``/zh-hans/articles/%00/`` or ``?status__exact=%00`` would
end as a 500 wherever a value reaches a query. Characters no real URL or query needs — C0/C1
control characters (NUL included) and lone surrogates — make the path answer 404 (there is no
such page) and the query string 400, each in the reader's script.

A form post is data: Django's form fields refuse a NUL with a form error, and the editors' JSON
endpoints clean their text with the save rule (``editing.py``). A changelist action's ids
(``_selected_action``) that are not whole numbers (``1\x00``, ``x``) are dropped here, for every
admin at once: every model's key is an integer (``DEFAULT_AUTO_FIELD``), and Django's actions
passed them to ``pk__in`` — a 500.

Everything else is left to the views, which already treat it as data: invalid UTF-8 arrives
re-percent-encoded by Django (``%C0%AF`` stays text), RTL and zero-width characters and long
segments simply match nothing, ``page=abc``/``-1``/``1e99`` are handled by ``Paginator.get_page``.
"""
from __future__ import annotations

import unicodedata

from csp.middleware import CSPMiddleware
from django.http import HttpRequest, HttpResponse
from django.middleware.clickjacking import XFrameOptionsMiddleware

from .errors import error_response


def is_hostile(text: str) -> bool:
    """True if ``text`` holds a control character (tab and newlines aside) or a lone surrogate."""
    for ch in text:
        if ch in "\t\n\r":
            continue
        category = unicodedata.category(ch)
        if category in ("Cc", "Cs"):
            return True
    return False


# The guard answers before the middleware that set these on every other page (it must run before
# the page cache): its pages get them here, the same way (issue 26).
_PAGE_HEADERS = (XFrameOptionsMiddleware(lambda request: None), CSPMiddleware(lambda request: None))


def _refused(request: HttpRequest, status: int, template: str) -> HttpResponse:
    response = error_response(request, status, template)
    for middleware in _PAGE_HEADERS:
        response = middleware.process_response(request, response)
    return response


class HostileInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_hostile(request.path):
            return _refused(request, 404, "404.html")
        # The decoded query, not the raw QUERY_STRING: WSGI hands over raw UTF-8 bytes as Latin-1,
        # which would look like C1 control characters.
        if any(is_hostile(key) or any(is_hostile(value) for value in values) for key, values in request.GET.lists()):
            return _refused(request, 400, "400.html")
        if request.method == "POST" and request.content_type in _FORM_TYPES:
            _drop_invalid_action_ids(request)
        return self.get_response(request)


_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


_ACTION_IDS = "_selected_action"  # django.contrib.admin.helpers.ACTION_CHECKBOX_NAME


def _is_id(value: str) -> bool:
    return value.isascii() and value.isdigit()


def _drop_invalid_action_ids(request: HttpRequest) -> None:
    ids = request.POST.getlist(_ACTION_IDS)
    if all(_is_id(value) for value in ids):
        return
    cleaned = request.POST.copy()
    cleaned.setlist(_ACTION_IDS, [value for value in ids if _is_id(value)])
    cleaned._mutable = False
    request._post = cleaned
