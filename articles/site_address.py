"""The site's absolute address: ``SITE_URL`` when configured, else the request's own.

Every absolute link a page, feed, sitemap or robots.txt carries comes from here. Pages are cached
for everyone, so with ``SITE_URL`` set nothing a client sends (Host, a port, X-Forwarded-Proto)
reaches them; without it (development) each cached page remembers the origin it was rendered for
and is served only to requests from that origin (``serving/pages.py``), so another Host cannot
poison the canonical links other readers get (issue 26).

Django's feeds and sitemaps build their links from ``get_current_site(request)`` and
``request.is_secure()``/``request.scheme`` (``django.contrib.sites`` is not installed):
:func:`as_site_request` hands them a request that answers those from ``SITE_URL``.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest


def request_origin(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}"


def site_url(request: HttpRequest) -> str:
    """``https://host`` without a trailing slash."""
    return settings.SITE_URL or request_origin(request)


class _SiteRequest:
    """``request`` with its host and scheme taken from ``SITE_URL``."""

    def __init__(self, request: HttpRequest, site: str) -> None:
        parts = urlsplit(site)
        self._request, self._host, self._scheme = request, parts.netloc, parts.scheme

    def get_host(self) -> str:
        return self._host

    def is_secure(self) -> bool:
        return self._scheme == "https"

    @property
    def scheme(self) -> str:
        return self._scheme

    def __getattr__(self, name: str):
        return getattr(self._request, name)


def as_site_request(request: HttpRequest):
    return _SiteRequest(request, settings.SITE_URL) if settings.SITE_URL else request
