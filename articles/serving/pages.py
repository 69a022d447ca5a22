"""The page store: cached article pages for anonymous readers, one key per page.

An entry holds what the uncached answer carried at the cache's place in the middleware stack —
body, status and headers (CSP, ``Content-Language``, ``Vary``…, never ``Set-Cookie``) — plus its
validators (``ETag``, ``Last-Modified``), so a hit is the same answer, byte for byte.

Invalidation deletes a page's key and leaves a short-lived *invalidation mark* with the time of
the commit. A page rendered from rows read before that commit (a reader who arrived just before
the editor's save) is stored only if no mark newer than its read started exists — checked again
right after the write, since the two may interleave — so a stale page never outlives its
invalidation (issue 17: 901 of 1,717 responses were stale with the old site-wide version).
"""
from __future__ import annotations

import functools
import hashlib
import time
from dataclasses import dataclass
from typing import Iterable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import http_date

from . import cache as resilient
from . import proxy, renderings
from .near_cache import NearCache

#: Headers of the uncached answer that a hit must not repeat (they belong to one reader).
PER_READER_HEADERS = {"set-cookie"}
#: How long an invalidation mark outlives the commit: longer than any page takes to render.
MARK_SECONDS = 120

_failed_paths: set[str] = set()


def _digest(path: str) -> str:
    return hashlib.sha256(path.encode()).hexdigest()[:32]


def page_key(path: str) -> str:
    """Also named by the renderer (code, templates, catalogues): a deploy starts afresh, so pages
    can be kept as long as no edit changes them (``ARTICLE_CACHE_SECONDS``, a day)."""
    return f"page:{renderings.renderer()[:12]}:{_digest(path)}"


def mark_key(path: str) -> str:
    return f"page-mark:{_digest(path)}"


def lifetime() -> int:
    return settings.ARTICLE_CACHE_SECONDS


def lifetime_of(response: HttpResponse) -> int:
    """Seconds to keep ``response``: the configured lifetime, or less if the view said the page
    changes by itself sooner (``page_cache_until``)."""
    seconds = lifetime()
    until = getattr(response, "page_cache_until", None)
    if until is not None:
        seconds = max(1, min(seconds, int((until - timezone.now()).total_seconds())))
    return seconds


@dataclass(frozen=True)
class CachedPage:
    content: bytes
    status: int
    headers: tuple[tuple[str, str], ...]
    etag: str
    last_modified: str
    expires: float = 0.0  # time.time() when the cache lets it go (0: entries stored before this field)
    origin: str = ""  # scheme://host it was rendered for, without SITE_URL ("": SITE_URL's)

    @functools.cached_property
    def _header_store(self) -> dict[str, tuple[str, str]]:
        return {name.lower(): (name, value) for name, value in self.headers}

    def response(self) -> HttpResponse:
        response = HttpResponse(self.content, status=self.status)
        # The headers were checked when the uncached answer was made; setting them one by one
        # again (charset checks per header) cost ~40 µs of a hit. ResponseHeaders keeps them
        # in ``_store`` as {lowercase name: (name, value)}.
        response.headers._store = dict(self._header_store)
        return response


_near_caches: dict[str, NearCache] = {}


def _near_cache() -> NearCache | None:
    """This process's coherent copy of pages (``near_cache.py``), when the cache is Redis."""
    config = settings.CACHES["default"]
    if settings.NEAR_CACHE_PAGES <= 0 or not config["BACKEND"].endswith(".ResilientRedisCache"):
        return None
    near = _near_caches.get(config["LOCATION"])
    if near is None:
        near = _near_caches[config["LOCATION"]] = NearCache(config["LOCATION"], cache.make_key("page:"),
                                                            settings.NEAR_CACHE_PAGES)
    return near


def lookup(path: str) -> CachedPage | None:
    key = page_key(path)
    # While this process knows of an invalidation Redis has not had (it was down), only Redis
    # may answer: asking it is what sends the invalidation once it is back (cache.py).
    near = None if resilient.is_down() or _failed_paths else _near_cache()
    token = 0
    if near is not None:
        page = near.get(cache.make_key(key))
        if page is not None:
            return page
        token = near.token()
    page = cache.get(key)
    if not isinstance(page, CachedPage):
        return None
    if near is not None:
        near.put(cache.make_key(key), page, page.expires or time.time() + lifetime(), token)
    return page


def serves(page: CachedPage, origin: str) -> bool:
    """Whether ``page`` may answer a request from ``origin``. Without ``SITE_URL`` a page's
    absolute links (canonical, hreflang) name the origin it was rendered for: a request with
    another Host or port gets its own rendering and never one made for someone else."""
    return getattr(page, "origin", "") == origin


def validators(content: bytes) -> tuple[str, str]:
    return f'"{hashlib.sha1(content).hexdigest()}"', http_date(time.time())


def store(path: str, response: HttpResponse, read_started: float, seconds: int | None = None,
          origin: str = "") -> None:
    """Keep ``response`` for ``path`` (``seconds``, by default the configured lifetime) unless an
    invalidation committed after ``read_started``; ``origin``: see :func:`serves`."""
    seconds = lifetime() if seconds is None else seconds
    if seconds <= 0:
        return
    etag, last_modified = response.get("ETag"), response.get("Last-Modified")
    if not etag or not last_modified:
        etag, last_modified = validators(response.content)
    headers = tuple((k, v) for k, v in response.headers.items() if k.lower() not in PER_READER_HEADERS)
    page = CachedPage(response.content, response.status_code, headers, etag, last_modified, time.time() + seconds,
                      origin)
    if _invalidated_since(path, read_started):
        return
    cache.set(page_key(path), page, seconds)
    if _invalidated_since(path, read_started):  # an invalidation slipped in between: undo
        cache.delete(page_key(path))


def _invalidated_since(path: str, moment: float) -> bool:
    mark = cache.get(mark_key(path))
    return mark is not None and mark >= moment


def invalidate(paths: Iterable[str]) -> None:
    """Mark and delete the pages of ``paths`` (call after the commit). Paths that cannot be
    invalidated because the cache is down are retried when it returns."""
    recheck = getattr(cache, "recheck", None)  # ResilientRedisCache: not skipped for the back-off
    if recheck is not None:
        recheck()  # Redis back: runs the retry of _failed_paths first (_retry_failed)
    paths = set(paths) | _failed_paths
    if not paths:
        return
    now = time.time()
    near = _near_cache()
    if near is not None:  # this process's copy goes at once, whatever Redis says
        near.discard(cache.make_key(page_key(p)) for p in paths)
    cache.set_many({mark_key(p): now for p in paths}, MARK_SECONDS)
    cache.delete_many([page_key(p) for p in paths])
    if resilient.is_down():
        _failed_paths.update(paths)
    else:
        _failed_paths.difference_update(paths)
    proxy.purge(paths)


def _retry_failed() -> None:
    if _failed_paths:
        invalidate(())


def _forget_pages_after_outage() -> None:
    """Redis answers again after an outage this process saw. An edit committed meanwhile — in any
    process, one that has exited since included — may never have reached it, and a stalled (not
    restarted) Redis still holds the old page: every cached page goes before this process reads
    one (issue 26). Pages are re-made from stored renderings, one query each."""
    delete = getattr(cache, "delete_starting_with", None)
    if delete is not None:
        delete("page:")


resilient.on_recovery(_forget_pages_after_outage)
resilient.on_recovery(_retry_failed)
