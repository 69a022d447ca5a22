"""Purging a reverse proxy in front of the site (Varnish: ``deploy/varnish.vcl``).

Anonymous article pages carry ``Cache-Control: public, max-age=0, s-maxage=ARTICLE_CACHE_SECONDS``
so a shared cache may keep them; every invalidation (after the commit) also sends
``PURGE <path>`` to each URL in ``PROXY_PURGE_URLS``. A background thread sends them; the editor's
request waits at most ``PURGE_WAIT_SECONDS`` so the next reader normally finds the proxy purged,
and a hung or dead proxy costs a second and a logged warning, never the save.
"""
from __future__ import annotations

import logging
import threading
import urllib.request
from typing import Iterable
from urllib.parse import quote, urlsplit, urlunsplit

from django.conf import settings

logger = logging.getLogger("articles.serving")

PURGE_WAIT_SECONDS = 1.0


def purge(paths: Iterable[str]) -> None:
    targets = [base.rstrip("/") + path for base in settings.PROXY_PURGE_URLS for path in paths]
    if targets:
        sender = threading.Thread(target=_send_purges, args=(targets,), daemon=True)
        sender.start()
        sender.join(PURGE_WAIT_SECONDS)


def _send_purges(urls: list[str]) -> None:
    for url in urls:
        parts = urlsplit(url)
        request = urllib.request.Request(urlunsplit(parts._replace(path=quote(parts.path, safe="/%"))),
                                         method="PURGE")
        try:
            urllib.request.urlopen(request, timeout=1.0).close()
        except Exception as error:  # a dead proxy is logged, never raised
            logger.warning("proxy purge failed for %s: %s", url, error)
