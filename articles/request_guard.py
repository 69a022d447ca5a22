"""Hostile input in a URL is answered before it reaches a view or the database.

One mechanism for every URL, public and admin (issue 15), instead of a check per view: PostgreSQL
refuses a NUL in a string literal, so ``/zh-hans/articles/%00/`` or ``?status__exact=%00`` would
end as a 500 wherever a value reaches a query. Characters no real URL or query needs — C0/C1
control characters (NUL included) and lone surrogates — make the path answer 404 (there is no
such page) and the query string 400, each in the reader's script.

A form post is data, not an address: a NUL byte in a POST value (a glossary term, the preview,
a changelist's action ids — each was a 500 on PostgreSQL) is dropped before any view reads it,
as the save rule (``text.py``) drops it and the other control characters from every text anyway;
refusing the post would lose an editor's typing for one invisible character. A changelist
action's ids (``_selected_action``) that are not whole numbers are dropped too: every model's key
is an integer (``DEFAULT_AUTO_FIELD``), and Django's actions passed ``pk__in=['x']`` to the query.

Everything else is left to the views, which already treat it as data: invalid UTF-8 arrives
re-percent-encoded by Django (``%C0%AF`` stays text), RTL and zero-width characters and long
segments simply match nothing, ``page=abc``/``-1``/``1e99`` are handled by ``Paginator.get_page``.
"""
from __future__ import annotations

import unicodedata

from django.http import HttpRequest, HttpResponse, QueryDict

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


class HostileInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_hostile(request.path):
            return error_response(request, 404, "404.html")
        # The decoded query, not the raw QUERY_STRING: WSGI hands over raw UTF-8 bytes as Latin-1,
        # which would look like C1 control characters.
        if any(is_hostile(key) or any(is_hostile(value) for value in values) for key, values in request.GET.lists()):
            return error_response(request, 400, "400.html")
        if request.method == "POST" and request.content_type in _FORM_TYPES:
            _drop_nul_bytes(request)
        return self.get_response(request)


_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


_ACTION_IDS = "_selected_action"  # django.contrib.admin.helpers.ACTION_CHECKBOX_NAME


def _drop_nul_bytes(request: HttpRequest) -> None:
    posted = request.POST
    nul = any("\x00" in key or any("\x00" in value for value in values) for key, values in posted.lists())
    if not nul and all(value.isascii() and value.isdigit() for value in posted.getlist(_ACTION_IDS)):
        return
    cleaned = QueryDict(mutable=True)
    for key, values in posted.lists():
        values = [value.replace("\x00", "") for value in values]
        if key == _ACTION_IDS:
            values = [value for value in values if value.isascii() and value.isdigit()]
        cleaned.setlist(key.replace("\x00", ""), values)
    cleaned._mutable = False
    request._post = cleaned
