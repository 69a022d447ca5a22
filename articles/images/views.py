"""Public image pages and, in development, the media files themselves.

Production serves ``MEDIA_URL`` from the reverse proxy (or the object store) — see README,
"Images and media" — with the same headers :func:`serve_media` sets: the right ``Content-Type``,
``nosniff`` and a year-long immutable cache lifetime, safe because stored names carry the
content's hash. ``SERVE_MEDIA`` (default: on when ``DEBUG``) lets Django serve them instead.
"""
from __future__ import annotations

import mimetypes
import posixpath

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from articles.collation import sort_by_title
from articles.models import Article
from articles.scripts import current_script
from articles.rendering import RenderContext, render_inline
from articles.views import alternates_for, can_edit

from .markup import canonical_name
from .models import Image

mimetypes.add_type("image/webp", ".webp")
MEDIA_CACHE_CONTROL = "public, max-age=31536000, immutable"


@require_safe
def image_detail(request: HttpRequest, name: str) -> HttpResponse:
    """The full-size image with its caption, credit, licence and the published articles using it."""
    image = Image.objects.filter(name=canonical_name(name)).first()
    if image is None or (not image.has_file and not can_edit(request)):
        raise Http404("No such image")
    articles = image.articles.all() if can_edit(request) else image.articles.all() & Article.objects.published()
    return render(request, "articles/image_detail.html", {
        "image": image,
        "file_url": default_storage.url(image.file.name) if image.has_file else "",
        "articles": sort_by_title(articles.only("title_zh_hans", "title_zh_hant", "slug_zh_hans", "slug_zh_hant"), "title"),
        "caption_html": render_inline(image.caption or "", RenderContext(script=current_script(), links={})),
        "alternates": alternates_for(image),
        "can_edit": can_edit(request),
    })


@require_safe
def serve_media(request: HttpRequest, path: str) -> HttpResponse:
    """A stored file through the storage API (development, or ``SERVE_MEDIA=1``)."""
    if not settings.SERVE_MEDIA:
        raise Http404("Media are served by the reverse proxy")
    path = posixpath.normpath(path).lstrip("/")
    if path.startswith("..") or not default_storage.exists(path):
        raise Http404("No such file")
    content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
    try:
        opened = default_storage.open(path, "rb")
    except OSError:  # a directory (exists() says yes to one) or a file that went meanwhile
        raise Http404("No such file") from None
    response = FileResponse(opened, content_type=content_type)
    response["Cache-Control"] = MEDIA_CACHE_CONTROL
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
