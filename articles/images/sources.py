"""Files for images that have none yet: from a folder (``import_wiki --media DIR``) or downloaded
from a URL template (``fetch_media``; Wikimedia Commons' ``Special:FilePath/{name}`` by default).

Downloads use the standard library's ``urllib`` (one GET per image, a redirect or two): bounded by
a timeout, refused early on a ``Content-Length`` or ``Content-Type`` that cannot be an accepted
image, read in chunks and cut off past the size limit, then put through the same Pillow checks as
an upload (:mod:`articles.images.processing`).
"""
from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable
from urllib.parse import quote

from django.conf import settings
from django.utils.translation import gettext as _

from . import processing
from .markup import canonical_name
from .models import Image

ACCEPTED_TYPES = {"image/jpeg", "image/png", "image/gif", "image/webp"}
USER_AGENT = "treatysite-fetch-media/1 (encyclopedia image import)"
CHUNK = 64 * 1024


class FetchFailed(Exception):
    """A download that gave no usable image; the message says why."""


@dataclass
class Outcome:
    attached: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (image name, reason)


def files_by_name(folder: Path) -> dict[str, Path]:
    """The files under ``folder`` by canonical image name (``405px-X.jpg`` counts as ``X.jpg``)."""
    return {canonical_name(path.name): path for path in sorted(folder.rglob("*")) if path.is_file()}


def attach_from_folder(folder: Path, images: Iterable[Image] | None = None) -> Outcome:
    """Give each image without a file the file of the same name in ``folder``, if there is one."""
    outcome = Outcome()
    available = files_by_name(folder)
    for image in images if images is not None else Image.objects.without_file():
        path = available.get(image.name)
        if path is None or image.has_file:
            continue
        try:
            image.attach(path.read_bytes())
        except processing.ImageRejected as error:
            outcome.failed.append((image.name, " ".join(error.messages)))
        else:
            outcome.attached.append(image.name)
    return outcome


def download(url: str, *, timeout: float, max_bytes: int) -> bytes:
    """The body at ``url`` if it looks like an accepted image no larger than ``max_bytes``."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": ", ".join(sorted(ACCEPTED_TYPES))})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 — http(s) template
            content_type = (response.headers.get_content_type() or "").lower()
            if content_type not in ACCEPTED_TYPES:
                raise FetchFailed(_("不是可接受的图片类型：%(type)s") % {"type": content_type})
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise FetchFailed(_("文件太大：%(size)s 字节") % {"size": f"{int(length):,}"})
            chunks, size = [], 0
            while chunk := response.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise FetchFailed(_("文件太大：超过 %(size)s 字节") % {"size": f"{max_bytes:,}"})
                chunks.append(chunk)
            return b"".join(chunks)
    except urllib.error.HTTPError as error:
        raise FetchFailed(f"HTTP {error.code}") from error
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise FetchFailed(str(getattr(error, "reason", error))) from error


def url_for(template: str, name: str) -> str:
    return template.format(name=quote(name, safe=""))


def fetch_missing(
    images: Iterable[Image], *, template: str | None = None, timeout: float = 30.0, max_bytes: int | None = None,
    progress: Callable[[Image, str | None], None] = lambda image, error: None,
) -> Outcome:
    """Download and attach a file for each image; ``progress(image, error_or_None)`` after each."""
    template = template or settings.MEDIA_FETCH_URL
    max_bytes = max_bytes or processing.max_bytes()
    outcome = Outcome()
    for image in images:
        url = url_for(template, image.name)
        try:
            data = download(url, timeout=timeout, max_bytes=max_bytes)
            if not image.source_url:
                image.source_url = url
            image.attach(data)
        except (FetchFailed, processing.ImageRejected) as error:
            reason = " ".join(error.messages) if isinstance(error, processing.ImageRejected) else str(error)
            outcome.failed.append((image.name, reason))
            progress(image, reason)
        else:
            outcome.attached.append(image.name)
            progress(image, None)
    return outcome
