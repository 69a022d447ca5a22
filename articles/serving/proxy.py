"""Purging a reverse proxy in front of the site (Varnish: ``deploy/varnish.vcl``).

Anonymous article pages carry ``Cache-Control: public, max-age=0, s-maxage=ARTICLE_CACHE_SECONDS``
so a shared cache may keep them; every invalidation (after the commit) also sends
``PURGE <path>`` to each URL in ``PROXY_PURGE_URLS``.

Decision (issue 26): purges used to go one after another with a 1 s timeout each, so a hung proxy
delayed an 80-page glossary purge by 79 s — for the healthy proxies too. Now each proxy gets its
own background sender that sends its paths ``PURGE_PARALLEL`` at a time, and gives up on the rest
of the batch once ``PURGE_PARALLEL`` of them failed — a whole wave, so a hung proxy costs one
timeout and a single slow answer does not lose the batch (one warning with the counts); the
editor's request waits at most ``PURGE_WAIT_SECONDS`` in all, so the next reader normally finds
the proxy purged and a dead one costs a second, never the save. Credentials in a proxy URL
(``http://user:secret@varnish:6081``) are sent as HTTP basic authentication and never logged.
A ``concurrent.futures`` pool rather than an async client: the standard library is enough for
a few dozen short requests, and the site is synchronous.
"""
from __future__ import annotations

import base64
import logging
import threading
import urllib.request
from concurrent.futures import ThreadPoolExecutor, wait
from typing import Iterable
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from django.conf import settings

logger = logging.getLogger("articles.serving")

PURGE_WAIT_SECONDS = 1.0
PURGE_TIMEOUT_SECONDS = 1.0
PURGE_PARALLEL = 8


def redacted(url: str) -> str:
    """``url`` without the user name and password (for logs)."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"[{host}]" if ":" in host else host
    if parts.port is not None:
        netloc += f":{parts.port}"
    return urlunsplit(parts._replace(netloc=netloc))


def purge(paths: Iterable[str]) -> None:
    paths = sorted(set(paths))
    bases = list(settings.PROXY_PURGE_URLS)
    if not paths or not bases:
        return
    senders = [threading.Thread(target=_purge_proxy, args=(base, paths), daemon=True, name="proxy-purge")
               for base in bases]
    for sender in senders:
        sender.start()
    for sender in senders:  # PURGE_WAIT_SECONDS in all, not per proxy
        sender.join(PURGE_WAIT_SECONDS / len(senders))


def _purge_proxy(base: str, paths: list[str]) -> None:
    parts = urlsplit(base.rstrip("/"))
    headers = {}
    if parts.username is not None:
        credentials = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
        headers["Authorization"] = "Basic " + base64.b64encode(credentials.encode()).decode()
    origin = urlsplit(redacted(base.rstrip("/")))
    lock = threading.Lock()
    failures: list[str] = []  # "url: error", credentials never included
    skipped = []

    def send(path: str) -> None:
        if len(failures) >= PURGE_PARALLEL:
            skipped.append(path)
            return
        url = urlunsplit(origin._replace(path=origin.path + quote(path, safe="/%")))
        try:
            urllib.request.urlopen(urllib.request.Request(url, method="PURGE", headers=headers),
                                   timeout=PURGE_TIMEOUT_SECONDS).close()
        except Exception as error:  # a dead proxy is logged, never raised
            with lock:
                failures.append(f"{url}: {error}")

    with ThreadPoolExecutor(max_workers=min(PURGE_PARALLEL, len(paths)), thread_name_prefix="proxy-purge") as pool:
        wait([pool.submit(send, path) for path in paths])
    if failures:
        logger.warning("proxy purge failed for %s: %d of %d paths not purged (first: %s)", urlunsplit(origin),
                       len(failures) + len(skipped), len(paths), failures[0])
