"""A per-process copy of cached pages, kept exact by Redis' invalidation messages.

Why: a page-cache hit spent most of its time on the Redis round trip — 696 µs in process against
269 µs for the same bytes as a static file through WhiteNoise, 1,739 against 2,629 requests/s
through gunicorn (0.66×, issue 13 asks for 0.8×). Each worker keeps the pages it served last
(:data:`MAX_PAGES`), and one extra connection per process asks Redis to report every change to a
page key (``CLIENT TRACKING ON BCAST PREFIX …``, RESP3 pushes, Redis ≥ 6). Before a local copy is
served, the messages that arrived are read without waiting (one ``poll``): a page deleted or
replaced by any process — an edit's invalidation, an expiry, an eviction, ``FLUSHDB`` — is gone
here too before the next request is answered, so two app servers never disagree for longer than
the invalidation's own journey over loopback.

Whenever the connection is not known to be healthy — not yet made, broken, Redis down — the copy
is emptied and nothing is served from it: the page store (``pages.py``) then asks Redis as before,
which degrades to "no cache" on its own.

"No message arrived" proves nothing when Redis is stalled (``SIGSTOP``, a partition, a blocked
server): the socket stays open and silent, and a worker kept serving pages an edit had
invalidated (issue 26: 746 of 1,205 answers stale). So the channel carries a heartbeat: a
``PING`` on the tracking connection, whose answer comes after every invalidation Redis had
processed when it read the ``PING``. A copy is served only while the last answered ``PING`` was
sent less than :data:`HEARTBEAT_SECONDS` ago; a busy worker sends the next one halfway through,
without waiting, and reads its answer with the invalidations. Otherwise the copy is emptied, a
``PING`` is sent and its answer awaited for at most :data:`PING_WAIT_SECONDS`. The bound is below
the cache's socket timeout (1 s, ``cache.py``): an edit's invalidation that a stalled Redis never
answered is given up, and the edit acknowledged, only after every worker has stopped serving its
copy. Redis' own client-side cache in redis-py needs a 7.4
server (Debian 12 ships 7.0) and per-connection tracking; BCAST on one connection needs neither.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from collections import OrderedDict
from typing import Any, Iterable

from redis.connection import Connection, parse_url
from redis.exceptions import RedisError

logger = logging.getLogger("articles.serving")

#: Pages kept per process (about 11 KB each for the seed article).
MAX_PAGES = 2000
#: A copy is served only if the listener answered a PING sent less than this long ago.
HEARTBEAT_SECONDS = 0.5
#: How long a request waits for the answer to a PING it had to send (loopback: ~0.1 ms).
PING_WAIT_SECONDS = 0.1
#: An unanswered PING this old: the connection is given up and made again later.
PING_GIVE_UP_SECONDS = 5.0
#: Socket timeouts of the listener (connect, and reading CLIENT TRACKING's answer): a stalled
#: Redis accepts connections and never answers.
LISTENER_TIMEOUT_SECONDS = 0.25


class NearCache:
    """Entries keyed by the full Redis key (``cache.make_key``), valid while :meth:`coherent`."""

    def __init__(self, url: str, prefix: str, max_entries: int = MAX_PAGES) -> None:
        self._url, self._prefix, self._max = url, prefix, max_entries
        self._entries: OrderedDict[str, tuple[float, Any]] = OrderedDict()
        self._listener: Connection | None = None
        self._pid = 0
        self._retry_at = 0.0
        self._invalidations = 0  # changes seen: a read older than one is not kept (put's token)
        self._alive_as_of = 0.0  # monotonic time Redis was last known to have sent every push
        self._ping_sent_at: float | None = None  # the unanswered PING, if any
        self._lock = threading.Lock()  # gthread workers share one copy

    # --- the listener -------------------------------------------------------------------------

    def _connect(self) -> Connection | None:
        if self._listener is not None and self._pid == os.getpid():
            return self._listener
        self._entries.clear()  # a forked child inherits nothing it cannot check
        self._listener = None
        if time.monotonic() < self._retry_at:
            return None
        options = parse_url(self._url)
        connection = Connection(host=options.get("host", "127.0.0.1"), port=options.get("port", 6379),
                                password=options.get("password"), username=options.get("username"),
                                protocol=3, socket_connect_timeout=LISTENER_TIMEOUT_SECONDS,
                                socket_timeout=LISTENER_TIMEOUT_SECONDS)
        try:
            connection.connect()
            connection._parser.set_invalidation_push_handler(self._invalidated)
            asked = time.monotonic()
            connection.send_command("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", self._prefix)
            if connection.read_response() not in (b"OK", "OK"):
                raise RedisError("CLIENT TRACKING was refused")
        except (RedisError, OSError) as error:
            connection.disconnect()
            self._retry_at = time.monotonic() + 5.0
            logger.info("near cache off until Redis tracks page keys again: %s", error)
            return None
        self._listener, self._pid = connection, os.getpid()
        self._alive_as_of, self._ping_sent_at = asked, None  # the answer is the first heartbeat
        return connection

    def _invalidated(self, message: list) -> None:
        self._invalidations += 1
        keys = message[1] if len(message) > 1 else None
        if keys is None:  # FLUSHDB / FLUSHALL
            self._entries.clear()
            return
        for key in keys:
            self._entries.pop(key.decode() if isinstance(key, bytes) else key, None)

    def _drain(self, listener: Connection, wait: float = 0.0) -> None:
        """Read what arrived (waiting up to ``wait`` for the PING's answer): invalidations go to
        :meth:`_invalidated`; the one other answer on this connection is the PING's."""
        deadline = time.monotonic() + wait
        while listener.can_read(timeout=max(0.0, deadline - time.monotonic()) if self._ping_sent_at else 0):
            reply = listener.read_response(push_request=True, timeout=LISTENER_TIMEOUT_SECONDS,
                                           disconnect_on_error=False)
            if reply is not None and self._ping_sent_at is not None:  # pushes answer None
                self._alive_as_of, self._ping_sent_at = self._ping_sent_at, None
                if wait:
                    return

    def _ping(self, listener: Connection) -> None:
        if self._ping_sent_at is None:
            self._ping_sent_at = time.monotonic()
            listener.send_command("PING")

    def coherent(self) -> bool:
        """Read the invalidations that arrived; ``False`` (and empty) unless the listener is healthy
        and has answered a heartbeat recently (module docstring)."""
        listener = self._connect()
        if listener is None:
            return False
        try:
            self._drain(listener)
            age = time.monotonic() - self._alive_as_of
            if age < HEARTBEAT_SECONDS:
                if age >= HEARTBEAT_SECONDS / 2:
                    self._ping(listener)  # answered by the time a later request looks
                return True
            if self._ping_sent_at is None:  # ask now; a copy is exact again once Redis answers
                self._ping(listener)
                self._drain(listener, wait=PING_WAIT_SECONDS)
                if time.monotonic() - self._alive_as_of < HEARTBEAT_SECONDS:
                    return True
            elif time.monotonic() - self._ping_sent_at > PING_GIVE_UP_SECONDS:
                raise RedisError("no answer to PING")
            # Not known to be alive (a PING unanswered: waited for once, so a stalled Redis costs
            # no wait per request): what is kept may be stale, and is not kept any longer.
            self._drop()
            return False
        except (RedisError, OSError):
            self.reset()
            return False

    def _drop(self) -> None:
        if self._entries:
            self._entries.clear()
        self._invalidations += 1  # a read begun before this is not kept either

    def reset(self) -> None:
        self._drop()
        self._ping_sent_at = None
        if self._listener is not None:
            try:
                self._listener.disconnect()
            except Exception:  # already broken
                pass
        self._listener = None
        self._retry_at = time.monotonic() + 1.0

    # --- entries ------------------------------------------------------------------------------

    def get(self, key: str) -> Any:
        with self._lock:
            if not self.coherent():
                return None
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry[0] <= time.time():
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return entry[1]

    def token(self) -> int:
        """Take before reading Redis, give to :meth:`put`."""
        return self._invalidations

    def put(self, key: str, value: Any, expires: float, token: int) -> None:
        """Keep ``value`` (read from Redis after :meth:`token` gave ``token``) until ``expires``;
        a change to the key that Redis reports from now on removes it. If any change was seen
        since the token — it may have been this key's, drained before this read arrived — the
        value is not kept (concurrent readers on PostgreSQL kept a stale page that way)."""
        with self._lock:
            if self._listener is None or self._pid != os.getpid() or expires <= time.time() \
                    or token != self._invalidations or time.monotonic() - self._alive_as_of >= HEARTBEAT_SECONDS:
                return  # not tracked, or possibly older than an invalidation already seen
            self._entries[key] = (expires, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)

    def discard(self, keys: Iterable[str]) -> None:
        with self._lock:
            self._invalidations += 1
            for key in keys:
                self._entries.pop(key, None)

    def __len__(self) -> int:
        return len(self._entries)
