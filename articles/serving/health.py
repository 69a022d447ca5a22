"""Endpoints for load balancers and crawlers, answered without templates or sessions.

``/healthz``: the process is alive (no database or cache asked — a database outage must not get
every app server taken out of rotation). ``/readyz``: the database and the cache answer; 503 with
what is missing otherwise. ``/robots.txt``: crawl everything public, not the admin; names the
sitemap.
"""
from __future__ import annotations

import json

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .. import site_address
from . import cache as resilient


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok\n", content_type="text/plain")


def _database_ready() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except DatabaseError:
        return False


def _cache_ready() -> bool:
    cache.set("readyz", "1", 10)
    return cache.get("readyz") == "1" and not resilient.is_down()


@never_cache
@require_safe
def readyz(request: HttpRequest) -> HttpResponse:
    checks = {"database": _database_ready(), "cache": _cache_ready()}
    body = json.dumps({name: "ok" if ok else "unavailable" for name, ok in checks.items()})
    return HttpResponse(body + "\n", status=200 if all(checks.values()) else 503, content_type="application/json")


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    site = site_address.site_url(request)
    lines = ["User-agent: *", "Disallow: /admin/", "Allow: /", f"Sitemap: {site}/sitemap.xml", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain")
