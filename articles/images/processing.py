"""Decoding, checking and resizing uploads with Pillow; renditions are made once, at upload.

Pillow is the maintained imaging library for Python (decoders fuzzed upstream, a built-in
decompression-bomb guard, ``ImageOps.exif_transpose``); nothing here parses image bytes by hand
except the end-of-file checks below, which Pillow does not do.

What an upload must survive before anything is stored (each refusal says why, in the editor's
language):

* size: at most ``IMAGE_MAX_BYTES`` bytes; pixels: at most ``IMAGE_MAX_PIXELS`` (read from the header,
  before decoding — a 30000×30000 PNG is a few hundred kB on disk and 2.7 GB in memory);
* format: JPEG, PNG, GIF or WebP as Pillow identifies it; SVG and any markup are refused (an SVG can
  carry script; sanitising it would be a second parser to trust);
* polyglots: HTML/script markers anywhere in the bytes, or data after the image's own end marker, are
  refused — and we never serve the uploaded bytes anyway: the stored "full size" file is re-encoded;
* truncated or corrupt files: a full decode must succeed (``LOAD_TRUNCATED_IMAGES`` stays off).

Stored files: the full-size image re-encoded in its own format (GIF becomes PNG; first frame only)
and renditions 320/640/1280 px wide (never wider than the original) in WebP and in that format,
EXIF orientation applied and all metadata (EXIF with GPS, XMP, comments) dropped. Names are
``images/<hash[:2]>/<hash[:16]>/<width>.<ext>``: content-addressed, so URLs can be cached forever and
the same upload twice is stored once.
"""
from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext_lazy as _
from PIL import Image as PILImage
from PIL import ImageOps, UnidentifiedImageError

RENDITION_WIDTHS = (320, 640, 1280)
# Pillow format → (stored format of the full size and fallback renditions, file extension).
STORED_FORMATS = {"JPEG": ("jpeg", "jpg"), "PNG": ("png", "png"), "GIF": ("png", "png"), "WEBP": ("webp", "webp")}
EXTENSIONS = {"jpeg": "jpg", "png": "png", "webp": "webp"}
CONTENT_TYPES = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
_MARKUP_MARKERS = (b"<script", b"<html", b"<svg", b"<?php", b"<iframe", b"<!doctype", b"<body", b"<object",
                   b"<embed", b"javascript:", b"<?xml")

# Pillow's own bomb guard (a warning past the limit, an error past twice it) backs up our check.
PILImage.MAX_IMAGE_PIXELS = getattr(settings, "IMAGE_MAX_PIXELS", 40_000_000)


class ImageRejected(ValidationError):
    """An upload that is not stored; the message tells the editor why."""


@dataclass
class StoredImage:
    content_hash: str
    format: str
    width: int
    height: int
    full_name: str
    renditions: list[dict] = field(default_factory=list)


def max_bytes() -> int:
    return getattr(settings, "IMAGE_MAX_BYTES", 20 * 1024 * 1024)


def max_pixels() -> int:
    return getattr(settings, "IMAGE_MAX_PIXELS", 40_000_000)


def _check_bytes(data: bytes) -> None:
    if not data:
        raise ImageRejected(_("文件是空的。"), code="empty")
    if len(data) > max_bytes():
        raise ImageRejected(
            _("文件太大：最多 %(limit)s 字节。") % {"limit": f"{max_bytes():,}"}, code="too_large"
        )
    head = data[:512].lstrip().lower()
    if head.startswith(b"<") or b"<svg" in data[:4096].lower():
        raise ImageRejected(_("不接受 SVG 或 HTML 文件：请上传 JPEG、PNG、GIF 或 WebP 图片。"), code="markup")
    lowered = data.lower()
    if any(marker in lowered for marker in _MARKUP_MARKERS):
        raise ImageRejected(_("文件里藏有网页或脚本代码（多格式伪装文件），不能上传。"), code="polyglot")


def _image_end(data: bytes, fmt: str) -> int | None:
    """Offset just past the image's own end marker (None when the format has no usable one)."""
    if fmt == "PNG":
        at = data.rfind(b"IEND")
        return at + 8 if at >= 0 else None
    if fmt == "JPEG":
        at = data.rfind(b"\xff\xd9")
        return at + 2 if at >= 0 else None
    if fmt == "GIF":
        at = data.rstrip(b"\x00").rfind(b";")
        return at + 1 if at >= 0 else None
    return None


def decode(data: bytes) -> PILImage.Image:
    """The upload decoded and checked (see the module docstring), orientation applied."""
    _check_bytes(data)
    try:
        with PILImage.open(io.BytesIO(data)) as probe:
            fmt = probe.format
            width, height = probe.size
            if fmt not in STORED_FORMATS:
                raise ImageRejected(
                    _("不支持的图片格式 %(format)s：请上传 JPEG、PNG、GIF 或 WebP。") % {"format": fmt}, code="format"
                )
            if width * height > max_pixels():
                raise ImageRejected(
                    _("图片太大：%(width)s×%(height)s 像素，最多 %(limit)s 像素。")
                    % {"width": width, "height": height, "limit": f"{max_pixels():,}"},
                    code="too_many_pixels",
                )
            probe.verify()
        image = PILImage.open(io.BytesIO(data))
        image.load()
    except ImageRejected:
        raise
    except PILImage.DecompressionBombError as error:
        raise ImageRejected(_("图片像素太多（疑似解压炸弹）。"), code="too_many_pixels") from error
    except UnidentifiedImageError as error:
        raise ImageRejected(_("这不是图片文件：请上传 JPEG、PNG、GIF 或 WebP。"), code="not_image") from error
    except (OSError, SyntaxError, ValueError) as error:
        raise ImageRejected(_("图片文件已损坏或不完整：%(error)s") % {"error": error}, code="corrupt") from error
    end = _image_end(data, fmt)
    if end is not None and data[end:].strip(b"\x00\r\n "):
        raise ImageRejected(_("图片结尾之后还有别的数据（多格式伪装文件），不能上传。"), code="polyglot")
    image.format_name = fmt  # Pillow forgets .format after transposing
    transposed = ImageOps.exif_transpose(image)
    transposed.format_name = fmt
    return transposed


def _prepared(image: PILImage.Image, fmt: str) -> PILImage.Image:
    """Image in a mode ``fmt`` can store (JPEG has no alpha or palette)."""
    if fmt == "jpeg":
        return image if image.mode in ("RGB", "L") else image.convert("RGB")
    if image.mode not in ("RGB", "RGBA", "L", "LA", "P", "1", "I;16"):
        return image.convert("RGBA")
    if fmt == "webp" and image.mode not in ("RGB", "RGBA"):
        return image.convert("RGBA" if "A" in image.mode or "transparency" in image.info else "RGB")
    return image


def encode(image: PILImage.Image, fmt: str) -> bytes:
    """``image`` encoded as ``fmt`` with no metadata (no EXIF, XMP or comments are passed on)."""
    out = io.BytesIO()
    prepared = _prepared(image, fmt)
    icc = image.info.get("icc_profile")  # colour, not personal data: kept so colours stay right
    options: dict = {"icc_profile": icc} if icc else {}
    if fmt == "jpeg":
        prepared.save(out, "JPEG", quality=85, optimize=True, progressive=True, **options)
    elif fmt == "webp":
        prepared.save(out, "WEBP", quality=80, method=4, **options)
    else:
        prepared.save(out, "PNG", optimize=False, **options)
    return out.getvalue()


def _save(name: str, data: bytes) -> str:
    if default_storage.exists(name):  # content-addressed: the same bytes are already there
        return name
    return default_storage.save(name, ContentFile(data))


def store(data: bytes) -> StoredImage:
    """Check ``data``, write the full-size file and every rendition to storage; return what was stored."""
    image = decode(data)
    content_hash = hashlib.sha256(data).hexdigest()
    fmt, ext = STORED_FORMATS[image.format_name]
    folder = f"images/{content_hash[:2]}/{content_hash[:16]}"
    width, height = image.size
    full_name = _save(f"{folder}/full.{ext}", encode(image, fmt))
    renditions = []
    for target in sorted({min(w, width) for w in RENDITION_WIDTHS}):
        resized = image if target == width else image.resize(
            (target, max(1, round(height * target / width))), PILImage.Resampling.LANCZOS
        )
        for rendition_format in dict.fromkeys(("webp", fmt)):
            rendition_ext = EXTENSIONS[rendition_format]
            name = _save(f"{folder}/{target}.{rendition_ext}", encode(resized, rendition_format))
            renditions.append({"width": target, "height": resized.size[1], "format": rendition_format, "name": name})
    return StoredImage(content_hash, fmt, width, height, full_name, renditions)
