"""A Redis cache that degrades to "no cache" instead of raising.

Django's ``RedisCache`` raises ``redis.ConnectionError`` when Redis is down, which turned every
article page and every editor's save into a 500 (issues 13 and 17). Here every operation that
fails counts as a miss (or a no-op for writes), one warning is logged per outage, and for a few
seconds after a failure Redis is not asked at all (no connect timeout per request) — except by an
edit's invalidation, which asks at once (:func:`recheck`): a page invalidated late is served stale
by every other process. When Redis answers again, callbacks registered with :func:`on_recovery`
run — invalidations that could not be sent while it was down are sent then.

``clear()`` deletes this site's keys only (its ``KEY_PREFIX``, by ``SCAN`` + ``UNLINK``), not the
whole database: Django's ``FLUSHDB`` took other applications' keys in the same Redis database with
it on every restore (issue 26).

It also keeps one ``redis.Redis`` client per connection pool instead of building one per call
(Django's client does; 71 µs of a 180 µs cache hit, see ``shared/notes/serving-profile.md``).
"""
from __future__ import annotations

import functools
import logging
import re
import threading
import time
from typing import Any, Callable

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger("articles.serving")

#: Seconds during which Redis is not asked again after a failure.
RETRY_AFTER_SECONDS = 5.0

#: Keys per SCAN page and per UNLINK in ``clear()``.
CLEAR_BATCH = 1000

_lock = threading.Lock()
_down_until = 0.0
_down = False
_recovery_callbacks: list[Callable[[], None]] = []


def on_recovery(callback: Callable[[], None]) -> None:
    """Run ``callback`` (once per recovery) when Redis answers again after an outage."""
    _recovery_callbacks.append(callback)


def is_down() -> bool:
    return _down


def _failed(error: Exception) -> None:
    global _down_until, _down
    with _lock:
        if not _down:
            logger.warning("Redis is unreachable (%s): serving pages without the cache until it returns", error)
        _down = True
        _down_until = time.monotonic() + RETRY_AFTER_SECONDS


def _recovered() -> None:
    """Redis answers again: resume, and first run what waited for it (before any read is served)."""
    global _down
    with _lock:
        if not _down:
            return
        _down = False
    logger.warning("Redis is reachable again: caching resumes")
    for callback in list(_recovery_callbacks):
        try:
            callback()
        except Exception:  # a recovery task must not fail the request that noticed the recovery
            logger.exception("recovery callback failed")


def recheck(client_of: Callable[[], Any]) -> None:
    """While Redis counts as down, ask it now instead of waiting out the back-off (an edit's
    invalidation must not be skipped once Redis answers: other processes serve the old page)."""
    if not _down:
        return
    try:
        client_of().ping()
    except RedisError as error:
        _failed(error)
        return
    _recovered()


def _guarded(default: Any = None, *, result: Callable[..., Any] | None = None):
    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            fallback = result(*args, **kwargs) if result else default
            if _down:
                if time.monotonic() < _down_until:
                    return fallback
                try:
                    self._cache.get_client(write=True).ping()
                except RedisError as error:
                    _failed(error)
                    return fallback
                _recovered()
            try:
                return method(self, *args, **kwargs)
            except RedisError as error:
                _failed(error)
                return fallback
        return wrapper
    return decorate


def _glob_escape(text: str) -> str:
    """``text`` as a literal in a Redis SCAN MATCH pattern."""
    return re.sub(r"([*?\[\]\\])", r"\\\1", text)


def _default_argument(key, default=None, *args, **kwargs):
    return default


class _ReusedClientCacheClient(RedisCacheClient):
    """One ``redis.Redis`` per connection pool, made once (they are thread-safe)."""

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients", {})
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    """``RedisCache`` whose failures are misses: see the module docstring."""

    def __init__(self, server, params):
        params = {**params, "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0,
                                        **params.get("OPTIONS", {})}}
        super().__init__(server, params)
        self._class = _ReusedClientCacheClient

    get = _guarded(result=_default_argument)(RedisCache.get)
    get_many = _guarded(result=lambda *a, **k: {})(RedisCache.get_many)
    has_key = _guarded(False)(RedisCache.has_key)
    add = _guarded(False)(RedisCache.add)
    set = _guarded(None)(RedisCache.set)
    set_many = _guarded(result=lambda data, *a, **k: list(data))(RedisCache.set_many)
    touch = _guarded(False)(RedisCache.touch)
    delete = _guarded(False)(RedisCache.delete)
    delete_many = _guarded(None)(RedisCache.delete_many)

    def _unlink_matching(self, pattern: str) -> bool:
        client = self._cache.get_client(write=True)
        batch: list[bytes] = []
        for key in client.scan_iter(match=pattern, count=CLEAR_BATCH):
            batch.append(key)
            if len(batch) >= CLEAR_BATCH:
                client.unlink(*batch)
                batch.clear()
        if batch:
            client.unlink(*batch)
        return True

    def _clear_own_keys(self) -> bool:
        return self._unlink_matching(_glob_escape(self.key_prefix) + ":*")  # make_key: prefix:version:key

    def _delete_starting_with(self, start: str, version: int | None = None) -> bool:
        """Delete every key of this site that begins with ``start`` (``page:``: every cached page)."""
        return self._unlink_matching(_glob_escape(self.make_key(start, version)) + "*")

    clear = _guarded(False)(_clear_own_keys)
    delete_starting_with = _guarded(False)(_delete_starting_with)

    def recheck(self) -> None:
        """See :func:`recheck`: invalidations call it before they write."""
        recheck(lambda: self._cache.get_client(write=True))

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except RedisError as error:
            _failed(error)
            raise ValueError(f"cache unavailable: {error}") from error
