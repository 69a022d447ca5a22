"""Answer a cached anonymous article page before sessions, logins and messages run.

Placed right after the security and static-file middleware: a hit costs one cache GET and no
view, template, session or database work (a cache hit used to run all twelve middleware, the
resolver and the view, and make two Redis GETs — ``shared/notes/serving-profile.md``). The
stored answer carries the headers of the uncached one; the outer middleware (security headers)
run on hits and misses alike. ``ETag``/``Last-Modified`` are sent with both, and a matching
``If-None-Match`` or ``If-Modified-Since`` gets a 304.

What is cached: a GET or HEAD without a query string and without a session cookie (readers who
are logged in, editors, always get a fresh page), answered 200 by a view that marked its response
``page_cache = True`` (``views.article_detail`` for published articles), for
``ARTICLE_CACHE_SECONDS`` or until ``page_cache_until`` if the view set it sooner (a red link turns
blue at a scheduled publication). ``X-Cache: hit``/``miss`` tells which (the bench counts them).
"""
from __future__ import annotations

import time

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.http import parse_http_date_safe

from .. import scripts
from ..variants import VARIANTS
from . import pages

# One cached page per variant URL (/zh-tw/articles/x/ and /zh-hk/articles/x/ are two keys): the
# path names the variant, so no page is ever answered in another variant from this cache.
_PREFIXES = tuple(f"/{variant}/articles/" for variant in VARIANTS)


def _cacheable_request(request: HttpRequest) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and request.path.startswith(_PREFIXES)
        and not request.META.get("QUERY_STRING")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and pages.lifetime() > 0
    )


def _not_modified(request: HttpRequest, page: pages.CachedPage) -> bool:
    # META, not request.headers: building HttpHeaders for two lookups cost ~60 µs of a hit.
    if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
    if if_none_match is not None:
        return page.etag in {tag.strip() for tag in if_none_match.split(",")} or if_none_match.strip() == "*"
    if_modified_since = request.META.get("HTTP_IF_MODIFIED_SINCE")
    if not if_modified_since:
        return False
    since = parse_http_date_safe(if_modified_since)
    modified = parse_http_date_safe(page.last_modified)
    return since is not None and modified is not None and modified <= since


class CachedPageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _cacheable_request(request):
            return self.get_response(request)
        page = pages.lookup(request.path)
        if page is not None:
            return self._hit(request, page)
        read_started = time.time()
        response = self.get_response(request)
        if getattr(response, "page_cache", False) and response.status_code == 200:
            seconds = pages.lifetime_of(response)
            response["ETag"], response["Last-Modified"] = pages.validators(response.content)
            # A shared cache in front (deploy/varnish.vcl) may keep it too: edits purge it.
            response["Cache-Control"] = f"public, max-age=0, s-maxage={min(seconds, settings.PROXY_CACHE_SECONDS)}"
            pages.store(request.path, response, read_started, seconds)
            response["X-Cache"] = "miss"  # after storing: a hit says "hit" instead
        return response

    def _hit(self, request: HttpRequest, page: pages.CachedPage) -> HttpResponse:
        if _not_modified(request, page):
            response = HttpResponseNotModified()
        else:
            response = page.response()
        response["ETag"], response["Last-Modified"] = page.etag, page.last_modified
        response["X-Cache"] = "hit"
        # What VariantMiddleware does on a miss: the next visit to / opens this variant.
        variant = request.path.split("/", 2)[1]
        if request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != variant:
            scripts.remember(response, variant)
        return response
