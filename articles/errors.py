"""Error pages that need neither the database nor the cache, in the reader's script.

* :func:`server_error` (``handler500``): any unhandled exception ends in a finished page, logged
  with the request path. Django's default renders ``500.html`` without a request context, so it
  could not follow the reader's script; ours activates the script named by the URL prefix (or the
  cookie / ``Accept-Language``) and falls back to a plain page if even the template fails.
* :class:`DatabaseUnavailableMiddleware`: when the database cannot be reached (PostgreSQL stopped or
  restarting), a 503 with ``Retry-After`` instead of a 500 — the load balancer and the reader both
  learn that it is temporary.
* :func:`error_response`: the one way to answer 400/404 from code that runs before the URL
  resolver (see ``request_guard.py``).
"""
from __future__ import annotations

import logging
import sys

from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.utils import translation

from . import scripts

logger = logging.getLogger("articles.errors")

RETRY_AFTER_SECONDS = 30

_FALLBACK = (
    '<!doctype html><html lang="zh"><meta charset="utf-8"><title>{title}</title>'
    "<h1>{title}</h1><p>{text}</p></html>"
)


def script_for(request: HttpRequest) -> str:
    """The reader's script without touching the database: URL prefix, then cookie/Accept-Language."""
    script = translation.get_language_from_path(request.path_info)
    return script if script in scripts.SCRIPTS else scripts.script_from_request(request)


def error_response(request: HttpRequest, status: int, template: str, **headers: str) -> HttpResponse:
    """``template`` rendered in the reader's script with the site's chrome; a plain page if that fails."""
    with translation.override(script_for(request)):
        try:
            html = loader.render_to_string(template, {"status": status}, request=request)
        except Exception:  # the error page must render even when templates or context processors fail
            logger.exception("error page %s failed to render for %s", template, request.path)
            html = _FALLBACK.format(title=status, text=translation.gettext("出错了，请稍后再试。"))
    response = HttpResponse(html, status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: Django has already logged the traceback (``django.request``); add the path.

    Called inside Django's ``except`` block, so the exception is at hand: a database that went
    away in a middleware (sessions, logins) still answers 503 rather than 500.
    """
    exception = sys.exc_info()[1]
    if exception is not None and is_database_unavailable(exception):
        return database_unavailable(request, exception)
    logger.error("500 for %s %s", request.method, request.path)
    return error_response(request, 500, "500.html")


def database_unavailable(request: HttpRequest, exception: BaseException) -> HttpResponse:
    logger.warning("database unavailable for %s %s: %s", request.method, request.path, exception)
    _start_pools_afresh()
    return error_response(request, 503, "503.html", Retry_After=str(RETRY_AFTER_SECONDS))


def _start_pools_afresh() -> None:
    """Drop the connection pools after an outage: psycopg_pool backs off 1, 2, 4, 8… s between
    failed reconnections, so a pool that saw the database down could keep answering 503 for
    seconds after it is back. A new pool connects at the next request (measured: the first request
    after a restart then succeeds at once)."""
    for connection in connections.all(initialized_only=True):
        close_pool = getattr(connection, "close_pool", None)
        if close_pool is not None:
            try:
                close_pool()
            except Exception:  # closing what is already broken must not hide the 503
                logger.exception("closing the connection pool failed")


def is_database_unavailable(exception: BaseException) -> bool:
    """The database cannot be reached at all (as opposed to a bad query)."""
    return isinstance(exception, (OperationalError, InterfaceError)) or (
        isinstance(exception, DatabaseError) and "connection" in str(exception).lower()
    )


class DatabaseUnavailableMiddleware:
    """A stopped or restarting database answers 503 + ``Retry-After``, never a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        return database_unavailable(request, exception) if is_database_unavailable(exception) else None
